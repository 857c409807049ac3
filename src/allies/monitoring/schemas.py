"""API schemas of monitoring: evaluations, KPIs, decisions, surveys, scorecards, alerts, webhooks."""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn

Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]


class EvaluationIn(StrictIn):
    agreement_id: DbId
    period_type: str = Field(..., description="quarter (季度) or half_year (半年)")
    year: int = Field(..., ge=1, le=9998)
    number: int = Field(..., ge=1, le=4, description="Quarter 1-4 or half 1-2")


class EvaluationPatch(StrictIn):
    summary: str = Field(..., max_length=10000)


class EvaluationKpiIn(StrictIn):
    name: str = Field(..., max_length=100)
    unit: str = Field(..., max_length=20)
    direction: str = Field("higher", description="higher or lower (is better)")
    target: Number | None = None
    actual: Number | None = None
    margin: Number = Field(0.1, description="Alert when attainment is under 1 - margin")
    explanation: str = Field("", max_length=10000)


class EvaluationKpiPatch(StrictIn):
    name: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, max_length=20)
    direction: str | None = None
    target: Number | None = None
    actual: Number | None = None
    margin: Number | None = None
    explanation: str | None = Field(None, max_length=10000)


class EvaluationKpiOut(Schema):
    id: int
    name: str
    unit: str
    direction: str
    target: float | None
    actual: float | None
    deviation: float | None
    attainment: float | None
    source: str
    margin: float
    explanation: str


class EvaluationDecisionIn(StrictIn):
    kind: str = Field(..., description="cooperation_model, sharing_rules, resources or other")
    text: str = Field(..., min_length=1, max_length=10000)


class EvaluationDecisionOut(Schema):
    id: int
    kind: str
    text: str
    created_at: datetime


class HealthOut(Schema):
    index: float | None
    kpi_part: float | None
    survey_part: float | None
    kpi_weight: float
    survey_weight: float
    formula: str


class EvaluationOut(Schema):
    id: int
    agreement_id: int
    agreement_code: str
    agreement_title: str
    period_type: str
    year: int
    number: int
    period_label: str
    period_start: date
    period_end: date
    summary: str
    survey_id: int | None
    created_at: datetime


class EvaluationDetailOut(EvaluationOut):
    kpis: list[EvaluationKpiOut]
    decisions: list[EvaluationDecisionOut]
    health: HealthOut


class EvaluationPage(Schema):
    count: int
    items: list[EvaluationOut]


class SurveyIn(StrictIn):
    recipient_ids: list[DbId] = Field(default_factory=list, max_length=500,
                                      description="Our staff and the alliance's partner users")
    anonymous: bool = True
    closes_on: date | None = None


class AnswerIn(StrictIn):
    trust: int
    communication: int
    value_created: int
    fairness: int
    strategic_alignment: int
    execution: int
    comment: str = Field("", max_length=4000)


class AnswerOut(Schema):
    survey_id: int
    side: str
    scores: dict[str, int]
    comment: str


class SideOut(Schema):
    side: str
    answered: int
    visible: bool
    means: dict[str, float | None]
    comments: list[str]


class SurveyResultsOut(Schema):
    id: int
    evaluation_id: int
    anonymous: bool
    closes_on: date | None
    asked: int
    answered: int
    overall: dict[str, float | None]
    sides: list[SideOut]
    gaps: dict[str, float | None]
    health: float | None


class AlertOut(Schema):
    id: int
    agreement_id: int
    rule: str
    severity: str
    status: str
    title: str
    summary: str
    method: str
    evidence: dict[str, Any]
    owner_id: int | None
    conflict_id: int | None
    raised_at: datetime
    last_seen_at: datetime
    resolution: str


class AlertPage(Schema):
    count: int
    items: list[AlertOut]


class AlertResolveIn(StrictIn):
    resolution: str = Field("", max_length=4000)


class AssignIn(StrictIn):
    owner_id: DbId | None = None


class AlertConflictIn(StrictIn):
    kind: str = Field("", description="GLOSSARY conflict kind; default from the alert's rule")


class AlertConflictOut(Schema):
    conflict_id: int
    alert: AlertOut


class DeliveryOut(Schema):
    id: int
    channel: str
    recipient: str
    status: str
    attempts: int
    response_code: int | None
    error: str
    created_at: datetime
    sent_at: datetime | None


class WebhookIn(StrictIn):
    name: str = Field(..., max_length=100)
    kind: str = Field(..., description="wecom, dingtalk, feishu or slack")
    url: str = Field(..., max_length=500, description="http(s) URL of the robot")
    secret: str = Field("", max_length=200, description="Signing secret (DingTalk, Feishu); never returned")
    min_severity: str = Field("warning", description="info, warning or critical")
    enabled: bool = True


class WebhookPatch(StrictIn):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    url: str | None = Field(None, max_length=500)
    secret: str | None = Field(None, max_length=200)
    min_severity: str | None = None
    enabled: bool | None = None


class WebhookOut(Schema):
    id: int
    name: str
    kind: str
    url: str
    has_secret: bool
    min_severity: str
    enabled: bool
    created_at: datetime
