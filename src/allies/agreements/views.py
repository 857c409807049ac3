"""Web pages of agreements: list with deadline reminders, detail (clauses, completeness, IP register,
versions, status workflow, scans), create/edit form, IP asset form, version diff, .docx and scan downloads.

Staff and partner users share the list, detail and downloads; every page finds its
agreement through ``get_visible`` (another partner's agreement is a 404). Partner users
read only; staff-only pages and actions answer them with 404 (pages) or 403 (writes).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from allies.agreements import completeness, documents, scans, services
from allies.agreements.choices import EDITABLE, TRANSITIONS, AgreementStatus, ClauseArea, CooperationModel
from allies.agreements.forms import AgreementForm, IpAssetForm, ScanForm, TransitionForm
from allies.agreements.models import Agreement, IpAsset, SignedScan
from allies.agreements.selectors import (
    agreement_deadlines,
    agreement_list,
    clause_text,
    ip_owner_text,
    ip_usage_text,
    party_names,
    upcoming_deadlines,
)
from allies.agreements.versions import diff
from allies.core.errors import DomainError
from allies.core.scoping import get_visible, restrict
from allies.pilots.forms import apply_errors

REMINDER_DAYS = 60
ACTION_LABELS = {
    AgreementStatus.IN_REVIEW: gettext_lazy("提交审核"),
    AgreementStatus.DRAFT: gettext_lazy("退回草拟"),
    AgreementStatus.SIGNED: gettext_lazy("确认签署"),
    AgreementStatus.EXPIRED: gettext_lazy("标记为已到期"),
    AgreementStatus.TERMINATED: gettext_lazy("终止协议"),
}


def _agreement(request, pk: int) -> Agreement:
    return get_visible(Agreement.objects.select_related("created_by", "signed_by", "status_changed_by"),
                       request.user, pk=pk)


def _require_writer(request) -> None:
    if not request.user.can_write:
        raise PermissionDenied


def _require_internal(request) -> None:
    if not request.user.is_internal:
        raise Http404


@login_required
def agreement_index(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    partner = request.GET.get("partner", "")
    partner_id = int(partner) if partner.isdigit() and len(partner) < 19 else None
    qs = agreement_list(user=request.user, q=q, status=status, partner_id=partner_id)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    deadlines = upcoming_deadlines(today=today, within_days=REMINDER_DAYS,
                                   agreements=restrict(Agreement.objects, request.user))
    context = {"page": page, "q": q, "status": status, "partner": partner_id or "",
               "statuses": AgreementStatus.choices, "today": today, "reminder_days": REMINDER_DAYS,
               "deadlines": [{"d": d, "days_left": d.days_left(today)} for d in deadlines]}
    fragment = request.htmx and not request.htmx.history_restore_request
    return render(request, "agreements/_table.html" if fragment else "agreements/list.html", context)


def _form_rows(agreement: Agreement | None) -> dict:
    parties = agreement.party_links.count() if agreement else 0
    steps = agreement.dispute_steps.count() if agreement else 0
    return {"party_rows": max(3, parties + 2), "step_rows": max(4, steps + 1)}


@login_required
def agreement_create(request):
    _require_internal(request)
    _require_writer(request)
    initial = {"party_0_partner": request.GET.get("partner")} if request.GET.get("partner", "").isdigit() else {}
    form = AgreementForm(request.POST or None, initial=initial, **_form_rows(None))
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, data=form.agreement_data())
        except DomainError as exc:
            apply_errors(form, exc, form.field_map)
        else:
            messages.success(request, _("已创建协议“{title}”（{code}）。").format(title=agreement.title,
                                                                         code=agreement.code))
            return redirect("agreements:detail", pk=agreement.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "agreements/form.html", {"form": form, "title": _("新建协议")}, status=status)


@login_required
def agreement_edit(request, pk: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    _require_writer(request)
    if agreement.status not in (*EDITABLE, AgreementStatus.SIGNED):
        messages.error(request, _("协议已{status}，不能再修改。").format(status=agreement.get_status_display()))
        return redirect("agreements:detail", pk=pk)
    amendment = agreement.status == AgreementStatus.SIGNED
    form = AgreementForm(request.POST or None, initial=AgreementForm.initial_for(agreement), amendment=amendment,
                         **_form_rows(agreement))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement, data=form.agreement_data(),
                                      reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            apply_errors(form, exc, form.field_map)
        else:
            messages.success(request, _("已保存。"))
            return redirect("agreements:detail", pk=pk)
    status = 422 if form.is_bound and form.errors else 200
    title = _("修订协议") if amendment else _("编辑协议")
    return render(request, "agreements/form.html", {"form": form, "title": title, "agreement": agreement},
                  status=status)


def _detail(request, agreement: Agreement, status: int = 200, **bound):
    user = request.user
    today = timezone.localdate()
    names = party_names(agreement)
    assets = [{"asset": a, "owner": ip_owner_text(a, names), "usage": ip_usage_text(a, names)}
              for a in agreement.ip_assets.select_related("owner_partner")]
    items = completeness.missing(agreement) if user.is_internal else []
    can_write = user.can_write and agreement.status not in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)
    versions = list(agreement.versions.select_related("created_by")) if user.is_internal else []
    context = {
        "agreement": agreement,
        "cooperation_labels": [CooperationModel(m).label for m in agreement.cooperation_models
                               if m in CooperationModel.values],
        "parties": list(agreement.party_links.select_related("partner")),
        "clauses": [{"area": area, "label": label, "text": clause_text(agreement, area)}
                    for area, label in ClauseArea.choices if area != ClauseArea.IP],
        "ip_clause": clause_text(agreement, ClauseArea.IP),
        "assets": assets,
        "steps": list(agreement.dispute_steps.all()),
        "deadlines": [{"d": d, "days_left": d.days_left(today)} for d in agreement_deadlines(agreement, today=today)],
        "reminder_days": REMINDER_DAYS,
        "missing": items,
        "blocking": [m for m in items if m.required],
        "can_write": can_write,
        "editable": can_write and agreement.status in (*EDITABLE, AgreementStatus.SIGNED),
        "amendment": agreement.status == AgreementStatus.SIGNED,
        "actions": [(s, ACTION_LABELS[s]) for s in TRANSITIONS.get(agreement.status, ())] if can_write else [],
        "transition_error": bound.get("transition_error"),
        "scan_form": bound.get("scan_form") or ScanForm(),
        "can_upload": can_write and agreement.status != AgreementStatus.DRAFT,
        "versions": versions,
        "history": list(agreement.status_changes.select_related("changed_by")),
        "scans": list(agreement.scans.select_related("uploaded_by")),
    }
    return render(request, "agreements/detail.html", context, status=status)


@login_required
def agreement_detail(request, pk: int):
    return _detail(request, _agreement(request, pk))


@login_required
@require_POST
def agreement_transition(request, pk: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    _require_writer(request)
    form = TransitionForm(request.POST)
    form.is_valid()
    to_status = form.cleaned_data.get("to_status", "")
    try:
        services.agreement_transition(actor=request.user, agreement=agreement, to_status=to_status,
                                      reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        return _detail(request, agreement, status=exc.status, transition_error=exc)
    messages.success(request, _("协议状态已改为“{status}”。").format(status=agreement.get_status_display()))
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def agreement_delete(request, pk: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    _require_writer(request)
    try:
        services.agreement_delete(actor=request.user, agreement=agreement)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("agreements:detail", pk=pk)
    messages.success(request, _("已删除协议“{title}”。").format(title=agreement.title))
    return redirect("agreements:list")


def _asset_form_page(request, agreement: Agreement, asset: IpAsset | None):
    parties = [link.partner for link in agreement.party_links.select_related("partner")]
    amendment = agreement.status == AgreementStatus.SIGNED
    initial = IpAssetForm.initial_for(asset) if asset else {}
    form = IpAssetForm(request.POST or None, parties=parties, amendment=amendment, initial=initial)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data.get("reason", "")
        try:
            if asset is None:
                saved = services.ip_asset_add(actor=request.user, agreement=agreement, data=form.asset_data(),
                                              reason=reason)
            else:
                saved = services.ip_asset_update(actor=request.user, asset=asset, data=form.asset_data(),
                                                 reason=reason)
        except DomainError as exc:
            apply_errors(form, exc, form.FIELD_MAP)
        else:
            messages.success(request, _("已保存知识产权“{name}”。").format(name=saved.name))
            return redirect("agreements:detail", pk=agreement.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "agreements/ip_form.html", {"form": form, "agreement": agreement, "asset": asset},
                  status=status)


@login_required
def ip_asset_add(request, pk: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    _require_writer(request)
    return _asset_form_page(request, agreement, None)


@login_required
def ip_asset_edit(request, pk: int, asset_id: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    _require_writer(request)
    asset = get_object_or_404(IpAsset.objects.filter(agreement=agreement), pk=asset_id)
    return _asset_form_page(request, agreement, asset)


@login_required
@require_POST
def ip_asset_delete(request, pk: int, asset_id: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    _require_writer(request)
    asset = get_object_or_404(IpAsset.objects.filter(agreement=agreement), pk=asset_id)
    try:
        services.ip_asset_delete(actor=request.user, asset=asset, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除知识产权“{name}”。").format(name=asset.name))
    return redirect("agreements:detail", pk=pk)


@login_required
def version_diff(request, pk: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    versions = list(agreement.versions.select_related("created_by").order_by("number"))
    numbers = [v.number for v in versions]

    def number(name, default):
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdigit() and int(raw) in numbers else default

    to_number = number("to", numbers[-1] if numbers else 0)
    from_number = number("from", next((n for n in reversed(numbers) if n < to_number), to_number))
    by_number = {v.number: v for v in versions}
    changes = diff(by_number[from_number].snapshot, by_number[to_number].snapshot) if numbers else []
    return render(request, "agreements/diff.html", {
        "agreement": agreement, "versions": versions, "from_number": from_number, "to_number": to_number,
        "from_version": by_number.get(from_number), "to_version": by_number.get(to_number), "changes": changes})


@login_required
def agreement_document(request, pk: int):
    agreement = _agreement(request, pk)
    lang = "en" if request.GET.get("lang", "").lower().startswith("en") else "zh-hans"
    response = HttpResponse(documents.render(agreement, lang=lang), content_type=documents.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(agreement, lang)}"'
    return response


@login_required
@require_POST
def scan_upload(request, pk: int):
    agreement = _agreement(request, pk)
    _require_internal(request)
    _require_writer(request)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            scan = services.scan_attach(actor=request.user, agreement=agreement, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
            return _detail(request, agreement, status=exc.status, scan_form=form)
        messages.success(request, _("已上传签署扫描件“{name}”。").format(name=scan.original_name))
        return redirect("agreements:detail", pk=pk)
    return _detail(request, agreement, status=422, scan_form=form)


@login_required
def scan_download(request, pk: int, scan_id: int):
    agreement = _agreement(request, pk)
    scan = get_object_or_404(restrict(SignedScan.objects.filter(agreement=agreement), request.user), pk=scan_id)
    try:
        path = scans.absolute(scan.stored_path)
    except DomainError as exc:
        raise Http404 from exc
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=scan.original_name,
                        content_type=scan.content_type)
