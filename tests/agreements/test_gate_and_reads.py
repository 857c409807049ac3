"""The stage gate into active, clause texts, deadlines with auto-renewal, the diff's text lines,
and the completeness registry that later stages fill."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allies.agreements import completeness
from allies.agreements.selectors import clause_text, upcoming_deadlines
from allies.agreements.versions import diff, snapshot, text_lines
from allies.core.errors import DomainError, ErrorCode
from allies.partners import gates
from allies.partners.services import partner_change_stage

from .conftest import sign

pytestmark = pytest.mark.django_db


def test_the_gate_keeps_a_partner_out_of_active_until_an_agreement_is_signed(agreement, partner_a, manager):
    assert [g.key for g in gates.rules("active")] == ["agreements.active"]
    with pytest.raises(DomainError) as caught:
        partner_change_stage(actor=manager, partner=partner_a, to_stage="active", reason="签约")
    assert caught.value.code == ErrorCode.STAGE_BLOCKED and "尚无已签署的联盟协议" in caught.value.message
    override = partner_change_stage(actor=manager, partner=partner_a, to_stage="active", reason="先行合作，协议补签",
                                    override=True)
    assert override.override is True
    partner_change_stage(actor=manager, partner=partner_a, to_stage="paused", reason="暂停")
    sign(manager, agreement)
    move = partner_change_stage(actor=manager, partner=partner_a, to_stage="active", reason="协议已签署")
    assert move.override is False


def test_clause_text_reads_each_area(make_agreement, partner_a, manager):
    agreement = make_agreement(partner_a)
    assert "合作模式：联合销售、联合营销" in clause_text(agreement, "scope")
    assert "伙伴A（渠道方）的义务：负责客户拓展" in clause_text(agreement, "rights_obligations")
    assert clause_text(agreement, "dispute").splitlines() == [
        "1. 协商（30 天内）", "2. 调解：上海市商事调解中心", "3. 仲裁：上海国际仲裁中心"]
    assert "提前 90 天书面通知" in clause_text(agreement, "exit")
    empty = make_agreement(partner_a, revenue_cost_terms="", termination_conditions="", customer_handover="",
                           data_migration="", dispute_steps=[])
    assert [clause_text(empty, a) for a in ("revenue_cost", "exit", "dispute")] == ["", "", ""]
    with pytest.raises(ValueError):
        clause_text(agreement, "unknown")


def test_upcoming_deadlines_follow_auto_renewal_and_skip_unsigned(make_agreement, partner_a, manager):
    today = timezone.localdate()
    renewed = make_agreement(partner_a, start_date=today - timedelta(days=800), end_date=today - timedelta(days=300),
                             auto_renew=True, renewal_months=12, notice_days=30)
    sign(manager, renewed)
    make_agreement(partner_a, start_date=today, end_date=today + timedelta(days=10))  # a draft: no reminders
    found = upcoming_deadlines(today=today, within_days=120)
    assert [(d.agreement, d.kind) for d in found] == [(renewed, "notice"), (renewed, "end")]
    assert found[1].date - found[0].date == timedelta(days=30)
    assert today <= found[0].date <= today + timedelta(days=120)


def test_text_lines_mark_removed_and_added_lines():
    assert text_lines("甲\n乙\n丙", "甲\n丁\n丙") == [("same", "甲"), ("removed", "乙"), ("added", "丁"),
                                                    ("same", "丙")]


def test_diff_of_ip_assets_names_the_asset_and_the_owner(agreement, manager, partner_a):
    from allies.agreements import services

    before = snapshot(agreement)
    asset = services.ip_asset_add(actor=manager, agreement=agreement, data={"name": "数据接口", "owner": "us"})
    services.ip_asset_update(actor=manager, asset=asset, data={"owner": "partner", "owner_partner_id": partner_a.pk})
    [change] = diff(before, snapshot(agreement))
    assert change.label == "知识产权“数据接口”"
    assert ("added", "权属：伙伴A") in change.lines


def test_a_later_stage_can_register_a_required_check(agreement, manager, monkeypatch):
    monkeypatch.setattr(completeness, "_CHECKS", dict(completeness._CHECKS))
    completeness.register(completeness.Check("test.sum", "分成比例合计", lambda a: ["分成比例合计为 90%，应为 100%。"],
                                             area="revenue_cost"))
    from allies.agreements import services

    services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review")
    with pytest.raises(DomainError) as caught:
        services.agreement_transition(actor=manager, agreement=agreement, to_status="signed")
    assert caught.value.details["missing"] == [{"key": "test.sum", "label": "分成比例合计", "area": "revenue_cost",
                                                "message": "分成比例合计为 90%，应为 100%。"}]
