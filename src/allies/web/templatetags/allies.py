"""Template helpers for punctuation that differs between Chinese and English."""

from django import template
from django.utils.translation import gettext as _

from allies.core.text import join_list

register = template.Library()


@register.filter
def listjoin(items) -> str:
    """``a、b`` in Chinese, ``a, b`` in English."""
    return join_list(items)


@register.simple_tag
def colon() -> str:
    # Translators: the colon after a label ("标签：" in Chinese, "Label: " in English).
    return _("：")
