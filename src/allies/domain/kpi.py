"""KPI progress against target, and the readable rule that calls a KPI on track, at risk or off track.

A KPI has a baseline, a target and a direction (higher or lower is better). Progress is
the share of the way from baseline to target covered by the latest measurement; it is
compared with the share of the pilot period that has passed ("time elapsed").

Rule (the same words are shown to users):
- on track: the target is reached, or progress >= time elapsed - margin;
- at risk: progress >= time elapsed - 2 x margin;
- off track: otherwise.
Before any measurement the KPI has no status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

HIGHER = "higher"
LOWER = "lower"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
DEFAULT_MARGIN = 0.10


@dataclass(frozen=True)
class KpiProgress:
    progress: float | None
    elapsed: float
    status: str | None
    reached: bool


def progress(baseline: float, target: float, actual: float, direction: str) -> float:
    """Share of the way from baseline to target (1.0 = target reached; may exceed 1 or be negative)."""
    if direction not in (HIGHER, LOWER):
        raise ValueError(f"direction must be {HIGHER!r} or {LOWER!r}")
    span = target - baseline
    if span == 0:
        return 1.0 if target_reached(target, actual, direction) else 0.0
    return (actual - baseline) / span


def target_reached(target: float, actual: float, direction: str) -> bool:
    return actual >= target if direction == HIGHER else actual <= target


def elapsed_share(start: date, end: date, on: date) -> float:
    """Share of the period [start, end] that has passed on ``on``, clamped to [0, 1]."""
    total = (end - start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (on - start).days / total))


def assess(baseline: float, target: float, direction: str, actual: float | None, start: date, end: date, on: date,
           margin: float = DEFAULT_MARGIN) -> KpiProgress:
    elapsed = elapsed_share(start, end, on)
    if actual is None:
        return KpiProgress(None, elapsed, None, False)
    p = progress(baseline, target, actual, direction)
    reached = target_reached(target, actual, direction)
    if reached or p >= elapsed - margin:
        status = ON_TRACK
    elif p >= elapsed - 2 * margin:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return KpiProgress(p, elapsed, status, reached)
