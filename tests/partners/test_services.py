"""Partner registry services: create, update, stage moves, contacts, roles and the audit trail."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.partners import services
from allies.partners.models import Contact, Partner, StageChange

from .sheets import BAD_CHECK_DIGIT, USCC_1

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


# --------------------------------------------------------------------------- create


def test_create_records_the_first_stage_change(manager):
    start = timezone.now()
    partner = services.partner_create(actor=manager, data={"name": " 星火科技 ", "source_channel": "客户与供应商推荐",
                                                           "resources": "技术、渠道"})
    partner.refresh_from_db()
    assert (partner.name, partner.stage, partner.owner) == ("星火科技", "prospect", manager)
    assert (partner.source_channel, partner.resources) == ("referral", ["technology", "channel"])
    [move] = StageChange.objects.filter(partner=partner)
    assert (move.from_stage, move.to_stage, move.changed_by) == ("", "prospect", manager)
    assert move.reason.strip()
    assert start - timedelta(seconds=1) <= move.changed_at <= timezone.now()


def test_create_with_initial_stage_and_owner(manager, admin_user):
    partner = services.partner_create(actor=manager, data={"name": "甲", "stage": "contacted"}, owner=admin_user)
    assert (partner.stage, partner.owner) == ("contacted", admin_user)
    assert StageChange.objects.get(partner=partner).to_stage == "contacted"


def test_create_normalises_full_width_uscc(manager):
    partner = services.partner_create(actor=manager, data={"name": "甲", "uscc": "９１３５０１００ｍ０００１００ｙ４３"})
    partner.refresh_from_db()
    assert partner.uscc == USCC_1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "甲", "uscc": BAD_CHECK_DIGIT}, "uscc"),
        ({"name": "甲", "stage": "negotiating"}, "stage"),
        ({"name": "甲", "website": "not a url"}, "website"),
        ({"name": "甲", "resources": ["technology", "rockets"]}, "resources"),
        ({"name": "x" * 201}, "name"),
        ({"name": "甲", "website": "https://example.com/" + "a" * 190}, "website"),  # Partner.website max_length 200
    ],
)
def test_create_rejects_bad_fields(manager, data, field):
    error = refused(services.partner_create, actor=manager, data=data)
    assert error.code == ErrorCode.VALIDATION
    assert [e["field"] for e in error.details["errors"]] == [field]
    assert Partner.objects.count() == 0
    assert StageChange.objects.count() == 0


def test_create_rejects_duplicate_name_and_uscc(manager, partner_a):
    Partner.objects.filter(pk=partner_a.pk).update(uscc=USCC_1)
    error = refused(services.partner_create, actor=manager, data={"name": "伙伴A", "uscc": USCC_1})
    assert error.code == ErrorCode.VALIDATION
    assert {e["field"] for e in error.details["errors"]} == {"name", "uscc"}
    assert Partner.objects.count() == 1


# --------------------------------------------------------------------------- update


def test_update_changes_fields_but_not_stage(manager, partner_a):
    services.partner_update(actor=manager, partner=partner_a, data={"industry": "工业软件", "size": "小型（10-99人）"})
    partner_a.refresh_from_db()
    assert (partner_a.industry, partner_a.size, partner_a.name) == ("工业软件", "small", "伙伴A")
    error = refused(services.partner_update, actor=manager, partner=partner_a, data={"stage": "active"})
    assert error.code == ErrorCode.VALIDATION
    assert "stage" in error.message
    partner_a.refresh_from_db()
    assert partner_a.stage == "prospect"


def test_update_rejects_duplicate_name(manager, partner_a, partner_b):
    error = refused(services.partner_update, actor=manager, partner=partner_b, data={"name": "伙伴A"})
    assert error.code == ErrorCode.VALIDATION
    assert error.details["errors"][0]["field"] == "name"
    assert error.details["errors"][0]["value"] == "伙伴A"
    partner_b.refresh_from_db()
    assert partner_b.name == "伙伴B"


def test_update_keeping_own_name_is_allowed(manager, partner_a):
    services.partner_update(actor=manager, partner=partner_a, data={"name": "伙伴A", "region": "苏州"})
    partner_a.refresh_from_db()
    assert partner_a.region == "苏州"


def test_update_from_a_stale_instance_keeps_the_stored_stage(manager, partner_a):
    stale = Partner.objects.get(pk=partner_a.pk)
    services.partner_change_stage(actor=manager, partner=partner_a, to_stage="due_diligence", reason="开始尽调")
    services.partner_update(actor=manager, partner=stale, data={"industry": "工业软件"})
    stored = Partner.objects.get(pk=partner_a.pk)
    assert (stored.stage, stored.industry) == ("due_diligence", "工业软件")


def test_update_is_audited_with_changes_and_actor(manager, partner_a):
    with acting_as(manager):
        services.partner_update(actor=manager, partner=partner_a, data={"industry": "工业软件"})
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Partner), object_pk=str(partner_a.pk),
        action=LogEntry.Action.UPDATE,
    ).latest("pk")
    assert entry.actor == manager
    assert entry.changes_dict["industry"] == ["智能硬件", "工业软件"]
    assert "name" not in entry.changes_dict


def test_stage_change_is_audited_with_actor(manager, partner_a):
    with acting_as(manager):
        services.partner_change_stage(actor=manager, partner=partner_a, to_stage="contacted", reason="电话沟通")
    entry = LogEntry.objects.filter(object_pk=str(partner_a.pk), action=LogEntry.Action.UPDATE,
                                    content_type=ContentType.objects.get_for_model(Partner)).latest("pk")
    assert entry.actor == manager
    assert entry.changes_dict["stage"] == ["prospect", "contacted"]


# --------------------------------------------------------------------------- stage moves


def test_change_stage_records_who_when_why(manager, partner_a):
    start = timezone.now()
    change = services.partner_change_stage(actor=manager, partner=partner_a, to_stage="due_diligence",
                                           reason="  通过初筛  ")
    stored = StageChange.objects.get(pk=change.pk)
    assert (stored.from_stage, stored.to_stage) == ("prospect", "due_diligence")
    assert stored.changed_by == manager
    assert stored.reason == "通过初筛"
    assert start - timedelta(seconds=1) <= stored.changed_at <= timezone.now()
    assert partner_a.stage == "due_diligence"
    assert Partner.objects.get(pk=partner_a.pk).stage == "due_diligence"


def test_successive_moves_chain(manager, partner_a):
    services.partner_change_stage(actor=manager, partner=partner_a, to_stage="contacted", reason="a")
    services.partner_change_stage(actor=manager, partner=partner_a, to_stage="rejected", reason="b")
    pairs = list(StageChange.objects.filter(partner=partner_a).order_by("id").values_list("from_stage", "to_stage"))
    assert pairs == [("prospect", "contacted"), ("contacted", "rejected")]


@pytest.mark.parametrize(
    ("to_stage", "reason", "field"),
    [
        ("contacted", "", "reason"),
        ("contacted", "   ", "reason"),
        ("contacted", None, "reason"),
        ("prospect", "already there", "to_stage"),
        ("negotiating", "unknown stage", "to_stage"),
        ("初步接触", "a label is not a code", "to_stage"),
    ],
)
def test_change_stage_refusals(manager, partner_a, to_stage, reason, field):
    error = refused(services.partner_change_stage, actor=manager, partner=partner_a, to_stage=to_stage, reason=reason)
    assert error.code == ErrorCode.INVALID_STAGE_CHANGE
    assert error.details["field"] == field
    assert error.status == 422
    assert StageChange.objects.count() == 0
    assert Partner.objects.get(pk=partner_a.pk).stage == "prospect"


def test_change_stage_from_a_stale_instance_uses_the_stored_stage(manager, partner_a):
    stale = Partner.objects.get(pk=partner_a.pk)
    services.partner_change_stage(actor=manager, partner=partner_a, to_stage="contacted", reason="a")
    error = refused(services.partner_change_stage, actor=manager, partner=stale, to_stage="contacted", reason="b")
    assert error.code == ErrorCode.INVALID_STAGE_CHANGE
    assert error.details["field"] == "to_stage"
    change = services.partner_change_stage(actor=manager, partner=stale, to_stage="due_diligence", reason="c")
    assert (change.from_stage, change.to_stage) == ("contacted", "due_diligence")
    assert StageChange.objects.filter(partner=partner_a).count() == 2


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize("who", ["viewer", "partner_user"])
def test_read_only_and_partner_users_cannot_write(request, partner_a, who):
    actor = request.getfixturevalue(who)
    calls = [
        (services.partner_create, {"data": {"name": "新伙伴"}}),
        (services.partner_update, {"partner": partner_a, "data": {"industry": "x"}}),
        (services.partner_change_stage, {"partner": partner_a, "to_stage": "contacted", "reason": "r"}),
        (services.contact_add, {"partner": partner_a, "name": "张三"}),
    ]
    for call, kwargs in calls:
        error = refused(call, actor=actor, **kwargs)
        assert error.code == ErrorCode.PERMISSION_DENIED, call.__name__
        assert error.status == 403
    partner_a.refresh_from_db()
    assert (partner_a.industry, partner_a.stage) == ("智能硬件", "prospect")
    assert Partner.objects.count() == 1
    assert StageChange.objects.count() == 0
    assert Contact.objects.count() == 0


def test_anonymous_and_inactive_users_cannot_write(manager, partner_a):
    from django.contrib.auth.models import AnonymousUser

    error = refused(services.partner_create, actor=AnonymousUser(), data={"name": "x"})
    assert error.code == ErrorCode.UNAUTHENTICATED
    manager.is_active = False
    manager.save()
    error = refused(services.partner_create, actor=manager, data={"name": "x"})
    assert error.code == ErrorCode.PERMISSION_DENIED
    assert Partner.objects.count() == 1


# --------------------------------------------------------------------------- contacts


def test_contacts_add_and_delete(manager, partner_a):
    contact = services.contact_add(actor=manager, partner=partner_a, name=" 张三 ", title="总监",
                                   email="zhang@example.com", phone="13800000000")
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.partner, stored.name, stored.title, stored.email) == (partner_a, "张三", "总监", "zhang@example.com")
    services.contact_delete(actor=manager, contact=stored)
    assert not Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize(("kwargs", "field"), [({"name": ""}, "name"), ({"name": "张三", "email": "nope"}, "email")])
def test_contact_validation(manager, partner_a, kwargs, field):
    error = refused(services.contact_add, actor=manager, partner=partner_a, **kwargs)
    assert error.code == ErrorCode.VALIDATION
    assert [e["field"] for e in error.details["errors"]] == [field]
    assert Contact.objects.count() == 0
