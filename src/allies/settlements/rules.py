"""Writes of the sharing configuration: rules, bonuses, cost rules and entries, categories, coalition values.

Every write checks its input completely first (percentages sum to 100%, tiers neither
overlap nor leave gaps, currencies match the agreement) and writes nothing when any part
is wrong; errors name the field and value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from allies.agreements.models import Agreement
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.domain.sharing import Ladder, SharingError, build_ladder, check_percentages, to_fraction
from allies.partners.models import Partner
from allies.settlements.models import (
    Basis,
    CategoryProduct,
    CoalitionValue,
    CostEntry,
    CostRule,
    KpiMetric,
    PerformanceBonus,
    ProductCategory,
    SharingRule,
    TierMethod,
)

US = 0  # our own company among the parties (party id 0; never a Partner row)
MAX_MONEY = 10**15


# --------------------------------------------------------------------------- parties


@dataclass(frozen=True)
class Party:
    id: int  # 0 = us, else the partner id
    name: str

    @property
    def partner_id(self) -> int | None:
        return self.id or None


def agreement_parties(agreement: Agreement) -> list[Party]:
    """Us first, then the agreement's partners by id."""
    partners = agreement.partners.order_by("pk").values_list("pk", "name")
    return [Party(US, str(_("我方"))), *(Party(pk, name) for pk, name in partners)]


def party_key(value) -> int:
    """A party reference from input: None / "us" / 0 is us, else a partner id."""
    if value in (None, "", "us", 0, "0"):
        return US
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --------------------------------------------------------------------------- messages


def sharing_message(exc: SharingError) -> str:
    d = exc.details
    messages = {
        "percent_sum": _("收益分配规则各方比例之和不是100%（现为 {sum}%）。"),
        "percent_out_of_range": _("比例须在 0 到 100 之间：{values}。"),
        "invalid_number": _("“{value}”不是有效的数字。"),
        "no_parties": _("至少要有一方参与分配。"),
        "tiers_overlap": _("阶梯重叠：第 {tier} 档的下限低于上一档的上限。"),
        "tiers_gap": _("阶梯不连续：第 {tier} 档的下限 {lower} 与上一档的上限 {previous_upper} 之间有空档。"),
        "tiers_unsorted": _("阶梯须按下限从低到高排列（第 {tier} 档）。"),
        "tiers_open_end": _("最后一档须不设上限（第 {tier} 档的上限为 {upper}）。"),
        "tier_empty": _("第 {tier} 档的上限须高于下限。"),
        "tier_lower": _("第 {tier} 档的下限须大于 0（低于第一档的部分按基础比例分配）。"),
        "tier_parties": _("第 {tier} 档的比例须对应规则的每一方。"),
        "limits_order": _("最低分成高于最高分成。"),
        "negative_weight": _("分摊比例不能为负数。"),
        "zero_weights": _("分摊比例之和须大于 0。"),
        "negative_bonus": _("奖励金额和比例不能为负数。"),
    }
    template = messages.get(exc.code, _("输入有误：{code}。"))
    try:
        return template.format(code=exc.code, **{k: v for k, v in d.items() if k != "code"})
    except (KeyError, IndexError):
        return template


def _invalid(field: str, value, message: str, code: ErrorCode = ErrorCode.INVALID_SHARING_RULE) -> DomainError:
    return DomainError(code, message, {"errors": [{"field": field, "value": _json_safe(value), "reason": message}]})


def _json_safe(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return str(value)


def _money(field: str, value, *, allow_none: bool = False, allow_negative: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field, value, _("{field} 须为整数金额（分）。").format(field=field))
    if abs(value) > MAX_MONEY or (value < 0 and not allow_negative):
        raise _invalid(field, value, _("{field} 超出允许范围。").format(field=field))
    return value


def _percent_text(value) -> str:
    exact = to_fraction(value)
    return str(Decimal(exact.numerator) / Decimal(exact.denominator)).rstrip("0").rstrip(".") \
        if exact.denominator != 1 else str(exact.numerator)


# --------------------------------------------------------------------------- checking a rule


def _check_shares(agreement: Agreement, shares, field: str = "shares") -> list[dict]:
    valid_ids = {p.id for p in agreement_parties(agreement)}
    if not isinstance(shares, list) or not shares:
        raise _invalid(field, shares, _("请填写各方比例。"))
    parties, percents = [], []
    for i, item in enumerate(shares):
        if not isinstance(item, dict):
            raise _invalid(f"{field}[{i}]", item, _("比例格式有误。"))
        party = party_key(item.get("party"))
        if party not in valid_ids:
            raise _invalid(f"{field}[{i}].party", item.get("party"), _("“{party}”不是本协议的一方。").format(
                party=item.get("party")))
        if party in parties:
            raise _invalid(f"{field}[{i}].party", item.get("party"), _("同一方不能出现两次。"))
        parties.append(party)
        percents.append(item.get("percent"))
    try:
        exact = check_percentages(percents)
    except SharingError as exc:
        raise _invalid(field, [str(p) for p in percents], sharing_message(exc)) from exc
    return [{"party": p or None, "percent": _percent_text(x)} for p, x in zip(parties, exact)]


def _check_tiers(tiers, n_parties: int) -> list[dict]:
    if tiers in (None, ""):
        return []
    if not isinstance(tiers, list):
        raise _invalid("tiers", tiers, _("阶梯格式有误。"))
    out = []
    for i, tier in enumerate(tiers):
        if not isinstance(tier, dict) or not isinstance(tier.get("percents"), list):
            raise _invalid(f"tiers[{i}]", tier, _("阶梯格式有误。"))
        lower = _money(f"tiers[{i}].lower", tier.get("lower"))
        upper = _money(f"tiers[{i}].upper", tier.get("upper"), allow_none=True)
        if len(tier["percents"]) != n_parties:
            raise _invalid(f"tiers[{i}].percents", tier["percents"],
                           _("第 {tier} 档的比例须对应规则的每一方。").format(tier=i + 1))
        out.append({"lower": lower, "upper": upper, "percents": tier["percents"]})
    return out


def rule_ladder(shares: list[dict], tiers: list[dict], method: str) -> Ladder:
    return build_ladder([s["percent"] for s in shares],
                        [(t["lower"], t["upper"], t["percents"]) for t in tiers], method)


def _month_start(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value if len(value) > 7 else value + "-01")
        except ValueError as exc:
            raise _invalid(field, value, _("请填写月份，例如 2026-07。")) from exc
    if not isinstance(value, date):
        raise _invalid(field, value, _("请填写月份，例如 2026-07。"))
    return value.replace(day=1)


def _month_end(value, field: str) -> date | None:
    start = _month_start(value, field)
    if start is None:
        return None
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def check_rule(agreement: Agreement, data: dict) -> dict:
    """The rule's fields, checked and normalised; a DomainError names the first problem."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise _invalid("name", data.get("name"), _("请填写规则名称。"))
    if len(name) > 100:
        raise _invalid("name", name, _("规则名称不能超过 100 个字符。"))
    basis = data.get("basis") or Basis.REVENUE
    if basis not in Basis.values:
        raise _invalid("basis", basis, _("分成基数须为销售收入或毛利。"))
    method = data.get("tier_method") or TierMethod.MARGINAL
    if method not in TierMethod.values:
        raise _invalid("tier_method", method, _("阶梯计算方式须为超额累进或全额累进。"))
    shares = _check_shares(agreement, data.get("shares"))
    tiers = _check_tiers(data.get("tiers"), len(shares))
    try:
        ladder = rule_ladder(shares, tiers, method)
    except SharingError as exc:
        raise _invalid("tiers", tiers, sharing_message(exc)) from exc
    tiers = [{"lower": b.lower, "upper": b.upper, "percents": [_percent_text(p) for p in b.percentages]}
             for b in ladder.bands[1:]]
    min_payout = _money("min_payout", data.get("min_payout"), allow_none=True)
    max_payout = _money("max_payout", data.get("max_payout"), allow_none=True)
    if min_payout is not None and max_payout is not None and min_payout > max_payout:
        raise _invalid("min_payout", min_payout, _("最低分成高于最高分成。"))
    if (min_payout is not None or max_payout is not None) and all(s["party"] is not None for s in shares):
        raise _invalid("min_payout", min_payout, _("设置最低或最高分成时，我方须是规则的一方（差额由我方承担）。"))
    agreement_partner_ids = set(agreement.partners.values_list("pk", flat=True))
    partner_ids = [int(p) for p in data.get("partner_ids") or []]
    unknown = [p for p in partner_ids if p not in agreement_partner_ids]
    if unknown:
        raise _invalid("partner_ids", unknown, _("只能选择本协议的伙伴。"))
    products = [str(p).strip() for p in data.get("products") or [] if str(p).strip()]
    if any(len(p) > 200 for p in products):
        raise _invalid("products", products, _("产品名称不能超过 200 个字符。"))
    category_ids = [int(c) for c in data.get("category_ids") or []]
    found = set(ProductCategory.objects.filter(pk__in=category_ids).values_list("pk", flat=True))
    if set(category_ids) - found:
        raise _invalid("category_ids", sorted(set(category_ids) - found), _("品类不存在。"))
    valid_from = _month_start(data.get("valid_from"), "valid_from")
    valid_to = _month_end(data.get("valid_to"), "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise _invalid("valid_to", str(valid_to), _("截止月份早于起始月份。"))
    return {"name": name, "basis": basis, "tier_method": method, "shares": shares, "tiers": tiers,
            "min_payout": min_payout, "max_payout": max_payout, "products": products, "valid_from": valid_from,
            "valid_to": valid_to, "partner_ids": partner_ids, "category_ids": category_ids}


# --------------------------------------------------------------------------- rule writes


def sharing_rule_create(*, actor, agreement: Agreement, data: dict) -> SharingRule:
    require_writer(actor)
    clean = check_rule(agreement, data)
    partner_ids, category_ids = clean.pop("partner_ids"), clean.pop("category_ids")
    with transaction.atomic(), acting_as(actor):
        position = (agreement.sharing_rules.order_by("-position").values_list("position", flat=True).first() or 0)
        rule = SharingRule.objects.create(agreement=agreement, position=position + 1, created_by=actor, **clean)
        rule.partners.set(partner_ids)
        rule.categories.set(category_ids)
    return rule


def sharing_rule_update(*, actor, rule: SharingRule, data: dict) -> SharingRule:
    require_writer(actor)
    current = rule_input(rule)
    current.update({k: v for k, v in data.items() if k in current})
    clean = check_rule(rule.agreement, current)
    partner_ids, category_ids = clean.pop("partner_ids"), clean.pop("category_ids")
    with transaction.atomic(), acting_as(actor):
        for field, value in clean.items():
            setattr(rule, field, value)
        rule.save()
        rule.partners.set(partner_ids)
        rule.categories.set(category_ids)
    return rule


def sharing_rule_delete(*, actor, rule: SharingRule) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        rule.delete()


def rule_input(rule: SharingRule) -> dict:
    """A rule as service input (the shape ``check_rule`` takes)."""
    return {
        "name": rule.name, "basis": rule.basis, "tier_method": rule.tier_method, "shares": rule.shares,
        "tiers": rule.tiers, "min_payout": rule.min_payout, "max_payout": rule.max_payout,
        "products": rule.products, "valid_from": rule.valid_from, "valid_to": rule.valid_to,
        "partner_ids": list(rule.partners.values_list("pk", flat=True)),
        "category_ids": list(rule.categories.values_list("pk", flat=True)),
    }


# --------------------------------------------------------------------------- bonuses, costs, categories


def performance_bonus_create(*, actor, agreement: Agreement, data: dict) -> PerformanceBonus:
    require_writer(actor)
    partner_id = data.get("partner_id")
    if not agreement.partners.filter(pk=partner_id).exists():
        raise _invalid("partner_id", partner_id, _("只能选择本协议的伙伴。"))
    metric = data.get("metric")
    if metric not in KpiMetric.values:
        raise _invalid("metric", metric, _("指标须为：{choices}。").format(choices="、".join(
            str(label) for label in KpiMetric.labels)))
    try:
        target = Decimal(str(data.get("target")))
        percent = Decimal(str(data.get("percent") or 0))
    except InvalidOperation as exc:
        raise _invalid("target", data.get("target"), _("请填写数字。")) from exc
    if not target.is_finite() or abs(target) >= 10**17:
        raise _invalid("target", data.get("target"), _("目标值超出允许范围。"))
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise _invalid("percent", data.get("percent"), _("比例须在 0 到 100 之间。"))
    amount = _money("amount", data.get("amount") or 0)
    if amount == 0 and percent == 0:
        raise _invalid("amount", amount, _("请填写奖励金额或比例。"))
    with transaction.atomic(), acting_as(actor):
        return PerformanceBonus.objects.create(
            agreement=agreement, partner_id=partner_id, metric=metric, target=target.quantize(Decimal("0.001")),
            higher_is_better=bool(data.get("higher_is_better", True)), amount=amount,
            percent=percent.quantize(Decimal("0.0001")), description=str(data.get("description") or "")[:200])


def cost_rule_set(*, actor, agreement: Agreement, category: str, shares) -> CostRule:
    """Create or replace the split of a cost category."""
    require_writer(actor)
    category = str(category or "").strip()
    if not category or len(category) > 100:
        raise _invalid("category", category, _("请填写成本类别（不超过 100 个字符）。"), ErrorCode.INVALID_COST)
    try:
        clean = _check_shares(agreement, shares)
    except DomainError as exc:
        raise DomainError(ErrorCode.INVALID_COST, exc.message, exc.details) from exc
    with transaction.atomic(), acting_as(actor):
        rule, _created = CostRule.objects.update_or_create(agreement=agreement, category=category,
                                                           defaults={"shares": clean})
    return rule


def cost_entry_record(*, actor, agreement: Agreement, data: dict) -> CostEntry:
    require_writer(actor)
    rule = CostRule.objects.filter(agreement=agreement, pk=data.get("rule_id")).first()
    if rule is None:
        raise _invalid("rule_id", data.get("rule_id"), _("请选择本协议的成本类别。"), ErrorCode.INVALID_COST)
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 or amount > MAX_MONEY:
        raise _invalid("amount", amount, _("金额须为正的整数（分）。"), ErrorCode.INVALID_COST)
    currency = str(data.get("currency") or agreement.currency).upper()
    if currency != agreement.currency:
        raise _invalid("currency", currency, _("币种 {currency} 与协议币种 {expected} 不一致。").format(
            currency=currency, expected=agreement.currency), ErrorCode.CURRENCY_MISMATCH)
    day = data.get("date")
    if not isinstance(day, date):
        raise _invalid("date", day, _("请填写日期。"), ErrorCode.INVALID_COST)
    paid_by = party_key(data.get("paid_by"))
    if paid_by != US and not agreement.partners.filter(pk=paid_by).exists():
        raise _invalid("paid_by", data.get("paid_by"), _("垫付方须为本协议的一方。"), ErrorCode.INVALID_COST)
    with transaction.atomic(), acting_as(actor):
        return CostEntry.objects.create(agreement=agreement, rule=rule, date=day, amount=amount, currency=currency,
                                        paid_by_id=paid_by or None, recorded_by=actor,
                                        description=str(data.get("description") or "")[:300])


def product_category_set(*, actor, name: str, products: list[str]) -> ProductCategory:
    """Create a category (or update it) and map the given product names to it."""
    require_writer(actor)
    name = str(name or "").strip()
    if not name or len(name) > 100:
        raise _invalid("name", name, _("请填写品类名称（不超过 100 个字符）。"))
    products = sorted({str(p).strip() for p in products if str(p).strip()})
    if any(len(p) > 200 for p in products):
        raise _invalid("products", products, _("产品名称不能超过 200 个字符。"))
    with transaction.atomic(), acting_as(actor):
        category, _created = ProductCategory.objects.get_or_create(name=name)
        CategoryProduct.objects.filter(product__in=products).exclude(category=category).delete()
        for product in products:
            CategoryProduct.objects.get_or_create(product=product, defaults={"category": category})
    return category


def coalition_values_set(*, actor, agreement: Agreement, values: list[dict]) -> list[CoalitionValue]:
    """Replace the entered coalition values: [{"members": [0, partner ids...], "value": minor units}]."""
    require_writer(actor)
    valid = {p.id for p in agreement_parties(agreement)}
    clean = {}
    for i, item in enumerate(values):
        members = sorted({party_key(m) for m in item.get("members") or []})
        if not members or any(m not in valid for m in members):
            raise _invalid(f"values[{i}].members", item.get("members"), _("联盟组合须由本协议的各方组成。"))
        value = _money(f"values[{i}].value", item.get("value"), allow_negative=True)
        clean[",".join(map(str, members))] = (members, value)
    with transaction.atomic(), acting_as(actor):
        agreement.coalition_values.all().delete()
        return [CoalitionValue.objects.create(agreement=agreement, key=key, members=members, value=value)
                for key, (members, value) in clean.items()]


def party_label(parties: list[Party], party_id) -> str:
    pid = party_key(party_id)
    return next((p.name for p in parties if p.id == pid), str(party_id))


def partner_name(partner_id: int | None) -> str:
    if not partner_id:
        return str(_("我方"))
    return Partner.objects.filter(pk=partner_id).values_list("name", flat=True).first() or str(partner_id)
