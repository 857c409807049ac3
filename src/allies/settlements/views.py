"""Web pages of value sharing: agreements' rules, costs and bonuses, settlements and statements, the advisor.

Staff and partner users share these pages; every object is found through the selectors
(another partner's agreement or settlement is a 404) and staff-only actions answer 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError
from allies.settlements import exports, selectors, services
from allies.settlements import rules as rule_services
from allies.settlements.forms import (
    BonusForm,
    CategoryForm,
    ComputeForm,
    CostEntryForm,
    CostRuleForm,
    DisputeForm,
    PaidForm,
    RuleForm,
    apply_errors,
    minor_text,
)
from allies.settlements.models import KpiMetric, ProductCategory, SettlementStatus, StatementStatus
from allies.settlements.rules import US, agreement_parties
from allies.web import charts
from allies.web.decorators import internal_required


def _writer(request) -> None:
    if not request.user.can_write:
        raise PermissionDenied


@login_required
def index(request):
    agreements = list(selectors.visible_agreements(request.user)[:200])
    for agreement in agreements:
        agreement.recent = list(selectors.settlements_of(request.user, agreement)[:3])
    return render(request, "settlements/index.html", {"agreements": agreements})


def _agreement_page(request, agreement, status=200, **forms):
    user = request.user
    parties = agreement_parties(agreement)
    cost_rules = list(selectors.cost_rules_of(user, agreement))
    context = {
        "agreement": agreement, "parties": parties, "party_names": {p.id: p.name for p in parties},
        "rules": [_rule_view(r, parties) for r in selectors.rules_of(user, agreement)],
        "bonuses": list(selectors.bonuses_of(user, agreement)),
        "cost_rules": [{"rule": r, "shares": _shares_text(r.shares, parties)} for r in cost_rules],
        "cost_entries": list(selectors.cost_entries_of(user, agreement)[:50]),
        "settlements": list(selectors.settlements_of(user, agreement)[:40]),
        "can_write": user.can_write,
        "compute_form": forms.get("compute_form") or ComputeForm(),
        "cost_rule_form": forms.get("cost_rule_form") or CostRuleForm(parties=parties),
        "cost_entry_form": forms.get("cost_entry_form") or CostEntryForm(parties=parties, cost_rules=cost_rules),
        "bonus_form": forms.get("bonus_form") or BonusForm(parties=parties),
    }
    return render(request, "settlements/agreement.html", context, status=status)


def _shares_text(shares, parties) -> str:
    names = {p.id: p.name for p in parties}
    return " / ".join(f"{names.get(s['party'] or US, s['party'])} {s['percent']}%" for s in shares)


def _rule_view(rule, parties) -> dict:
    names = {p.id: p.name for p in parties}
    share_names = [names.get(s["party"] or US, str(s["party"])) for s in rule.shares]
    tiers = [{"lower": minor_text(t["lower"]), "upper": minor_text(t["upper"]),
              "percents": " / ".join(f"{n} {p}%" for n, p in zip(share_names, t["percents"]))} for t in rule.tiers]
    return {"rule": rule, "shares": _shares_text(rule.shares, parties), "tiers": tiers,
            "partners": [p.name for p in rule.partners.all()], "categories": [c.name for c in rule.categories.all()],
            "min_payout": minor_text(rule.min_payout), "max_payout": minor_text(rule.max_payout)}


@login_required
def agreement_detail(request, pk: int):
    return _agreement_page(request, selectors.agreement_get(request.user, pk))


@login_required
def rule_create(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    _writer(request)
    parties = agreement_parties(agreement)
    form = RuleForm(request.POST or None, parties=parties, initial={"basis": "revenue", "tier_method": "marginal"})
    if request.method == "POST" and form.is_valid():
        data = form.rule_data()
        if data is not None:
            try:
                rule_services.sharing_rule_create(actor=request.user, agreement=agreement, data=data)
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存收益分配规则。"))
                return redirect("settlements:agreement", pk=agreement.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "settlements/rule_form.html", {"form": form, "agreement": agreement,
                                                          "title": _("新建收益分配规则")}, status=status)


@login_required
def rule_edit(request, rule_id: int):
    rule = selectors.rule_get(request.user, rule_id)
    _writer(request)
    agreement = rule.agreement
    parties = agreement_parties(agreement)
    form = RuleForm(request.POST or None, parties=parties, initial=RuleForm.initial_for(rule, parties))
    if request.method == "POST" and form.is_valid():
        data = form.rule_data()
        if data is not None:
            try:
                rule_services.sharing_rule_update(actor=request.user, rule=rule, data=data)
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存收益分配规则。"))
                return redirect("settlements:agreement", pk=agreement.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "settlements/rule_form.html", {"form": form, "agreement": agreement, "rule": rule,
                                                          "title": _("编辑收益分配规则")}, status=status)


@login_required
@require_POST
def rule_delete(request, rule_id: int):
    rule = selectors.rule_get(request.user, rule_id)
    _writer(request)
    rule_services.sharing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("已删除规则“{name}”。").format(name=rule.name))
    return redirect("settlements:agreement", pk=rule.agreement_id)


def _save_on_agreement_page(request, agreement, form, form_key: str, data: dict | None, save, success: str):
    """The agreement page's small forms: save ``data`` (None: the form is invalid), then back to the page.

    A refusal re-renders the page with the form's errors in place (``form_key`` names the form in
    the page's context), with the error's status; an invalid form gets 422.
    """
    if data is None:
        return _agreement_page(request, agreement, status=422, **{form_key: form})
    try:
        save(data)
    except DomainError as exc:
        apply_errors(form, exc)
        return _agreement_page(request, agreement, status=exc.status, **{form_key: form})
    messages.success(request, success)
    return redirect("settlements:agreement", pk=agreement.pk)


@login_required
@require_POST
def cost_rule_set(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    _writer(request)
    form = CostRuleForm(request.POST, parties=agreement_parties(agreement))
    data = {"category": form.cleaned_data["category"], "shares": form.shares()} if form.is_valid() else None
    return _save_on_agreement_page(
        request, agreement, form, "cost_rule_form", data,
        lambda d: rule_services.cost_rule_set(actor=request.user, agreement=agreement, **d),
        _("已保存成本分摊规则。"))


@login_required
@require_POST
def cost_entry_add(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    _writer(request)
    form = CostEntryForm(request.POST, parties=agreement_parties(agreement),
                         cost_rules=selectors.cost_rules_of(request.user, agreement))
    return _save_on_agreement_page(
        request, agreement, form, "cost_entry_form", form.entry_data() if form.is_valid() else None,
        lambda d: rule_services.cost_entry_record(actor=request.user, agreement=agreement, data=d),
        _("已记录共担成本。"))


@login_required
@require_POST
def bonus_add(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    _writer(request)
    form = BonusForm(request.POST, parties=agreement_parties(agreement))
    return _save_on_agreement_page(
        request, agreement, form, "bonus_form", form.bonus_data() if form.is_valid() else None,
        lambda d: rule_services.performance_bonus_create(actor=request.user, agreement=agreement, data=d),
        _("已添加绩效激励。"))


@login_required
@require_POST
def compute(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    _writer(request)
    form = ComputeForm(request.POST)
    if form.is_valid():
        try:
            settlement = services.settlement_compute(actor=request.user, agreement=agreement,
                                                     period=form.cleaned_data["period"])
        except DomainError as exc:
            form.add_error("period", exc.message)
            return _agreement_page(request, agreement, status=exc.status, compute_form=form)
        messages.success(request, _("已计算 {period} 的结算（v{version}）。").format(
            period=settlement.period, version=settlement.version))
        return redirect("settlements:detail", pk=settlement.pk)
    return _agreement_page(request, agreement, status=422, compute_form=form)


# --------------------------------------------------------------------------- settlement pages


def _detail(request, settlement, status=200, **forms):
    user = request.user
    statements = exports.statement_rows(user, settlement)
    own_party = user.partner_id if user.is_partner_user else US
    own = next((r["statement"] for r in statements if (r["statement"].partner_id or US) == own_party), None)
    latest = services.latest_version(settlement.agreement, settlement.period)
    is_latest = latest is not None and latest.pk == settlement.pk
    may_act = own is not None and is_latest and (user.is_partner_user or user.can_write)
    lines = Paginator(selectors.lines_of(user, settlement), 50).get_page(request.GET.get("page"))
    names = selectors.party_names(settlement)
    context = {
        "settlement": settlement, "agreement": settlement.agreement, "statements": statements, "own": own,
        "can_confirm": may_act and settlement.status in (SettlementStatus.DRAFT, SettlementStatus.DISPUTED)
        and own.status != StatementStatus.CONFIRMED,
        "can_dispute": may_act and settlement.status == SettlementStatus.DRAFT and own.status == StatementStatus.PENDING,
        "can_pay": user.can_write and is_latest and settlement.status == SettlementStatus.CONFIRMED,
        "latest": latest, "is_latest": is_latest,
        "rules": selectors.rule_details_for(user, settlement),
        "lines": lines, "totals": selectors.line_totals(user, settlement),
        "costs": [{**c, "paid_by_name": names.get(c["paid_by"], "")} for c in settlement.details.get("costs", [])]
        if user.is_internal else [],
        "bonuses": [{**b, "partner_name": names.get(b["partner_id"], ""), "metric_label": KpiMetric(b["metric"]).label}
                    for b in settlement.details.get("bonuses", [])
                    if user.is_internal or b["partner_id"] == user.partner_id],
        "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "paid_form": PaidForm(),
    }
    return render(request, "settlements/detail.html", context, status=status)


@login_required
def settlement_detail(request, pk: int):
    return _detail(request, selectors.settlement_get(request.user, pk))


@login_required
@require_POST
def settlement_confirm(request, pk: int):
    settlement = selectors.settlement_get(request.user, pk)
    try:
        services.settlement_confirm(actor=request.user, settlement=settlement)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认结算单。"))
    return redirect("settlements:detail", pk=settlement.pk)


@login_required
@require_POST
def settlement_dispute(request, pk: int):
    settlement = selectors.settlement_get(request.user, pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.settlement_dispute(actor=request.user, settlement=settlement, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason", exc.message)
            return _detail(request, settlement, status=exc.status, dispute_form=form)
        messages.success(request, _("已提出异议，我们会尽快与你联系。"))
        return redirect("settlements:detail", pk=settlement.pk)
    return _detail(request, settlement, status=422, dispute_form=form)


@login_required
@require_POST
def settlement_paid(request, pk: int):
    settlement = selectors.settlement_get(request.user, pk)
    _writer(request)
    form = PaidForm(request.POST)
    form.is_valid()
    try:
        services.settlement_mark_paid(actor=request.user, settlement=settlement,
                                      reference=form.cleaned_data.get("reference", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已标记为已支付。"))
    return redirect("settlements:detail", pk=settlement.pk)


def _filename(settlement, suffix: str) -> str:
    return f"settlement-{settlement.agreement.code}-{settlement.period}-v{settlement.version}.{suffix}"


@login_required
def export_xlsx(request, pk: int):
    settlement = selectors.settlement_get(request.user, pk)
    response = HttpResponse(exports.settlement_xlsx(request.user, settlement), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(settlement, "xlsx")}"'
    return response


@login_required
def export_pdf(request, pk: int):
    settlement = selectors.settlement_get(request.user, pk)
    response = HttpResponse(exports.settlement_pdf(request.user, settlement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(settlement, "pdf")}"'
    return response


@login_required
def export_rows(request, pk: int):
    settlement = selectors.settlement_get(request.user, pk)
    response = StreamingHttpResponse(exports.settlement_rows_csv(request.user, settlement),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(settlement, "rows.csv")}"'
    return response


# --------------------------------------------------------------------------- advisor and categories


@internal_required
def fair_split(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    if request.method == "POST":
        _writer(request)
        split = selectors.fair_split(agreement)
        values = []
        problems = []
        for c in split.coalitions:
            key = "c_" + "_".join(str(i) for i in c["ids"])
            raw = request.POST.get(key, "").replace(",", "").strip()
            if not raw:
                continue
            try:
                values.append({"members": c["ids"], "value": round(float(raw) * 100)})
            except ValueError:
                problems.append(_("“{value}”不是有效的金额。").format(value=raw))
        if problems:
            for p in problems:
                messages.error(request, p)
        else:
            try:
                rule_services.coalition_values_set(actor=request.user, agreement=agreement, values=values)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已保存各联盟组合的价值。"))
                return redirect("settlements:fair_split", pk=agreement.pk)
    split = selectors.fair_split(agreement)
    rows = [{"party": p, "agreed": a, "value": v / 100, "percent": pct}
            for p, a, v, pct in zip(split.parties, split.agreed, split.shapley, split.percents)]
    chart = ""
    if split.grand_value:
        chart = charts.bars([p.name for p in split.parties],
                            [(_("约定比例（%）"), [float(a) if a else 0.0 for a in split.agreed]),
                             (_("Shapley 值比例（%）"), [round(x, 2) for x in split.percents])],
                            title=_("约定比例与公平分配建议"))
    coalitions = [{**c, "key": "c_" + "_".join(str(i) for i in c["ids"]),
                   "shown": minor_text(round(c["value"])) if c["entered"] else "",
                   "used": minor_text(round(c["value"]))} for c in split.coalitions]
    return render(request, "settlements/fair_split.html", {
        "agreement": agreement, "split": split, "rows": rows, "chart": chart, "coalitions": coalitions,
        "grand": split.grand_value / 100, "can_write": request.user.can_write})


@internal_required
def categories(request):
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        _writer(request)
        if form.is_valid():
            try:
                rule_services.product_category_set(actor=request.user, name=form.cleaned_data["name"],
                                                   products=form.cleaned_data["products"].splitlines())
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存品类。"))
                return redirect("settlements:categories")
    items = ProductCategory.objects.prefetch_related("products").order_by("name")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "settlements/categories.html", {"form": form, "categories": items,
                                                           "can_write": request.user.can_write}, status=status)

