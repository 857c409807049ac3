"""Web pages of the partner registry: list, detail with stage history, create/edit, import/export."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.text import join_list, join_clauses, labelled
from allies.core.errors import DomainError
from allies.core.scoping import get_visible, restrict
from allies.domain.readiness import complementarity_rating
from allies.partners import gates, readiness, screening, services, transfer
from allies.partners.choices import Resource, SourceChannel, Stage
from allies.partners.forms import ContactForm, ImportForm, PartnerForm, StageForm
from allies.partners.models import Contact, Partner, Rating
from allies.partners.selectors import default_model, partner_list, version_criteria
from allies.web.decorators import internal_required, writer_required


def _form_errors(form, exc: DomainError) -> None:
    """Put a service's field problems next to the fields, and the summary on top."""
    placed = False
    for err in exc.details.get("errors", []):
        if err.get("field") in form.fields:
            form.add_error(err["field"], err["reason"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@internal_required
def partner_index(request):
    q = request.GET.get("q", "").strip()
    stage = request.GET.get("stage", "")
    channel = request.GET.get("source_channel", "")
    qs = partner_list(user=request.user, q=q, stage=stage, source_channel=channel)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    gaps = readiness.current_gaps()
    labels = dict(Resource.choices)
    for p in page.object_list:
        p.gap_fill = join_list(str(labels[g]) for g in readiness.gap_match(p.resources, gaps))
    context = {"page": page, "q": q, "stage": stage, "source_channel": channel,
               "stages": Stage.choices, "channels": SourceChannel.choices}
    # a history-restore request (back button after hx-push-url, cache miss) needs the whole page
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "partners/_table.html" if fragment else "partners/list.html"
    return render(request, template, context)


@internal_required
def partner_detail(request, pk: int):
    partner = get_visible(Partner.objects.select_related("owner"), request.user, pk=pk)
    gaps = readiness.current_gaps()
    model = default_model()
    criteria = version_criteria(model.current_version) if model else []
    ratings = Rating.objects.filter(partner=partner).select_related("rater").order_by("criterion_code", "rater_id")
    by_code: dict[str, list[Rating]] = {}
    for r in ratings:
        by_code.setdefault(r.criterion_code, []).append(r)
    rows = []
    for c in criteria:
        rs = by_code.get(c.code, [])
        scores = [float(r.score) for r in rs]
        mine = next((r for r in rs if r.rater_id == request.user.pk), None)
        rows.append({
            "criterion": c,
            "ratings": rs,
            "mean": sum(scores) / len(scores) if scores else None,
            "spread": (max(scores) - min(scores)) if scores else 0,
            "disagreement": bool(scores) and max(scores) - min(scores) > model.disagreement_threshold + 1e-9,
            "mine": mine,
        })
    return render(request, "partners/detail.html", {
        "partner": partner,
        "resources": [Resource(r).label for r in partner.resources if r in Resource.values],
        "gap_fills": [Resource(g).label for g in readiness.gap_match(partner.resources, gaps)],
        "gaps": gaps,
        "complementarity_proposal": complementarity_rating(gaps, partner.resources) if gaps else None,
        "stage_rules": gates.rules(),
        "contacts": restrict(Contact.objects.filter(partner=partner), request.user),
        "changes": partner.stage_changes.select_related("changed_by"),
        "stage_form": StageForm(initial={"to_stage": partner.stage}),
        "contact_form": ContactForm(),
        "rating_rows": rows,
        "model": model,
    })


@writer_required
def partner_create(request):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已登记伙伴“{name}”。").format(name=partner.name))
            return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "title": _("登记伙伴")})


@writer_required
def partner_edit(request, pk: int):
    partner = get_visible(Partner.objects, request.user, pk=pk)
    initial = {f: getattr(partner, f) for f in services.EDITABLE_FIELDS}
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(actor=request.user, partner=partner, data=form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "title": _("编辑伙伴"), "partner": partner})


@writer_required
@require_POST
def partner_stage(request, pk: int):
    partner = get_visible(Partner.objects, request.user, pk=pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.partner_change_stage(actor=request.user, partner=partner, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("“{name}”已移到“{stage}”。").format(name=partner.name,
                                                                          stage=partner.get_stage_display()))
    else:
        messages.error(request, _("请选择新阶段并填写原因。"))
    if request.POST.get("next") == "pipeline":
        return redirect("partners:pipeline")
    return redirect("partners:detail", pk=partner.pk)


@writer_required
@require_POST
def contact_add(request, pk: int):
    partner = get_visible(Partner.objects, request.user, pk=pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(actor=request.user, partner=partner, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, join_clauses(labelled(form.fields[f].label, " ".join(e)) for f, e in form.errors.items()))
    return redirect("partners:detail", pk=partner.pk)


@writer_required
@require_POST
def contact_delete(request, pk: int, contact_id: int):
    partner = get_visible(Partner.objects, request.user, pk=pk)
    contact = get_visible(Contact.objects.filter(partner=partner), request.user, pk=contact_id)
    services.contact_delete(actor=request.user, contact=contact)
    return redirect("partners:detail", pk=partner.pk)


@writer_required
@require_POST
def rating_save(request, pk: int):
    """Save the current user's ratings of one partner (one field per criterion; empty = leave as is)."""
    partner = get_visible(Partner.objects, request.user, pk=pk)
    model = default_model()
    saved = 0
    for criterion in version_criteria(model.current_version):
        value = request.POST.get(f"score_{criterion.code}", "").strip()
        if value == "":
            continue
        try:
            screening.rating_set(actor=request.user, partner=partner, criterion_code=criterion.code, score=value,
                                 note=request.POST.get(f"note_{criterion.code}", ""))
            saved += 1
        except DomainError as exc:
            messages.error(request, f"{criterion.label()}：{exc.message}")
    if saved:
        messages.success(request, _("已保存 {n} 项评分。").format(n=saved))
    return redirect("partners:detail", pk=partner.pk)


@writer_required
def partner_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = transfer.import_partners(actor=request.user, data=transfer.read_upload(upload),
                                              filename=upload.name)
        except DomainError as exc:
            report = exc
        else:
            messages.success(request, _("导入完成：新增 {created} 个，更新 {updated} 个，评分 {ratings} 项。").format(
                created=result.created, updated=result.updated, ratings=result.ratings))
            return redirect("partners:list")
    return render(request, "partners/import.html", {"form": form, "report": report}, status=422 if report else 200)


@internal_required
def partner_export(request):
    fmt = request.GET.get("format", "xlsx")
    try:
        data, content_type, filename = transfer.export_partners(user=request.user, fmt=fmt,
                                                                stage=request.GET.get("stage", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("partners:list")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
