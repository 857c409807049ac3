"""Reads for due diligence: case lists, a case with its items by area, the financial proposal, timeline events."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from allies.core.scoping import restrict
from allies.diligence.choices import POSITIVE_VERDICTS, Area, CaseStatus, ItemStatus, RiskLevel, Verdict
from allies.diligence.models import Case, Evidence, FinancialYear, Item, ItemStatusChange
from allies.domain import financials
from allies.partners.models import Rating

FINANCIAL_CRITERION = "financial_health"
DONE_STATUSES = (ItemStatus.PASSED, ItemStatus.CONCERN, ItemStatus.FAILED)


def case_list(*, user, partner_id: int | None = None, status: str = "", verdict: str = "") -> QuerySet:
    qs = restrict(Case.objects.select_related("partner", "opened_by", "concluded_by"), user).annotate(
        item_count=Count("items", distinct=True),
        done_count=Count("items", filter=Q(items__status__in=DONE_STATUSES), distinct=True),
        blocking_count=Count("items", filter=Q(items__risk_level=RiskLevel.HIGH) & ~Q(items__status=ItemStatus.PASSED),
                             distinct=True),
    )
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if status:
        qs = qs.filter(status=status)
    if verdict:
        qs = qs.filter(verdict=verdict)
    return qs


def case_for_partner(partner) -> Case | None:
    """The partner's open case, or else its most recently concluded one; None if it never had one."""
    cases = Case.objects.filter(partner=partner)
    return cases.filter(status=CaseStatus.OPEN).first() or cases.order_by("-concluded_at", "-id").first()


def blocking_items(case: Case) -> list[Item]:
    """High-risk items that have not passed: they block a positive verdict unless overridden."""
    return [i for i in case.items.order_by("area", "position", "id") if i.blocks_go]


def items_by_area(case: Case) -> list[tuple[str, str, list[Item]]]:
    """(area code, label, items) for the four areas in the spec's order, empty areas included."""
    evidence = Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by"))
    items = list(case.items.select_related("owner").prefetch_related(evidence).order_by("position", "id"))
    return [(code, label, [i for i in items if i.area == code]) for code, label in Area.choices]


# --------------------------------------------------------------------------- the financial proposal


def _figures(years: list[FinancialYear]) -> list[financials.YearFigures]:
    return [financials.YearFigures(year=y.year, revenue=y.revenue, profit=y.profit,
                                   operating_cash_flow=y.operating_cash_flow, debt_ratio_pct=y.debt_ratio)
            for y in years]


def financial_proposal(case: Case) -> financials.FinancialProposal | None:
    """The proposed financial-health rating from the case's figures; None before any year is entered."""
    years = list(case.financial_years.all())
    return financials.propose_rating(_figures(years)) if years else None


def case_currency(case: Case) -> str:
    """The currency the case's figures are in (CNY before any are entered)."""
    first = case.financial_years.first()
    return first.currency if first else "CNY"


def financial_rating_of(case: Case, user) -> Rating | None:
    """The user's current financial-health rating of the case's partner, if any."""
    return Rating.objects.filter(partner_id=case.partner_id, criterion_code=FINANCIAL_CRITERION, rater=user).first()


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def rule_text(part: financials.RulePart) -> str:
    """One part of the rule in plain words: the figure, the thresholds, the points."""
    f = part.facts
    if part.code == "revenue_growth":
        if part.value is None:
            figure = _("只有一个年度或首年营收为零，无法计算增长")
        else:
            figure = _("{first}→{last} 年营收年均增长 {value}").format(first=f["first_year"], last=f["last_year"],
                                                                 value=_pct(part.value))
        rule = _("年均增长 ≥10% 得 2 分，≥0 得 1 分，下降得 0 分")
    elif part.code == "net_margin":
        figure = (_("{year} 年无营业收入，无法计算净利率").format(year=f["year"]) if part.value is None
                  else _("{year} 年净利率 {value}").format(year=f["year"], value=_pct(part.value)))
        rule = _("≥10% 得 2 分，盈利得 1 分，亏损或持平得 0 分")
    elif part.code == "cash_flow":
        figure = _("{n} 个年度中 {k} 个经营现金流为正").format(n=f["years"], k=f["positive_years"])
        rule = _("每年为正得 2 分，仅最近一年为正得 1 分，否则 0 分")
    elif part.code == "debt_ratio":
        figure = _("{year} 年资产负债率 {value}%").format(year=f["year"], value=f"{part.value:.2f}".rstrip("0")
                                                     .rstrip("."))
        rule = _("≤50% 得 2 分，≤70% 得 1 分，更高得 0 分")
    else:
        figure = _("共 {n} 个年度的数据").format(n=f["years"])
        rule = _("3 个年度及以上得 2 分，2 个年度得 1 分，1 个年度得 0 分")
    return _("{figure}（{rule}）").format(figure=figure, rule=rule)


@dataclass
class ProposalView:
    score: int
    max_score: int
    lines: list[dict]


def proposal_view(case: Case) -> ProposalView | None:
    labels = {"revenue_growth": _("营收增长"), "net_margin": _("净利率"), "cash_flow": _("经营现金流"),
              "debt_ratio": _("资产负债率"), "history": _("数据年数")}
    proposal = financial_proposal(case)
    if proposal is None:
        return None
    lines = [{"code": p.code, "label": labels[p.code], "points": p.points, "max_points": p.max_points,
              "value": p.value, "text": rule_text(p)} for p in proposal.parts]
    return ProposalView(proposal.score, proposal.max_score, lines)


# --------------------------------------------------------------------------- the stage gate and the timeline


def pilot_gate_reason(partner) -> str | None:
    """Why the partner may not move into pilot yet, or None: its latest concluded case must be a go."""
    latest = Case.objects.filter(partner=partner, status=CaseStatus.CONCLUDED).order_by("-concluded_at", "-id").first()
    if latest is None:
        if Case.objects.filter(partner=partner, status=CaseStatus.OPEN).exists():
            return _("尽职调查尚未结束")
        return _("尚未进行尽职调查")
    if latest.verdict not in POSITIVE_VERDICTS:
        return _("最近一次尽职调查的结论为“{verdict}”").format(verdict=latest.get_verdict_display())
    return None


def events_for_partner(partner) -> list[dict]:
    """Due-diligence events of one partner for its timeline: {at, kind, text, url, by}."""
    events = []
    for case in Case.objects.filter(partner=partner).select_related("opened_by", "concluded_by"):
        url = reverse("diligence:detail", args=[case.pk])
        events.append({"at": case.opened_at, "kind": "diligence_opened", "by": case.opened_by, "url": url,
                       "text": _("开始尽职调查 #{case}").format(case=case.pk)})
        if case.status == CaseStatus.CONCLUDED:
            text = _("尽职调查 #{case} 结论：{verdict}").format(case=case.pk, verdict=case.get_verdict_display())
            if case.verdict == Verdict.GO_WITH_CONDITIONS:
                text += _("（条件：{conditions}）").format(conditions=case.conditions)
            if case.override_reason:
                text += _("（越过未通过的高风险项：{reason}）").format(reason=case.override_reason)
            events.append({"at": case.concluded_at, "kind": "diligence_concluded", "by": case.concluded_by,
                           "url": url, "text": text})
    changes = ItemStatusChange.objects.filter(item__case__partner=partner).select_related("item", "changed_by")
    for c in changes:
        events.append({
            "at": c.changed_at, "kind": "diligence_item", "by": c.changed_by,
            "url": reverse("diligence:detail", args=[c.item.case_id]) + f"#item-{c.item_id}",
            "text": _("尽职调查检查项“{item}”：{old} → {new}").format(
                item=c.item.title, old=c.get_from_status_display(), new=c.get_to_status_display()),
        })
    return events
