"""Checking governance input: every problem names its field; nothing is written while any remain."""

from datetime import date, datetime

from django.utils.translation import gettext as _

from allies.core.errors import ErrorCode
from allies.partners.validation import parse_choice
from allies.pilots.validation import Problems, label_of

__all__ = ["Problems", "choice", "clean_text", "label_of", "parse_date", "parse_datetime"]


def clean_text(raw, field: str, problems: Problems, label, *, limit: int, required: bool = False,
               multiline: bool = False) -> str:
    value = "" if raw is None else str(raw).strip()
    if not multiline:
        value = " ".join(value.split())
    if "\x00" in value:
        problems.add(field, value[:50], _("含有不允许的字符。"), label=label)
    elif required and not value:
        problems.add(field, value, _("不能为空。"), label=label)
    elif len(value) > limit:
        problems.add(field, value[:50], _("最多 {n} 个字符。").format(n=limit), label=label)
    return value


def choice(raw, choices_cls, field: str, problems: Problems, label, *, required: bool = False) -> str | None:
    if raw is None or str(raw).strip() == "":
        if required:
            problems.add(field, "", _("不能为空。"), label=label)
        return None
    value = parse_choice(choices_cls, str(raw))
    if value is None:
        problems.add(field, raw, _("不是可选的值（可选：{values}）。").format(
            values=", ".join(choices_cls.values)), label=label)
    return value


def parse_date(raw, field: str, problems: Problems, label, *, required: bool = False) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            problems.add(field, "", _("不能为空。"), label=label)
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.add(field, raw, _("“{value}”不是有效日期（格式：YYYY-MM-DD）。").format(value=str(raw)[:50]),
                     label=label)
        return None


def parse_datetime(raw, field: str, problems: Problems, label, *, required: bool = False) -> datetime | None:
    """A datetime; naive values are read in the caller's time zone."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            problems.add(field, "", _("不能为空。"), ErrorCode.VALIDATION, label)
        return None
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(str(raw).strip())
        except ValueError:
            problems.add(field, raw, _("“{value}”不是有效时间（格式：YYYY-MM-DD HH:MM）。").format(value=str(raw)[:50]),
                         label=label)
            return None
    if not 1900 <= value.year <= 2999:
        problems.add(field, raw, _("年份须在 1900 到 2999 之间。"), label=label)
        return None
    return value
