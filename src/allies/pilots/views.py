"""Web pages of pilot projects: list, create/edit, detail (KPIs, charts, measurements, review), review result.

Staff and partner users share these pages. Every page finds its pilot through
``get_visible`` (another partner's pilot is a 404); staff-only actions answer a partner
user or a viewer with 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError, ErrorCode
from allies.core.scoping import get_visible
from allies.partners.choices import Stage
from allies.pilots import services
from allies.pilots.charts import kpi_chart
from allies.pilots.choices import STATUS_LABELS, PilotStatus
from allies.pilots.forms import KpiForm, MeasurementForm, PilotForm, ReviewForm, StartForm, apply_errors
from allies.pilots.models import Kpi, Pilot, Review, kpi_caption
from allies.pilots.selectors import assessment_date, kpi_statuses, pilot_list


def _require_writer(request) -> None:
    if not request.user.can_write:
        raise PermissionDenied


def _may_record(user) -> bool:
    """Writers, and partner users (who only ever reach the pilots their company takes part in)."""
    return user.can_write or user.is_partner_user


def _pilot(request, pk: int) -> Pilot:
    return get_visible(Pilot.objects.select_related("owner", "partner_owner", "created_by"), request.user, pk=pk)


@login_required
def pilot_index(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    partner = request.GET.get("partner", "")
    partner_id = int(partner) if partner.isdigit() else None
    qs = pilot_list(user=request.user, q=q, status=status, partner_id=partner_id)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "status": status, "partner": partner_id or "", "statuses": PilotStatus.choices}
    fragment = request.htmx and not request.htmx.history_restore_request
    return render(request, "pilots/_table.html" if fragment else "pilots/list.html", context)


@login_required
def pilot_create(request):
    _require_writer(request)
    extra = [i for i in request.GET.getlist("partner") if i.isdigit()]
    form = PilotForm(request.POST or None, extra_partner_ids=extra,
                     initial={"partners": extra, "owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        kpis, field_map = form.kpis()
        try:
            pilot = services.pilot_create(actor=request.user, data=form.pilot_data(), kpis=kpis)
        except DomainError as exc:
            apply_errors(form, exc, field_map)
        else:
            messages.success(request, _("已创建试点“{title}”。").format(title=pilot.title))
            return redirect("pilots:detail", pk=pilot.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "pilots/form.html", {"form": form, "title": _("新建试点")}, status=status)


@login_required
def pilot_edit(request, pk: int):
    pilot = _pilot(request, pk)
    _require_writer(request)
    partner_ids = list(pilot.partners.values_list("pk", flat=True))
    initial = {f: getattr(pilot, f) for f in PilotForm.PILOT_FIELDS}
    initial.update({"partners": partner_ids, "owner": pilot.owner_id, "partner_owner": pilot.partner_owner_id})
    form = PilotForm(request.POST or None, with_kpis=False, extra_partner_ids=partner_ids, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.pilot_update(actor=request.user, pilot=pilot, data=form.pilot_data())
        except DomainError as exc:
            apply_errors(form, exc, PilotForm.FIELD_MAP)
        else:
            messages.success(request, _("已保存。"))
            return redirect("pilots:detail", pk=pilot.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "pilots/form.html", {"form": form, "title": _("编辑试点"), "pilot": pilot}, status=status)


def _detail(request, pilot: Pilot, status: int = 200, **bound):
    """The detail page; ``bound`` holds a submitted form (with its errors) or ``start_blocked``."""
    user = request.user
    rows = kpi_statuses(pilot)
    kpis = [row.kpi for row in rows]
    can_write = user.can_write and pilot.status != PilotStatus.CLOSED
    if pilot.status == PilotStatus.CLOSED:
        # A closed pilot shows no forms, so a refusal is told at the top of the page.
        for form in bound.values():
            for error in getattr(form, "non_field_errors", lambda: [])():
                messages.error(request, error)
    context = {
        "pilot": pilot,
        "partners": list(pilot.partners.order_by("name")),
        "rows": [{"row": row, "chart": kpi_chart(row)} for row in rows],
        "assessed_on": assessment_date(pilot),
        "reviews": list(pilot.reviews.select_related("reviewed_by")),
        "can_write": can_write,
        "can_record": _may_record(user) and pilot.status != PilotStatus.CLOSED,
        "measurement_form": bound.get("measurement_form") or MeasurementForm(kpis=kpis),
        "kpi_form": bound.get("kpi_form") or KpiForm(),
        "review_form": bound.get("review_form") or ReviewForm(),
        "start_form": bound.get("start_form") or StartForm(),
        "start_blocked": bound.get("start_blocked"),
        "kpi_add_url": reverse("pilots:kpi_add", args=[pilot.pk]),
    }
    return render(request, "pilots/detail.html", context, status=status)


@login_required
def pilot_detail(request, pk: int):
    return _detail(request, _pilot(request, pk))


@login_required
@require_POST
def pilot_start(request, pk: int):
    pilot = _pilot(request, pk)
    _require_writer(request)
    form = StartForm(request.POST)
    form.is_valid()
    try:
        services.pilot_start(actor=request.user, pilot=pilot, override=form.cleaned_data.get("override", False),
                             reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        blocked = exc.code == ErrorCode.STAGE_BLOCKED
        if not blocked:
            apply_errors(form, exc, {})
        return _detail(request, pilot, status=exc.status, start_form=form, start_blocked=exc if blocked else None)
    messages.success(request, _("试点已启动，参与伙伴已进入“{stage}”阶段。").format(stage=Stage.PILOT.label))
    return redirect("pilots:detail", pk=pilot.pk)


@login_required
@require_POST
def kpi_add(request, pk: int):
    pilot = _pilot(request, pk)
    _require_writer(request)
    form = KpiForm(request.POST)
    if form.is_valid():
        try:
            kpi = services.kpi_add(actor=request.user, pilot=pilot, data=form.kpi_data())
        except DomainError as exc:
            apply_errors(form, exc, KpiForm.FIELD_MAP)
            return _detail(request, pilot, status=exc.status, kpi_form=form)
        messages.success(request, _("已添加指标“{name}”。").format(name=kpi.name))
        return redirect("pilots:detail", pk=pilot.pk)
    return _detail(request, pilot, status=422, kpi_form=form)


@login_required
def kpi_edit(request, pk: int, kpi_id: int):
    pilot = _pilot(request, pk)
    kpi = get_visible(Kpi.objects.filter(pilot=pilot), request.user, pk=kpi_id)
    _require_writer(request)
    initial = {f: getattr(kpi, f) for f in ("code", "name", "unit", "direction", "baseline", "target")}
    initial["margin_percent"] = f"{kpi.margin * 100:g}"
    form = KpiForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_update(actor=request.user, kpi=kpi, data=form.kpi_data())
        except DomainError as exc:
            apply_errors(form, exc, KpiForm.FIELD_MAP)
        else:
            messages.success(request, _("已保存。"))
            return redirect("pilots:detail", pk=pilot.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "pilots/kpi_form.html", {"form": form, "pilot": pilot, "kpi": kpi}, status=status)


@login_required
@require_POST
def kpi_delete(request, pk: int, kpi_id: int):
    pilot = _pilot(request, pk)
    kpi = get_visible(Kpi.objects.filter(pilot=pilot), request.user, pk=kpi_id)
    _require_writer(request)
    try:
        services.kpi_delete(actor=request.user, kpi=kpi)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除指标“{name}”。").format(name=kpi.name))
    return redirect("pilots:detail", pk=pilot.pk)


@login_required
@require_POST
def measurement_add(request, pk: int):
    pilot = _pilot(request, pk)
    if not _may_record(request.user):
        raise PermissionDenied
    kpis = list(pilot.kpis.all())
    form = MeasurementForm(request.POST, kpis=kpis)
    if form.is_valid():
        kpi = next(k for k in kpis if k.pk == form.cleaned_data["kpi"])
        try:
            _m, created = services.measurement_record(actor=request.user, kpi=kpi, date=form.cleaned_data["date"],
                                                      value=form.cleaned_data["value"],
                                                      note=form.cleaned_data["note"])
        except DomainError as exc:
            apply_errors(form, exc, {})
            return _detail(request, pilot, status=exc.status, measurement_form=form)
        if created:
            messages.success(request, _("已记录“{name}”的测量值。").format(name=kpi.name))
        return redirect("pilots:detail", pk=pilot.pk)
    return _detail(request, pilot, status=422, measurement_form=form)


@login_required
@require_POST
def pilot_close(request, pk: int):
    pilot = _pilot(request, pk)
    _require_writer(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = services.review_close(actor=request.user, pilot=pilot, **form.cleaned_data)
        except DomainError as exc:
            apply_errors(form, exc, {})
            return _detail(request, pilot, status=exc.status, review_form=form)
        messages.success(request, _("已记录复盘：{decision}。").format(decision=review.get_decision_display()))
        return redirect("pilots:review", pk=pilot.pk, review_id=review.pk)
    return _detail(request, pilot, status=422, review_form=form)


@login_required
def review_detail(request, pk: int, review_id: int):
    pilot = _pilot(request, pk)
    review = get_visible(Review.objects.filter(pilot=pilot).select_related("reviewed_by"), request.user,
                         pk=review_id)
    stage_labels = dict(Stage.choices)
    moves = [{**m, "from_label": stage_labels.get(m["from_stage"], m["from_stage"]),
              "to_label": stage_labels.get(m["to_stage"], m["to_stage"])} for m in review.stage_moves]
    results = [{**r, "status_label": STATUS_LABELS.get(r.get("status")), "caption": kpi_caption(r["name"], r["unit"])}
               for r in review.results]
    return render(request, "pilots/review.html", {
        "pilot": pilot, "review": review, "results": results,
        "moves": moves if request.user.is_internal else [],
    })
