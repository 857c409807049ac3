"""Template filters of settlements: money in minor units shown in major units with thousands separators."""

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """123456 (分) -> "1,234.56"; None -> "—"."""
    if value is None or value == "":
        return "—"
    value = int(value)
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 100)
    return f"{sign}{whole:,}.{frac:02d}"


@register.filter
def signed_money(value) -> str:
    if value is None:
        return "—"
    return ("+" if int(value) > 0 else "") + money(value)


@register.filter
def get_item(container, key):
    """``container[key]`` for a dict or a list (by index), else ""."""
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        return ""
