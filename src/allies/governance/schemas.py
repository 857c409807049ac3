"""API schemas of governance: bodies, meetings, decisions, action items, calendar feeds, conflicts."""

from datetime import date, datetime

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn


class StepIO(Schema):
    kind: str = Field(..., description="internal, committee, mediation, agreement or other")
    name: str = Field("", description="Optional own name; default: the kind's label")


class StepOut(StepIO):
    label: str


class EscalationPathIn(StrictIn):
    steps: list[StepIO] = Field(..., max_length=8)


class MemberIn(StrictIn):
    user_id: DbId | None = Field(None, description="One of our users or a user of the alliance's partners")
    name: str = Field("", max_length=100, description="Required for a person without a login")
    partner_id: DbId | None = Field(None, description="For a partner-side person without a login")
    side: str = Field("", description="external (default without user or partner)")
    email: str = ""
    role: str = ""
    is_chair: bool = False


class MemberOut(Schema):
    id: int
    side: str
    user_id: int | None
    partner_id: int | None
    name: str
    email: str
    role: str
    is_chair: bool


class BodyIn(StrictIn):
    agreement_id: DbId
    kind: str = Field(..., description="steering_committee or working_group")
    name: str = Field("", description="Default: the kind's label")
    cadence: str = Field("", description="weekly, biweekly, monthly or quarterly; default by kind")
    first_meeting_at: datetime = Field(..., description="Naive times are in time_zone")
    duration_minutes: int = 60
    time_zone: str = "Asia/Shanghai"
    location: str = ""


class BodyPatch(StrictIn):
    name: str | None = None
    cadence: str | None = None
    first_meeting_at: datetime | None = None
    duration_minutes: int | None = None
    time_zone: str | None = None
    location: str | None = None


class BodyOut(Schema):
    id: int
    agreement_id: int
    kind: str
    name: str
    cadence: str
    first_meeting_at: datetime
    duration_minutes: int
    time_zone: str
    location: str
    members: list[MemberOut]


class GenerateIn(StrictIn):
    until: date = Field(..., description="Schedule the cadence's meetings up to this day (inclusive)")


class MeetingIn(StrictIn):
    body_id: DbId
    title: str = ""
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    agenda: str = ""
    attendee_ids: list[DbId] = []


class MeetingPatch(StrictIn):
    title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: str | None = None
    status: str | None = Field(None, description="scheduled, held or cancelled")
    agenda: str | None = None
    minutes: str | None = None
    attendee_ids: list[DbId] | None = Field(None, description="Members of the body who attended")


class MeetingOut(Schema):
    id: int
    body_id: int
    agreement_id: int
    occurrence: int | None
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    status: str
    agenda: str
    minutes: str
    attendee_ids: list[int]
    sequence: int


class MeetingPage(Schema):
    count: int
    items: list[MeetingOut]


class GovernanceDecisionIn(StrictIn):
    agreement_id: DbId
    text: str
    meeting_id: DbId | None = None
    decided_on: date | None = Field(None, description="Default: the meeting's day, or today")


class GovernanceDecisionOut(Schema):
    id: int
    agreement_id: int
    meeting_id: int | None
    text: str
    decided_on: date
    created_by_id: int | None
    created_at: datetime


class DecisionPage(Schema):
    count: int
    items: list[GovernanceDecisionOut]


class ActionItemIn(StrictIn):
    agreement_id: DbId
    title: str
    owner_id: DbId | None = Field(None, description="Required: every action item has an owner")
    due_date: date | None = Field(None, description="Required")
    meeting_id: DbId | None = None


class ActionItemPatch(StrictIn):
    title: str | None = None
    owner_id: DbId | None = None
    due_date: date | None = None
    status: str | None = Field(None, description="open, done or cancelled (the owner may change only this)")


class ActionItemOut(Schema):
    id: int
    agreement_id: int
    meeting_id: int | None
    title: str
    owner_id: int
    owner_name: str
    due_date: date
    status: str
    overdue: bool
    completed_at: datetime | None
    created_at: datetime


class ActionItemPage(Schema):
    count: int
    items: list[ActionItemOut]


class AllianceOut(Schema):
    id: int
    code: str
    title: str
    status: str
    escalation_path: list[StepOut]
    bodies: list[BodyOut]


class FeedIn(StrictIn):
    body_id: DbId | None = Field(None, description="One body's meetings; default: every body you sit on")


class FeedOut(Schema):
    id: int
    body_id: int | None
    display: str
    created_at: datetime
    last_used_at: datetime | None


class IssuedFeedOut(FeedOut):
    url: str = Field(description="The feed URL with its secret; shown only in this answer")


class EvidenceIn(StrictIn):
    kind: str = Field(..., description="alert, kpi, settlement, clause or other")
    object_id: str = ""
    label: str
    url: str = Field("", description="A path on this site (/...) or an http(s) URL")


class ConflictEvidenceOut(Schema):
    id: int
    kind: str
    object_id: str
    label: str
    url: str


class ConflictIn(StrictIn):
    agreement_id: DbId
    kind: str = Field(..., description="goal_misalignment, poor_communication, resource_contention, "
                                       "underperformance or cultural_conflict")
    title: str
    description: str
    evidence: list[EvidenceIn] = Field([], max_length=50)


class EscalateIn(StrictIn):
    reason: str
    to_step: int | None = Field(None, description="Optional check: the step index you mean to reach (must be next)")


class ConflictResolveIn(StrictIn):
    resolution: str


class EventOut(Schema):
    action: str
    step: int
    step_name: str
    reason: str
    actor_id: int | None
    actor_name: str
    at: datetime


class ConflictOut(Schema):
    id: int
    agreement_id: int
    kind: str
    title: str
    description: str
    raised_by_id: int | None
    raised_side: str
    status: str
    current_step: int
    current_step_label: str
    path: list[StepOut]
    resolution: str
    resolved_at: datetime | None
    created_at: datetime


class ConflictDetailOut(ConflictOut):
    evidence: list[ConflictEvidenceOut]
    history: list[EventOut]
    dispute_clause: str | None = Field(description="The agreement's dispute clause once the agreement step is "
                                                   "reached; null before")


class ConflictPage(Schema):
    count: int
    items: list[ConflictOut]
