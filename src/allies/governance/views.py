"""Web pages of governance and conflicts, for staff and partner users alike.

Every page finds its rows through ``get_visible``/the selectors (another partner's alliance
is a 404). Writes go through the services; a refused write re-renders the page with each
problem next to its field and nothing saved.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from allies.agreements.models import Agreement
from allies.core.errors import DomainError
from allies.core.models import INTERNAL_ROLES, Role, User
from allies.core.scoping import get_visible, restrict
from allies.governance import calendar, selectors, services
from allies.governance.choices import (
    ActionStatus,
    BodyKind,
    Cadence,
    ConflictKind,
    ConflictStatus,
    EvidenceKind,
    MeetingStatus,
    StepKind,
)
from allies.governance.models import ActionItem, Body, CalendarFeed, Conflict, Meeting, Member

UPCOMING = 10
PAST_DAYS = 120


def _require_writer(request) -> None:
    if not request.user.can_write:
        raise PermissionDenied


def _field_errors(exc: DomainError) -> dict[str, list[str]]:
    """A service's problems by field name; problems without a field go under "general"."""
    out: dict[str, list[str]] = {}
    for err in exc.details.get("errors", []):
        out.setdefault(err.get("field") or "general", []).append(err.get("reason", ""))
    if not out:
        out["general"] = [exc.message]
    return out


def _agreement(request, pk: int) -> Agreement:
    return get_visible(Agreement.objects, request.user, pk=pk)


def _people(agreement: Agreement):
    """Who may own an action item or sit on a body: our active staff and the alliance's partner users."""
    return User.objects.filter(is_active=True).filter(
        Q(role__in=INTERNAL_ROLES) | Q(role=Role.PARTNER, partner__in=agreement.partners.all()))


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


def _int_or_none(raw):
    return int(raw) if str(raw or "").isdigit() else None


# --------------------------------------------------------------------------- alliances


@login_required
def alliance_index(request):
    today = timezone.localdate()
    alliances = list(selectors.alliance_list(user=request.user))
    return render(request, "governance/index.html", {
        "alliances": alliances,
        "upcoming": selectors.upcoming_meetings(user=request.user, now=timezone.now(), limit=UPCOMING),
        "overdue": list(selectors.overdue_action_items(today=today, user=request.user)[:20]),
        "today": today,
    })


def _alliance_page(request, agreement: Agreement, status: int = 200, **bound):
    user = request.user
    now = timezone.now()
    context = {
        "agreement": agreement,
        "partners": list(agreement.partners.order_by("name")),
        "bodies": list(selectors.body_list(user=user, agreement_id=agreement.pk)),
        "upcoming": list(selectors.meeting_list(user=user, agreement_id=agreement.pk, since=now)[:UPCOMING]),
        "past": list(selectors.meeting_list(user=user, agreement_id=agreement.pk,
                                            since=now - timedelta(days=PAST_DAYS))
                     .filter(ends_at__lt=now).order_by("-starts_at")[:UPCOMING]),
        "decisions": list(selectors.decision_list(user=user, agreement_id=agreement.pk)[:30]),
        "actions": list(selectors.action_item_list(user=user, agreement_id=agreement.pk)
                        .order_by("status", "due_date")[:50]),
        "conflicts": list(selectors.conflict_list(user=user, agreement_id=agreement.pk)[:20]),
        "steps": selectors.escalation_steps(agreement),
        "step_kinds": StepKind.choices,
        "body_kinds": BodyKind.choices,
        "cadences": Cadence.choices,
        "people": _people(agreement).order_by("role", "username") if user.can_write else [],
        "meetings_for_select": list(selectors.meeting_list(user=user, agreement_id=agreement.pk)
                                    .order_by("-starts_at")[:50]) if user.can_write else [],
        "today": timezone.localdate(),
        "can_write": user.can_write,
        "forms": bound,
    }
    return render(request, "governance/alliance.html", context, status=status)


@login_required
def alliance_detail(request, pk: int):
    return _alliance_page(request, _agreement(request, pk))


@login_required
@require_POST
def body_create(request, pk: int):
    agreement = _agreement(request, pk)
    _require_writer(request)
    data = {k: request.POST.get(k, "") for k in ("kind", "name", "cadence", "first_meeting_at", "duration_minutes",
                                                 "time_zone", "location")}
    try:
        body = services.body_create(actor=request.user, agreement=agreement, data=data)
    except DomainError as exc:
        return _alliance_page(request, agreement, status=exc.status,
                              body={"values": data, "errors": _field_errors(exc)})
    messages.success(request, _("已创建“{name}”。").format(name=body.name))
    return redirect("governance:body", pk=body.pk)


@login_required
@require_POST
def escalation_path_edit(request, pk: int):
    agreement = _agreement(request, pk)
    _require_writer(request)
    kinds = request.POST.getlist("step_kind")
    names = request.POST.getlist("step_name")
    steps = [{"kind": k, "name": (names[i] if i < len(names) else "")} for i, k in enumerate(kinds) if k]
    try:
        services.escalation_path_set(actor=request.user, agreement=agreement, steps=steps)
    except DomainError as exc:
        return _alliance_page(request, agreement, status=exc.status, path={"errors": _field_errors(exc)})
    messages.success(request, _("已保存问题升级路径。"))
    return redirect("governance:alliance", pk=agreement.pk)


def _back(request, agreement: Agreement):
    meeting_id = _int_or_none(request.POST.get("meeting_id"))
    if meeting_id and request.POST.get("from") == "meeting":
        return redirect("governance:meeting", pk=meeting_id)
    return redirect("governance:alliance", pk=agreement.pk)


@login_required
@require_POST
def decision_add(request, pk: int):
    agreement = _agreement(request, pk)
    _require_writer(request)
    data = {"text": request.POST.get("text", ""), "decided_on": request.POST.get("decided_on", ""),
            "meeting_id": _int_or_none(request.POST.get("meeting_id"))}
    try:
        services.decision_record(actor=request.user, agreement=agreement, data=data)
    except DomainError as exc:
        return _rerender(request, agreement, exc, "decision", data)
    messages.success(request, _("已记录决议。"))
    return _back(request, agreement)


@login_required
@require_POST
def action_item_add(request, pk: int):
    agreement = _agreement(request, pk)
    _require_writer(request)
    data = {"title": request.POST.get("title", ""), "owner_id": _int_or_none(request.POST.get("owner_id")),
            "due_date": request.POST.get("due_date", ""), "meeting_id": _int_or_none(request.POST.get("meeting_id"))}
    try:
        item = services.action_item_create(actor=request.user, agreement=agreement, data=data)
    except DomainError as exc:
        return _rerender(request, agreement, exc, "action", data)
    messages.success(request, _("已添加待办事项“{title}”。").format(title=item.title))
    return _back(request, agreement)


def _rerender(request, agreement, exc, name, data):
    bound = {name: {"values": data, "errors": _field_errors(exc)}}
    if request.POST.get("from") == "meeting" and data.get("meeting_id"):
        meeting = get_visible(Meeting.objects.select_related("body__agreement"), request.user, pk=data["meeting_id"])
        return _meeting_page(request, meeting, status=exc.status, **bound)
    return _alliance_page(request, agreement, status=exc.status, **bound)


# --------------------------------------------------------------------------- bodies


def _body(request, pk: int) -> Body:
    return get_visible(Body.objects.select_related("agreement"), request.user, pk=pk)


def _body_page(request, body: Body, status: int = 200, **bound):
    now = timezone.now()
    context = {
        "body": body,
        "agreement": body.agreement,
        "members": list(body.members.select_related("user", "partner")),
        "upcoming": list(selectors.meeting_list(user=request.user, body_id=body.pk, since=now)[:20]),
        "past": list(selectors.meeting_list(user=request.user, body_id=body.pk).filter(ends_at__lt=now)
                     .order_by("-starts_at")[:20]),
        "people": _people(body.agreement).exclude(governance_memberships__body=body).order_by("role", "username")
        if request.user.can_write else [],
        "partners": list(body.agreement.partners.order_by("name")),
        "cadences": Cadence.choices,
        "default_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "can_write": request.user.can_write,
        "forms": bound,
    }
    return render(request, "governance/body.html", context, status=status)


@login_required
def body_detail(request, pk: int):
    body = _body(request, pk)
    if request.method == "POST":
        _require_writer(request)
        data = {k: request.POST.get(k, "") for k in ("name", "cadence", "first_meeting_at", "duration_minutes",
                                                     "location")}
        try:
            services.body_update(actor=request.user, body=body, data=data)
        except DomainError as exc:
            return _body_page(request, _body(request, pk), status=exc.status,
                              edit={"values": data, "errors": _field_errors(exc)})
        messages.success(request, _("已保存。"))
        return redirect("governance:body", pk=body.pk)
    return _body_page(request, body)


@login_required
@require_POST
def member_add(request, pk: int):
    body = _body(request, pk)
    _require_writer(request)
    data = {"user_id": _int_or_none(request.POST.get("user_id")), "name": request.POST.get("name", ""),
            "partner_id": _int_or_none(request.POST.get("partner_id")), "role": request.POST.get("role", ""),
            "email": request.POST.get("email", ""), "is_chair": request.POST.get("is_chair") == "on"}
    try:
        member = services.member_add(actor=request.user, body=body, data=data)
    except DomainError as exc:
        return _body_page(request, body, status=exc.status, member={"values": data, "errors": _field_errors(exc)})
    messages.success(request, _("已添加成员“{name}”。").format(name=member.display_name))
    return redirect("governance:body", pk=body.pk)


@login_required
@require_POST
def member_remove(request, pk: int, member_id: int):
    body = _body(request, pk)
    member = get_visible(Member.objects.filter(body=body), request.user, pk=member_id)
    _require_writer(request)
    services.member_remove(actor=request.user, member=member)
    messages.success(request, _("已移除成员“{name}”。").format(name=member.display_name))
    return redirect("governance:body", pk=body.pk)


@login_required
@require_POST
def meetings_generate(request, pk: int):
    body = _body(request, pk)
    _require_writer(request)
    raw = request.POST.get("until", "")
    try:
        until = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        return _body_page(request, body, status=422, generate={
            "values": {"until": raw}, "errors": {"until": [_("“{value}”不是有效日期（格式：YYYY-MM-DD）。").format(
                value=raw[:50])]}})
    try:
        created = services.meetings_generate(actor=request.user, body=body, until=until)
    except DomainError as exc:
        return _body_page(request, body, status=exc.status, generate={"values": {"until": raw},
                                                                      "errors": _field_errors(exc)})
    if created:
        messages.success(request, _("已排期 {n} 次会议。").format(n=len(created)))
    else:
        messages.info(request, _("截至该日期的会议都已排期，没有新增。"))
    return redirect("governance:body", pk=body.pk)


# --------------------------------------------------------------------------- meetings


def _meeting_page(request, meeting: Meeting, status: int = 200, **bound):
    agreement = meeting.body.agreement
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "agreement": agreement,
        "members": list(meeting.body.members.select_related("user")),
        "attending": {m.pk for m in meeting.attendees.all()},
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.action_items.select_related("owner")),
        "statuses": MeetingStatus.choices,
        "people": _people(agreement).order_by("role", "username") if request.user.can_write else [],
        "today": timezone.localdate(),
        "can_write": request.user.can_write,
        "forms": bound,
    }
    return render(request, "governance/meeting.html", context, status=status)


@login_required
def meeting_detail(request, pk: int):
    meeting = get_visible(Meeting.objects.select_related("body__agreement"), request.user, pk=pk)
    if request.method == "POST":
        _require_writer(request)
        data = {k: request.POST.get(k, "") for k in ("title", "starts_at", "ends_at", "location", "status", "agenda",
                                                     "minutes")}
        data["attendee_ids"] = _ids(request.POST.getlist("attendee_ids"))
        try:
            services.meeting_update(actor=request.user, meeting=meeting, data=data)
        except DomainError as exc:
            fresh = get_visible(Meeting.objects.select_related("body__agreement"), request.user, pk=pk)
            return _meeting_page(request, fresh, status=exc.status, edit={"values": data,
                                                                          "errors": _field_errors(exc)})
        messages.success(request, _("已保存会议。"))
        return redirect("governance:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting)


# --------------------------------------------------------------------------- action items


@login_required
def my_actions(request):
    status = request.GET.get("status", "")
    items = selectors.my_action_items(user=request.user, status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "governance/my_actions.html", {
        "page": page, "status": status, "statuses": ActionStatus.choices, "today": timezone.localdate()})


@login_required
@require_POST
def action_item_status(request, pk: int):
    item = get_visible(ActionItem.objects.select_related("agreement"), request.user, pk=pk)
    try:
        services.action_item_update(actor=request.user, item=item, data={"status": request.POST.get("status", "")})
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更新“{title}”的状态。").format(title=item.title))
    target = request.POST.get("next", "")
    if target == "alliance":
        return redirect("governance:alliance", pk=item.agreement_id)
    return redirect("governance:my_actions")


# --------------------------------------------------------------------------- calendar feeds


def _feeds_page(request, issued=None, status=200, error=""):
    return render(request, "governance/calendar.html", {
        "feeds": list(selectors.feeds_of(request.user)),
        "bodies": list(selectors.body_list(user=request.user)),
        "issued": issued,
        "issued_url": request.build_absolute_uri(issued.path) if issued else "",
        "error": error,
    }, status=status)


@login_required
def calendar_feeds(request):
    if request.method == "POST":
        body_id = _int_or_none(request.POST.get("body_id"))
        body = _body(request, body_id) if body_id else None
        try:
            issued = calendar.feed_create(actor=request.user, body=body)
        except DomainError as exc:
            return _feeds_page(request, status=exc.status, error=exc.message)
        return _feeds_page(request, issued=issued, status=201)
    return _feeds_page(request)


def _own_feed(request, pk: int) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True, pk=pk).first()
    if feed is None:
        raise Http404
    return feed


@login_required
@require_POST
def feed_regenerate(request, pk: int):
    issued = calendar.feed_regenerate(actor=request.user, feed=_own_feed(request, pk))
    return _feeds_page(request, issued=issued)


@login_required
@require_POST
def feed_revoke(request, pk: int):
    calendar.feed_revoke(actor=request.user, feed=_own_feed(request, pk))
    messages.success(request, _("已吊销该日历订阅，原链接立即失效。"))
    return redirect("governance:calendar")


@require_GET
def calendar_feed(request, token: str):
    """The .ics file itself: no login, the secret in the URL is the credential."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404
    response = HttpResponse(calendar.render_feed(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="allies.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --------------------------------------------------------------------------- conflicts


def _may_raise(user) -> bool:
    return user.can_write or user.is_partner_user


@login_required
def conflict_index(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    agreement_id = _int_or_none(request.GET.get("agreement"))
    qs = selectors.conflict_list(user=request.user, agreement_id=agreement_id, status=status, kind=kind)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "governance/conflicts.html", {
        "page": page, "status": status, "kind": kind, "agreement": agreement_id or "",
        "statuses": ConflictStatus.choices, "kinds": ConflictKind.choices, "may_raise": _may_raise(request.user)})


EVIDENCE_PARAMS = ("evidence_kind", "evidence_id", "evidence_label", "evidence_url")


@login_required
def conflict_create(request):
    """Raise a conflict. Another page may pre-fill one piece of evidence with ?evidence_kind=&evidence_id=
    &evidence_label=&evidence_url= (e.g. an alert turned into a conflict)."""
    if not _may_raise(request.user):
        raise PermissionDenied
    alliances = list(restrict(Agreement.objects.order_by("code"), request.user))
    source = request.POST if request.method == "POST" else request.GET
    values = {k: source.get(k, "") for k in ("agreement", "kind", "title", "description", *EVIDENCE_PARAMS)}
    errors: dict = {}
    if request.method == "POST":
        agreement_id = _int_or_none(values["agreement"])
        agreement = next((a for a in alliances if a.pk == agreement_id), None)
        evidence = []
        if values["evidence_kind"] and values["evidence_label"]:
            evidence.append((values["evidence_kind"], values["evidence_id"], values["evidence_label"],
                             values["evidence_url"]))
        if agreement is None:
            errors["agreement"] = [_("请选择你参与的联盟。")]
        else:
            try:
                conflict = services.conflict_raise(actor=request.user, agreement=agreement, kind=values["kind"],
                                                   title=values["title"], description=values["description"],
                                                   evidence=evidence)
            except DomainError as exc:
                errors = _field_errors(exc)
            else:
                messages.success(request, _("已提出冲突“{title}”。").format(title=conflict.title))
                return redirect("governance:conflict", pk=conflict.pk)
    return render(request, "governance/conflict_form.html", {
        "alliances": alliances, "kinds": ConflictKind.choices, "values": values, "errors": errors,
        "evidence_kinds": EvidenceKind.choices,
    }, status=422 if errors else 200)


def _conflict(request, pk: int) -> Conflict:
    return get_visible(Conflict.objects.select_related("agreement", "raised_by", "raised_partner"), request.user, pk=pk)


def _conflict_page(request, conflict: Conflict, status: int = 200, **bound):
    steps = selectors.steps_of(conflict.path)
    context = {
        "conflict": conflict,
        "agreement": conflict.agreement,
        "steps": steps,
        "current": selectors.conflict_step(conflict),
        "next_step": selectors.conflict_next_step(conflict),
        "history": selectors.conflict_history(conflict),
        "evidence": list(conflict.evidence.all()),
        "dispute_clause": selectors.conflict_dispute_clause(conflict),
        "evidence_kinds": EvidenceKind.choices,
        "can_write": request.user.can_write and conflict.status == ConflictStatus.OPEN,
        "forms": bound,
    }
    return render(request, "governance/conflict.html", context, status=status)


@login_required
def conflict_detail(request, pk: int):
    return _conflict_page(request, _conflict(request, pk))


@login_required
@require_POST
def conflict_escalate(request, pk: int):
    conflict = _conflict(request, pk)
    _require_writer(request)
    reason = request.POST.get("reason", "")
    try:
        services.conflict_escalate(actor=request.user, conflict=conflict, reason=reason,
                                   to_step=_int_or_none(request.POST.get("to_step")))
    except DomainError as exc:
        return _conflict_page(request, _conflict(request, pk), status=exc.status,
                              escalate={"values": {"reason": reason}, "errors": _field_errors(exc)})
    conflict = _conflict(request, pk)
    messages.success(request, _("已升级到“{step}”。").format(step=selectors.conflict_step(conflict).label))
    return redirect("governance:conflict", pk=pk)


@login_required
@require_POST
def conflict_resolve(request, pk: int):
    conflict = _conflict(request, pk)
    _require_writer(request)
    resolution = request.POST.get("resolution", "")
    try:
        services.conflict_resolve(actor=request.user, conflict=conflict, resolution=resolution)
    except DomainError as exc:
        return _conflict_page(request, _conflict(request, pk), status=exc.status,
                              resolve={"values": {"resolution": resolution}, "errors": _field_errors(exc)})
    messages.success(request, _("冲突已解决。"))
    return redirect("governance:conflict", pk=pk)


@login_required
@require_POST
def evidence_add(request, pk: int):
    conflict = _conflict(request, pk)
    _require_writer(request)
    values = {k: request.POST.get(k, "") for k in ("kind", "object_id", "label", "url")}
    try:
        services.evidence_add(actor=request.user, conflict=conflict, **values)
    except DomainError as exc:
        errors = {k.removeprefix("evidence.0."): v for k, v in _field_errors(exc).items()}
        return _conflict_page(request, conflict, status=exc.status, evidence={"values": values, "errors": errors})
    messages.success(request, _("已添加证据。"))
    return redirect("governance:conflict", pk=pk)
