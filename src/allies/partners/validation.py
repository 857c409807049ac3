"""Checking partner fields, shared by the API, the web forms and spreadsheet imports.

Values may arrive as codes (``referral``), Chinese labels (客户与供应商推荐) or English
labels (Referral); they are stored as codes. Problems come back as a list of
``FieldProblem`` so an import can report every bad cell, not just the first.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from allies.core.text import join_list
from allies.domain.identifiers import uscc_normalise, uscc_problem
from allies.partners.choices import CompanySize, Resource, SourceChannel, Stage

RESOURCE_SEPARATORS = re.compile(r"[,，、;；/|\n]+")
TEXT_LIMITS = {"name": 200, "industry": 100, "region": 100, "notes": 5000}
WEBSITE_LIMIT = 200  # Partner.website max_length


@dataclass(frozen=True)
class FieldProblem:
    field: str
    value: str
    reason: str


@lru_cache(maxsize=None)
def _choice_lookup(choices_cls) -> dict[str, str]:
    lookup = {}
    for value, label in choices_cls.choices:
        lookup[value.lower()] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                lookup[str(label).strip().lower()] = value
    return lookup


def parse_choice(choices_cls, raw: str) -> str | None:
    """The code for ``raw`` (code or label in either language), or None if unknown."""
    return _choice_lookup(choices_cls).get(str(raw).strip().lower())


def _uscc_reason(problem: str) -> str:
    return {
        "length": _("统一社会信用代码应为 18 位。"),
        "character": _("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。"),
        "check_digit": _("统一社会信用代码校验位不正确。"),
    }[problem]


def clean_partner_fields(raw: dict, *, partial: bool = False) -> tuple[dict, list[FieldProblem]]:
    """Clean the partner fields present in ``raw``. With ``partial`` missing fields stay missing."""
    cleaned: dict = {}
    problems: list[FieldProblem] = []

    def bad(field, value, reason):
        problems.append(FieldProblem(field, "" if value is None else str(value), str(reason)))

    if "name" in raw or not partial:
        name = str(raw.get("name") or "").strip()
        if not name:
            bad("name", name, _("名称不能为空。"))
        else:
            cleaned["name"] = name
    for field, limit in TEXT_LIMITS.items():
        if field == "name" or field not in raw:
            continue
        value = str(raw.get(field) or "").strip()
        cleaned[field] = value
    for field, limit in TEXT_LIMITS.items():
        value = cleaned.get(field, "")
        if len(value) > limit:
            bad(field, value[:40] + "…", _("内容过长（最多 {limit} 个字符）。").format(limit=limit))
    if "uscc" in raw:
        code = uscc_normalise(str(raw.get("uscc") or ""))
        if code:
            problem = uscc_problem(code)
            if problem:
                bad("uscc", raw.get("uscc"), _uscc_reason(problem))
        cleaned["uscc"] = code
    if "website" in raw:
        website = str(raw.get("website") or "").strip()
        if website and not re.match(r"^https?://", website, re.I):
            website = "https://" + website
        if len(website) > WEBSITE_LIMIT:
            bad("website", website[:40] + "…", _("内容过长（最多 {limit} 个字符）。").format(limit=WEBSITE_LIMIT))
        elif website:
            try:
                URLValidator(schemes=["http", "https"])(website)
            except ValidationError:
                bad("website", raw.get("website"), _("网站地址无效。"))
        cleaned["website"] = website
    for field, choices_cls in (("size", CompanySize), ("source_channel", SourceChannel), ("stage", Stage)):
        if field not in raw:
            continue
        value = str(raw.get(field) or "").strip()
        if not value:
            if field == "stage":
                cleaned[field] = Stage.PROSPECT
            else:
                cleaned[field] = ""
            continue
        code = parse_choice(choices_cls, value)
        if code is None:
            allowed = join_list(label for _v, label in choices_cls.choices)
            bad(field, value, _("不是可选值之一：{allowed}。").format(allowed=allowed))
        else:
            cleaned[field] = code
    if "resources" in raw:
        value = raw.get("resources")
        items = value if isinstance(value, (list, tuple)) else RESOURCE_SEPARATORS.split(str(value or ""))
        codes: list[str] = []
        for item in items:
            item = str(item).strip()
            if not item:
                continue
            code = parse_choice(Resource, item)
            if code is None:
                allowed = join_list(label for _v, label in Resource.choices)
                bad("resources", item, _("不是可选的资源类型：{allowed}。").format(allowed=allowed))
            elif code not in codes:
                codes.append(code)
        cleaned["resources"] = codes
    return cleaned, problems
