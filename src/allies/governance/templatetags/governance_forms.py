"""Template helpers for governance forms: a submitted value and its errors, by field name."""

from django import template
from django.utils.html import format_html, format_html_join

from allies.governance.models import user_display

register = template.Library()


@register.filter
def val(form, field: str):
    """The submitted value of ``field`` in a re-rendered form ({"values", "errors"}), or ""."""
    if not form:
        return ""
    value = form.get("values", {}).get(field)
    return "" if value is None else value


@register.filter
def who(user) -> str:
    """A person by their name, or their username when they have none."""
    return user_display(user)


@register.filter
def errs(form, field: str):
    """The problems of ``field`` as small red lines next to it."""
    if not form:
        return ""
    reasons = form.get("errors", {}).get(field, [])
    return format_html_join("", '<div class="text-danger small field-error" data-field="{}">{}</div>',
                            ((field, r) for r in reasons))


@register.filter
def other_errs(form, fields: str):
    """Problems of fields not shown in the form (comma-separated list of shown fields), as one alert."""
    if not form:
        return ""
    shown = set(fields.split(","))
    reasons = [r for f, rs in form.get("errors", {}).items() if f not in shown for r in rs]
    if not reasons:
        return ""
    return format_html('<div class="alert alert-danger small" role="alert">{}</div>',
                       format_html_join(" ", "{}", ((r,) for r in reasons)))
