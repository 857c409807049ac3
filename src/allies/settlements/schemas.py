"""API schemas of sharing rules, costs, coalition values, settlements and statements."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn

Money = Annotated[int, Field(ge=-10**15, le=10**15, description="Integer minor units (fen, cents)")]
PositiveMoney = Annotated[int, Field(ge=0, le=10**15, description="Integer minor units (fen, cents)")]
Percent = Annotated[Annotated[str, Field(max_length=40)] | Annotated[int, Field(ge=-10**6, le=10**6)],
                    Field(description='A percentage: an integer or decimal text, e.g. 30 or "33.3333"')]
PartyRef = Annotated[int, Field(ge=0, le=2**63 - 1, description="0 = our company, else the partner id")]


class ShareIn(StrictIn):
    party: PartyRef | None = Field(None, description="null or 0 = our company, else a partner of the agreement")
    percent: Percent


class TierIn(StrictIn):
    lower: PositiveMoney = Field(..., description="The band starts at this volume (minor units)")
    upper: PositiveMoney | None = Field(None, description="The band ends below this volume; null only on the last")
    percents: list[Percent] = Field(..., max_length=50, description="One percentage per share, in their order")


class RuleIn(StrictIn):
    name: str = Field(..., max_length=100)
    basis: str = Field("revenue", description="revenue or gross_profit")
    shares: list[ShareIn] = Field(..., min_length=1, max_length=50)
    tiers: list[TierIn] = Field([], max_length=50)
    tier_method: str = Field("marginal", description="marginal (超额累进) or whole (全额累进)")
    min_payout: PositiveMoney | None = None
    max_payout: PositiveMoney | None = None
    partner_ids: list[DbId] = Field([], max_length=200, description="Whose sales count; empty = every partner")
    products: list[Annotated[str, Field(max_length=200)]] = Field([], max_length=500)
    category_ids: list[DbId] = Field([], max_length=200)
    valid_from: date | None = Field(None, description="First month the rule applies to (any day of it)")
    valid_to: date | None = Field(None, description="Last month the rule applies to (any day of it)")


class RulePatch(StrictIn):
    name: str | None = Field(None, max_length=100)
    basis: str | None = None
    shares: list[ShareIn] | None = Field(None, max_length=50)
    tiers: list[TierIn] | None = Field(None, max_length=50)
    tier_method: str | None = None
    min_payout: PositiveMoney | None = None
    max_payout: PositiveMoney | None = None
    partner_ids: list[DbId] | None = Field(None, max_length=200)
    products: list[Annotated[str, Field(max_length=200)]] | None = Field(None, max_length=500)
    category_ids: list[DbId] | None = Field(None, max_length=200)
    valid_from: date | None = None
    valid_to: date | None = None


class ShareOut(Schema):
    party: int | None
    percent: str


class TierOut(Schema):
    lower: int
    upper: int | None
    percents: list[str]


class RuleOut(Schema):
    id: int
    agreement_id: int
    position: int
    name: str
    basis: str
    shares: list[ShareOut]
    tiers: list[TierOut]
    tier_method: str
    min_payout: int | None
    max_payout: int | None
    partner_ids: list[int]
    products: list[str]
    categories: list[str]
    valid_from: date | None
    valid_to: date | None


class SettlementAgreementOut(Schema):
    id: int
    code: str
    title: str
    status: str
    currency: str
    rounding: str
    start_date: date | None
    end_date: date | None


class SettlementAgreementPage(Schema):
    count: int
    items: list[SettlementAgreementOut]


class BonusIn(StrictIn):
    partner_id: DbId
    metric: str = Field(..., description="revenue, gross_profit, quantity, orders or customers")
    target: Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
    higher_is_better: bool = True
    amount: PositiveMoney = 0
    percent: Percent = "0"
    description: str = Field("", max_length=200)


class BonusOut(Schema):
    id: int
    partner_id: int
    metric: str
    target: str
    higher_is_better: bool
    amount: int
    percent: str
    description: str


class CostRuleIn(StrictIn):
    category: str = Field(..., max_length=100)
    shares: list[ShareIn] = Field(..., min_length=1, max_length=50)


class CostRuleOut(Schema):
    id: int
    category: str
    shares: list[ShareOut]


class CostEntryIn(StrictIn):
    rule_id: DbId
    date: date
    amount: PositiveMoney
    currency: str = Field("", max_length=3, description="Default: the agreement's currency")
    paid_by: PartyRef | None = Field(None, description="null or 0 = our company")
    description: str = Field("", max_length=300)


class CostEntryOut(Schema):
    id: int
    rule_id: int
    category: str
    date: date
    amount: int
    currency: str
    paid_by: int | None
    description: str


class CoalitionIn(StrictIn):
    members: list[PartyRef] = Field(..., min_length=1, max_length=20)
    value: Money


class CoalitionsIn(StrictIn):
    values: list[CoalitionIn] = Field(..., max_length=1024)


class FairSplitParty(Schema):
    party: int
    name: str
    agreed_percent: str | None
    shapley_value: float
    shapley_percent: float


class FairSplitOut(Schema):
    exact: bool
    grand_value: float
    entered_coalitions: int
    parties: list[FairSplitParty]


class ComputeIn(StrictIn):
    period: str = Field(..., max_length=20, description='A quarter "2026Q3" or a month "2026-07"')


class PaidIn(StrictIn):
    reference: str = Field("", max_length=100, description="The bank transfer or voucher reference")


class DisputeIn(StrictIn):
    reason: str = Field(..., max_length=1000)


class StatementOut(Schema):
    id: int
    party: int
    party_name: str
    revenue: int
    collected: int
    share: int
    bonus: int
    cost_share: int
    cost_paid: int
    net: int
    difference: int | None
    status: str
    confirmed_at: datetime | None
    dispute_reason: str


class LineOut(Schema):
    rule_name: str
    partner_id: int
    product: str
    category: str
    month: date
    rows: int
    revenue: int
    cost: int
    basis: int


class SettlementOut(Schema):
    id: int
    agreement_id: int
    period: str
    version: int
    previous_id: int | None
    status: str
    currency: str
    date_from: date
    date_to: date
    rows_counted: int
    computed_at: datetime
    paid_at: datetime | None
    payment_reference: str


class SettlementDetailOut(SettlementOut):
    statements: list[StatementOut]
    lines: list[LineOut]
    lines_count: int


class SettlementPage(Schema):
    count: int
    items: list[SettlementOut]
