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
