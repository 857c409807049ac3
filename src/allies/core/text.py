"""Joining words in the active language: 、 and ； in Chinese, ", " and "; " in English."""

from collections.abc import Iterable

from django.utils.translation import gettext as _


def join_list(items: Iterable) -> str:
    # Translators: separator between the items of a list ("a、b" in Chinese, "a, b" in English).
    return _("、").join(str(i) for i in items)


def join_clauses(items: Iterable) -> str:
    # Translators: separator between independent statements ("a；b" in Chinese, "a; b" in English).
    return _("；").join(str(i) for i in items)


def labelled(label, text) -> str:
    return _("{label}：{text}").format(label=label, text=text)
