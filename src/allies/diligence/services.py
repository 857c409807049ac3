"""Writes for due diligence: templates, cases and their items, evidence, financial figures, conclusions."""

import re
from dataclasses import asdict
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.diligence import evidence as files
from allies.diligence.choices import POSITIVE_VERDICTS, Area, CaseStatus, ItemStatus, RiskLevel, Verdict
from allies.diligence.models import Case, ChecklistTemplate, Evidence, FinancialYear, Item, ItemStatusChange
from allies.diligence.selectors import FINANCIAL_CRITERION, blocking_items, financial_proposal
from allies.domain import financials
from allies.partners.models import Partner, Rating
from allies.partners.screening import rating_set

ITEM_FIELDS = ("area", "title", "guidance", "status", "finding", "risk_level", "owner_id", "due_date", "position")
CURRENCY = re.compile(r"^[A-Z]{3}$")
INTEGER = re.compile(r"^[+-]?\d+$")
MONEY_LABELS = {"revenue": gettext_lazy("营业收入"), "profit": gettext_lazy("净利润"),
                "operating_cash_flow": gettext_lazy("经营现金流")}


def _invalid(field: str, value, reason: str, code: ErrorCode = ErrorCode.VALIDATION) -> DomainError:
    return DomainError(code, _("输入有误：{reason}").format(reason=reason),
                       {"errors": [{"field": field, "value": "" if value is None else str(value), "reason": reason}]})


def _require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise DomainError(ErrorCode.CONFLICT, _("该尽职调查已结束，不能再修改；如需重新调查，请新开一次尽职调查。"),
                          {"case_id": case.pk, "status": case.status})


def _locked_open(case: Case) -> Case:
    """The case row, locked for this transaction, refusing a concluded case."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require_open(locked)
    return locked


# --------------------------------------------------------------------------- checklist templates


def _template_fields(data: dict) -> dict:
    cleaned = {}
    if "area" in data:
        if data["area"] not in Area.values:
            raise _invalid("area", data["area"], _("未知的调查领域。"))
        cleaned["area"] = data["area"]
    if "title" in data:
        title = (data["title"] or "").strip()
        if not title or len(title) > 200:
            raise _invalid("title", title, _("检查项名称不能为空，且不超过 200 字。"))
        cleaned["title"] = title
    if "guidance" in data:
        cleaned["guidance"] = (data["guidance"] or "").strip()
    if "position" in data:
        cleaned["position"] = _position(data["position"])
    if "active" in data:
        cleaned["active"] = bool(data["active"])
    return cleaned


def template_create(*, actor, area: str, title: str, guidance: str = "", position=None,
                    active: bool = True) -> ChecklistTemplate:
    require_writer(actor)
    cleaned = _template_fields({"area": area, "title": title, "guidance": guidance, "active": active})
    if position in (None, ""):
        last = ChecklistTemplate.objects.filter(area=area).aggregate(n=Max("position"))["n"]
        cleaned["position"] = 0 if last is None else last + 1
    else:
        cleaned["position"] = _position(position)
    with acting_as(actor):
        return ChecklistTemplate.objects.create(**cleaned)


def template_update(*, actor, template: ChecklistTemplate, data: dict) -> ChecklistTemplate:
    require_writer(actor)
    cleaned = _template_fields(data)
    for field, value in cleaned.items():
        setattr(template, field, value)
    with acting_as(actor):
        template.save()
    return template


def template_delete(*, actor, template: ChecklistTemplate) -> None:
    """Remove a template; cases opened earlier keep their copied items."""
    require_writer(actor)
    with acting_as(actor):
        template.delete()


# --------------------------------------------------------------------------- cases


def case_open(*, actor, partner: Partner) -> Case:
    """Open a case for a partner, with the active checklist templates copied into its items."""
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if Case.objects.filter(partner=locked, status=CaseStatus.OPEN).exists():
            raise DomainError(ErrorCode.CONFLICT, _("“{partner}”已有一个进行中的尽职调查。").format(partner=locked.name),
                              {"partner_id": locked.pk})
        try:
            with transaction.atomic():
                case = Case.objects.create(partner=locked, opened_by=actor)
        except IntegrityError as exc:
            raise DomainError(ErrorCode.CONFLICT, _("“{partner}”已有一个进行中的尽职调查。").format(
                partner=locked.name), {"partner_id": locked.pk}) from exc
        templates = ChecklistTemplate.objects.filter(active=True).order_by("area", "position", "id")
        for t in templates:  # one save per item so the audit log names each
            Item.objects.create(case=case, area=t.area, title=t.title, guidance=t.guidance, position=t.position)
    return case


def case_conclude(*, actor, case: Case, verdict: str, summary: str, conditions: str = "",
                  override_reason: str = "") -> Case:
    """Conclude with a verdict; the case is read-only afterwards.

    A go (with or without conditions) is refused with VERDICT_BLOCKED, naming the items, while
    any high-risk item has not passed, unless ``override_reason`` is given: it is then recorded
    on the case. A reason given when nothing needed overriding is not kept, so a recorded
    reason always marks a real override.
    """
    require_writer(actor)
    if verdict not in Verdict.values:
        raise _invalid("verdict", verdict, _("请选择结论：通过、有条件通过或不通过。"))
    summary, conditions = (summary or "").strip(), (conditions or "").strip()
    override_reason = (override_reason or "").strip()
    if not summary:
        raise _invalid("summary", "", _("请填写尽职调查总结。"))
    if verdict == Verdict.GO_WITH_CONDITIONS and not conditions:
        raise _invalid("conditions", "", _("“有条件通过”须写明附加条件。"))
    with transaction.atomic(), acting_as(actor):
        locked = _locked_open(case)
        blocking = blocking_items(locked) if verdict in POSITIVE_VERDICTS else []
        if blocking and not override_reason:
            names = "、".join(f"“{i.title}”（{i.get_status_display()}）" for i in blocking)
            raise DomainError(
                ErrorCode.VERDICT_BLOCKED,
                _("以下高风险检查项尚未通过，不能给出“{verdict}”结论：{items}。请先处理，或填写越过原因。").format(
                    verdict=Verdict(verdict).label, items=names),
                {"field": "verdict", "overridable": True,
                 "blocking_items": [{"id": i.pk, "title": i.title, "area": i.area, "status": i.status}
                                    for i in blocking]},
            )
        locked.status = CaseStatus.CONCLUDED
        locked.verdict = verdict
        locked.summary = summary
        locked.conditions = conditions if verdict == Verdict.GO_WITH_CONDITIONS else ""
        locked.override_reason = override_reason if blocking else ""
        locked.concluded_by = actor
        locked.concluded_at = timezone.now()
        locked.save()
    return locked


# --------------------------------------------------------------------------- items


def _position(value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 32767:
        raise _invalid("position", value, _("顺序须为 0 到 32767 之间的整数。"))
    return number


def _owner_id(value):
    from allies.core.models import INTERNAL_ROLES, User

    if value in (None, ""):
        return None
    ok = User.objects.filter(pk=value, is_active=True, role__in=INTERNAL_ROLES).exists() \
        if str(value).isdigit() else False
    if not ok:
        raise _invalid("owner_id", value, _("负责人须为在职的内部成员。"))
    return int(value)


def _due_date(value, case: Case):
    if value in (None, ""):
        return None
    try:
        parsed = value if isinstance(value, date) else parse_date(value) if isinstance(value, str) else None
    except ValueError:  # well formed but not a day, e.g. 2025-02-30
        parsed = None
    if parsed is None:
        raise _invalid("due_date", value, _("截止日期格式应为 YYYY-MM-DD。"))
    opened = timezone.localdate(case.opened_at) if case.opened_at else timezone.localdate()
    if parsed < opened:
        raise _invalid("due_date", value, _("截止日期不能早于尽职调查开始日期（{date}）。").format(date=opened),
                       ErrorCode.INVALID_DATES)
    return parsed


def _item_fields(data: dict, case: Case) -> dict:
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise DomainError(ErrorCode.VALIDATION, _("不能修改这些字段：{fields}").format(fields=", ".join(sorted(unknown))))
    cleaned = _template_fields({k: data[k] for k in ("area", "title", "guidance", "position") if k in data})
    if "status" in data:
        if data["status"] not in ItemStatus.values:
            raise _invalid("status", data["status"], _("未知的检查项状态。"))
        cleaned["status"] = data["status"]
    if "risk_level" in data:
        if data["risk_level"] not in RiskLevel.values:
            raise _invalid("risk_level", data["risk_level"], _("风险等级须为低、中或高。"))
        cleaned["risk_level"] = data["risk_level"]
    if "finding" in data:
        cleaned["finding"] = (data["finding"] or "").strip()
    if "owner_id" in data:
        cleaned["owner_id"] = _owner_id(data["owner_id"])
    if "due_date" in data:
        cleaned["due_date"] = _due_date(data["due_date"], case)
    return cleaned


def item_add(*, actor, case: Case, data: dict) -> Item:
    require_writer(actor)
    if not data.get("area") or not (data.get("title") or "").strip():
        raise _invalid("title", data.get("title"), _("请选择调查领域并填写检查项名称。"))
    cleaned = _item_fields(data, case)
    with transaction.atomic(), acting_as(actor):
        locked = _locked_open(case)
        if "position" not in cleaned:
            last = locked.items.filter(area=cleaned["area"]).aggregate(n=Max("position"))["n"]
            cleaned["position"] = 0 if last is None else last + 1
        return Item.objects.create(case=locked, **cleaned)


def item_update(*, actor, item: Item, data: dict) -> Item:
    """Change an item of an open case; a status change is kept as its own history row."""
    require_writer(actor)
    cleaned = _item_fields(data, item.case)
    with transaction.atomic(), acting_as(actor):
        _locked_open(item.case)
        current = Item.objects.select_for_update().get(pk=item.pk)
        old_status = current.status
        for field, value in cleaned.items():
            setattr(current, field, value)
        current.save()
        if current.status != old_status:
            ItemStatusChange.objects.create(item=current, from_status=old_status, to_status=current.status,
                                            changed_by=actor)
    return current


def item_delete(*, actor, item: Item) -> None:
    """Remove an item of an open case, with its evidence files."""
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        _locked_open(item.case)
        paths = list(item.evidence.values_list("stored_path", flat=True))
        item.delete()
        transaction.on_commit(lambda: [files.remove(p) for p in paths])


# --------------------------------------------------------------------------- evidence


def evidence_add(*, actor, item: Item, upload) -> Evidence:
    """Check and keep an uploaded file for an item (see allies.diligence.evidence for the rules and the scan hook)."""
    require_writer(actor)
    _require_open(item.case)
    stored = files.store(upload, case_id=item.case_id)
    try:
        with transaction.atomic(), acting_as(actor):
            _locked_open(item.case)
            return Evidence.objects.create(item=item, uploaded_by=actor, **asdict(stored))
    except BaseException:
        files.remove(stored.stored_path)
        raise


def evidence_delete(*, actor, evidence: Evidence) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        _locked_open(evidence.item.case)
        path = evidence.stored_path
        evidence.delete()
        transaction.on_commit(lambda: files.remove(path))


# --------------------------------------------------------------------------- financial figures


def parse_money(field: str, value) -> int:
    """An amount in integer minor units (fen/cents), or a DomainError naming the field."""
    label = MONEY_LABELS.get(field, field)
    if isinstance(value, int) and not isinstance(value, bool):
        amount = value
    elif isinstance(value, str) and INTEGER.match(value.strip()):
        amount = int(value.strip())
    else:
        raise _invalid(field, value, _("{label}“{value}”无效：金额须为整数（以分为单位）。").format(label=label, value=value))
    if abs(amount) >= financials.MONEY_LIMIT:
        raise _invalid(field, value, _("{label}“{value}”超出范围。").format(label=label, value=value))
    return amount


ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
                          "XAF", "XOF", "XPF"})
THREE_DECIMAL = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point of a currency's major unit (CNY 2: 1 yuan = 100 fen)."""
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def money_from_major(field: str, text, currency: str) -> int:
    """An amount typed in major units (yuan, "1,234.56") as integer minor units, or a DomainError naming it."""
    label = MONEY_LABELS.get(field, field)
    exponent = minor_exponent(currency)
    raw = str(text if text is not None else "").strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise _invalid(field, text, _("{label}“{value}”不是金额。").format(label=label, value=text))
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise _invalid(field, text, _("{label}“{value}”无效：金额最多 {n} 位小数（须为整数个最小货币单位）。").format(
            label=label, value=text, n=exponent))
    return parse_money(field, int(minor))


def parse_debt_ratio(value) -> Decimal:
    try:
        ratio = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        ratio = None
    if isinstance(value, bool) or ratio is None or not ratio.is_finite() or not 0 <= ratio <= 100 \
            or ratio != ratio.quantize(Decimal("0.01")):
        raise _invalid("debt_ratio", value, _("资产负债率“{value}”无效：须为 0 到 100 之间的百分数，最多两位小数。").format(
            value=value))
    return ratio.quantize(Decimal("0.01"))


def _year(value) -> int:
    try:
        year = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        year = None
    if year is None or not 1900 <= year <= 2100:
        raise _invalid("year", value, _("年度“{value}”无效：须为 1900 到 2100 之间的年份。").format(value=value))
    return year


def financial_year_add(*, actor, case: Case, year, revenue, profit, operating_cash_flow, debt_ratio,
                       currency: str = "CNY") -> FinancialYear:
    """Add one year of figures (at most five distinct years per case, one currency per case)."""
    require_writer(actor)
    year = _year(year)
    amounts = {f: parse_money(f, v) for f, v in
               (("revenue", revenue), ("profit", profit), ("operating_cash_flow", operating_cash_flow))}
    ratio = parse_debt_ratio(debt_ratio)
    currency = (currency or "CNY").strip().upper()
    if not CURRENCY.match(currency):
        raise _invalid("currency", currency, _("币种须为三个字母的 ISO 4217 代码，如 CNY。"))
    if amounts["revenue"] < 0:
        raise _invalid("revenue", revenue, _("营业收入不能为负数。"))
    with transaction.atomic(), acting_as(actor):
        locked = _locked_open(case)
        existing = list(locked.financial_years.all())
        if any(y.year == year for y in existing):
            raise _invalid("year", year, _("{year} 年的财务数据已经填写过，请先删除再重新填写。").format(year=year))
        if len(existing) >= financials.MAX_YEARS:
            raise _invalid("year", year, _("最多填写 {n} 个年度的财务数据。").format(n=financials.MAX_YEARS))
        if existing and existing[0].currency != currency:
            raise _invalid("currency", currency, _("本次尽职调查的财务数据以 {currency} 填写，请使用同一币种。").format(
                currency=existing[0].currency))
        return FinancialYear.objects.create(case=locked, year=year, currency=currency, debt_ratio=ratio, **amounts)


def financial_year_delete(*, actor, financial_year: FinancialYear) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        _locked_open(financial_year.case)
        financial_year.delete()


def financial_rating_record(*, actor, case: Case, score=None) -> Rating:
    """Record the actor's financial-health rating of the partner: the proposal (score None) or their own score."""
    require_writer(actor)
    proposal = financial_proposal(case)
    if proposal is None:
        raise _invalid("score", score, _("请先填写至少一个年度的财务数据。"))
    accepted = score in (None, "")
    value = proposal.score if accepted else score
    note = (_("接受尽职调查 #{case} 的财务数据建议分 {score}") if accepted
            else _("尽职调查 #{case} 的财务数据建议分为 {score}，评分人改为自己的评分")).format(case=case.pk,
                                                                                   score=proposal.score)
    return rating_set(actor=actor, partner=case.partner, criterion_code=FINANCIAL_CRITERION, score=value, note=note)
