"""Web pages of due diligence: the case list, a case with its checklist, evidence, figures and conclusion.

Internal only: partner users get a 404 from every page (allies.web.decorators).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError
from allies.core.scoping import get_visible, restrict
from allies.diligence import evidence as files
from allies.diligence import selectors, services
from allies.diligence.choices import CaseStatus, Verdict
from allies.diligence.forms import (
    ConcludeForm,
    EvidenceForm,
    FinancialRatingForm,
    FinancialYearForm,
    ItemAddForm,
    ItemForm,
    owner_choices,
)
from allies.diligence.models import Case, Evidence, FinancialYear, Item
from allies.partners.choices import Stage
from allies.partners.models import Partner
from allies.web.decorators import internal_required, writer_required


OPENABLE_STAGES = (Stage.CONTACTED, Stage.DUE_DILIGENCE)


def _case(request, pk: int) -> Case:
    return get_visible(Case.objects.select_related("partner", "opened_by", "concluded_by"), request.user, pk=pk)


def _item(request, pk: int) -> Item:
    return get_visible(Item.objects.select_related("case", "owner"), request.user, pk=pk)


def _field_errors(form, exc: DomainError) -> None:
    """Put a service's field problems next to the fields, or the message on top."""
    placed = False
    for err in exc.details.get("errors", []):
        if err.get("field") in form.fields:
            form.add_error(err["field"], err["reason"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _back(case_id: int, anchor: str = ""):
    return redirect(reverse("diligence:detail", args=[case_id]) + (f"#{anchor}" if anchor else ""))


# --------------------------------------------------------------------------- list and opening


@internal_required
def case_index(request):
    partner_id = request.GET.get("partner", "")
    status = request.GET.get("status", "")
    verdict = request.GET.get("verdict", "")
    qs = selectors.case_list(user=request.user, partner_id=int(partner_id) if partner_id.isdigit() else None,
                             status=status if status in CaseStatus.values else "",
                             verdict=verdict if verdict in Verdict.values else "")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    partners = restrict(Partner.objects.order_by("name"), request.user)
    # Candidates that were contacted are the usual subjects; any other partner can be opened from its own page.
    openable = partners.filter(stage__in=OPENABLE_STAGES).exclude(diligence_cases__status=CaseStatus.OPEN)
    return render(request, "diligence/list.html", {
        "page": page, "partner": partner_id, "status": status, "verdict": verdict,
        "statuses": CaseStatus.choices, "verdicts": Verdict.choices,
        "partners": partners.filter(diligence_cases__isnull=False).distinct().values_list("pk", "name"),
        "openable": openable.values_list("pk", "name"),
    })


@writer_required
@require_POST
def case_open(request, partner_id: int):
    """Open a case for a partner (the entry point for links from the partner page)."""
    return _open(request, get_visible(Partner.objects, request.user, pk=partner_id))


@writer_required
@require_POST
def case_open_picked(request):
    """Open a case for the partner picked on the list page."""
    picked = request.POST.get("partner", "")
    return _open(request, get_visible(Partner.objects, request.user, pk=picked if picked.isdigit() else 0))


def _open(request, partner: Partner):
    try:
        case = services.case_open(actor=request.user, partner=partner)
    except DomainError as exc:
        messages.error(request, exc.message)
        existing = selectors.case_for_partner(partner)
        return _back(existing.pk) if existing else redirect("diligence:list")
    messages.success(request, _("已为“{partner}”开始尽职调查，检查清单已按模板生成。").format(partner=partner.name))
    return _back(case.pk)


# --------------------------------------------------------------------------- the case page


def _detail_context(request, case: Case, **forms) -> dict:
    blocking = selectors.blocking_items(case)
    owners = owner_choices()
    return {
        "case": case,
        "areas": [(code, label, [{"item": i, "form": _item_form(i, owners=owners)} for i in items])
                  for code, label, items in selectors.items_by_area(case)],
        "blocking": blocking,
        "years": list(case.financial_years.all()),
        "proposal": selectors.proposal_view(case),
        "my_rating": selectors.financial_rating_of(case, request.user),
        "add_form": forms.get("add_form") or ItemAddForm(prefix="new", owners=owners),
        "year_form": forms.get("year_form") or FinancialYearForm(initial={"currency": selectors.case_currency(case)}),
        "conclude_form": forms.get("conclude_form") or ConcludeForm(),
        "max_upload_mb": round(files.max_bytes() / 1048576, 1),
        "allowed_types": files.ALLOWED_LABEL,
    }


def _item_form(item: Item, data=None, owners=None) -> ItemForm:
    initial = {"status": item.status, "risk_level": item.risk_level, "finding": item.finding,
               "owner_id": str(item.owner_id or ""), "due_date": item.due_date}
    return ItemForm(data, initial=initial, prefix=f"item{item.pk}", owners=owners)


@internal_required
def case_detail(request, pk: int):
    case = _case(request, pk)
    return render(request, "diligence/detail.html", _detail_context(request, case))


# --------------------------------------------------------------------------- items


@writer_required
@require_POST
def item_update(request, pk: int):
    """Save one item's inline edit; an HTMX request gets the item's fragment (and the blocking list) back."""
    item = _item(request, pk)
    form = _item_form(item, request.POST)
    error = None
    if form.is_valid():
        data = {**form.cleaned_data, "owner_id": form.cleaned_data["owner_id"] or None}
        try:
            item = services.item_update(actor=request.user, item=item, data=data)
        except DomainError as exc:
            error = exc.message
            _field_errors(form, exc)
        else:
            form = _item_form(item)
    else:
        error = "；".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items())
    if request.htmx:
        return render(request, "diligence/_item.html", {
            "row": {"item": item, "form": form}, "case": item.case, "error": error, "saved": error is None,
            "blocking": selectors.blocking_items(item.case), "oob": True,
        })
    if error:
        messages.error(request, _("“{item}”：{error}").format(item=item.title, error=error))
    else:
        messages.success(request, _("已保存“{item}”。").format(item=item.title))
    return _back(item.case_id, f"item-{item.pk}")


@writer_required
@require_POST
def item_add(request, pk: int):
    case = _case(request, pk)
    form = ItemAddForm(request.POST, prefix="new")
    if form.is_valid():
        data = {**form.cleaned_data, "owner_id": form.cleaned_data["owner_id"] or None}
        try:
            item = services.item_add(actor=request.user, case=case, data=data)
        except DomainError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("已添加检查项“{item}”。").format(item=item.title))
            return _back(case.pk, f"item-{item.pk}")
    return render(request, "diligence/detail.html", _detail_context(request, case, add_form=form), status=422)


@writer_required
@require_POST
def item_delete(request, pk: int):
    item = _item(request, pk)
    try:
        services.item_delete(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除检查项“{item}”。").format(item=item.title))
    return _back(item.case_id)


# --------------------------------------------------------------------------- evidence


@writer_required
@require_POST
def evidence_upload(request, pk: int):
    item = _item(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
    else:
        try:
            record = services.evidence_add(actor=request.user, item=item, upload=form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已上传“{name}”。").format(name=record.original_name))
    return _back(item.case_id, f"item-{item.pk}")


@internal_required
def evidence_download(request, pk: int):
    record = get_visible(Evidence.objects, request.user, pk=pk)
    try:
        path = files.absolute(record.stored_path)
    except DomainError as exc:
        raise Http404 from exc
    if not path.is_file():
        raise Http404(files.missing_message(record.original_name))
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.original_name,
                        content_type=record.content_type)


@writer_required
@require_POST
def evidence_delete(request, pk: int):
    record = get_visible(Evidence.objects.select_related("item__case"), request.user, pk=pk)
    try:
        services.evidence_delete(actor=request.user, evidence=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除“{name}”。").format(name=record.original_name))
    return _back(record.item.case_id, f"item-{record.item_id}")


# --------------------------------------------------------------------------- financial figures


@writer_required
@require_POST
def financial_add(request, pk: int):
    case = _case(request, pk)
    form = FinancialYearForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        currency = (data["currency"] or "CNY").strip().upper()
        try:
            amounts = {f: services.money_from_major(f, data[f], currency)
                       for f in ("revenue", "profit", "operating_cash_flow")}
            services.financial_year_add(actor=request.user, case=case, year=data["year"], currency=currency,
                                        debt_ratio=data["debt_ratio"], **amounts)
        except DomainError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("已保存 {year} 年的财务数据。").format(year=data["year"]))
            return _back(case.pk, "financials")
    return render(request, "diligence/detail.html", _detail_context(request, case, year_form=form), status=422)


@writer_required
@require_POST
def financial_delete(request, pk: int):
    record = get_visible(FinancialYear.objects.select_related("case"), request.user, pk=pk)
    try:
        services.financial_year_delete(actor=request.user, financial_year=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除 {year} 年的财务数据。").format(year=record.year))
    return _back(record.case_id, "financials")


@writer_required
@require_POST
def financial_rate(request, pk: int):
    """"Accept" records the proposed score as the user's financial-health rating; "change" records their own."""
    case = _case(request, pk)
    form = FinancialRatingForm(request.POST)
    form.is_valid()
    own = request.POST.get("action") == "change"
    score = form.cleaned_data.get("score", "").strip() if own else None
    if own and not score:
        messages.error(request, _("请填写你的评分，或直接接受建议分。"))
        return _back(case.pk, "financials")
    try:
        rating = services.financial_rating_record(actor=request.user, case=case, score=score)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录你对“{partner}”的财务健康度评分：{score}。").format(
            partner=case.partner.name, score=f"{float(rating.score):g}"))
    return _back(case.pk, "financials")


# --------------------------------------------------------------------------- conclusion


@writer_required
@require_POST
def case_conclude(request, pk: int):
    case = _case(request, pk)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        try:
            services.case_conclude(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("尽职调查已结束。"))
            return _back(case.pk)
    return render(request, "diligence/detail.html", _detail_context(request, case, conclude_form=form), status=422)
