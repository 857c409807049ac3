"""API schemas of the ecosystem stage. Money is integer minor units; stakes are basis points."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from allies.api.schemas import DbId, StrictIn

MinorIn = Field(ge=0, le=10**15)


class NodeOut(Schema):
    id: str
    label: str
    kind: Literal["us", "partner"]
    partner_id: int | None = None
    stage: str | None = None
    stage_label: str = ""
    industry: str = ""
    resources: list[str] = []
    degree: int
    url: str = ""


class EdgeOut(Schema):
    id: str
    source: str
    target: str
    type: str
    type_label: str
    strength: float
    count: int
    start_date: date | None = None
    end_date: date | None = None
    customers: int = 0
    labels: list[str] = []


class NetworkOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class CentralOut(Schema):
    id: str
    name: str
    partner_id: int | None
    degree: int
    strength: float
    betweenness: float


class ArticulationOut(Schema):
    id: str
    name: str
    partner_id: int | None
    separated: int


class BridgeOut(Schema):
    a: str
    b: str
    a_name: str
    b_name: str
    separated: int


class ClusterOut(Schema):
    number: int
    size: int
    members: list[str]


class AnalyticsOut(Schema):
    nodes: int
    edges: int
    components: int
    betweenness_sampled: bool
    betweenness_samples: int
    central: list[CentralOut]
    articulation_points: list[ArticulationOut]
    bridges: list[BridgeOut]
    clusters: list[ClusterOut]
    explanations: dict[str, str]


class CoverageRowOut(Schema):
    partner_id: int
    name: str
    covers: list[str]


class CoverageOut(Schema):
    assessed_on: date | None
    gaps: list[str]
    rows: list[CoverageRowOut]
    uncovered: list[str]
    candidates: dict[str, list[int]]


class SuggestionOut(Schema):
    partner_ids: list[int]
    names: list[str]
    score: float
    shared_customers: int
    shared_with_us: list[int]
    gaps_closed: list[str]
    evidence: list[str]


# --------------------------------------------------------------------------- relations


class RelationIn(StrictIn):
    kind: Literal["referral", "supply", "business", "other"]
    source_id: DbId | None = Field(None, description="A partner; empty = our company")
    target_id: DbId | None = Field(None, description="A partner; empty = our company")
    strength: int = Field(3, ge=1, le=5)
    start_date: date | None = None
    end_date: date | None = None
    note: str = Field("", max_length=500)


class RelationPatch(StrictIn):
    kind: Literal["referral", "supply", "business", "other"] | None = None
    source_id: DbId | None = None
    target_id: DbId | None = None
    strength: int | None = Field(None, ge=1, le=5)
    start_date: date | None = None
    end_date: date | None = None
    note: str | None = Field(None, max_length=500)


class RelationOut(Schema):
    id: int
    kind: str
    source_id: int | None
    target_id: int | None
    source_name: str
    target_name: str
    strength: int
    start_date: date | None
    end_date: date | None
    note: str
    created_at: datetime


class RelationPage(Schema):
    count: int
    items: list[RelationOut]


class ReferralIn(StrictIn):
    partner_id: DbId
    referred_by_id: DbId | None = None
    referrer_name: str = Field("", max_length=200)
    referred_on: date | None = None
    note: str = Field("", max_length=500)


class ReferralOut(Schema):
    id: int
    partner_id: int
    partner_name: str
    referred_by_id: int | None
    referred_by_name: str
    referrer_name: str
    referred_on: date | None
    note: str


# --------------------------------------------------------------------------- initiatives


class LabPartyIn(StrictIn):
    partner_id: DbId | None = Field(None, description="Empty = our company")
    share: int = MinorIn
    role: str = Field("", max_length=200)


class LabIn(StrictIn):
    title: str = Field(max_length=200)
    goal: str = Field(max_length=5000)
    currency: str = "CNY"
    budget: int = MinorIn
    start_date: date
    end_date: date | None = None
    status: Literal["planned", "running", "done", "stopped"] = "planned"
    outcome: str = Field("", max_length=5000)
    resulting_ip: str = Field("", max_length=5000, description="Free-text note on the resulting IP")
    ip_asset_ids: list[DbId] = Field(default_factory=list, max_length=100,
                                     description="IP assets (agreements' IP register) the project produced or uses; "
                                                 "each of an agreement a partner party of the lab is party to")
    parties: list[LabPartyIn] = Field(min_length=1, max_length=50)


class LabPatch(StrictIn):
    title: str | None = Field(None, max_length=200)
    goal: str | None = Field(None, max_length=5000)
    currency: str | None = None
    budget: int | None = Field(None, ge=0, le=10**15)
    start_date: date | None = None
    end_date: date | None = None
    status: Literal["planned", "running", "done", "stopped"] | None = None
    outcome: str | None = Field(None, max_length=5000)
    resulting_ip: str | None = Field(None, max_length=5000)
    ip_asset_ids: list[DbId] | None = Field(None, max_length=100, description="Replaces the linked IP assets")
    parties: list[LabPartyIn] | None = Field(None, min_length=1, max_length=50)


class PartyOut(Schema):
    partner_id: int | None
    name: str
    share: int | None = None
    role: str = ""
    amount: int | None = None
    stake_bp: int | None = None
    value: int | None = None
    gain: int | None = None


class MilestoneIn(StrictIn):
    title: str = Field(max_length=200)
    due_date: date
    done_on: date | None = None


class MilestonePatch(StrictIn):
    title: str | None = Field(None, max_length=200)
    due_date: date | None = None
    done_on: date | None = None


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: date
    done_on: date | None


class LabIpAssetOut(Schema):
    id: int
    name: str
    kind: str
    agreement_id: int
    agreement_code: str
    agreement_title: str


class LabOut(Schema):
    id: int
    title: str
    goal: str
    currency: str
    budget: int | None
    start_date: date
    end_date: date | None
    status: str
    outcome: str
    resulting_ip: str
    ip_assets: list[LabIpAssetOut] = Field(description="Linked IP assets; a partner user sees only those of "
                                                       "agreements it is party to")
    parties: list[PartyOut]
    milestones: list[MilestoneOut]


class InvestmentPartyIn(StrictIn):
    partner_id: DbId | None = Field(None, description="Empty = our company")
    amount: int = MinorIn
    stake_bp: int = Field(ge=1, description="Stake in the target company in basis points (10000 = 100 %)")


class InvestmentIn(StrictIn):
    target_company: str = Field(max_length=200)
    currency: str = "CNY"
    invested_on: date
    status: Literal["planned", "held", "exited", "written_off"] = "held"
    valuation: int | None = Field(None, ge=0, le=10**15)
    valued_on: date | None = None
    note: str = Field("", max_length=500)
    parties: list[InvestmentPartyIn] = Field(min_length=1, max_length=50)


class InvestmentPatch(StrictIn):
    target_company: str | None = Field(None, max_length=200)
    currency: str | None = None
    invested_on: date | None = None
    status: Literal["planned", "held", "exited", "written_off"] | None = None
    valuation: int | None = Field(None, ge=0, le=10**15)
    valued_on: date | None = None
    note: str | None = Field(None, max_length=500)
    parties: list[InvestmentPartyIn] | None = Field(None, min_length=1, max_length=50)


class InvestmentOut(Schema):
    id: int
    target_company: str
    currency: str
    invested_on: date
    status: str
    valuation: int | None
    valued_on: date | None
    note: str
    parties: list[PartyOut]
    total_amount: int | None
    total_value: int | None
    total_gain: int | None


class CoBrandingIn(StrictIn):
    title: str = Field(max_length=200)
    partner_ids: list[DbId] = Field(min_length=1, max_length=50)
    brand_assets: str = Field("", max_length=5000)
    markets: list[str] = Field(default_factory=list, max_length=50)
    start_date: date
    end_date: date
    terms: str = Field("", max_length=10000)
    status: Literal["planned", "running", "done", "stopped"] = "planned"


class CoBrandingPatch(StrictIn):
    title: str | None = Field(None, max_length=200)
    partner_ids: list[DbId] | None = Field(None, min_length=1, max_length=50)
    brand_assets: str | None = Field(None, max_length=5000)
    markets: list[str] | None = Field(None, max_length=50)
    start_date: date | None = None
    end_date: date | None = None
    terms: str | None = Field(None, max_length=10000)
    status: Literal["planned", "running", "done", "stopped"] | None = None


class CoBrandingOut(Schema):
    id: int
    title: str
    partners: list[PartyOut]
    brand_assets: str
    markets: list[str]
    start_date: date
    end_date: date
    terms: str
    status: str


# --------------------------------------------------------------------------- portfolio


class PortfolioOut(Schema):
    quarter: str
    start: date
    end: date
    sections: dict
