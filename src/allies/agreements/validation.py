"""Checking agreement, party, dispute-step and IP-asset input, shared by the API, the web forms and the services.

Every problem names its field (``parties.1.partner_id``, ``dispute_steps.0.body`` ...) and
says what is wrong; all problems of one request are reported together, nothing written.
"""

import re

from django.utils.translation import gettext as _

from allies.agreements.choices import (
    Confidentiality,
    CooperationModel,
    DisputeMethod,
    IpKind,
    IpOwner,
    RoundingMode,
    UsageRight,
)
from allies.agreements.models import Agreement, DisputeStep, IpAsset
from allies.core.errors import ErrorCode
from allies.core.text import join_list
from allies.partners.models import Partner
from allies.partners.validation import parse_choice
from allies.pilots.validation import Problems, label_of, parse_date

TEXT_LIMIT = 20_000
SHORT_LIMITS = {"code": 40, "title": 200, "role": 100, "name": 200, "body": 200}
MAX_NOTICE_DAYS = 3650
MAX_RENEWAL_MONTHS = 120
CURRENCY = re.compile(r"^[A-Z]{3}$")
CLAUSE_TEXTS = ("scope", "goals", "our_rights", "our_obligations", "revenue_cost_terms", "ip_terms",
                "termination_conditions", "customer_handover", "data_migration")


def _choices_text(enum) -> str:
    return join_list(f"{v}（{label}）" for v, label in enum.choices)


def _text(raw, key: str, label, problems: Problems, *, limit: int = TEXT_LIMIT, required: bool = False) -> str:
    value = "" if raw is None else str(raw).strip()
    if "\x00" in value:
        problems.add(key, value.replace("\x00", "\\0"), _("含有不允许的空字符（NUL）。"), label=label)
        return ""
    if required and not value:
        problems.add(key, value, _("不能为空。"), label=label)
    elif len(value) > limit:
        problems.add(key, value, _("最多 {n} 个字符。").format(n=limit), label=label)
    return value


def _choice(enum, raw, key: str, label, problems: Problems, *, blank: bool = False) -> str:
    if blank and (raw is None or str(raw).strip() == ""):
        return ""
    value = parse_choice(enum, raw if raw is not None else "")
    if value is None:
        problems.add(key, raw, _("只能是：{choices}。").format(choices=_choices_text(enum)), label=label)
        return ""
    return value


def _int(raw, key: str, label, problems: Problems, *, low: int, high: int, optional: bool = False):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if not optional:
            problems.add(key, "", _("不能为空。"), label=label)
        return None
    try:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
        value = int(str(raw).strip()) if not isinstance(raw, float) else int(raw)
    except (TypeError, ValueError):
        problems.add(key, raw, _("须为整数。"), label=label)
        return None
    if not low <= value <= high:
        problems.add(key, value, _("须在 {low} 到 {high} 之间。").format(low=low, high=high), label=label)
        return None
    return value


def clean_agreement(data: dict, problems: Problems, *, current: Agreement | None = None) -> dict:
    """The agreement's own fields present in ``data``, cleaned; parties and dispute steps are cleaned apart."""
    out = {}
    if "title" in data or current is None:
        out["title"] = _text(data.get("title"), "title", label_of(Agreement, "title"), problems,
                             limit=SHORT_LIMITS["title"], required=True)
    if data.get("code") not in (None, ""):
        code = _text(data["code"], "code", label_of(Agreement, "code"), problems, limit=SHORT_LIMITS["code"])
        clash = Agreement.objects.filter(code=code)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if code and clash.exists():
            problems.add("code", code, _("该协议编号已被使用。"), ErrorCode.CONFLICT, label_of(Agreement, "code"))
        out["code"] = code
    if "cooperation_models" in data:
        raw = data.get("cooperation_models") or []
        models, label = [], label_of(Agreement, "cooperation_models")
        for i, item in enumerate(raw if isinstance(raw, list | tuple) else [raw]):
            value = _choice(CooperationModel, item, f"cooperation_models.{i}", label, problems)
            if value and value not in models:
                models.append(value)
        out["cooperation_models"] = models
    for name in ("start_date", "end_date"):
        if name in data:
            day, reason = parse_date(data.get(name))
            if reason:
                problems.add(name, data.get(name), reason, ErrorCode.INVALID_DATES, label_of(Agreement, name))
            out[name] = day
    start = out.get("start_date", current.start_date if current else None)
    end = out.get("end_date", current.end_date if current else None)
    if start and end and end <= start and ("start_date" in out or "end_date" in out):
        problems.add("end_date", end.isoformat(), _("到期日期必须晚于生效日期（{start}）。").format(
            start=start.isoformat()), ErrorCode.INVALID_DATES, label_of(Agreement, "end_date"))
    if "auto_renew" in data:
        out["auto_renew"] = bool(data.get("auto_renew"))
    if "renewal_months" in data:
        out["renewal_months"] = _int(data.get("renewal_months"), "renewal_months",
                                     label_of(Agreement, "renewal_months"), problems, low=1,
                                     high=MAX_RENEWAL_MONTHS, optional=True)
    if "notice_days" in data:
        value = _int(data.get("notice_days"), "notice_days", label_of(Agreement, "notice_days"), problems, low=0,
                     high=MAX_NOTICE_DAYS)
        if value is not None:
            out["notice_days"] = value
    if "currency" in data:
        currency = str(data.get("currency") or "").strip().upper()
        if not CURRENCY.match(currency):
            problems.add("currency", currency, _("须为三位 ISO 4217 币种代码，例如 CNY。"),
                         label=label_of(Agreement, "currency"))
        out["currency"] = currency
    if "rounding" in data:
        out["rounding"] = _choice(RoundingMode, data.get("rounding"), "rounding", label_of(Agreement, "rounding"),
                                  problems)
    for name in CLAUSE_TEXTS:
        if name in data:
            out[name] = _text(data.get(name), name, label_of(Agreement, name), problems)
    return out


def clean_parties(rows, problems: Problems) -> list[dict]:
    """Party rows ({partner_id, role, rights, obligations}); each partner at most once."""
    cleaned, seen = [], set()
    partner_label = _("伙伴方")
    ids = [r.get("partner_id") for r in rows if isinstance(r, dict)]
    known = {p.pk: p for p in Partner.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}
    for i, row in enumerate(rows):
        prefix = f"parties.{i}."
        pid = row.get("partner_id")
        partner = known.get(pid) if isinstance(pid, int) else None
        if partner is None:
            problems.add(prefix + "partner_id", pid, _("没有这个伙伴。"), label=partner_label)
        elif pid in seen:
            problems.add(prefix + "partner_id", pid, _("“{name}”重复出现。").format(name=partner.name),
                         label=partner_label)
        seen.add(pid)
        cleaned.append({
            "partner_id": pid,
            "role": _text(row.get("role"), prefix + "role", _("角色"), problems, limit=SHORT_LIMITS["role"]),
            "rights": _text(row.get("rights"), prefix + "rights", _("权利"), problems),
            "obligations": _text(row.get("obligations"), prefix + "obligations", _("义务"), problems),
        })
    return cleaned


def clean_dispute_steps(rows, problems: Problems) -> list[dict]:
    cleaned = []
    for i, row in enumerate(rows):
        prefix = f"dispute_steps.{i}."
        method = _choice(DisputeMethod, row.get("method"), prefix + "method", label_of(DisputeStep, "method"),
                         problems)
        body = _text(row.get("body"), prefix + "body", label_of(DisputeStep, "body"), problems,
                     limit=SHORT_LIMITS["body"])
        if method in (DisputeMethod.ARBITRATION, DisputeMethod.LITIGATION) and not body:
            problems.add(prefix + "body", "", _("仲裁须写明仲裁机构，诉讼须写明管辖法院。"),
                         label=label_of(DisputeStep, "body"))
        days = _int(row.get("days"), prefix + "days", label_of(DisputeStep, "days"), problems, low=1,
                    high=MAX_NOTICE_DAYS, optional=True)
        cleaned.append({"method": method, "body": body, "days": days})
    return cleaned


def clean_ip_asset(data: dict, problems: Problems, *, party_ids: set[int], current: IpAsset | None = None) -> dict:
    out = {}
    if "name" in data or current is None:
        out["name"] = _text(data.get("name"), "name", label_of(IpAsset, "name"), problems,
                            limit=SHORT_LIMITS["name"], required=True)
    if "kind" in data:
        out["kind"] = _choice(IpKind, data.get("kind"), "kind", label_of(IpAsset, "kind"), problems)
    if "owner" in data:
        out["owner"] = _choice(IpOwner, data.get("owner"), "owner", label_of(IpAsset, "owner"), problems, blank=True)
    owner = out.get("owner", current.owner if current else "")
    if "owner_partner_id" in data or "owner" in out:
        pid = data.get("owner_partner_id", current.owner_partner_id if current else None)
        if owner == IpOwner.PARTNER:
            if pid is None:
                problems.add("owner_partner_id", "", _("权属为伙伴方时须选择是哪一方。"),
                             label=label_of(IpAsset, "owner_partner"))
            elif pid not in party_ids:
                problems.add("owner_partner_id", pid, _("须为本协议的伙伴方。"), label=label_of(IpAsset, "owner_partner"))
            out["owner_partner_id"] = pid
        else:
            out["owner_partner_id"] = None
    if "usage" in data:
        usage, raw = {}, data.get("usage") or {}
        label = label_of(IpAsset, "usage")
        for key, right in (raw.items() if isinstance(raw, dict) else []):
            key = str(key)
            if key != "us" and not (key.isdigit() and int(key) in party_ids):
                problems.add(f"usage.{key}", key, _("只能是 us（我方）或本协议伙伴方的 id。"), label=label)
                continue
            value = _choice(UsageRight, right, f"usage.{key}", label, problems)
            if value:
                usage[key] = value
        out["usage"] = usage
    if "confidentiality" in data:
        out["confidentiality"] = _choice(Confidentiality, data.get("confidentiality"), "confidentiality",
                                         label_of(IpAsset, "confidentiality"), problems)
    if "note" in data:
        out["note"] = _text(data.get("note"), "note", label_of(IpAsset, "note"), problems)
    return out


def clean_reason(raw, *, key: str = "reason") -> str:
    """A reason (amendment, status change) of at most 2,000 characters; DomainError otherwise."""
    problems = Problems()
    value = _text(raw, key, _("原因"), problems, limit=2000)
    problems.raise_if_any()
    return value
