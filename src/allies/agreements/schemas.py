"""API schemas for agreements, their parties, clauses, IP register, versions, completeness and deadlines."""

from datetime import date, datetime

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn

TEXT = Field(None, max_length=20_000)


class AgreementPartyIn(StrictIn):
    partner_id: DbId
    role: str = Field("", max_length=100)
    rights: str = Field("", max_length=20_000)
    obligations: str = Field("", max_length=20_000)


class AgreementDisputeStepIn(StrictIn):
    method: str = Field(..., description="negotiation (协商), mediation (调解), arbitration (仲裁) or litigation (诉讼)")
    body: str = Field("", max_length=200, description="The arbitration body or the court; required for those two")
    days: int | None = Field(None, ge=1, le=3650, description="Days allowed for this step")


class AgreementFields(StrictIn):
    code: str | None = Field(None, max_length=40, description="Default: AL-<year>-<n>")
    cooperation_models: list[str] | None = Field(
        None, description="joint_sales, joint_marketing, joint_rnd, supply_chain, channel (several allowed)")
    start_date: date | None = None
    end_date: date | None = None
    auto_renew: bool | None = None
    renewal_months: int | None = Field(None, ge=1, le=120)
    notice_days: int | None = Field(None, ge=0, le=3650)
    currency: str | None = Field(None, max_length=3)
    rounding: str | None = Field(None, description="half_up, half_even or down")
    scope: str | None = TEXT
    goals: str | None = TEXT
    our_rights: str | None = TEXT
    our_obligations: str | None = TEXT
    revenue_cost_terms: str | None = TEXT
    ip_terms: str | None = TEXT
    termination_conditions: str | None = TEXT
    customer_handover: str | None = TEXT
    data_migration: str | None = TEXT
    parties: list[AgreementPartyIn] | None = Field(None, description="The partner parties (we are always a party)")
    dispute_steps: list[AgreementDisputeStepIn] | None = Field(None, description="The dispute path, in order")


class AgreementIn(AgreementFields):
    title: str = Field(..., max_length=200)


class AgreementPatch(AgreementFields):
    title: str | None = Field(None, max_length=200)
    reason: str = Field("", max_length=2000, description="Required once signed: the change is an amendment")


class AgreementTransitionIn(StrictIn):
    to_status: str = Field(..., description="in_review, draft (back from review), signed, expired or terminated")
    reason: str = Field("", max_length=2000, description="Required to terminate")


class AgreementIpAssetIn(StrictIn):
    name: str = Field(..., max_length=200)
    kind: str = Field("other", description="patent, trademark, copyright, software, trade_secret, data, other")
    owner: str = Field("", description="us, partner (with owner_partner_id) or joint; empty = not stated")
    owner_partner_id: DbId | None = None
    usage: dict[str, str] = Field(default_factory=dict,
                                  description='Party ("us" or a partner id) -> none, internal, non_exclusive, '
                                              'exclusive or full')
    confidentiality: str = Field("confidential", description="public, internal, confidential or secret")
    note: str = Field("", max_length=20_000)
    reason: str = Field("", max_length=2000, description="Required once signed (amendment)")


class AgreementIpAssetPatch(StrictIn):
    name: str | None = Field(None, max_length=200)
    kind: str | None = None
    owner: str | None = None
    owner_partner_id: DbId | None = None
    usage: dict[str, str] | None = None
    confidentiality: str | None = None
    note: str | None = Field(None, max_length=20_000)
    reason: str = Field("", max_length=2000)


class AgreementPartyOut(Schema):
    partner_id: int
    partner: str
    role: str
    rights: str
    obligations: str


class AgreementDisputeStepOut(Schema):
    method: str
    body: str
    days: int | None


class AgreementIpAssetOut(Schema):
    id: int
    agreement_id: int
    name: str
    kind: str
    owner: str
    owner_partner_id: int | None
    usage: dict[str, str]
    confidentiality: str
    note: str


class AgreementMissingOut(Schema):
    key: str
    label: str
    area: str
    message: str
    required: bool


class AgreementCompletenessOut(Schema):
    complete: bool
    items: list[AgreementMissingOut]


class AgreementDeadlineOut(Schema):
    agreement_id: int
    code: str
    title: str
    kind: str
    date: date
    days_left: int


class AgreementOut(Schema):
    id: int
    code: str
    title: str
    status: str
    cooperation_models: list[str]
    partners: list[AgreementPartyOut]
    start_date: date | None
    end_date: date | None
    auto_renew: bool
    renewal_months: int | None
    notice_days: int
    currency: str
    rounding: str
    signed_at: datetime | None
    status_changed_at: datetime | None
    status_reason: str
    created_at: datetime
    updated_at: datetime


class AgreementClauseOut(Schema):
    area: str
    label: str
    text: str


class AgreementStatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    changed_by: str
    changed_at: datetime


class AgreementScanOut(Schema):
    id: int
    original_name: str
    size: int
    content_type: str
    uploaded_at: datetime


class AgreementDetailOut(AgreementOut):
    scope: str
    goals: str
    our_rights: str
    our_obligations: str
    revenue_cost_terms: str
    ip_terms: str
    termination_conditions: str
    customer_handover: str
    data_migration: str
    dispute_steps: list[AgreementDisputeStepOut]
    ip_assets: list[AgreementIpAssetOut]
    clauses: list[AgreementClauseOut]
    deadlines: list[AgreementDeadlineOut]
    status_history: list[AgreementStatusChangeOut]
    scans: list[AgreementScanOut]
    version: int
    completeness: AgreementCompletenessOut | None = Field(None, description="Staff only")


class AgreementPage(Schema):
    count: int
    items: list[AgreementOut]


class AgreementVersionOut(Schema):
    number: int
    kind: str
    note: str
    created_by: str
    created_at: datetime


class AgreementVersionDetailOut(AgreementVersionOut):
    snapshot: dict


class AgreementDiffLineOut(Schema):
    op: str
    text: str


class AgreementChangeOut(Schema):
    key: str
    label: str
    old: str
    new: str
    lines: list[AgreementDiffLineOut]


class AgreementDiffOut(Schema):
    from_version: int
    to_version: int
    changes: list[AgreementChangeOut]
