"""Agreement writes: versions on every edit, the status workflow, signing against completeness, IP register."""

import pytest

from allies.agreements import services
from allies.agreements.completeness import missing
from allies.agreements.models import Agreement, AgreementVersion, IpAsset, StatusChange
from allies.core.errors import DomainError, ErrorCode

from .conftest import sign

pytestmark = pytest.mark.django_db


def refused(fn, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        fn(**kwargs)
    return caught.value


def test_create_keeps_version_1_with_the_clauses(agreement, partner_a, manager):
    # given / when: the fixture created it
    # then
    assert agreement.status == "draft" and agreement.code.startswith("AL-")
    [version] = agreement.versions.all()
    assert (version.number, version.kind, version.created_by) == (1, "created", manager)
    assert version.snapshot["parties"][0]["partner"] == "伙伴A"
    assert version.snapshot["dispute_steps"][2] == {"method": "arbitration", "body": "上海国际仲裁中心", "days": None}
    assert missing(agreement) == []


def test_every_edit_of_a_draft_makes_a_numbered_version(agreement, manager):
    services.agreement_update(actor=manager, agreement=agreement, data={"goals": "第一年联合签约 40 家客户"})
    services.agreement_update(actor=manager, agreement=agreement, data={"notice_days": 60})
    services.agreement_update(actor=manager, agreement=agreement, data={"notice_days": 60})  # no change: no version
    numbers = list(agreement.versions.order_by("number").values_list("number", "kind"))
    assert numbers == [(1, "created"), (2, "edit"), (3, "edit")]
    assert agreement.versions.get(number=3).snapshot["notice_days"] == 60


def test_bad_input_names_every_field_and_writes_nothing(manager, partner_a):
    before = Agreement.objects.count()
    error = refused(services.agreement_create, actor=manager, data={
        "title": "", "start_date": "2026-05-01", "end_date": "2026-04-01", "currency": "yuan",
        "cooperation_models": ["joint_sales", "barter"],
        "parties": [{"partner_id": partner_a.pk}, {"partner_id": partner_a.pk}],
        "dispute_steps": [{"method": "arbitration", "body": ""}],
    })
    fields = {e["field"] for e in error.details["errors"]}
    assert fields == {"title", "end_date", "currency", "cooperation_models.1", "parties.1.partner_id",
                      "dispute_steps.0.body"}
    assert Agreement.objects.count() == before


def test_signing_is_refused_while_required_items_are_missing(make_agreement, partner_a, manager):
    agreement = make_agreement(partner_a, termination_conditions="", dispute_steps=[{"method": "negotiation"}])
    IpAsset.objects.create(agreement=agreement, name="联合品牌标识", owner="")
    services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review")
    error = refused(services.agreement_transition, actor=manager, agreement=agreement, to_status="signed")
    assert error.code == ErrorCode.AGREEMENT_INCOMPLETE and error.status == 422
    keys = [m["key"] for m in error.details["missing"]]
    assert keys == ["agreements.ip_owner", "agreements.exit", "agreements.dispute"]
    assert "联合品牌标识" in error.message and "仲裁机构或管辖法院" in error.message
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_at) == ("in_review", None)
    assert not StatusChange.objects.filter(to_status="signed").exists()


def test_sign_records_who_when_and_a_signed_version(agreement, manager):
    sign(manager, agreement)
    agreement.refresh_from_db()
    assert agreement.status == "signed" and agreement.signed_by == manager and agreement.signed_at
    assert [c.to_status for c in agreement.status_changes.order_by("id")] == ["in_review", "signed"]
    assert agreement.versions.order_by("-number").first().kind == "signed"


def test_a_signed_agreement_changes_only_by_an_amendment_with_a_reason(agreement, manager):
    sign(manager, agreement)
    error = refused(services.agreement_update, actor=manager, agreement=agreement, data={"notice_days": 30})
    assert error.details["errors"][0]["field"] == "reason"
    services.agreement_update(actor=manager, agreement=agreement, data={"notice_days": 30}, reason="补充协议一")
    latest = agreement.versions.order_by("-number").first()
    assert (latest.kind, latest.note, latest.snapshot["notice_days"]) == ("amendment", "补充协议一", 30)


def test_an_amendment_may_not_make_a_signed_agreement_incomplete(agreement, manager):
    sign(manager, agreement)
    versions = AgreementVersion.objects.count()
    error = refused(services.agreement_update, actor=manager, agreement=agreement,
                    data={"termination_conditions": ""}, reason="删除终止条件")
    assert error.code == ErrorCode.AGREEMENT_INCOMPLETE
    agreement.refresh_from_db()
    assert agreement.termination_conditions and AgreementVersion.objects.count() == versions


@pytest.mark.parametrize(("path", "to_status"), [([], "signed"), ([], "expired"), (["in_review"], "terminated"),
                                                  (["in_review", "signed", "expired"], "signed")])
def test_moves_outside_the_workflow_are_conflicts(agreement, manager, path, to_status):
    for step in path:
        services.agreement_transition(actor=manager, agreement=agreement, to_status=step)
    error = refused(services.agreement_transition, actor=manager, agreement=agreement, to_status=to_status)
    assert error.code == ErrorCode.CONFLICT


def test_terminating_needs_a_reason_and_closes_the_agreement(agreement, manager):
    sign(manager, agreement)
    assert refused(services.agreement_transition, actor=manager, agreement=agreement,
                   to_status="terminated").details["errors"][0]["field"] == "reason"
    services.agreement_transition(actor=manager, agreement=agreement, to_status="terminated", reason="对方严重违约")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.status_reason, agreement.status_changed_by) == (
        "terminated", "对方严重违约", manager)
    assert refused(services.agreement_update, actor=manager, agreement=agreement, data={"goals": "x"},
                   reason="r").code == ErrorCode.CONFLICT


def test_ip_register_validates_owner_and_usage(agreement, partner_a, partner_b, manager):
    asset = services.ip_asset_add(actor=manager, agreement=agreement, data={
        "name": "客户画像模型", "kind": "software", "owner": "partner", "owner_partner_id": partner_a.pk,
        "usage": {"us": "non_exclusive", str(partner_a.pk): "full"}, "confidentiality": "secret"})
    assert asset.owner_partner == partner_a and asset.usage == {"us": "non_exclusive", str(partner_a.pk): "full"}
    error = refused(services.ip_asset_add, actor=manager, agreement=agreement, data={
        "name": "x", "owner": "partner", "owner_partner_id": partner_b.pk, "usage": {str(partner_b.pk): "full"}})
    assert {e["field"] for e in error.details["errors"]} == {"owner_partner_id", f"usage.{partner_b.pk}"}
    assert agreement.versions.count() == 2  # created + the asset


def test_viewer_and_partner_users_cannot_write(agreement, viewer, partner_user):
    for user in (viewer, partner_user):
        assert refused(services.agreement_update, actor=user, agreement=agreement,
                       data={"goals": "x"}).code == ErrorCode.PERMISSION_DENIED


def test_only_unsigned_agreements_can_be_deleted(agreement, make_agreement, partner_a, manager):
    sign(manager, agreement)
    assert refused(services.agreement_delete, actor=manager, agreement=agreement).code == ErrorCode.CONFLICT
    draft = make_agreement(partner_a)
    services.agreement_delete(actor=manager, agreement=draft)
    assert not Agreement.objects.filter(pk=draft.pk).exists()
