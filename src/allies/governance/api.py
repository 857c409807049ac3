"""REST endpoints of governance and conflicts (/api/v1/governance/...).

Partner users read their alliances' bodies, meetings, decisions, action items and conflicts,
raise conflicts, and manage their own calendar feeds; another partner's rows are a 404.
Everything else is for our staff (writers write, viewers read).
"""

from datetime import date, datetime

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema

from allies.agreements.models import Agreement
from allies.api.paging import page_slice
from allies.api.schemas import DbId, errors
from allies.core.scoping import get_visible
from allies.governance import calendar, selectors, services
from allies.governance.choices import ActionStatus
from allies.governance.models import ActionItem, Body, CalendarFeed, Conflict, Meeting, Member, user_display
from allies.governance.schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPage,
    ActionItemPatch,
    AllianceOut,
    BodyIn,
    BodyOut,
    BodyPatch,
    ConflictDetailOut,
    ConflictIn,
    ConflictPage,
    GovernanceDecisionIn,
    GovernanceDecisionOut,
    DecisionPage,
    EscalateIn,
    EscalationPathIn,
    EvidenceIn,
    ConflictEvidenceOut,
    FeedIn,
    FeedOut,
    GenerateIn,
    IssuedFeedOut,
    MeetingIn,
    MeetingOut,
    MeetingPage,
    MeetingPatch,
    MemberIn,
    MemberOut,
    ConflictResolveIn,
    StepOut,
)

router = Router(tags=["governance"])


# --------------------------------------------------------------------------- output


def _steps(steps) -> list[dict]:
    return [{"kind": s.kind, "name": s.name, "label": s.label} for s in steps]


def body_out(body: Body) -> dict:
    data = {f: getattr(body, f) for f in ("id", "agreement_id", "kind", "name", "cadence", "first_meeting_at",
                                          "duration_minutes", "time_zone", "location")}
    data["members"] = list(body.members.all())
    return data


def meeting_out(meeting: Meeting) -> dict:
    data = {f: getattr(meeting, f) for f in ("id", "body_id", "occurrence", "title", "starts_at", "ends_at",
                                             "location", "status", "agenda", "minutes", "sequence")}
    data["uid"] = str(meeting.uid)
    data["agreement_id"] = meeting.body.agreement_id
    data["attendee_ids"] = sorted(m.pk for m in meeting.attendees.all())
    return data


def action_out(item: ActionItem, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    data = {f: getattr(item, f) for f in ("id", "agreement_id", "meeting_id", "title", "owner_id", "due_date",
                                          "status", "completed_at", "created_at")}
    data["owner_name"] = user_display(item.owner)
    data["overdue"] = item.status == ActionStatus.OPEN and item.due_date < today
    return data


def conflict_out(conflict: Conflict) -> dict:
    data = {f: getattr(conflict, f) for f in ("id", "agreement_id", "kind", "title", "description", "raised_by_id",
                                              "raised_side", "status", "current_step", "resolution", "resolved_at",
                                              "created_at")}
    data["path"] = _steps(selectors.steps_of(conflict.path))
    data["current_step_label"] = selectors.conflict_step(conflict).label
    return data


def conflict_detail_out(conflict: Conflict) -> dict:
    history = [{"action": e.action, "step": e.step, "step_name": label, "reason": e.reason,
                "actor_id": e.actor_id, "actor_name": user_display(e.actor), "at": e.at}
               for e, label in selectors.conflict_history(conflict)]
    return {**conflict_out(conflict), "evidence": list(conflict.evidence.all()), "history": history,
            "dispute_clause": selectors.conflict_dispute_clause(conflict)}


def feed_out(feed: CalendarFeed) -> dict:
    return {"id": feed.pk, "body_id": feed.body_id, "display": str(feed), "created_at": feed.created_at,
            "last_used_at": feed.last_used_at}


# --------------------------------------------------------------------------- lookups


def _agreement(request, agreement_id: int) -> Agreement:
    return get_visible(Agreement.objects, request.auth, pk=agreement_id)


def _body(request, body_id: int) -> Body:
    return get_visible(Body.objects.select_related("agreement").prefetch_related("members"), request.auth, pk=body_id)


def _meeting(request, meeting_id: int) -> Meeting:
    return get_visible(Meeting.objects.select_related("body"), request.auth, pk=meeting_id)


def _conflict(request, conflict_id: int) -> Conflict:
    return get_visible(Conflict.objects.select_related("agreement"), request.auth, pk=conflict_id)


def _own_feed(request, feed_id: int) -> CalendarFeed:
    """Feeds belong to users, not companies: another user's feed (or a revoked one) is a 404."""
    feed = CalendarFeed.objects.filter(user=request.auth, revoked_at__isnull=True, pk=feed_id).first()
    if feed is None:
        raise Http404
    return feed


class ListFilters(Schema):
    agreement_id: DbId | None = None
    limit: int = 50
    offset: int = 0


# --------------------------------------------------------------------------- alliances, bodies


@router.get("/governance/alliances/{agreement_id}", response={200: AllianceOut, **errors(401, 404)},
            summary="An alliance's governance: its bodies with their members, and its escalation path")
def get_alliance(request, agreement_id: int):
    agreement = _agreement(request, agreement_id)
    bodies = selectors.body_list(user=request.auth, agreement_id=agreement.pk)
    return {"id": agreement.pk, "code": agreement.code, "title": agreement.title, "status": agreement.status,
            "escalation_path": _steps(selectors.escalation_steps(agreement)), "bodies": [body_out(b) for b in bodies]}


@router.put("/governance/alliances/{agreement_id}/escalation-path",
            response={200: list[StepOut], **errors(401, 403, 404)},
            summary="Replace an alliance's escalation path (conflicts already raised keep theirs)")
def set_escalation_path(request, agreement_id: int, payload: EscalationPathIn):
    agreement = _agreement(request, agreement_id)
    services.escalation_path_set(actor=request.auth, agreement=agreement, steps=[s.dict() for s in payload.steps])
    return _steps(selectors.escalation_steps(agreement))


@router.get("/governance/bodies", response={200: list[BodyOut], **errors(401)},
            summary="Governance bodies (joint steering committees, joint working groups)")
def list_bodies(request, agreement_id: DbId | None = None):
    return [body_out(b) for b in selectors.body_list(user=request.auth, agreement_id=agreement_id)[:200]]


@router.post("/governance/bodies", response={201: BodyOut, **errors(401, 403, 404, 409)},
             summary="Create a body; cadence defaults by kind (committee quarterly, working group weekly)")
def create_body(request, payload: BodyIn):
    data = payload.dict()
    agreement = _agreement(request, data.pop("agreement_id"))
    return 201, body_out(services.body_create(actor=request.auth, agreement=agreement, data=data))


@router.get("/governance/bodies/{body_id}", response={200: BodyOut, **errors(401, 404)}, summary="One body")
def get_body(request, body_id: int):
    return body_out(_body(request, body_id))


@router.patch("/governance/bodies/{body_id}", response={200: BodyOut, **errors(401, 403, 404, 409)},
              summary="Change a body's name, cadence, first meeting, duration, time zone or place")
def update_body(request, body_id: int, payload: BodyPatch):
    body = _body(request, body_id)
    services.body_update(actor=request.auth, body=body, data=payload.dict(exclude_unset=True))
    return body_out(_body(request, body_id))


@router.post("/governance/bodies/{body_id}/members", response={201: MemberOut, **errors(401, 403, 404, 409)},
             summary="Add a member (a user of either side, or a named outside person); is_chair makes them chair")
def add_member(request, body_id: int, payload: MemberIn):
    body = _body(request, body_id)
    return 201, services.member_add(actor=request.auth, body=body, data=payload.dict())


@router.delete("/governance/bodies/{body_id}/members/{member_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a member")
def remove_member(request, body_id: int, member_id: int):
    body = _body(request, body_id)
    member = get_visible(Member.objects.filter(body=body), request.auth, pk=member_id)
    services.member_remove(actor=request.auth, member=member)
    return 204, None


@router.post("/governance/bodies/{body_id}/meetings/generate",
             response={200: list[MeetingOut], **errors(401, 403, 404)},
             summary="Schedule the body's meetings from its cadence up to a day; running it again adds no duplicates")
def generate_meetings(request, body_id: int, payload: GenerateIn):
    body = _body(request, body_id)
    created = services.meetings_generate(actor=request.auth, body=body, until=payload.until)
    return [meeting_out(m) for m in created]


# --------------------------------------------------------------------------- meetings


class MeetingFilters(ListFilters):
    body_id: DbId | None = None
    since: datetime | None = None
    until: datetime | None = None


@router.get("/governance/meetings", response={200: MeetingPage, **errors(401)}, summary="Meetings, earliest first")
def list_meetings(request, filters: Query[MeetingFilters]):
    qs = selectors.meeting_list(user=request.auth, agreement_id=filters.agreement_id, body_id=filters.body_id,
                                since=filters.since, until=filters.until).prefetch_related("attendees")
    return {"count": qs.count(), "items": [meeting_out(m) for m in qs[page_slice(filters.limit, filters.offset)]]}


@router.post("/governance/meetings", response={201: MeetingOut, **errors(401, 403, 404)},
             summary="An extra meeting outside the cadence")
def create_meeting(request, payload: MeetingIn):
    data = payload.dict()
    body = _body(request, data.pop("body_id"))
    return 201, meeting_out(services.meeting_create(actor=request.auth, body=body, data=data))


@router.get("/governance/meetings/{meeting_id}", response={200: MeetingOut, **errors(401, 404)},
            summary="One meeting with its agenda, minutes and attendees")
def get_meeting(request, meeting_id: int):
    return meeting_out(_meeting(request, meeting_id))


@router.patch("/governance/meetings/{meeting_id}", response={200: MeetingOut, **errors(401, 403, 404)},
              summary="Edit a meeting (a meeting ending before it starts is refused)")
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    meeting = _meeting(request, meeting_id)
    services.meeting_update(actor=request.auth, meeting=meeting, data=payload.dict(exclude_unset=True))
    return meeting_out(_meeting(request, meeting_id))


# --------------------------------------------------------------------------- decisions, action items


@router.get("/governance/decisions", response={200: DecisionPage, **errors(401)},
            summary="The decision log, newest first")
def list_decisions(request, filters: Query[ListFilters]):
    qs = selectors.decision_list(user=request.auth, agreement_id=filters.agreement_id)
    return {"count": qs.count(), "items": list(qs[page_slice(filters.limit, filters.offset)])}


@router.post("/governance/decisions", response={201: GovernanceDecisionOut, **errors(401, 403, 404)},
             summary="Record a decision")
def create_decision(request, payload: GovernanceDecisionIn):
    data = payload.dict()
    agreement = _agreement(request, data.pop("agreement_id"))
    return 201, services.decision_record(actor=request.auth, agreement=agreement, data=data)


class ActionFilters(ListFilters):
    status: str = ""
    owner_id: DbId | None = None
    overdue: bool = False


@router.get("/governance/action-items", response={200: ActionItemPage, **errors(401)},
            summary="Action items by due date; overdue=true lists the open ones past their due date")
def list_action_items(request, filters: Query[ActionFilters]):
    today = timezone.localdate()
    qs = selectors.action_item_list(user=request.auth, agreement_id=filters.agreement_id, status=filters.status,
                                    owner_id=filters.owner_id, overdue_on=today if filters.overdue else None)
    return {"count": qs.count(),
            "items": [action_out(i, today) for i in qs[page_slice(filters.limit, filters.offset)]]}


@router.get("/governance/my-action-items", response={200: ActionItemPage, **errors(401)},
            summary="The action items you own")
def my_action_items(request, status: str = ""):
    today = timezone.localdate()
    qs = selectors.my_action_items(user=request.auth, status=status)
    return {"count": qs.count(), "items": [action_out(i, today) for i in qs[:200]]}


@router.post("/governance/action-items", response={201: ActionItemOut, **errors(401, 403, 404)},
             summary="Create an action item (an owner and a due date are required)")
def create_action_item(request, payload: ActionItemIn):
    data = payload.dict()
    agreement = _agreement(request, data.pop("agreement_id"))
    return 201, action_out(services.action_item_create(actor=request.auth, agreement=agreement, data=data))


@router.patch("/governance/action-items/{action_item_id}", response={200: ActionItemOut, **errors(401, 403, 404)},
              summary="Change an action item; its owner may change its status")
def update_action_item(request, action_item_id: int, payload: ActionItemPatch):
    item = get_visible(ActionItem.objects.select_related("owner", "agreement"), request.auth, pk=action_item_id)
    return action_out(services.action_item_update(actor=request.auth, item=item,
                                                  data=payload.dict(exclude_unset=True)))


# --------------------------------------------------------------------------- calendar feeds


@router.get("/governance/calendar-feeds", response={200: list[FeedOut], **errors(401)},
            summary="Your live calendar feeds (their secrets are never shown again)")
def list_feeds(request):
    return [feed_out(f) for f in selectors.feeds_of(request.auth)]


@router.post("/governance/calendar-feeds", response={201: IssuedFeedOut, **errors(401, 403, 404, 409)},
             summary="A new iCalendar feed of your meetings, or of one body; the URL is shown once")
def create_feed(request, payload: FeedIn):
    body = _body(request, payload.body_id) if payload.body_id else None
    issued = calendar.feed_create(actor=request.auth, body=body)
    return 201, {**feed_out(issued.feed), "url": request.build_absolute_uri(issued.path)}


@router.post("/governance/calendar-feeds/{feed_id}/regenerate", response={200: IssuedFeedOut, **errors(401, 403, 404, 409)},
             summary="A new secret for a feed; the old URL stops working")
def regenerate_feed(request, feed_id: int):
    issued = calendar.feed_regenerate(actor=request.auth, feed=_own_feed(request, feed_id))
    return {**feed_out(issued.feed), "url": request.build_absolute_uri(issued.path)}


@router.delete("/governance/calendar-feeds/{feed_id}", response={204: None, **errors(401, 403, 404, 409)},
               summary="Revoke a feed")
def revoke_feed(request, feed_id: int):
    calendar.feed_revoke(actor=request.auth, feed=_own_feed(request, feed_id))
    return 204, None


# --------------------------------------------------------------------------- conflicts


class ConflictFilters(ListFilters):
    status: str = ""
    kind: str = ""


@router.get("/governance/conflicts", response={200: ConflictPage, **errors(401)},
            summary="The conflict log, newest first")
def list_conflicts(request, filters: Query[ConflictFilters]):
    qs = selectors.conflict_list(user=request.auth, agreement_id=filters.agreement_id, status=filters.status,
                                 kind=filters.kind)
    return {"count": qs.count(), "items": [conflict_out(c) for c in qs[page_slice(filters.limit, filters.offset)]]}


@router.post("/governance/conflicts", response={201: ConflictDetailOut, **errors(401, 403, 404)},
             summary="Raise a conflict (either side) at the first step of the alliance's escalation path")
def raise_conflict(request, payload: ConflictIn):
    agreement = _agreement(request, payload.agreement_id)
    conflict = services.conflict_raise(
        actor=request.auth, agreement=agreement, kind=payload.kind, title=payload.title,
        description=payload.description, evidence=[e.dict() for e in payload.evidence])
    return 201, conflict_detail_out(conflict)


@router.get("/governance/conflicts/{conflict_id}", response={200: ConflictDetailOut, **errors(401, 404)},
            summary="One conflict with its evidence, its escalation history and, at the agreement step, "
                    "the dispute clause")
def get_conflict(request, conflict_id: int):
    return conflict_detail_out(_conflict(request, conflict_id))


@router.post("/governance/conflicts/{conflict_id}/escalate",
             response={200: ConflictDetailOut, **errors(401, 403, 404, 409)},
             summary="Escalate one step, with a reason")
def escalate_conflict(request, conflict_id: int, payload: EscalateIn):
    conflict = _conflict(request, conflict_id)
    services.conflict_escalate(actor=request.auth, conflict=conflict, reason=payload.reason, to_step=payload.to_step)
    return conflict_detail_out(_conflict(request, conflict_id))


@router.post("/governance/conflicts/{conflict_id}/resolve",
             response={200: ConflictDetailOut, **errors(401, 403, 404, 409)},
             summary="Record the resolution and close the conflict")
def resolve_conflict(request, conflict_id: int, payload: ConflictResolveIn):
    conflict = _conflict(request, conflict_id)
    services.conflict_resolve(actor=request.auth, conflict=conflict, resolution=payload.resolution)
    return conflict_detail_out(_conflict(request, conflict_id))


@router.post("/governance/conflicts/{conflict_id}/evidence", response={201: ConflictEvidenceOut, **errors(401, 403, 404)},
             summary="Link evidence: an alert, a KPI, a settlement statement, an agreement clause")
def add_evidence(request, conflict_id: int, payload: EvidenceIn):
    conflict = _conflict(request, conflict_id)
    return 201, services.evidence_add(actor=request.auth, conflict=conflict, **payload.dict())
