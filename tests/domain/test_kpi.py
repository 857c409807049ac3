"""KPI progress and the on-track / at-risk / off-track rule (allies.domain.kpi), checked by hand. No database."""

from __future__ import annotations

import math
import os
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allies.domain import kpi
from allies.domain.kpi import AT_RISK, HIGHER, LOWER, OFF_TRACK, ON_TRACK, assess, elapsed_share, progress

PROPERTY = settings(max_examples=int(os.environ.get("ALLIES_HYPOTHESIS_EXAMPLES", "100")), deadline=None)
START = date(2026, 1, 1)
END = START + timedelta(days=100)


def day(n: int) -> date:
    return START + timedelta(days=n)


# --------------------------------------------------------------------------- progress


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "expected"),
    [
        (2.0, 5.0, 3.2, HIGHER, 0.4),  # conversion rate 2% -> 5%, now 3.2%: 1.2 of 3 points
        (2.0, 5.0, 5.0, HIGHER, 1.0),
        (2.0, 5.0, 6.5, HIGHER, 1.5),  # beyond the target
        (2.0, 5.0, 1.4, HIGHER, -0.2),  # worse than the baseline
        (200.0, 150.0, 180.0, LOWER, 0.4),  # CAC 200 -> 150 元, now 180: 20 of 50 元
        (200.0, 150.0, 150.0, LOWER, 1.0),
        (200.0, 150.0, 210.0, LOWER, -0.2),  # cost went up
        (200.0, 150.0, 125.0, LOWER, 1.5),
    ],
)
def test_progress_is_the_share_of_the_way_from_baseline_to_target(baseline, target, actual, direction, expected):
    assert progress(baseline, target, actual, direction) == pytest.approx(expected)


def test_progress_with_target_equal_to_baseline_is_all_or_nothing():
    assert progress(10.0, 10.0, 10.0, HIGHER) == 1.0
    assert progress(10.0, 10.0, 9.0, HIGHER) == 0.0
    assert progress(10.0, 10.0, 9.0, LOWER) == 1.0
    assert progress(10.0, 10.0, 11.0, LOWER) == 0.0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_progress_refuses_values_that_are_not_finite(bad):
    with pytest.raises(ValueError, match="finite"):
        progress(0.0, 1.0, bad, HIGHER)


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        progress(0.0, 1.0, 0.5, "sideways")
    with pytest.raises(ValueError, match="direction"):
        assess(0.0, 1.0, "up", None, START, END, day(10))


# --------------------------------------------------------------------------- elapsed time


@pytest.mark.parametrize(("on", "expected"), [(day(-5), 0.0), (day(0), 0.0), (day(25), 0.25), (day(50), 0.5),
                                              (day(100), 1.0), (day(130), 1.0)])
def test_elapsed_share_is_clamped_to_the_period(on, expected):
    assert elapsed_share(START, END, on) == expected


def test_elapsed_share_of_an_empty_period_is_complete():
    assert elapsed_share(START, START, START) == 1.0


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("actual", "on", "status", "expected_progress"),
    [
        # CAC, lower is better: baseline 200, target 150, margin 0.10; half the period gone (elapsed 0.5).
        (180.0, day(50), ON_TRACK, 0.4),  # 0.4 >= 0.5 - 0.1 (exactly on the line)
        (182.0, day(50), AT_RISK, 0.36),  # 0.36 < 0.4 but >= 0.5 - 0.2
        (185.0, day(50), AT_RISK, 0.3),  # exactly on the at-risk line
        (190.0, day(50), OFF_TRACK, 0.2),  # 0.2 < 0.3
        (205.0, day(10), AT_RISK, -0.1),  # early on: elapsed 0.1, -0.1 >= 0.1 - 0.2
        (150.0, day(10), ON_TRACK, 1.0),  # target reached
        (140.0, day(100), ON_TRACK, 1.2),
        (162.0, day(100), OFF_TRACK, 0.76),  # period over, 0.76 < 1.0 - 0.2
        (157.0, day(100), AT_RISK, 0.86),  # 0.86 >= 0.8
    ],
)
def test_lower_is_better_kpi_at_known_dates(actual, on, status, expected_progress):
    result = assess(200.0, 150.0, LOWER, actual, START, END, on)
    assert result.progress == pytest.approx(expected_progress)
    assert result.status == status


@pytest.mark.parametrize(
    ("actual", "on", "margin", "status"),
    [
        # Conversion rate, higher is better: baseline 2 %, target 5 %.
        (3.2, day(50), 0.10, ON_TRACK),  # progress 0.4 vs elapsed 0.5
        (3.2, day(60), 0.10, AT_RISK),  # elapsed 0.6: 0.4 >= 0.6 - 0.2
        (3.2, day(70), 0.10, OFF_TRACK),  # elapsed 0.7: 0.4 < 0.5
        (3.2, day(70), 0.30, ON_TRACK),  # a wider margin: 0.4 >= 0.7 - 0.3
        (3.2, day(50), 0.0, OFF_TRACK),  # no margin: anything behind time is off track ...
        (3.2, day(40), 0.0, ON_TRACK),  # ... and keeping pace is on track
    ],
)
def test_higher_is_better_kpi_and_the_margin(actual, on, margin, status):
    result = assess(2.0, 5.0, HIGHER, actual, START, END, on, margin=margin)
    assert result.status == status


def test_no_measurement_has_no_status_but_an_elapsed_share():
    result = assess(2.0, 5.0, HIGHER, None, START, END, day(40))
    assert (result.progress, result.status, result.reached) == (None, None, False)
    assert result.elapsed == pytest.approx(0.4)


def test_reaching_the_target_is_on_track_even_when_late():
    result = assess(2.0, 5.0, HIGHER, 5.0, START, END, day(100), margin=0.0)
    assert result.reached is True
    assert result.status == ON_TRACK


def test_negative_margin_is_refused():
    with pytest.raises(ValueError, match="margin"):
        assess(2.0, 5.0, HIGHER, 3.0, START, END, day(10), margin=-0.1)


def test_target_points_the_right_way():
    assert kpi.target_points_the_right_way(200.0, 150.0, LOWER)
    assert not kpi.target_points_the_right_way(150.0, 200.0, LOWER)
    assert kpi.target_points_the_right_way(2.0, 5.0, HIGHER)
    assert not kpi.target_points_the_right_way(5.0, 2.0, HIGHER)
    assert kpi.target_points_the_right_way(5.0, 5.0, HIGHER)


# --------------------------------------------------------------------------- properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@PROPERTY
@given(baseline=finite, target=finite, actual=finite)
def test_lower_is_better_is_higher_is_better_on_the_negated_scale(baseline, target, actual):
    lower = progress(baseline, target, actual, LOWER)
    higher = progress(-baseline, -target, -actual, HIGHER)
    assert lower == pytest.approx(higher, rel=1e-9, abs=1e-9)


@PROPERTY
@given(p=st.floats(min_value=-2, max_value=2), elapsed=st.floats(min_value=0, max_value=1),
       margin=st.floats(min_value=0, max_value=0.5))
def test_status_gets_no_better_as_progress_falls(p, elapsed, margin):
    order = {ON_TRACK: 0, AT_RISK: 1, OFF_TRACK: 2}
    better = kpi.status_for(p, elapsed, margin)
    worse = kpi.status_for(p - 0.05, elapsed, margin)
    assert order[worse] >= order[better]
