"""The settlement computation: from shared sales rows and recorded costs to each party's figures.

The sales rows are read as aggregates (seller, product, currency, month: a few thousand groups
for a million rows) from the monthly roll-up, and from the raw rows only for a partial month;
no ORM object is built per row. Each group counts
for the first rule (by position) whose filters it matches; a rule's volume is split by its
tier ladder; limits, bonuses and costs follow. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.utils.translation import gettext as _

from allies.agreements.choices import AgreementStatus
from allies.agreements.models import Agreement
from allies.core.errors import DomainError, ErrorCode
from allies.domain.period import Period, PeriodError
from allies.domain.sharing import (
    SharingError,
    allocate,
    apply_payout_limits,
    bonus_due,
    split_ladder,
    to_fraction,
)
from allies.settlements.models import Basis, CategoryProduct, KpiMetric, SharingRule
from allies.settlements.rules import US, Party, agreement_parties, party_key, rule_ladder, sharing_message
from allies.sharing.models import SalesMonthly, SalesRecord

SETTLEABLE = (AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)


@dataclass
class Group:
    partner_id: int
    product: str
    currency: str
    month: date
    rows: int
    revenue: int
    cost: int
    quantity: float
    rule_index: int = -1
    category: str = ""

    def basis(self, kind: str) -> int:
        return self.revenue - self.cost if kind == Basis.GROSS_PROFIT else self.revenue


@dataclass
class PartyFigures:
    revenue: int = 0
    collected: int = 0
    share: int = 0
    bonus: int = 0
    cost_share: int = 0
    cost_paid: int = 0

    @property
    def net(self) -> int:
        return self.share + self.bonus - self.cost_share + self.cost_paid - self.collected


@dataclass
class Result:
    agreement: Agreement
    period: Period
    date_from: date
    date_to: date
    parties: list[Party]
    figures: dict[int, PartyFigures]
    groups: list[Group]
    rows_counted: int
    rows_uncounted: int
    revenue: int
    distributable: int
    details: dict = field(default_factory=dict)


def parse_period(text) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        message = _("结算期“{value}”无效：请写作季度 2026Q3 或月份 2026-07。").format(value=text)
        raise DomainError(ErrorCode.INVALID_PERIOD, message,
                          {"errors": [{"field": "period", "value": str(text), "reason": message}]}) from exc


def settlement_window(agreement: Agreement, period: Period) -> tuple[date, date]:
    """The days of the period that fall within the agreement's term, or a DomainError."""
    if agreement.status not in SETTLEABLE:
        raise DomainError(ErrorCode.CONFLICT, _("协议“{code}”尚未签署，不能结算。").format(code=agreement.code),
                          {"status": agreement.status})
    if agreement.start_date is None:
        raise DomainError(ErrorCode.INVALID_PERIOD, _("协议“{code}”没有生效日期，不能结算。").format(
            code=agreement.code), {"field": "period"})
    start = max(period.start, agreement.start_date)
    end = period.end if agreement.end_date is None else min(period.end, agreement.end_date)
    if start > end:
        message = _("结算期 {period} 不在协议期限内（{start} 至 {end}）。").format(
            period=period, start=agreement.start_date, end=agreement.end_date or "—")
        raise DomainError(ErrorCode.INVALID_PERIOD, message,
                          {"errors": [{"field": "period", "value": str(period), "reason": message}]})
    return start, end


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column})::date"
    return f"substr({column}, 1, 7)"


def _month_end(month: date) -> date:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def split_window(date_from: date, date_to: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The whole calendar months inside the window, and the day ranges left over (a partial first/last month)."""
    months, ranges = [], []
    month = date_from.replace(day=1)
    while month <= date_to:
        end = _month_end(month)
        lo, hi = max(month, date_from), min(end, date_to)
        if lo == month and hi == end:
            months.append(month)
        elif ranges and ranges[-1][1] + timedelta(days=1) == lo:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
        month = end + timedelta(days=1)
    return months, ranges


def aggregate_sales(partner_ids: list[int], date_from: date, date_to: date) -> list[Group]:
    """Sales of the given partners in the window, grouped by seller, product, currency and month.

    Whole months come from the monthly roll-up the sharing stage maintains on every write
    (SalesMonthly: the same groups, already summed); a partial first or last month (a term
    that starts or ends mid-month) is aggregated from the raw rows in one query per range.
    Either way no ORM object is built per sales row.
    """
    if not partner_ids:
        return []
    months, ranges = split_window(date_from, date_to)
    raw = []
    if months:
        raw += list(SalesMonthly.objects.filter(partner_id__in=partner_ids, month__in=months)
                    .values_list("partner_id", "product", "currency", "month", "rows", "amount", "cost", "quantity"))
    table = connection.ops.quote_name(SalesRecord._meta.db_table)
    month_expr = _month_sql('"date"')
    marks = ", ".join(["%s"] * len(partner_ids))
    sql = (f'SELECT partner_id, product, currency, {month_expr} AS m, COUNT(*), SUM(amount), SUM(cost), '
           f'SUM(quantity) FROM {table} WHERE partner_id IN ({marks}) AND "date" >= %s AND "date" <= %s '
           f'GROUP BY partner_id, product, currency, m')
    for lo, hi in ranges:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*partner_ids, lo, hi])
            raw += cursor.fetchall()
    groups = []
    for pid, product, currency, m, rows, revenue, cost, qty in raw:
        month_day = m if isinstance(m, date) else date.fromisoformat(f"{m}-01")
        groups.append(Group(pid, product, currency, month_day, int(rows), int(revenue or 0), int(cost or 0),
                            float(qty or 0)))
    return groups


@dataclass(frozen=True)
class RuleFilter:
    rule: SharingRule
    partner_ids: frozenset
    products: frozenset
    categories: frozenset

    def matches(self, group: Group) -> bool:
        if self.partner_ids and group.partner_id not in self.partner_ids:
            return False
        if self.products or self.categories:
            if group.product not in self.products and group.category not in self.categories:
                return False
        if self.rule.valid_from and group.month < self.rule.valid_from:
            return False
        return not (self.rule.valid_to and group.month > self.rule.valid_to)


def rule_filters(agreement: Agreement) -> list[RuleFilter]:
    rules = list(agreement.sharing_rules.order_by("position", "pk").prefetch_related("partners", "categories"))
    return [RuleFilter(rule, frozenset(p.pk for p in rule.partners.all()), frozenset(rule.products),
                       frozenset(c.name for c in rule.categories.all())) for rule in rules]


def category_map(products) -> dict[str, str]:
    return dict(CategoryProduct.objects.filter(product__in=list(products)).values_list("product",
                                                                                       "category__name"))


def assign_rules(groups: list[Group], filters: list[RuleFilter]) -> None:
    categories = category_map({g.product for g in groups})
    for g in groups:
        g.category = categories.get(g.product, "")
        g.rule_index = next((i for i, f in enumerate(filters) if f.matches(g)), -1)


def compute(agreement: Agreement, period_text) -> Result:
    """Everything a settlement shows, computed and checked; a DomainError names what is wrong."""
    period = parse_period(period_text) if not isinstance(period_text, Period) else period_text
    date_from, date_to = settlement_window(agreement, period)
    parties = agreement_parties(agreement)
    filters = rule_filters(agreement)
    if not filters:
        raise DomainError(ErrorCode.INVALID_SHARING_RULE, _("协议“{code}”还没有收益分配规则。").format(
            code=agreement.code), {"agreement_id": agreement.pk})
    groups = aggregate_sales([p.id for p in parties if p.id != US], date_from, date_to)
    assign_rules(groups, filters)
    counted = [g for g in groups if g.rule_index >= 0]
    wrong = defaultdict(int)
    for g in counted:
        if g.currency != agreement.currency:
            wrong[g.currency] += g.rows
    if wrong:
        listed = "、".join(f"{c}（{n} 行）" for c, n in sorted(wrong.items()))
        message = _("计入结算的销售数据币种为 {listed}，与协议币种 {currency} 不一致；未写入任何数据。").format(
            listed=listed, currency=agreement.currency)
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, message,
                          {"currency": agreement.currency, "found": dict(wrong)})
    rounding = agreement.rounding
    figures = {p.id: PartyFigures() for p in parties}
    for g in counted:
        kind = filters[g.rule_index].rule.basis
        figures[g.partner_id].revenue += g.revenue
        figures[g.partner_id].collected += g.basis(kind)
    rule_details = []
    for index, flt in enumerate(filters):
        rule = flt.rule
        mine = [g for g in counted if g.rule_index == index]
        volume = sum(g.basis(rule.basis) for g in mine)
        try:
            ladder = rule_ladder(rule.shares, rule.tiers, rule.tier_method)
            split = split_ladder(ladder, volume, rounding)
            ids = [party_key(s["party"]) for s in rule.shares]
            limits = [(None, None) if pid == US else (rule.min_payout, rule.max_payout) for pid in ids]
            parts = split.parts
            if (rule.min_payout is not None or rule.max_payout is not None) and US in ids and mine:
                parts = apply_payout_limits(parts, limits, residual=ids.index(US))
        except SharingError as exc:
            raise DomainError(ErrorCode.INVALID_SHARING_RULE, _("规则“{name}”：{problem}").format(
                name=rule.name, problem=sharing_message(exc)), {"rule_id": rule.pk}) from exc
        for pid, amount in zip(ids, parts):
            if pid in figures:
                figures[pid].share += amount
        rule_details.append({
            "rule_id": rule.pk, "name": rule.name, "basis": rule.basis, "method": rule.tier_method,
            "rows": sum(g.rows for g in mine), "volume": volume, "band": split.band,
            "bands": [{"index": b, "lower": ladder.bands[b].lower, "upper": ladder.bands[b].upper,
                       "percents": [str(p) for p in ladder.bands[b].percentages], "volume": v}
                      for b, v in split.by_band],
            "parties": ids, "ladder_parts": split.parts, "parts": parts,
            "limited": parts != split.parts,
        })
    bonus_details = _bonuses(agreement, counted, filters, figures, rounding, date_from, date_to)
    cost_details = _costs(agreement, parties, figures, date_from, date_to, rounding)
    distributable = sum(r["volume"] for r in rule_details)
    return Result(
        agreement=agreement, period=period, date_from=date_from, date_to=date_to, parties=parties, figures=figures,
        groups=counted, rows_counted=sum(g.rows for g in counted),
        rows_uncounted=sum(g.rows for g in groups if g.rule_index < 0), revenue=sum(g.revenue for g in counted),
        distributable=distributable,
        details={"rules": rule_details, "bonuses": bonus_details, "costs": cost_details,
                 "parties": [{"id": p.id, "name": p.name} for p in parties], "rounding": rounding},
    )


def _customers(partner_id: int, groups: list[Group], date_from: date, date_to: date) -> int:
    products = sorted({g.product for g in groups})
    if not products:
        return 0
    return (SalesRecord.objects.filter(partner_id=partner_id, date__gte=date_from, date__lte=date_to,
                                       product__in=products).exclude(customer="")
            .values("customer").distinct().count())


def _bonuses(agreement, counted, filters, figures, rounding, date_from, date_to) -> list[dict]:
    out = []
    for bonus in agreement.bonuses.order_by("pk"):
        mine = [g for g in counted if g.partner_id == bonus.partner_id]
        basis = sum(g.basis(filters[g.rule_index].rule.basis) for g in mine)
        if bonus.metric == KpiMetric.REVENUE:
            actual = sum(g.revenue for g in mine)
        elif bonus.metric == KpiMetric.GROSS_PROFIT:
            actual = sum(g.revenue - g.cost for g in mine)
        elif bonus.metric == KpiMetric.QUANTITY:
            actual = round(sum(g.quantity for g in mine), 3)
        elif bonus.metric == KpiMetric.ORDERS:
            actual = sum(g.rows for g in mine)
        else:
            actual = _customers(bonus.partner_id, mine, date_from, date_to)
        due = bonus_due(actual=to_fraction(str(actual)), target=bonus.target, higher_is_better=bonus.higher_is_better,
                        amount=bonus.amount, percent=bonus.percent, basis=basis, rounding=rounding)
        if bonus.partner_id in figures:
            figures[bonus.partner_id].bonus += due
            figures[US].bonus -= due
        out.append({"bonus_id": bonus.pk, "partner_id": bonus.partner_id, "metric": bonus.metric,
                    "target": str(bonus.target), "actual": str(actual), "met": _met(bonus, actual),
                    "amount": due, "description": bonus.description})
    return out


def _met(bonus, actual) -> bool:
    target = to_fraction(str(bonus.target))
    value = to_fraction(str(actual))
    return value >= target if bonus.higher_is_better else value <= target


def _costs(agreement, parties, figures, date_from, date_to, rounding) -> list[dict]:
    out = []
    entries = (agreement.cost_entries.filter(date__gte=date_from, date__lte=date_to)
               .select_related("rule").order_by("date", "pk"))
    for entry in entries:
        if entry.currency != agreement.currency:
            raise DomainError(ErrorCode.CURRENCY_MISMATCH, _("成本记录的币种 {currency} 与协议币种 {expected} 不一致。").format(
                currency=entry.currency, expected=agreement.currency), {"cost_entry_id": entry.pk})
        ids = [party_key(s["party"]) for s in entry.rule.shares]
        parts = allocate(entry.amount, [s["percent"] for s in entry.rule.shares], rounding)
        for pid, amount in zip(ids, parts):
            if pid in figures:
                figures[pid].cost_share += amount
        payer = entry.paid_by_id or US
        if payer in figures:
            figures[payer].cost_paid += entry.amount
        out.append({"entry_id": entry.pk, "category": entry.rule.category, "date": entry.date.isoformat(),
                    "amount": entry.amount, "paid_by": payer, "description": entry.description,
                    "parties": ids, "parts": parts})
    return out
