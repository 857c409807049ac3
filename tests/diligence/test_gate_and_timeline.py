"""The "into pilot" stage gate (through the partner registry's stage move) and the timeline events."""

import pytest
from django.urls import reverse

from allies.core.errors import DomainError, ErrorCode
from allies.diligence import selectors, services
from allies.partners import gates
from allies.partners.models import StageChange
from allies.partners.services import partner_change_stage

pytestmark = pytest.mark.django_db


def move(actor, partner, override=False):
    return partner_change_stage(actor=actor, partner=partner, to_stage="pilot", reason="试点华东区", override=override)


def blocked(actor, partner) -> DomainError:
    with pytest.raises(DomainError) as caught:
        move(actor, partner)
    return caught.value


def test_the_rule_is_registered_for_pilot_with_its_text():
    [rule] = [g for g in gates.rules("pilot") if g.key == "diligence.pilot"]
    assert "尽职调查" in str(rule.rule) and "越过" in str(rule.rule)
    assert not [g for g in gates.rules("active") if g.key == "diligence.pilot"]


def test_move_to_pilot_is_blocked_without_a_concluded_case(manager, partner_a):
    error = blocked(manager, partner_a)
    assert error.code == ErrorCode.STAGE_BLOCKED
    assert "尚未进行尽职调查" in error.details["blocked_by"]
    services.case_open(actor=manager, partner=partner_a)
    assert "尽职调查尚未结束" in blocked(manager, partner_a).details["blocked_by"]
    partner_a.refresh_from_db()
    assert partner_a.stage == "prospect"
    assert not StageChange.objects.filter(partner=partner_a, to_stage="pilot").exists()


def test_move_to_pilot_is_blocked_after_a_no_go(manager, case, partner_a):
    services.case_conclude(actor=manager, case=case, verdict="no_go", summary="不合适")
    assert "最近一次尽职调查的结论为“不通过”" in blocked(manager, partner_a).details["blocked_by"]


@pytest.mark.parametrize("verdict", ["go", "go_with_conditions"])
def test_move_to_pilot_is_allowed_after_a_go(manager, case, partner_a, verdict):
    services.case_conclude(actor=manager, case=case, verdict=verdict, summary="可以合作", conditions="季度复核")
    change = move(manager, partner_a)
    partner_a.refresh_from_db()
    assert (partner_a.stage, change.to_stage, change.override) == ("pilot", "pilot", False)


def test_the_latest_conclusion_counts(manager, case, partner_a):
    services.case_conclude(actor=manager, case=case, verdict="go", summary="可以")
    second = services.case_open(actor=manager, partner=partner_a)
    services.case_conclude(actor=manager, case=second, verdict="no_go", summary="复查发现问题")
    assert blocked(manager, partner_a).code == ErrorCode.STAGE_BLOCKED


def test_override_moves_and_is_flagged(manager, partner_a):
    change = move(manager, partner_a, override=True)
    partner_a.refresh_from_db()
    assert (partner_a.stage, change.override, change.reason) == ("pilot", True, "试点华东区")


# --------------------------------------------------------------------------- selectors for other pages


def test_case_for_partner_prefers_the_open_case(manager, case, partner_a, partner_b):
    assert selectors.case_for_partner(partner_a) == case
    assert selectors.case_for_partner(partner_b) is None
    services.case_conclude(actor=manager, case=case, verdict="no_go", summary="否")
    assert selectors.case_for_partner(partner_a) == case
    second = services.case_open(actor=manager, partner=partner_a)
    assert selectors.case_for_partner(partner_a) == second


def test_events_for_partner_tell_the_story(manager, case, partner_a, partner_b, item_of):
    item = item_of("诉讼记录")
    services.item_update(actor=manager, item=item, data={"status": "concern", "risk_level": "high"})
    services.item_update(actor=manager, item=item, data={"finding": "只改发现，不是状态变化"})
    services.case_conclude(actor=manager, case=case, verdict="go_with_conditions", summary="可控",
                           conditions="一年内结案", override_reason="标的很小")
    events = sorted(selectors.events_for_partner(partner_a), key=lambda e: (e["at"], e["kind"]))
    assert [e["kind"] for e in events] == ["diligence_opened", "diligence_item", "diligence_concluded"]
    assert all(set(e) == {"at", "kind", "text", "url", "by"} and e["by"] == manager for e in events)
    opened, changed, concluded = events
    assert opened["url"] == reverse("diligence:detail", args=[case.pk])
    assert changed["text"] == "尽职调查检查项“诉讼记录”：待处理 → 存疑"
    assert changed["url"].endswith(f"#item-{item.pk}")
    assert "有条件通过" in concluded["text"] and "一年内结案" in concluded["text"] and "标的很小" in concluded["text"]
    assert selectors.events_for_partner(partner_b) == []


def test_case_list_counts_done_and_blocking_items(manager, case, item_of, viewer, partner_user):
    services.item_update(actor=manager, item=item_of("诉讼记录"), data={"status": "concern", "risk_level": "high"})
    services.item_update(actor=manager, item=item_of("知识产权"), data={"status": "passed", "risk_level": "high"})
    [row] = selectors.case_list(user=viewer)
    assert (row.item_count, row.done_count, row.blocking_count) == (11, 2, 1)
    assert list(selectors.case_list(user=partner_user)) == []
    assert list(selectors.case_list(user=viewer, status="concluded")) == []
