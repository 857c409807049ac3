"""Template filters for KPI numbers: stored decimals as people write them, shares as percentages."""

from django import template

from allies.pilots.validation import plain_number

register = template.Library()


@register.filter
def plain(value) -> str:
    """120.0000 -> 120, 0.3500 -> 0.35."""
    return plain_number(value)


@register.filter
def percent(share) -> str:
    """0.4 -> 40%, -0.125 -> -12.5%; empty for no value."""
    if share is None or share == "":
        return ""
    value = round(float(share) * 100, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"
