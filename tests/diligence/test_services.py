"""Due-diligence services: opening a case from the templates, items, conclusions and the read-only rule."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from allies.core.errors import DomainError, ErrorCode
from allies.diligence import services
from allies.diligence.models import Case, ChecklistTemplate, FinancialYear, Item, ItemStatusChange

pytestmark = pytest.mark.django_db

SPEC_CHECKLIST = {
    "financial": ["财务报表审阅", "现金流与负债"],
    "legal": ["公司注册信息", "知识产权", "重大合同", "诉讼记录"],
    "market": ["客户访谈", "行业报告", "市场地位与口碑"],
    "technical": ["技术实力", "技术知识产权状况"],
}


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def concern(item, actor, risk="high", status="concern"):
    return services.item_update(actor=actor, item=item, data={"risk_level": risk, "status": status,
                                                             "finding": "存在未决诉讼"})


# --------------------------------------------------------------------------- templates and opening


def test_default_checklist_is_installed_from_the_spec(db):
    installed = {}
    for t in ChecklistTemplate.objects.order_by("area", "position"):
        installed.setdefault(t.area, []).append(t.title)
        assert t.active and t.guidance
    assert installed == SPEC_CHECKLIST


def test_open_case_copies_the_active_templates(manager, partner_a):
    # given: one template switched off and one added
    ChecklistTemplate.objects.filter(title="行业报告").update(active=False)
    services.template_create(actor=manager, area="legal", title="反垄断申报", guidance="是否需要经营者集中申报")
    # when
    case = services.case_open(actor=manager, partner=partner_a)
    # then
    copied = {}
    for item in case.items.order_by("area", "position", "id"):
        copied.setdefault(item.area, []).append(item.title)
        assert (item.status, item.risk_level, item.finding, item.owner) == ("open", "medium", "", None)
    expected = {**SPEC_CHECKLIST, "legal": [*SPEC_CHECKLIST["legal"], "反垄断申报"],
                "market": ["客户访谈", "市场地位与口碑"]}
    assert copied == expected
    assert case.items.get(title="反垄断申报").guidance == "是否需要经营者集中申报"
    assert (case.status, case.opened_by, case.verdict) == ("open", manager, "")


def test_later_template_changes_leave_open_cases_alone(manager, case):
    template = ChecklistTemplate.objects.get(title="知识产权")
    services.template_update(actor=manager, template=template, data={"title": "知识产权与商标"})
    services.template_delete(actor=manager, template=ChecklistTemplate.objects.get(title="诉讼记录"))
    titles = set(case.items.values_list("title", flat=True))
    assert {"知识产权", "诉讼记录"} <= titles
    assert "知识产权与商标" not in titles


def test_one_open_case_per_partner(manager, case, partner_a, partner_b):
    error = refused(services.case_open, actor=manager, partner=partner_a)
    assert error.code == ErrorCode.CONFLICT
    assert "伙伴A" in error.message
    assert Case.objects.filter(partner=partner_a).count() == 1
    assert services.case_open(actor=manager, partner=partner_b).partner == partner_b


def test_viewer_and_partner_user_cannot_open_or_edit(viewer, partner_user, partner_a, case, item_of):
    for actor in (viewer, partner_user):
        assert refused(services.case_open, actor=actor, partner=partner_a).code == ErrorCode.PERMISSION_DENIED
        assert refused(services.item_update, actor=actor, item=item_of("诉讼记录"),
                       data={"status": "passed"}).code == ErrorCode.PERMISSION_DENIED
    assert Item.objects.filter(status="passed").count() == 0


def test_template_needs_a_known_area_and_a_title(manager):
    for area, title, field in (("hr", "x", "area"), ("legal", " ", "title")):
        error = refused(services.template_create, actor=manager, area=area, title=title)
        assert error.details["errors"][0]["field"] == field
    assert ChecklistTemplate.objects.count() == 11


# --------------------------------------------------------------------------- items


def test_item_update_records_the_change_and_its_status_history(manager, admin_user, item_of):
    item = item_of("诉讼记录")
    due = timezone.localdate() + timedelta(days=14)
    updated = services.item_update(actor=manager, item=item, data={
        "status": "in_progress", "risk_level": "high", "finding": "  两起合同纠纷  ", "owner_id": admin_user.pk,
        "due_date": due.isoformat()})
    updated.refresh_from_db()
    assert (updated.status, updated.risk_level, updated.finding, updated.owner, updated.due_date) == (
        "in_progress", "high", "两起合同纠纷", admin_user, due)
    services.item_update(actor=manager, item=updated, data={"finding": "两起合同纠纷，已和解"})
    services.item_update(actor=manager, item=updated, data={"status": "passed"})
    history = list(ItemStatusChange.objects.filter(item=item).order_by("id").values_list("from_status", "to_status"))
    assert history == [("open", "in_progress"), ("in_progress", "passed")]
    assert LogEntry.objects.get_for_object(item).filter(actor=manager, action=LogEntry.Action.UPDATE).count() == 3


@pytest.mark.parametrize(("data", "field", "code"), [
    ({"status": "done"}, "status", ErrorCode.VALIDATION),
    ({"risk_level": "extreme"}, "risk_level", ErrorCode.VALIDATION),
    ({"due_date": "2025-02-30"}, "due_date", ErrorCode.VALIDATION),
    ({"due_date": "2000-01-01"}, "due_date", ErrorCode.INVALID_DATES),
    ({"title": ""}, "title", ErrorCode.VALIDATION),
    ({"position": -1}, "position", ErrorCode.VALIDATION),
])
def test_item_update_refuses_bad_values(manager, item_of, data, field, code):
    item = item_of("诉讼记录")
    error = refused(services.item_update, actor=manager, item=item, data=data)
    assert (error.code, error.details["errors"][0]["field"]) == (code, field)
    item.refresh_from_db()
    assert (item.status, item.risk_level, item.due_date, item.title) == ("open", "medium", None, "诉讼记录")


def test_item_owner_must_be_internal(manager, partner_user, item_of):
    error = refused(services.item_update, actor=manager, item=item_of("诉讼记录"), data={"owner_id": partner_user.pk})
    assert error.details["errors"][0]["field"] == "owner_id"
    assert item_of("诉讼记录").owner is None


def test_items_can_be_added_and_removed_while_open(manager, case):
    added = services.item_add(actor=manager, case=case, data={"area": "technical", "title": "数据安全合规",
                                                              "risk_level": "high"})
    assert (added.area, added.position, added.status) == ("technical", 2, "open")  # after the two spec items
    services.item_delete(actor=manager, item=added)
    assert not Item.objects.filter(pk=added.pk).exists()
    assert refused(services.item_add, actor=manager, case=case, data={"area": "hr", "title": "x"}).details[
        "errors"][0]["field"] == "area"


# --------------------------------------------------------------------------- concluding


def test_go_is_blocked_by_an_open_high_risk_concern(manager, case, item_of):
    concern(item_of("诉讼记录"), manager)
    for verdict in ("go", "go_with_conditions"):
        error = refused(services.case_conclude, actor=manager, case=case, verdict=verdict, summary="总体良好",
                        conditions="补充材料")
        assert error.code == ErrorCode.VERDICT_BLOCKED
        assert "诉讼记录" in error.message
        assert [i["title"] for i in error.details["blocking_items"]] == ["诉讼记录"]
        assert error.details["overridable"] is True
    case.refresh_from_db()
    assert (case.status, case.verdict, case.summary) == ("open", "", "")


@pytest.mark.parametrize("status", ["open", "in_progress", "concern", "failed"])
def test_every_unpassed_status_of_a_high_risk_item_blocks(manager, case, item_of, status):
    concern(item_of("知识产权"), manager, status=status)
    assert refused(services.case_conclude, actor=manager, case=case, verdict="go",
                   summary="好").code == ErrorCode.VERDICT_BLOCKED


def test_passed_high_risk_and_unpassed_medium_risk_items_do_not_block(manager, case, item_of):
    concern(item_of("知识产权"), manager, status="passed")
    concern(item_of("重大合同"), manager, risk="medium", status="failed")
    concluded = services.case_conclude(actor=manager, case=case, verdict="go", summary="风险可控")
    assert (concluded.status, concluded.verdict, concluded.override_reason) == ("concluded", "go", "")


def test_override_reason_lets_a_go_through_and_is_recorded(manager, case, item_of):
    concern(item_of("诉讼记录"), manager)
    before = timezone.now()
    services.case_conclude(actor=manager, case=case, verdict="go_with_conditions", summary="诉讼金额小",
                           conditions="签约前和解", override_reason="  诉讼标的仅 5 万元，法务确认影响可控  ")
    case.refresh_from_db()
    assert (case.status, case.verdict, case.conditions) == ("concluded", "go_with_conditions", "签约前和解")
    assert case.override_reason == "诉讼标的仅 5 万元，法务确认影响可控"
    assert case.concluded_by == manager and case.concluded_at >= before
    assert LogEntry.objects.get_for_object(case).filter(actor=manager, changes__icontains="override_reason").exists()


def test_no_go_needs_no_override_and_keeps_no_reason(manager, case, item_of):
    concern(item_of("诉讼记录"), manager)
    services.case_conclude(actor=manager, case=case, verdict="no_go", summary="诉讼风险过高",
                           override_reason="不需要")
    case.refresh_from_db()
    assert (case.verdict, case.override_reason) == ("no_go", "")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"verdict": "go", "summary": "  "}, "summary"),
    ({"verdict": "go_with_conditions", "summary": "可以", "conditions": ""}, "conditions"),
    ({"verdict": "maybe", "summary": "可以"}, "verdict"),
])
def test_conclusion_needs_summary_conditions_and_a_known_verdict(manager, case, kwargs, field):
    error = refused(services.case_conclude, actor=manager, case=case, **kwargs)
    assert error.details["errors"][0]["field"] == field
    case.refresh_from_db()
    assert case.status == "open"


def test_a_concluded_case_is_read_only(manager, case, item_of):
    item = item_of("诉讼记录")
    services.case_conclude(actor=manager, case=case, verdict="no_go", summary="不合作")
    attempts = [
        (services.item_update, {"item": item, "data": {"status": "passed"}}),
        (services.item_add, {"case": case, "data": {"area": "legal", "title": "补充"}}),
        (services.item_delete, {"item": item}),
        (services.financial_year_add, {"case": case, "year": 2024, "revenue": 1, "profit": 1,
                                       "operating_cash_flow": 1, "debt_ratio": 1}),
        (services.case_conclude, {"case": case, "verdict": "go", "summary": "改主意了"}),
    ]
    for call, kwargs in attempts:
        error = refused(call, actor=manager, **kwargs)
        assert error.code == ErrorCode.CONFLICT, call.__name__
        assert "新开" in error.message
    item.refresh_from_db()
    case.refresh_from_db()
    assert (item.status, case.verdict, case.items.count()) == ("open", "no_go", 11)
    assert not FinancialYear.objects.exists()


def test_reopening_means_a_new_case(manager, case, partner_a):
    services.case_conclude(actor=manager, case=case, verdict="no_go", summary="暂缓")
    second = services.case_open(actor=manager, partner=partner_a)
    assert second.pk != case.pk and second.items.count() == 11
    assert list(Case.objects.filter(partner=partner_a).values_list("status", flat=True).order_by("id")) == [
        "concluded", "open"]
