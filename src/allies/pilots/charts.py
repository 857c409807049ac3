"""A line chart per KPI: its measurements over time with the target as a second line (server-side SVG)."""

from django.utils.translation import gettext as _

from allies.pilots.selectors import KpiStatus
from allies.web import charts


def value_range(values: list[float]) -> tuple[float, float]:
    """A y-axis that holds every value with some room, so the target line is never on the frame."""
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    return low - pad, high + pad


def kpi_chart(row: KpiStatus) -> str:
    """The SVG for one KPI, or "" before its first measurement."""
    if not row.measurements:
        return ""
    kpi = row.kpi
    values = [float(m.value) for m in row.measurements]
    target = float(kpi.target)
    return charts.lines(
        [m.date.isoformat() for m in row.measurements],
        [(_("实际值"), values), (_("目标值"), [target] * len(values))],
        title=kpi.caption,
        value_range=value_range([*values, target, float(kpi.baseline)]),
    )
