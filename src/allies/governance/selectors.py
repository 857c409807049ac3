"""Reads of governance and conflicts. Every list a person can reach is scoped with core.restrict."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet

from allies.agreements.models import Agreement
from allies.agreements.selectors import clause_text
from allies.core.scoping import restrict
from allies.governance.choices import DEFAULT_PATH, ActionStatus, ConflictKind, ConflictStatus, MeetingStatus, StepKind
from allies.governance.models import ActionItem, Body, CalendarFeed, Conflict, Decision, EscalationPath, Meeting


@dataclass(frozen=True)
class Step:
    """One step of an escalation path, shown by its own name or its kind's label."""

    kind: str
    name: str = ""

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return str(StepKind(self.kind).label) if self.kind in StepKind.values else self.kind

    def as_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name}


def default_steps() -> list[Step]:
    return [Step(kind) for kind in DEFAULT_PATH]


def steps_of(raw: list) -> list[Step]:
    return [Step(s.get("kind", StepKind.OTHER), s.get("name", "")) for s in raw]


def escalation_steps(agreement: Agreement) -> list[Step]:
    """The alliance's escalation path: its own steps, or the default of GLOSSARY.md."""
    stored = EscalationPath.objects.filter(agreement=agreement).first()
    return steps_of(stored.steps) if stored and stored.steps else default_steps()


def may_see_agreement(user, agreement: Agreement) -> bool:
    """Whether a user belongs to the alliance: our staff, or a user of one of its partners."""
    if not user.is_active:
        return False
    if user.is_internal:
        return True
    return user.is_partner_user and agreement.partners.filter(pk=user.partner_id).exists()


def alliance_list(*, user) -> QuerySet:
    """The alliances (agreements) a user may see, with counts of their open governance work."""
    return restrict(Agreement.objects.all(), user).annotate(
        body_count=Count("governance_bodies", distinct=True),
        open_actions=Count("action_items", filter=Q(action_items__status=ActionStatus.OPEN), distinct=True),
        open_conflicts=Count("conflicts", filter=Q(conflicts__status=ConflictStatus.OPEN), distinct=True),
    ).order_by("code")


def body_list(*, user, agreement_id: int | None = None) -> QuerySet:
    qs = restrict(Body.objects.select_related("agreement").prefetch_related("members__user"), user)
    if agreement_id:
        qs = qs.filter(agreement_id=agreement_id)
    return qs


def meeting_list(*, user, agreement_id: int | None = None, body_id: int | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> QuerySet:
    qs = restrict(Meeting.objects.select_related("body", "body__agreement"), user)
    if agreement_id:
        qs = qs.filter(body__agreement_id=agreement_id)
    if body_id:
        qs = qs.filter(body_id=body_id)
    if since:
        qs = qs.filter(ends_at__gte=since)
    if until:
        qs = qs.filter(starts_at__lte=until)
    return qs


def upcoming_meetings(*, user, now: datetime, limit: int = 10) -> list[Meeting]:
    """The next meetings a user may see (for the dashboard)."""
    return list(meeting_list(user=user, since=now).exclude(status=MeetingStatus.CANCELLED)[:limit])


def decision_list(*, user, agreement_id: int | None = None) -> QuerySet:
    qs = restrict(Decision.objects.select_related("meeting", "agreement", "created_by"), user)
    if agreement_id:
        qs = qs.filter(agreement_id=agreement_id)
    return qs


def action_item_list(*, user, agreement_id: int | None = None, status: str = "", owner_id: int | None = None,
                     overdue_on: date | None = None) -> QuerySet:
    qs = restrict(ActionItem.objects.select_related("owner", "agreement", "meeting"), user)
    if agreement_id:
        qs = qs.filter(agreement_id=agreement_id)
    if status:
        qs = qs.filter(status=status) if status in ActionStatus.values else qs.none()
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if overdue_on:
        qs = qs.filter(status=ActionStatus.OPEN, due_date__lt=overdue_on)
    return qs


def overdue_action_items(*, today: date, user=None) -> QuerySet:
    """Open action items due before ``today``; with ``user``, only those the user may see.

    Without a user (a job such as `allies watch`) every overdue item is returned.
    """
    qs = ActionItem.objects.select_related("owner", "agreement", "meeting").filter(
        status=ActionStatus.OPEN, due_date__lt=today).order_by("due_date", "id")
    return restrict(qs, user) if user is not None else qs


def my_action_items(*, user, status: str = "") -> QuerySet:
    """The action items a user owns (in alliances they can still see), open ones first by due date."""
    return action_item_list(user=user, owner_id=user.pk, status=status).order_by("status", "due_date", "id")


def conflict_list(*, user, agreement_id: int | None = None, status: str = "", kind: str = "") -> QuerySet:
    qs = restrict(Conflict.objects.select_related("agreement", "raised_by", "raised_partner"), user)
    if agreement_id:
        qs = qs.filter(agreement_id=agreement_id)
    if status:
        qs = qs.filter(status=status) if status in ConflictStatus.values else qs.none()
    if kind:
        qs = qs.filter(kind=kind) if kind in ConflictKind.values else qs.none()
    return qs


def conflict_step(conflict: Conflict) -> Step:
    steps = steps_of(conflict.path)
    return steps[min(conflict.current_step, len(steps) - 1)]


def conflict_next_step(conflict: Conflict) -> Step | None:
    steps = steps_of(conflict.path)
    nxt = conflict.current_step + 1
    return steps[nxt] if nxt < len(steps) and conflict.status == ConflictStatus.OPEN else None


def conflict_history(conflict: Conflict) -> list[tuple]:
    """(event, step label) in order; the label comes from the conflict's path in the reader's language."""
    steps = steps_of(conflict.path)
    return [(e, steps[e.step].label if e.step < len(steps) else e.step_name)
            for e in conflict.events.select_related("actor")]


def conflict_dispute_clause(conflict: Conflict) -> str | None:
    """The agreement's dispute clause once the conflict has reached the agreement step; None before."""
    if conflict_step(conflict).kind != StepKind.AGREEMENT:
        return None
    return clause_text(conflict.agreement, "dispute")


def feeds_of(user) -> QuerySet:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).select_related("body", "body__agreement")


def feed_meetings(feed: CalendarFeed, *, since: datetime) -> QuerySet:
    """The meetings a feed shows: one body's, or those of every body the user sits on."""
    qs = meeting_list(user=feed.user, since=since)
    if feed.body_id:
        return qs.filter(body_id=feed.body_id)
    return qs.filter(body__members__user=feed.user).distinct()
