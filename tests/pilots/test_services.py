"""Pilot services: creating with KPIs, bad input refused whole, measurements, status at known dates."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from allies.core.errors import DomainError, ErrorCode
from allies.domain.kpi import AT_RISK, OFF_TRACK, ON_TRACK
from allies.pilots import services
from allies.pilots.models import Kpi, Measurement, Pilot
from allies.pilots.selectors import kpi_statuses

from .conftest import END, SPEC_KPIS, START, day, kpi_of

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def fields(error: DomainError) -> list[str]:
    return [e["field"] for e in error.details["errors"]]


def nothing_written():
    return Pilot.objects.count() == 0 and Kpi.objects.count() == 0


# --------------------------------------------------------------------------- create


def test_create_keeps_the_plan_and_the_spec_kpis(make_pilot, partner_a, partner_b, manager):
    pilot = make_pilot(partner_a, partner_b, meeting_cadence="每两周", partner_owner_name="李工")
    pilot.refresh_from_db()
    assert pilot.status == "planned"
    assert sorted(pilot.partners.values_list("name", flat=True)) == ["伙伴A", "伙伴B"]
    assert (pilot.start_date, pilot.end_date, pilot.owner, pilot.created_by) == (START, END, manager, manager)
    assert (pilot.meeting_cadence, pilot.partner_owner_name) == ("biweekly", "李工")
    assert pilot.escalation_path == "工作小组 → 联合管理委员会 → 第三方调解"
    kpis = list(pilot.kpis.values_list("code", "name", "unit", "direction", "baseline", "target", "margin"))
    assert kpis == [
        ("customer_acquisition_cost", "客户获取成本", "元", "lower", Decimal("200"), Decimal("150"), 0.1),
        ("conversion_rate", "转化率", "%", "higher", Decimal("2"), Decimal("5"), 0.1),
        ("revenue_share", "收入分成", "万元", "higher", Decimal("0"), Decimal("40"), 0.1),
    ]


def test_create_is_audited_with_the_actor(pilot, manager):
    entry = LogEntry.objects.get_for_object(pilot).get(action=LogEntry.Action.CREATE)
    assert entry.actor == manager


@pytest.mark.parametrize("end", [START, day(-1)])
def test_end_date_not_after_start_is_refused_naming_the_field(make_pilot, partner_a, end):
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, end_date=end)
    error = caught.value
    assert error.code == ErrorCode.INVALID_DATES
    assert fields(error) == ["end_date"]
    assert "结束日期" in error.message and "晚于开始日期" in error.message
    assert nothing_written()


def test_kpi_without_unit_is_refused_and_nothing_is_written(make_pilot, partner_a):
    kpis = [SPEC_KPIS[0], {**SPEC_KPIS[1], "unit": "  "}]
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, kpis=kpis)
    error = caught.value
    assert error.code == ErrorCode.INVALID_KPI
    assert fields(error) == ["kpis.1.unit"]
    assert "转化率" in error.message and "单位" in error.message
    assert nothing_written()


@pytest.mark.parametrize(("field", "value"), [("target", "五"), ("baseline", "NaN"), ("target", ""),
                                              ("baseline", "1e30")])
def test_kpi_number_that_is_not_usable_is_refused(make_pilot, partner_a, field, value):
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, kpis=[{**SPEC_KPIS[1], field: value}])
    assert caught.value.code == ErrorCode.INVALID_KPI
    assert fields(caught.value) == [f"kpis.0.{field}"]
    assert nothing_written()


def test_lower_is_better_target_above_baseline_is_refused(make_pilot, partner_a):
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, kpis=[{**SPEC_KPIS[0], "target": "250"}])
    assert fields(caught.value) == ["kpis.0.target"]
    assert "越低越好" in caught.value.message
    assert nothing_written()


def test_every_problem_is_reported_at_once(make_pilot, partner_a):
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, title="", end_date=day(-3), kpis=[{**SPEC_KPIS[2], "unit": ""}])
    error = caught.value
    assert error.code == ErrorCode.VALIDATION  # several kinds of problem
    assert fields(error) == ["title", "end_date", "kpis.0.unit"]
    assert nothing_written()


def test_partners_are_required_and_must_exist(make_pilot):
    with pytest.raises(DomainError) as caught:
        make_pilot()
    assert fields(caught.value) == ["partner_ids"]
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_ids=[987654])
    assert "987654" in caught.value.message
    assert nothing_written()


def test_partner_owner_must_belong_to_a_pilot_partner(make_pilot, partner_a, partner_user, other_partner_user):
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, partner_owner_id=other_partner_user.pk)
    assert fields(caught.value) == ["partner_owner_id"]
    pilot = make_pilot(partner_a, partner_owner_id=partner_user.pk)
    assert pilot.partner_owner == partner_user


def test_duplicate_kpis_are_refused(make_pilot, partner_a):
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, kpis=[SPEC_KPIS[1], {**SPEC_KPIS[1], "target": "6"}])
    assert fields(caught.value) == ["kpis.1.code"]


@pytest.mark.parametrize("who", ["viewer", "partner_user"])
def test_only_writers_create_pilots(request, make_pilot, partner_a, who):
    with pytest.raises(DomainError) as caught:
        make_pilot(partner_a, actor=request.getfixturevalue(who))
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert nothing_written()


# --------------------------------------------------------------------------- edit and KPIs


def test_update_refuses_a_period_that_leaves_measurements_outside(pilot, manager):
    services.measurement_record(actor=manager, kpi=kpi_of(pilot, "conversion_rate"), date=day(80), value="3")
    error = refused(services.pilot_update, actor=manager, pilot=pilot, data={"end_date": day(70)})
    assert error.code == ErrorCode.INVALID_DATES
    assert day(80).isoformat() in error.message
    assert Pilot.objects.get(pk=pilot.pk).end_date == END


def test_partners_change_only_before_the_start(running, manager, partner_b):
    error = refused(services.pilot_update, actor=manager, pilot=running, data={"partner_ids": [partner_b.pk]})
    assert fields(error) == ["partner_ids"]
    assert list(running.partners.values_list("name", flat=True)) == ["伙伴A"]


def test_kpi_with_measurements_cannot_be_deleted(pilot, manager):
    measured, spare = kpi_of(pilot, "conversion_rate"), kpi_of(pilot, "revenue_share")
    services.measurement_record(actor=manager, kpi=measured, date=day(5), value="2.1")
    assert refused(services.kpi_delete, actor=manager, kpi=measured).code == ErrorCode.CONFLICT
    services.kpi_delete(actor=manager, kpi=spare)
    assert sorted(pilot.kpis.values_list("code", flat=True)) == ["conversion_rate", "customer_acquisition_cost"]


def test_kpi_update_checks_the_target_against_the_direction(pilot, manager):
    cac = kpi_of(pilot, "customer_acquisition_cost")
    error = refused(services.kpi_update, actor=manager, kpi=cac, data={"direction": "higher"})
    assert fields(error) == ["target"]
    services.kpi_update(actor=manager, kpi=cac, data={"target": "120", "margin": "0.2"})
    cac.refresh_from_db()
    assert (cac.target, cac.margin) == (Decimal("120"), 0.2)


# --------------------------------------------------------------------------- measurements


@pytest.mark.parametrize("when", [day(-1), day(101)])
def test_measurement_outside_the_period_is_refused(pilot, manager, when):
    error = refused(services.measurement_record, actor=manager, kpi=kpi_of(pilot, "conversion_rate"), date=when,
                    value="3")
    assert error.code == ErrorCode.INVALID_MEASUREMENT
    assert fields(error) == ["date"]
    assert START.isoformat() in error.message and END.isoformat() in error.message
    assert Measurement.objects.count() == 0


def test_measurement_in_the_future_is_refused(make_pilot, partner_a, manager):
    today = timezone.localdate()
    pilot = make_pilot(partner_a, end_date=today + timedelta(days=30))
    kpi = kpi_of(pilot, "conversion_rate")
    error = refused(services.measurement_record, actor=manager, kpi=kpi, date=today + timedelta(days=1), value="3")
    assert fields(error) == ["date"]
    assert "今天" in error.message
    assert Measurement.objects.count() == 0
    services.measurement_record(actor=manager, kpi=kpi, date=today, value="3")
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize("value", ["三点五", "", "inf", None])
def test_measurement_value_must_be_a_number(pilot, manager, value):
    error = refused(services.measurement_record, actor=manager, kpi=kpi_of(pilot, "conversion_rate"), date=day(3),
                    value=value)
    assert error.code == ErrorCode.INVALID_MEASUREMENT
    assert fields(error) == ["value"]
    assert Measurement.objects.count() == 0


def test_same_value_again_is_a_retry_and_another_value_a_conflict(pilot, partner_user):
    kpi = kpi_of(pilot, "conversion_rate")
    first, created = services.measurement_record(actor=partner_user, kpi=kpi, date=day(10), value="2.5", note="周报")
    again, created_again = services.measurement_record(actor=partner_user, kpi=kpi, date=day(10), value=2.5,
                                                       note="周报")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    error = refused(services.measurement_record, actor=partner_user, kpi=kpi, date=day(10), value="2.6")
    assert error.code == ErrorCode.CONFLICT
    assert "2.5" in error.message
    assert list(Measurement.objects.values_list("value", "recorded_by")) == [(Decimal("2.5"), partner_user.pk)]


def test_who_may_record(pilot, viewer, other_partner_user, partner_user):
    kpi = kpi_of(pilot, "conversion_rate")
    for outsider in (viewer, other_partner_user):
        error = refused(services.measurement_record, actor=outsider, kpi=kpi, date=day(3), value="3")
        assert error.code == ErrorCode.PERMISSION_DENIED
    assert Measurement.objects.count() == 0
    services.measurement_record(actor=partner_user, kpi=kpi, date=day(3), value="3")
    assert Measurement.objects.get().recorded_by == partner_user


# --------------------------------------------------------------------------- status at known dates


@pytest.mark.parametrize(
    ("code", "value", "on", "status"),
    [
        # 客户获取成本: 200 -> 150 元, lower is better; half-way (day 50) the on-track line is progress 0.4.
        ("customer_acquisition_cost", "180", 50, ON_TRACK),  # progress 0.4
        ("customer_acquisition_cost", "185", 50, AT_RISK),  # 0.3
        ("customer_acquisition_cost", "190", 50, OFF_TRACK),  # 0.2
        ("customer_acquisition_cost", "145", 20, ON_TRACK),  # target reached
        # 转化率: 2 % -> 5 %, higher is better.
        ("conversion_rate", "3.2", 50, ON_TRACK),  # 0.4 vs elapsed 0.5
        ("conversion_rate", "3.2", 60, AT_RISK),  # elapsed 0.6
        ("conversion_rate", "3.2", 100, OFF_TRACK),  # period over
    ],
)
def test_status_at_known_dates(pilot, manager, code, value, on, status):
    kpi = kpi_of(pilot, code)
    services.measurement_record(actor=manager, kpi=kpi, date=day(min(on, 40)), value=value)
    row = next(r for r in kpi_statuses(pilot, on=day(on)) if r.kpi.pk == kpi.pk)
    assert row.status == status
    assert row.latest.value == Decimal(value)


def test_status_uses_the_latest_measurement_and_none_without_data(pilot, manager):
    cac = kpi_of(pilot, "customer_acquisition_cost")
    services.measurement_record(actor=manager, kpi=cac, date=day(30), value="160")
    services.measurement_record(actor=manager, kpi=cac, date=day(10), value="199")  # recorded later, dated earlier
    rows = {r.kpi.code: r for r in kpi_statuses(pilot, on=day(50))}
    assert rows["customer_acquisition_cost"].latest.value == Decimal("160")
    assert rows["customer_acquisition_cost"].result.progress == pytest.approx(0.8)
    assert rows["customer_acquisition_cost"].status == ON_TRACK
    assert rows["conversion_rate"].status is None
    assert rows["conversion_rate"].status_label == "暂无数据"
