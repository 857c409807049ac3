"""Template filters of the ecosystem pages: money in minor units, stakes in basis points."""

from django import template

register = template.Library()


@register.filter
def minor(value) -> str:
    """12345678 -> "123,456.78" (integer minor units shown with two decimals, exactly)."""
    if value is None or value == "":
        return "—"
    value = int(value)
    sign = "-" if value < 0 else ""
    whole, cents = divmod(abs(value), 100)
    return f"{sign}{whole:,}.{cents:02d}"


@register.filter
def signed_minor(value) -> str:
    if value is None or value == "":
        return "—"
    text = minor(value)
    return text if int(value) < 0 else f"+{text}"


@register.filter
def bp(value) -> str:
    """1500 -> "15%", 1250 -> "12.5%"."""
    if value is None or value == "":
        return "—"
    return f"{int(value) / 100:.2f}".rstrip("0").rstrip(".") + "%"


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
