"""API schemas for pilots, KPIs, measurements and closing reviews."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn

# Numbers arrive as JSON numbers (or numeric strings); the services check range and precision.
Number = Annotated[float, Field(allow_inf_nan=False)]


class KpiIn(StrictIn):
    code: str = Field("custom", description="customer_acquisition_cost, conversion_rate, revenue_share or custom")
    name: str = Field("", max_length=100, description="Defaults to the code's label for the spec's three KPIs")
    unit: str = Field(..., description="Required, e.g. 元, %, 万元")
    direction: str = Field("", description="higher or lower (is better); default lower for customer_acquisition_cost")
    baseline: Number
    target: Number
    margin: Number = Field(0.1, description="At-risk margin as a share (0.1 = 10 percentage points)")


class KpiPatch(StrictIn):
    code: str | None = None
    name: str | None = None
    unit: str | None = None
    direction: str | None = None
    baseline: Number | None = None
    target: Number | None = None
    margin: Number | None = None


class PilotIn(StrictIn):
    title: str = Field(..., max_length=200)
    partner_ids: list[DbId] = Field(..., min_length=1)
    goal: str
    scope: str = ""
    start_date: date
    end_date: date
    owner_id: DbId | None = Field(None, description="Our owner (an alliance manager or admin); default: you")
    partner_owner_id: DbId | None = Field(None, description="A user of one of the pilot's partners")
    partner_owner_name: str = Field("", description="The partner-side owner's name when they have no login")
    meeting_cadence: str = Field("weekly", description="weekly, biweekly or monthly")
    report_template: str = ""
    escalation_path: str = Field("", description="Default: 工作小组 → 联合管理委员会 → 第三方调解")
    kpis: list[KpiIn] = []


class PilotPatch(StrictIn):
    title: str | None = None
    partner_ids: list[DbId] | None = Field(None, description="Only before the pilot starts")
    goal: str | None = None
    scope: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    owner_id: DbId | None = None
    partner_owner_id: DbId | None = None
    partner_owner_name: str | None = None
    meeting_cadence: str | None = None
    report_template: str | None = None
    escalation_path: str | None = None


class StartIn(StrictIn):
    override: bool = Field(False, description="Start although a stage gate blocks a partner's move into pilot")
    reason: str = Field("", description="Required with override")


class MeasurementIn(StrictIn):
    kpi_id: DbId
    date: date
    value: Number
    note: str = ""


class ReviewIn(StrictIn):
    decision: str = Field(..., description="expand (扩大为正式合作), extend (调整后延长) or stop (终止)")
    we_learned: str = ""
    partner_learned: str = ""
    new_end_date: date | None = Field(None, description="Required for extend: later than the current end date")


class PartnerRef(Schema):
    id: int
    name: str


class KpiOut(Schema):
    id: int
    pilot_id: int
    code: str
    name: str
    unit: str
    direction: str
    baseline: float
    target: float
    margin: float


class KpiStatusOut(KpiOut):
    latest_value: float | None
    latest_date: date | None
    progress: float | None = Field(description="Share of the way from baseline to target (1 = reached)")
    elapsed: float = Field(description="Share of the pilot period passed on the assessment date")
    status: str | None = Field(description="on_track, at_risk, off_track, or null before any measurement")
    reached: bool


class ReviewResultOut(Schema):
    kpi_id: int
    name: str
    unit: str
    baseline: float
    target: float
    latest: float | None
    latest_date: date | None
    status: str | None


class StageMoveOut(Schema):
    partner_id: int
    partner: str
    from_stage: str
    to_stage: str


class ReviewOut(Schema):
    """A closing review. ``stage_moves`` is null for partner users (stages are internal)."""

    id: int
    pilot_id: int
    decision: str
    results: list[ReviewResultOut]
    we_learned: str
    partner_learned: str
    previous_end_date: date
    new_end_date: date | None
    stage_moves: list[StageMoveOut] | None
    reviewed_by_id: int | None
    reviewed_at: datetime
    pilot_status: str


class PilotOut(Schema):
    id: int
    title: str
    status: str
    partners: list[PartnerRef]
    goal: str
    scope: str
    start_date: date
    end_date: date
    owner_id: int | None
    owner_name: str
    partner_owner_id: int | None
    partner_owner_name: str
    meeting_cadence: str
    report_template: str
    escalation_path: str
    started_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PilotDetailOut(PilotOut):
    assessed_on: date = Field(description="The date the KPI statuses are computed for")
    kpis: list[KpiStatusOut]
    reviews: list[ReviewOut]


class PilotPage(Schema):
    count: int
    items: list[PilotOut]


class MeasurementOut(Schema):
    id: int
    kpi_id: int
    date: date
    value: float
    note: str
    recorded_by_id: int | None
    recorded_at: datetime
