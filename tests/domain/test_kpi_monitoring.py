"""Periods, attainment, the early-warning methods and the health index of domain.kpi."""

import math
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from allies.domain import kpi

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
series = st.lists(positive, min_size=2, max_size=40)
score = st.integers(min_value=1, max_value=5)
answer = st.fixed_dictionaries({d: score for d in kpi.SURVEY_DIMENSIONS})


# --------------------------------------------------------------------------- periods


def test_period_bounds_of_quarters_and_halves():
    assert kpi.period_bounds("quarter", 2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert kpi.period_bounds("quarter", 2024, 4) == (date(2024, 10, 1), date(2024, 12, 31))
    assert kpi.period_bounds("half_year", 2026, 2) == (date(2026, 7, 1), date(2026, 12, 31))
    for bad in (("quarter", 2026, 5), ("half_year", 2026, 3), ("quarter", 2026, 0), ("month", 2026, 1)):
        with pytest.raises(ValueError):
            kpi.period_bounds(*bad)


@given(st.sampled_from(kpi.PERIOD_TYPES), st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)))
def test_a_day_lies_in_its_period_and_the_previous_period_ends_the_day_before(period_type, day):
    year, number = kpi.period_containing(period_type, day)
    start, end = kpi.period_bounds(period_type, year, number)
    assert start <= day <= end
    prev_start, prev_end = kpi.period_bounds(period_type, *kpi.previous_period(period_type, day))
    assert prev_end == start - timedelta(days=1)
    assert prev_start < prev_end


# --------------------------------------------------------------------------- attainment


def test_attainment_reads_both_directions():
    assert kpi.attainment(100, 80, "higher") == pytest.approx(0.8)
    assert kpi.attainment(100, 125, "lower") == pytest.approx(0.8)
    assert kpi.attainment(0, 5, "higher") is None
    assert kpi.below_target(100, 89, "higher", 0.10)
    assert not kpi.below_target(100, 90, "higher", 0.10)  # exactly on the line is not below it
    assert kpi.below_target(100, 112, "lower", 0.10)


@given(positive, positive, st.sampled_from(kpi.DIRECTIONS), st.floats(min_value=0, max_value=0.5))
def test_reaching_the_target_is_never_below_it(target, actual, direction, margin):
    reached = kpi.target_reached(target, actual, direction)
    if reached:
        assert not kpi.below_target(target, actual, direction, margin)
        assert kpi.attainment(target, actual, direction) >= 1 - 1e-12


@given(positive, positive, positive, st.floats(min_value=0, max_value=0.5))
def test_a_better_actual_never_raises_an_alert_the_worse_one_did_not(target, a, b, margin):
    worse, better = sorted((a, b))
    if kpi.below_target(target, better, "higher", margin):
        assert kpi.below_target(target, worse, "higher", margin)
    if kpi.below_target(target, worse, "lower", margin):  # for a cost, the larger is worse
        assert kpi.below_target(target, better, "lower", margin)


# --------------------------------------------------------------------------- early-warning methods


def test_the_spec_retail_case_traffic_falls_after_a_platform_change():
    monthly_sales = [100, 104, 98, 102, 70]  # last month after the platform change
    assert kpi.trailing_mean(monthly_sales, 3) == pytest.approx(101.3333, rel=1e-4)
    assert kpi.change_vs_trailing_mean(monthly_sales, 3) == pytest.approx(70 / 101.3333 - 1, rel=1e-4)
    assert kpi.drop_detected(monthly_sales, 3, 0.20)
    assert not kpi.drop_detected(monthly_sales, 3, 0.35)
    check = kpi.ewma_lower_limit_check(monthly_sales, alpha=0.3, width=3)
    assert check.lower_limit < check.centre
    assert kpi.threshold_breached(70, 80) and not kpi.threshold_breached(80, 80)


def test_not_enough_history_detects_nothing():
    assert kpi.trailing_mean([5, 6], 3) is None
    assert not kpi.drop_detected([5, 6, 1], 3, 0.2)
    assert kpi.ewma_lower_limit_check([5, 6, 1]) is None


@given(series, st.integers(min_value=1, max_value=6), st.floats(min_value=0.01, max_value=1))
def test_drop_detected_is_the_change_rule(values, window, drop):
    change = kpi.change_vs_trailing_mean(values, window)
    detected = kpi.drop_detected(values, window, drop)
    assert detected == (change is not None and change <= -drop + kpi.TOLERANCE)
    if change is not None:
        assert change >= -1  # sales cannot fall by more than everything


@given(series, st.integers(min_value=1, max_value=6), st.floats(min_value=0.01, max_value=1), positive)
def test_a_higher_last_value_never_turns_a_pass_into_a_drop(values, window, drop, bump):
    higher = [*values[:-1], values[-1] + bump]
    if kpi.drop_detected(higher, window, drop):
        assert kpi.drop_detected(values, window, drop)


@given(series, st.floats(min_value=0.05, max_value=1))
def test_ewma_stays_within_the_range_of_the_series(values, alpha):
    smoothed = kpi.ewma(values, alpha)
    assert len(smoothed) == len(values)
    assert smoothed[0] == values[0]
    for s in smoothed:
        assert min(values) - 1e-6 <= s <= max(values) + 1e-6


@given(st.lists(positive, min_size=4, max_size=30), st.floats(min_value=0.05, max_value=1),
       st.floats(min_value=0.5, max_value=4))
def test_a_constant_series_never_breaches_its_ewma_limit(values, alpha, width):
    flat = [values[0]] * len(values)
    check = kpi.ewma_lower_limit_check(flat, alpha, width)
    assert not check.breached
    assert math.isclose(check.lower_limit, values[0])


# --------------------------------------------------------------------------- survey and health index


def test_scores_outside_one_to_five_are_refused():
    for bad in (0, 6, 3.5, "3", True, None):
        with pytest.raises(ValueError):
            kpi.check_score(bad)
    with pytest.raises(ValueError):
        kpi.dimension_means([{d: 6 for d in kpi.SURVEY_DIMENSIONS}])


@given(st.lists(answer, min_size=1, max_size=20), st.lists(answer, min_size=1, max_size=20))
def test_means_lie_on_the_scale_and_gaps_are_symmetric(ours, theirs):
    a, b = kpi.dimension_means(ours), kpi.dimension_means(theirs)
    for d in kpi.SURVEY_DIMENSIONS:
        assert 1 <= a[d] <= 5
    assert kpi.side_gaps(a, b) == kpi.side_gaps(b, a)
    assert all(0 <= g <= 4 for g in kpi.side_gaps(a, b).values())
    assert 0 <= kpi.survey_health(a) <= 100


def test_health_index_formula_by_hand():
    means = {d: 4.0 for d in kpi.SURVEY_DIMENSIONS}  # (4 - 1) / 4 x 100 = 75
    h = kpi.health_index([0.8, 1.3], means, kpi_weight=0.6)  # KPI part: (0.8 + 1.0) / 2 = 90
    assert h.kpi_part == pytest.approx(90)
    assert h.survey_part == pytest.approx(75)
    assert h.index == pytest.approx(0.6 * 90 + 0.4 * 75)
    only_kpi = kpi.health_index([0.5], {d: None for d in kpi.SURVEY_DIMENSIONS})
    assert only_kpi.index == pytest.approx(50) and only_kpi.kpi_weight == 1.0
    assert kpi.health_index([], {d: None for d in kpi.SURVEY_DIMENSIONS}).index is None


@given(st.lists(st.floats(min_value=0, max_value=3), max_size=10), st.lists(answer, max_size=10),
       st.floats(min_value=0, max_value=1))
def test_health_index_is_between_its_parts_and_on_0_100(attainments, answers, weight):
    means = kpi.dimension_means(answers)
    h = kpi.health_index(attainments, means, weight)
    parts = [p for p in (h.kpi_part, h.survey_part) if p is not None]
    assume(parts)
    assert 0 <= h.index <= 100
    assert min(parts) - 1e-9 <= h.index <= max(parts) + 1e-9
    assert h.kpi_weight + h.survey_weight == pytest.approx(1)
