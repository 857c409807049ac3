"""KPI progress against target, and the readable rule that calls a KPI on track, at risk or off track.

A KPI has a baseline, a target and a direction (higher or lower is better). Progress is
the share of the way from baseline to target covered by the latest measurement; it is
compared with the share of the pilot period that has passed ("time elapsed").

Rule (the same words are shown to users):
- on track: the target is reached, or progress >= time elapsed - margin;
- at risk: progress >= time elapsed - 2 x margin;
- off track: otherwise.
Before any measurement the KPI has no status.

Example: baseline 200 元, target 150 元, lower is better, margin 0.10. Halfway through the
period (elapsed 0.5) a measurement of 180 元 covers (180 - 200) / (150 - 200) = 0.4 of the
way: 0.4 >= 0.5 - 0.1, on track. At 185 元 (0.3) it is at risk (0.3 >= 0.5 - 2 x 0.1); at
190 元 (0.2) it is off track.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK)
DEFAULT_MARGIN = 0.10
# Comparisons are made with this slack so that, e.g., progress 0.4 against elapsed 0.5 and
# margin 0.1 counts as on track although 0.5 - 0.1 is 0.4000000000000001 in floating point.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class KpiProgress:
    progress: float | None
    elapsed: float
    status: str | None
    reached: bool


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be {HIGHER!r} or {LOWER!r}")


def _check_finite(**values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, not {value!r}")


def progress(baseline: float, target: float, actual: float, direction: str) -> float:
    """Share of the way from baseline to target (1.0 = target reached; may exceed 1 or be negative)."""
    _check_direction(direction)
    _check_finite(baseline=baseline, target=target, actual=actual)
    span = target - baseline
    if span == 0:
        return 1.0 if target_reached(target, actual, direction) else 0.0
    return (actual - baseline) / span


def target_reached(target: float, actual: float, direction: str) -> bool:
    _check_direction(direction)
    return actual >= target if direction == HIGHER else actual <= target


def target_points_the_right_way(baseline: float, target: float, direction: str) -> bool:
    """Whether reaching the target is an improvement on the baseline (or keeps it).

    A "lower is better" KPI whose target is above its baseline would count as reached on
    day one; such a KPI is a typing mistake, not a goal.
    """
    _check_direction(direction)
    return target >= baseline if direction == HIGHER else target <= baseline


def elapsed_share(start: date, end: date, on: date) -> float:
    """Share of the period [start, end] that has passed on ``on``, clamped to [0, 1]."""
    total = (end - start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (on - start).days / total))


def status_for(progress_share: float, elapsed: float, margin: float, reached: bool = False) -> str:
    """The rule itself: on track, at risk or off track for a progress at an elapsed share."""
    if reached or progress_share >= elapsed - margin - TOLERANCE:
        return ON_TRACK
    if progress_share >= elapsed - 2 * margin - TOLERANCE:
        return AT_RISK
    return OFF_TRACK


def assess(baseline: float, target: float, direction: str, actual: float | None, start: date, end: date, on: date,
           margin: float = DEFAULT_MARGIN) -> KpiProgress:
    """Progress of the latest value ``actual`` on date ``on``, and its status under the rule."""
    _check_direction(direction)
    _check_finite(margin=margin)
    if margin < 0:
        raise ValueError("margin must not be negative")
    elapsed = elapsed_share(start, end, on)
    if actual is None:
        return KpiProgress(None, elapsed, None, False)
    p = progress(baseline, target, actual, direction)
    reached = target_reached(target, actual, direction)
    return KpiProgress(p, elapsed, status_for(p, elapsed, margin, reached), reached)


# --------------------------------------------------------------------------- periodic evaluation
#
# Attainment is how much of a target an actual reaches: actual / target when higher is
# better, target / actual when lower is better (a cost of 120 against a target of 100
# attains 100 / 120 = 0.83). A KPI is "below target by a margin" when its attainment is
# under 1 - margin.

QUARTER = "quarter"
HALF_YEAR = "half_year"
PERIOD_TYPES = (QUARTER, HALF_YEAR)
SURVEY_DIMENSIONS = ("trust", "communication", "value_created", "fairness", "strategic_alignment", "execution")
SCALE_MIN, SCALE_MAX = 1, 5
DEFAULT_KPI_WEIGHT = 0.6


def period_bounds(period_type: str, year: int, number: int) -> tuple[date, date]:
    """First and last day of quarter ``number`` (1-4) or half-year ``number`` (1-2) of ``year``."""
    if period_type not in PERIOD_TYPES:
        raise ValueError(f"period type must be {QUARTER!r} or {HALF_YEAR!r}")
    months = 3 if period_type == QUARTER else 6
    count = 12 // months
    if not 1 <= number <= count:
        raise ValueError(f"period number must be between 1 and {count}")
    if not 1 <= year <= 9998:
        raise ValueError("year out of range")
    first_month = (number - 1) * months + 1
    start = date(year, first_month, 1)
    next_month = first_month + months
    end = date(year + 1, 1, 1) if next_month > 12 else date(year, next_month, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def period_containing(period_type: str, day: date) -> tuple[int, int]:
    """(year, number) of the quarter or half-year that contains ``day``."""
    if period_type not in PERIOD_TYPES:
        raise ValueError(f"period type must be {QUARTER!r} or {HALF_YEAR!r}")
    months = 3 if period_type == QUARTER else 6
    return day.year, (day.month - 1) // months + 1


def previous_period(period_type: str, day: date) -> tuple[int, int]:
    """(year, number) of the last complete quarter or half-year before the one containing ``day``."""
    year, number = period_containing(period_type, day)
    if number > 1:
        return year, number - 1
    return year - 1, (4 if period_type == QUARTER else 2)


def attainment(target: float, actual: float, direction: str) -> float | None:
    """Share of the target reached (1.0 = exactly on target); None when it cannot be defined."""
    _check_direction(direction)
    _check_finite(target=target, actual=actual)
    if direction == HIGHER:
        return None if target <= 0 else max(0.0, actual / target)
    if actual <= 0 or target < 0:
        return None
    return target / actual


def below_target(target: float, actual: float, direction: str, margin: float) -> bool:
    """The readable rule: attainment under 1 - margin (e.g. under 90 % of target with margin 0.10)."""
    _check_finite(margin=margin)
    if margin < 0:
        raise ValueError("margin must not be negative")
    share = attainment(target, actual, direction)
    return share is not None and share < 1 - margin - TOLERANCE


# --------------------------------------------------------------------------- early-warning methods
#
# Three methods a user can read, each applied to a series ordered oldest first whose last
# value is the one being judged:
# - threshold: the value is under a fixed floor;
# - % change vs trailing mean: (value - mean of the previous `window` values) / that mean is
#   at or below -drop (e.g. -20 %);
# - EWMA control limit: the value is under mean - L x sigma x sqrt(alpha / (2 - alpha)), where
#   mean and sigma come from the previous values and the exponentially weighted moving average
#   of the series ends under that lower control limit.


def threshold_breached(value: float, floor: float) -> bool:
    _check_finite(value=value, floor=floor)
    return value < floor


def trailing_mean(values: list[float], window: int) -> float | None:
    """Mean of the ``window`` values before the last one; None without enough history."""
    if window < 1:
        raise ValueError("window must be at least 1")
    history = values[:-1][-window:]
    if len(history) < window:
        return None
    _check_finite(**{f"value_{i}": v for i, v in enumerate(history)})
    return sum(history) / len(history)


def change_vs_trailing_mean(values: list[float], window: int) -> float | None:
    """Relative change of the last value against the trailing mean (-0.25 = 25 % below)."""
    if not values:
        return None
    mean = trailing_mean(values, window)
    if mean is None or mean <= 0:
        return None
    _check_finite(last=values[-1])
    return (values[-1] - mean) / mean


def drop_detected(values: list[float], window: int, drop: float) -> bool:
    """% change vs trailing mean at or below -drop."""
    if not 0 < drop <= 1:
        raise ValueError("drop must be in (0, 1]")
    change = change_vs_trailing_mean(values, window)
    return change is not None and change <= -drop + TOLERANCE


def ewma(values: list[float], alpha: float) -> list[float]:
    """Exponentially weighted moving average, started at the first value."""
    if not 0 < alpha <= 1:
        raise ValueError("alpha must be in (0, 1]")
    out: list[float] = []
    for v in values:
        _check_finite(value=v)
        out.append(v if not out else alpha * v + (1 - alpha) * out[-1])
    return out


@dataclass(frozen=True)
class EwmaCheck:
    ewma: float
    centre: float
    lower_limit: float
    breached: bool


def ewma_lower_limit_check(values: list[float], alpha: float = 0.3, width: float = 3.0,
                           min_history: int = 3) -> EwmaCheck | None:
    """EWMA of the whole series against the lower control limit set by the values before the last."""
    if width <= 0:
        raise ValueError("width must be positive")
    history = values[:-1]
    if len(history) < min_history:
        return None
    centre = sum(history) / len(history)
    sigma = math.sqrt(sum((v - centre) ** 2 for v in history) / (len(history) - 1)) if len(history) > 1 else 0.0
    smoothed = ewma(values, alpha)[-1]
    limit = centre - width * sigma * math.sqrt(alpha / (2 - alpha))
    return EwmaCheck(smoothed, centre, limit, smoothed < limit - TOLERANCE)


# --------------------------------------------------------------------------- health survey and scorecard


def check_score(score: int) -> None:
    if isinstance(score, bool) or not isinstance(score, int) or not SCALE_MIN <= score <= SCALE_MAX:
        raise ValueError(f"score must be an integer from {SCALE_MIN} to {SCALE_MAX}")


def dimension_means(answers: list[dict[str, int]]) -> dict[str, float | None]:
    """Mean score of each dimension over ``answers`` (each a {dimension: 1..5}); None without answers."""
    out: dict[str, float | None] = {}
    for dim in SURVEY_DIMENSIONS:
        scores = [a[dim] for a in answers if a.get(dim) is not None]
        for s in scores:
            check_score(s)
        out[dim] = sum(scores) / len(scores) if scores else None
    return out


def side_gaps(ours: dict[str, float | None], theirs: dict[str, float | None]) -> dict[str, float | None]:
    """Absolute difference between the two sides' mean per dimension."""
    return {d: (abs(ours[d] - theirs[d]) if ours.get(d) is not None and theirs.get(d) is not None else None)
            for d in SURVEY_DIMENSIONS}


def survey_health(means: dict[str, float | None]) -> float | None:
    """Survey health 0-100: the mean of the dimension means mapped from 1-5 to 0-100."""
    values = [v for v in means.values() if v is not None]
    if not values:
        return None
    return (sum(values) / len(values) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100


def kpi_health(attainments: list[float]) -> float | None:
    """KPI attainment 0-100: the mean of each KPI's attainment, capped at 100 % so one KPI far above
    target cannot hide another far below."""
    if not attainments:
        return None
    for a in attainments:
        _check_finite(attainment=a)
    return sum(min(1.0, max(0.0, a)) for a in attainments) / len(attainments) * 100


@dataclass(frozen=True)
class HealthIndex:
    index: float | None
    kpi_part: float | None
    survey_part: float | None
    kpi_weight: float
    survey_weight: float


def health_index(attainments: list[float], means: dict[str, float | None],
                 kpi_weight: float = DEFAULT_KPI_WEIGHT) -> HealthIndex:
    """Health index = kpi_weight x KPI attainment + (1 - kpi_weight) x survey health, both 0-100.

    When one part is missing the index is the other part alone (its weight becomes 1).
    """
    _check_finite(kpi_weight=kpi_weight)
    if not 0 <= kpi_weight <= 1:
        raise ValueError("kpi_weight must be in [0, 1]")
    k = kpi_health(attainments)
    s = survey_health(means)
    if k is None and s is None:
        return HealthIndex(None, None, None, kpi_weight, 1 - kpi_weight)
    if s is None:
        return HealthIndex(k, k, None, 1.0, 0.0)
    if k is None:
        return HealthIndex(s, None, s, 0.0, 1.0)
    return HealthIndex(kpi_weight * k + (1 - kpi_weight) * s, k, s, kpi_weight, 1 - kpi_weight)
