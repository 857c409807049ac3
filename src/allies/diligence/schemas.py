"""API schemas for due diligence: cases, items, evidence, financial figures and the proposal."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn


class CaseOpenIn(StrictIn):
    partner_id: DbId


class CaseOut(Schema):
    id: int
    partner_id: int
    partner_name: str
    status: str
    verdict: str
    conditions: str
    summary: str
    override_reason: str
    opened_by_id: int | None
    opened_at: datetime
    concluded_by_id: int | None
    concluded_at: datetime | None
    item_count: int
    blocking_count: int


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class EvidenceOut(Schema):
    id: int
    item_id: int
    original_name: str
    size: int
    content_type: str
    sha256: str
    uploaded_by_id: int | None
    uploaded_at: datetime


class ItemOut(Schema):
    id: int
    case_id: int
    area: str
    title: str
    guidance: str
    status: str
    finding: str
    risk_level: str
    owner_id: int | None
    due_date: date | None
    position: int
    updated_at: datetime
    blocks_go: bool
    evidence: list[EvidenceOut]


class ItemIn(StrictIn):
    area: str
    title: str = Field(..., max_length=200)
    guidance: str = ""
    status: str = "open"
    finding: str = ""
    risk_level: str = "medium"
    owner_id: DbId | None = None
    due_date: date | None = None


class ItemPatch(StrictIn):
    title: str | None = Field(None, max_length=200)
    guidance: str | None = None
    status: str | None = None
    finding: str | None = None
    risk_level: str | None = None
    owner_id: DbId | None = None
    due_date: date | None = None
    position: int | None = Field(None, ge=0, le=32767)


class FinancialYearIn(StrictIn):
    year: int = Field(..., ge=1900, le=2100)
    currency: str = Field("CNY", min_length=3, max_length=3)
    revenue: int = Field(..., description="minor units (fen/cents)")
    profit: int = Field(..., description="minor units (fen/cents)")
    operating_cash_flow: int = Field(..., description="minor units (fen/cents)")
    debt_ratio: Decimal = Field(..., description="liabilities / assets, percent 0-100, at most 2 decimals")


class FinancialYearOut(Schema):
    id: int
    case_id: int
    year: int
    currency: str
    revenue: int
    profit: int
    operating_cash_flow: int
    debt_ratio: float


class RulePartOut(Schema):
    code: str
    label: str
    points: int
    max_points: int
    value: float | None
    text: str


class ProposalOut(Schema):
    score: int
    max_score: int
    parts: list[RulePartOut]


class CaseDetailOut(CaseOut):
    items: list[ItemOut]
    financial_years: list[FinancialYearOut]
    proposal: ProposalOut | None


class ConcludeIn(StrictIn):
    verdict: str
    summary: str
    conditions: str = ""
    override_reason: str = ""


class FinancialRatingIn(StrictIn):
    score: float | None = Field(None, description="omit to accept the proposed score")


class FinancialRatingOut(Schema):
    partner_id: int
    criterion_code: str
    rater_id: int
    score: float
    note: str
    proposed: int
