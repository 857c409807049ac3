"""Web pages of the ecosystem stage: network view, analytics, relations, initiatives, portfolio report.

Staff see everything; a partner user sees its own part of the network and the
initiatives it takes part in, with its own figures only. Staff-only pages answer a
partner user with 403; another partner's initiative is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError
from allies.core.text import join_clauses, labelled
from allies.core.scoping import get_visible
from allies.ecosystem import exports, portfolio, selectors, services
from allies.ecosystem.api import explanations
from allies.ecosystem.forms import (
    US,
    CoBrandingForm,
    InvestmentForm,
    LabForm,
    MilestoneForm,
    ReferralForm,
    RelationForm,
)
from allies.ecosystem.models import (
    CoBranding,
    EdgeType,
    JointInvestment,
    LabMilestone,
    LabProject,
    Referral,
    Relation,
)
from allies.partners.choices import Stage
from allies.pilots.forms import apply_errors
from allies.web import charts


def _staff(request) -> None:
    if not request.user.is_internal:
        raise PermissionDenied


def _writer(request) -> None:
    if not request.user.can_write:
        raise PermissionDenied


# --------------------------------------------------------------------------- network


@login_required
def network_view(request):
    types = [t for t in request.GET.getlist("type") if t in EdgeType.values]
    stages = [s for s in request.GET.getlist("stage") if s in Stage.values]
    if not request.user.is_internal and not request.user.is_partner_user:
        raise PermissionDenied
    net = selectors.network(user=request.user, types=types, stages=stages)
    context = {"net": {"nodes": net.nodes, "edges": net.edges}, "types": net.types, "stages": net.stages,
               "chosen_types": types, "chosen_stages": stages, "node_count": len(net.nodes),
               "edge_count": len(net.edges), "explain": explanations()}
    if request.user.is_internal:
        context["suggestions"] = selectors.suggestions()
    return render(request, "ecosystem/network.html", context)


@login_required
def analytics_view(request):
    _staff(request)
    types = [t for t in request.GET.getlist("type") if t in EdgeType.values]
    stages = [s for s in request.GET.getlist("stage") if s in Stage.values]
    net = selectors.network(user=request.user, types=types, stages=stages)
    context = {"a": selectors.analytics(net), "coverage": selectors.coverage(), "explain": explanations(),
               "types": net.types, "stages": net.stages, "chosen_types": types, "chosen_stages": stages}
    return render(request, "ecosystem/analytics.html", context)


# --------------------------------------------------------------------------- relations and referrals


@login_required
def relations_view(request):
    _staff(request)
    return render(request, "ecosystem/relations.html", {
        "relations": selectors.relations()[:500],
        "referrals": Referral.objects.select_related("partner", "referred_by")[:500],
    })


def _relation_form_page(request, relation: Relation | None):
    initial = {}
    if relation is not None:
        initial = {"kind": relation.kind, "source": str(relation.source_id or US),
                   "target": str(relation.target_id or US), "strength": relation.strength,
                   "start_date": relation.start_date, "end_date": relation.end_date, "note": relation.note}
    form = RelationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if relation is None:
                services.relation_create(actor=request.user, data=form.data_for_service())
            else:
                services.relation_update(actor=request.user, relation=relation, data=form.data_for_service())
        except DomainError as exc:
            apply_errors(form, exc, {"source_id": "source", "target_id": "target"})
        else:
            messages.success(request, _("已保存生态关系。"))
            return redirect("ecosystem:relations")
    status = 422 if form.is_bound and form.errors else 200
    title = _("新建生态关系") if relation is None else _("修改生态关系")
    return render(request, "ecosystem/simple_form.html",
                  {"form": form, "title": title, "back": "ecosystem:relations"}, status=status)


@login_required
def relation_create(request):
    _staff(request)
    _writer(request)
    return _relation_form_page(request, None)


@login_required
def relation_edit(request, pk: int):
    _staff(request)
    relation = get_object_or_404(Relation, pk=pk)
    _writer(request)
    return _relation_form_page(request, relation)


@login_required
@require_POST
def relation_delete(request, pk: int):
    _staff(request)
    relation = get_object_or_404(Relation, pk=pk)
    _writer(request)
    services.relation_delete(actor=request.user, relation=relation)
    messages.success(request, _("已删除生态关系。"))
    return redirect("ecosystem:relations")


@login_required
def referral_set(request):
    _staff(request)
    _writer(request)
    form = ReferralForm(request.POST or None, initial={"partner": request.GET.get("partner", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_set(actor=request.user, data=form.data_for_service())
        except DomainError as exc:
            apply_errors(form, exc, {"partner_id": "partner", "referred_by_id": "referred_by"})
        else:
            messages.success(request, _("已记录推荐来源。"))
            return redirect("ecosystem:relations")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "ecosystem/simple_form.html",
                  {"form": form, "title": _("记录推荐来源"), "back": "ecosystem:relations"}, status=status)


@login_required
@require_POST
def referral_delete(request, pk: int):
    _staff(request)
    referral = get_object_or_404(Referral, pk=pk)
    _writer(request)
    services.referral_delete(actor=request.user, referral=referral)
    messages.success(request, _("已删除推荐来源。"))
    return redirect("ecosystem:relations")


# --------------------------------------------------------------------------- initiatives


def _own(user, partner_id) -> bool:
    return user.is_internal or (partner_id is not None and partner_id == user.partner_id)


def _investment_rows(inv: JointInvestment, user) -> dict:
    positions = services.investment_positions(inv)
    rows = [{"name": p.partner.name if p.partner else _("我方"), "own": _own(user, p.partner_id), "pos": pos}
            for p, pos in positions]
    totals = None
    if user.is_internal:
        amount = sum(pos.amount for _p, pos in positions)
        values = [pos.value for _p, pos in positions]
        value = sum(values) if values and None not in values else None
        totals = {"amount": amount, "value": value, "gain": None if value is None else value - amount,
                  "stake": sum(pos.stake_bp for _p, pos in positions)}
    return {"investment": inv, "rows": rows, "totals": totals}


@login_required
def initiatives_view(request):
    if not request.user.is_internal and not request.user.is_partner_user:
        raise PermissionDenied
    user = request.user
    labs = list(selectors.labs(user=user)[:200])
    for lab in labs:
        lab.visible_parties = [{"name": p.partner.name if p.partner else _("我方"),
                                "share": p.share if _own(user, p.partner_id) else None}
                               for p in lab.parties.all()]
    investments = [_investment_rows(inv, user) for inv in selectors.investments(user=user)[:200]]
    return render(request, "ecosystem/initiatives.html", {
        "labs": labs, "investments": investments, "cobrandings": selectors.cobrandings(user=user)[:200]})


def _lab(request, pk: int) -> LabProject:
    qs = selectors.with_ip_assets(LabProject.objects.prefetch_related("parties__partner", "milestones"), request.user)
    return get_visible(qs.distinct(), request.user, pk=pk)


@login_required
def lab_detail(request, pk: int):
    lab = _lab(request, pk)
    parties = [{"name": p.partner.name if p.partner else _("我方"), "role": p.role,
                "share": p.share if _own(request.user, p.partner_id) else None} for p in lab.parties.all()]
    return render(request, "ecosystem/lab_detail.html", {
        "lab": lab, "parties": parties, "ip_assets": selectors.lab_ip_assets(lab, request.user),
        "milestone_form": MilestoneForm() if request.user.can_write else None})


def _party_initial(parties, money_field: str) -> list[dict]:
    out = []
    for p in parties:
        row = {"org": str(p.partner_id) if p.partner_id else US, "amount": getattr(p, money_field)}
        if hasattr(p, "stake_bp"):
            row["stake"] = p.stake_bp / 100
        if hasattr(p, "role"):
            row["role"] = p.role
        out.append(row)
    return out


@login_required
def lab_form(request, pk: int | None = None):
    lab = _lab(request, pk) if pk else None
    _writer(request)
    initial, rows = {}, []
    if lab is not None:
        initial = {f: getattr(lab, f) for f in LabForm.MAIN}
        initial["ip_assets"] = [str(a.pk) for a in lab.ip_assets.all()]
        rows = _party_initial(lab.parties.all(), "share")
    form = LabForm(request.POST or None, initial=initial, party_rows=rows)
    if request.method == "POST" and form.is_valid():
        parties, field_map = form.parties("share")
        field_map["ip_asset_ids"] = "ip_assets"
        data = {f: form.cleaned_data[f] for f in LabForm.MAIN}
        data["parties"] = parties
        data["ip_asset_ids"] = [int(v) for v in form.cleaned_data["ip_assets"]]
        try:
            if lab is None:
                lab = services.lab_create(actor=request.user, data=data)
            else:
                services.lab_update(actor=request.user, project=lab, data=data)
        except DomainError as exc:
            apply_errors(form, exc, field_map)
            if not lab or not lab.pk:
                lab = None
        else:
            messages.success(request, _("已保存联合创新项目“{title}”。").format(title=lab.title))
            return redirect("ecosystem:lab", pk=lab.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "ecosystem/initiative_form.html", {
        "form": form, "title": _("联合创新项目"), "object": lab, "back": "ecosystem:initiatives"}, status=status)


@login_required
@require_POST
def lab_delete(request, pk: int):
    lab = _lab(request, pk)
    _writer(request)
    services.lab_delete(actor=request.user, project=lab)
    messages.success(request, _("已删除联合创新项目。"))
    return redirect("ecosystem:initiatives")


@login_required
@require_POST
def milestone_add(request, pk: int):
    lab = _lab(request, pk)
    _writer(request)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, project=lab, data=form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已添加里程碑。"))
    else:
        messages.error(request, _("里程碑内容有误：{errors}").format(
            errors=join_clauses(labelled(form.fields[k].label, " ".join(v)) for k, v in form.errors.items())))
    return redirect("ecosystem:lab", pk=lab.pk)


@login_required
@require_POST
def milestone_done(request, pk: int, milestone_id: int):
    lab = _lab(request, pk)
    _writer(request)
    milestone = get_object_or_404(LabMilestone.objects.select_related("project"), project=lab, pk=milestone_id)
    try:
        services.milestone_update(actor=request.user, milestone=milestone,
                                  data={"done_on": timezone.localdate()})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ecosystem:lab", pk=lab.pk)


def _investment(request, pk: int) -> JointInvestment:
    return get_visible(JointInvestment.objects.distinct(), request.user, pk=pk)


@login_required
def investment_detail(request, pk: int):
    inv = _investment(request, pk)
    return render(request, "ecosystem/investment_detail.html", _investment_rows(inv, request.user))


@login_required
def investment_form(request, pk: int | None = None):
    inv = _investment(request, pk) if pk else None
    _writer(request)
    initial, rows = {}, []
    if inv is not None:
        initial = {f: getattr(inv, f) for f in InvestmentForm.MAIN}
        rows = _party_initial(inv.parties.all(), "amount")
    form = InvestmentForm(request.POST or None, initial=initial, party_rows=rows)
    if request.method == "POST" and form.is_valid():
        parties, field_map = form.parties("amount")
        data = {f: form.cleaned_data[f] for f in InvestmentForm.MAIN}
        data["parties"] = parties
        try:
            if inv is None:
                inv = services.investment_create(actor=request.user, data=data)
            else:
                services.investment_update(actor=request.user, investment=inv, data=data)
        except DomainError as exc:
            apply_errors(form, exc, field_map)
            if inv is not None and not inv.pk:
                inv = None
        else:
            messages.success(request, _("已保存共同投资“{target}”。").format(target=inv.target_company))
            return redirect("ecosystem:investment", pk=inv.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "ecosystem/initiative_form.html", {
        "form": form, "title": _("共同投资"), "object": inv, "back": "ecosystem:initiatives"}, status=status)


@login_required
@require_POST
def investment_delete(request, pk: int):
    inv = _investment(request, pk)
    _writer(request)
    services.investment_delete(actor=request.user, investment=inv)
    messages.success(request, _("已删除共同投资。"))
    return redirect("ecosystem:initiatives")


def _cobranding(request, pk: int) -> CoBranding:
    return get_visible(CoBranding.objects.prefetch_related("partners").distinct(), request.user, pk=pk)


@login_required
def cobranding_detail(request, pk: int):
    return render(request, "ecosystem/cobranding_detail.html", {"cb": _cobranding(request, pk)})


@login_required
def cobranding_form(request, pk: int | None = None):
    cb = _cobranding(request, pk) if pk else None
    _writer(request)
    initial = {}
    if cb is not None:
        initial = {"title": cb.title, "partners": [str(p.pk) for p in cb.partners.all()],
                   "brand_assets": cb.brand_assets, "markets": "、".join(cb.markets), "start_date": cb.start_date,
                   "end_date": cb.end_date, "terms": cb.terms, "status": cb.status}
    form = CoBrandingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = {"title": d["title"], "partner_ids": [int(x) for x in d["partners"]],
                "brand_assets": d["brand_assets"], "markets": d["markets"], "start_date": d["start_date"],
                "end_date": d["end_date"], "terms": d["terms"], "status": d["status"]}
        try:
            if cb is None:
                cb = services.cobranding_create(actor=request.user, data=data)
            else:
                services.cobranding_update(actor=request.user, programme=cb, data=data)
        except DomainError as exc:
            apply_errors(form, exc, {"partner_ids": "partners"})
        else:
            messages.success(request, _("已保存联合品牌项目“{title}”。").format(title=cb.title))
            return redirect("ecosystem:cobranding", pk=cb.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "ecosystem/initiative_form.html", {
        "form": form, "title": _("联合品牌项目"), "object": cb, "back": "ecosystem:initiatives"}, status=status)


@login_required
@require_POST
def cobranding_delete(request, pk: int):
    cb = _cobranding(request, pk)
    _writer(request)
    services.cobranding_delete(actor=request.user, programme=cb)
    messages.success(request, _("已删除联合品牌项目。"))
    return redirect("ecosystem:initiatives")


# --------------------------------------------------------------------------- portfolio report


def _quarter(request):
    try:
        return portfolio.Quarter.parse(request.GET.get("quarter", "")), None
    except DomainError as exc:
        return portfolio.Quarter.parse(""), exc.message


@login_required
def portfolio_view(request):
    _staff(request)
    quarter, problem = _quarter(request)
    if problem:
        messages.error(request, problem)
    data = portfolio.report(quarter)
    stage_rows = [r for r in data["partners_by_stage"] if r["count"] or r["moved_in"]]
    stage_chart = charts.bars([r["label"] for r in stage_rows],
                              [(_("伙伴数"), [r["count"] for r in stage_rows]),
                               (_("本季度进入"), [r["moved_in"] for r in stage_rows])]) if stage_rows else ""
    agreement_rows = [r for r in data["agreements"]["by_status"] if r["count"]]
    agreement_chart = charts.horizontal_bars([r["label"] for r in agreement_rows], [r["count"] for r in agreement_rows],
                                             value_range=(0, max([r["count"] for r in agreement_rows] + [1])),
                                             formatter=lambda v: f"{v:.0f}") if agreement_rows else ""
    revenue = data["revenue"][:12]
    revenue_chart = charts.horizontal_bars(
        [f"{r['partner']} ({r['currency']})" for r in revenue], [r["amount"] / 100 for r in revenue],
        value_range=(0, max([r["amount"] / 100 for r in revenue] + [1])),
        formatter=lambda v: f"{v:,.0f}") if revenue else ""
    recent = [quarter.next(), quarter, quarter.previous(), quarter.previous().previous()]
    return render(request, "ecosystem/portfolio.html", {
        "q": quarter, "data": data, "stage_chart": stage_chart, "agreement_chart": agreement_chart,
        "revenue_chart": revenue_chart, "recent": recent})


@login_required
def portfolio_xlsx(request):
    _staff(request)
    quarter, problem = _quarter(request)
    if problem:
        messages.error(request, problem)
        return redirect("ecosystem:portfolio")
    content = exports.portfolio_xlsx(portfolio.report(quarter))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{quarter.code}.xlsx"'
    return response


@login_required
def portfolio_pdf(request):
    _staff(request)
    quarter, problem = _quarter(request)
    if problem:
        messages.error(request, problem)
        return redirect("ecosystem:portfolio")
    try:
        content = exports.portfolio_pdf(portfolio.report(quarter))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('ecosystem:portfolio')}?quarter={quarter.code}")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{quarter.code}.pdf"'
    return response
