"""Starting a pilot and its closing review move the partners' stages through the stage rules."""

from datetime import timedelta
from decimal import Decimal

import pytest

from allies.core.errors import DomainError, ErrorCode
from allies.partners import services as partner_services
from allies.partners.models import Partner, StageChange
from allies.pilots import services
from allies.pilots.models import Measurement, Review
from allies.pilots.selectors import events_for_partner, pilots_for_partner

from .conftest import END, day, kpi_of

pytestmark = pytest.mark.django_db


def stage(partner) -> str:
    return Partner.objects.get(pk=partner.pk).stage


def last_move(partner) -> StageChange:
    return StageChange.objects.filter(partner=partner).order_by("-id").first()


def set_stage(partner, to_stage, manager):
    partner_services.partner_change_stage(actor=manager, partner=partner, to_stage=to_stage, reason="准备测试")


# --------------------------------------------------------------------------- start


def test_start_moves_partners_into_pilot_with_a_reason_naming_it(make_pilot, partner_a, partner_b, manager):
    set_stage(partner_b, "active", manager)
    pilot = make_pilot(partner_a, partner_b)
    services.pilot_start(actor=manager, pilot=pilot)
    pilot.refresh_from_db()
    assert pilot.status == "running" and pilot.started_at is not None
    assert stage(partner_a) == "pilot"
    move = last_move(partner_a)
    assert (move.from_stage, move.to_stage, move.changed_by, move.override) == ("prospect", "pilot", manager, False)
    assert pilot.title in move.reason
    assert stage(partner_b) == "active"  # a partner already in full cooperation is not moved back


def test_blocked_start_names_the_partner_and_writes_nothing(pilot, partner_a, manager, gate):
    gate("pilot", "尽职调查尚未完成")
    moves_before = StageChange.objects.count()
    with pytest.raises(DomainError) as caught:
        services.pilot_start(actor=manager, pilot=pilot)
    error = caught.value
    assert error.code == ErrorCode.STAGE_BLOCKED
    assert "伙伴A" in error.message and "尽职调查尚未完成" in error.message
    assert error.details["blocked"] == [{"partner_id": partner_a.pk, "partner": "伙伴A", "reasons": ["尽职调查尚未完成"]}]
    assert error.details["overridable"] is True
    pilot.refresh_from_db()
    assert pilot.status == "planned" and pilot.started_at is None
    assert stage(partner_a) == "prospect"
    assert StageChange.objects.count() == moves_before


def test_override_needs_a_reason_and_is_recorded(pilot, partner_a, manager, gate):
    gate("pilot", "尽职调查尚未完成")
    with pytest.raises(DomainError) as caught:
        services.pilot_start(actor=manager, pilot=pilot, override=True, reason=" ")
    assert [e["field"] for e in caught.value.details["errors"]] == ["reason"]
    assert stage(partner_a) == "prospect"
    services.pilot_start(actor=manager, pilot=pilot, override=True, reason="客户窗口期只有两周")
    assert stage(partner_a) == "pilot"
    move = last_move(partner_a)
    assert move.override is True
    assert "客户窗口期只有两周" in move.reason and pilot.title in move.reason


def test_a_pilot_starts_once(running, manager):
    assert pytest.raises(DomainError, services.pilot_start, actor=manager, pilot=running).value.code \
        == ErrorCode.CONFLICT


# --------------------------------------------------------------------------- closing review


def record(pilot, manager, code, when, value):
    services.measurement_record(actor=manager, kpi=kpi_of(pilot, code), date=when, value=value)


def test_expand_closes_the_pilot_and_makes_partners_active(running, partner_a, manager):
    record(running, manager, "customer_acquisition_cost", day(90), "148")
    record(running, manager, "conversion_rate", day(90), "4.5")
    review = services.review_close(actor=manager, pilot=running, decision="expand", we_learned="渠道有效",
                                   partner_learned="产品集成需简化")
    running.refresh_from_db()
    assert (running.status, running.end_date) == ("closed", END)
    assert running.closed_at is not None
    assert stage(partner_a) == "active"
    move = last_move(partner_a)
    assert (move.from_stage, move.to_stage) == ("pilot", "active")
    assert running.title in move.reason and "扩大为正式合作" in move.reason
    assert review.stage_moves == [{"partner_id": partner_a.pk, "partner": "伙伴A", "from_stage": "pilot",
                                   "to_stage": "active"}]
    results = {r["code"]: r for r in review.results}
    assert (results["customer_acquisition_cost"]["latest"], results["customer_acquisition_cost"]["target"],
            results["customer_acquisition_cost"]["status"]) == ("148", "150", "on_track")
    # 2 % -> 5 %, now 4.5 %: 0.83 of the way with the period over; 0.83 >= 1 - 2 x 0.1 but < 1 - 0.1.
    assert results["conversion_rate"]["status"] == "at_risk"
    assert results["revenue_share"]["latest"] is None and results["revenue_share"]["status"] is None
    assert (review.we_learned, review.partner_learned) == ("渠道有效", "产品集成需简化")


def test_stop_closes_the_pilot_and_rejects_its_partners(running, partner_a, manager):
    services.review_close(actor=manager, pilot=running, decision="stop")
    running.refresh_from_db()
    assert running.status == "closed"
    assert stage(partner_a) == "rejected"
    assert "终止" in last_move(partner_a).reason


def test_stop_keeps_a_partner_that_is_in_another_running_pilot(running, make_pilot, partner_a, manager):
    other = make_pilot(partner_a, title="第二个试点")
    services.pilot_start(actor=manager, pilot=other)
    services.review_close(actor=manager, pilot=running, decision="stop")
    assert stage(partner_a) == "pilot"


def test_extend_moves_the_end_date_and_keeps_the_pilot_running(running, partner_a, manager):
    new_end = END + timedelta(days=10)
    moves_before = StageChange.objects.count()
    review = services.review_close(actor=manager, pilot=running, decision="extend", new_end_date=new_end)
    running.refresh_from_db()
    assert (running.status, running.end_date) == ("running", new_end)
    assert (review.previous_end_date, review.new_end_date) == (END, new_end)
    assert stage(partner_a) == "pilot"
    assert StageChange.objects.count() == moves_before
    record(running, manager, "conversion_rate", END + timedelta(days=5), "4")  # inside the longer period now
    assert Measurement.objects.get().value == Decimal("4")


@pytest.mark.parametrize("new_end", [None, END, END - timedelta(days=1)])
def test_extend_needs_a_later_end_date(running, manager, new_end):
    with pytest.raises(DomainError) as caught:
        services.review_close(actor=manager, pilot=running, decision="extend", new_end_date=new_end)
    assert caught.value.code == ErrorCode.INVALID_DATES
    assert [e["field"] for e in caught.value.details["errors"]] == ["new_end_date"]
    running.refresh_from_db()
    assert running.end_date == END
    assert Review.objects.count() == 0


def test_blocked_expand_shows_the_gate_and_writes_nothing(running, partner_a, manager, gate):
    gate("active", "尚无已签署的联盟协议")
    moves_before = StageChange.objects.count()
    with pytest.raises(DomainError) as caught:
        services.review_close(actor=manager, pilot=running, decision="expand", we_learned="x")
    error = caught.value
    assert error.code == ErrorCode.STAGE_BLOCKED
    assert "伙伴A" in error.message and "尚无已签署的联盟协议" in error.message
    running.refresh_from_db()
    assert (running.status, running.closed_at) == ("running", None)
    assert Review.objects.count() == 0
    assert stage(partner_a) == "pilot"
    assert StageChange.objects.count() == moves_before


def test_planned_pilot_can_only_be_stopped(pilot, partner_a, manager):
    for decision in ("expand", "extend"):
        with pytest.raises(DomainError) as caught:
            services.review_close(actor=manager, pilot=pilot, decision=decision, new_end_date=END + timedelta(days=9))
        assert caught.value.code == ErrorCode.CONFLICT
    services.review_close(actor=manager, pilot=pilot, decision="stop")
    assert stage(partner_a) == "prospect"  # never started, never moved


def test_closed_pilot_takes_no_more_changes(running, manager):
    services.review_close(actor=manager, pilot=running, decision="stop")
    for call, kwargs in [
        (services.review_close, {"pilot": running, "decision": "stop"}),
        (services.pilot_update, {"pilot": running, "data": {"goal": "新目标"}}),
        (services.kpi_add, {"pilot": running, "data": {"name": "新指标", "unit": "个", "baseline": 0, "target": 1}}),
        (services.measurement_record, {"kpi": kpi_of(running, "conversion_rate"), "date": day(5), "value": 3}),
    ]:
        with pytest.raises(DomainError) as caught:
            call(actor=manager, **kwargs)
        assert caught.value.code == ErrorCode.CONFLICT, call.__name__
    assert Review.objects.count() == 1


def test_unknown_decision_is_refused(running, manager):
    with pytest.raises(DomainError) as caught:
        services.review_close(actor=manager, pilot=running, decision="merge")
    assert [e["field"] for e in caught.value.details["errors"]] == ["decision"]


# --------------------------------------------------------------------------- reads for other stages


def test_pilots_and_events_for_a_partner(running, make_pilot, partner_a, partner_b, manager):
    make_pilot(partner_b, title="伙伴B 的试点")
    record(running, manager, "conversion_rate", day(30), "2.9")
    services.review_close(actor=manager, pilot=running, decision="expand")
    assert [p.title for p in pilots_for_partner(partner_a)] == ["华东区联合营销试点"]
    events = events_for_partner(partner_a)
    assert [e["kind"] for e in events] == ["pilot_reviewed", "measurement", "pilot_started", "pilot_created"]
    assert all(running.title in e["text"] for e in events)
    assert "2.9 %" in events[1]["text"] and "扩大为正式合作" in events[0]["text"]
    assert events[2]["url"] == f"/pilots/{running.pk}/"
    assert events[0]["url"] == f"/pilots/{running.pk}/reviews/{running.reviews.get().pk}/"
    assert [e["kind"] for e in events_for_partner(partner_b)] == ["pilot_created"]
