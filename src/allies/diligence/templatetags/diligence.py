"""Template filters for due diligence: money in minor units shown in major units."""

from django import template

from allies.diligence.services import minor_exponent

register = template.Library()


@register.filter
def money(minor, currency="CNY"):
    """12345678 fen -> "123,456.78": thousands commas as in Chinese financial statements, the currency's decimals."""
    if minor is None or minor == "":
        return ""
    exponent = minor_exponent(currency or "CNY")
    sign = "-" if int(minor) < 0 else ""
    whole, part = divmod(abs(int(minor)), 10**exponent)
    text = f"{whole:,}"
    return f"{sign}{text}.{part:0{exponent}d}" if exponent else f"{sign}{text}"

