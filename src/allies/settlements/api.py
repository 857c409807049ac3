"""REST endpoints of value sharing and settlements (/api/v1/settlements/...).

Partner users read the rules and settlements of the agreements their company is party to,
see only their own statement (and the statement lines their sharing level allows), and
confirm or dispute their statement. Everything else is for staff (writers to change).
Another partner's agreement or settlement is a 404.
"""

from ninja import Query, Router, Schema

from allies.api.paging import page_slice
from allies.core.permissions import require_internal
from allies.settlements import rules as rule_services
from allies.settlements import selectors, services
from allies.settlements.models import SharingRule
from allies.settlements.rules import US
from allies.settlements.schemas import (
    SettlementAgreementPage,
    BonusIn,
    BonusOut,
    CoalitionsIn,
    ComputeIn,
    CostEntryIn,
    CostEntryOut,
    CostRuleIn,
    CostRuleOut,
    DisputeIn,
    FairSplitOut,
    PaidIn,
    RuleIn,
    RuleOut,
    RulePatch,
    SettlementDetailOut,
    SettlementOut,
    SettlementPage,
    StatementOut,
)
from allies.api.schemas import errors

router = Router(tags=["settlements"])
MAX_LINES = 500


class PageIn(Schema):
    limit: int = 50
    offset: int = 0


def rule_out(rule: SharingRule) -> dict:
    return {
        **{f: getattr(rule, f) for f in ("id", "agreement_id", "position", "name", "basis", "shares", "tiers",
                                         "tier_method", "min_payout", "max_payout", "products", "valid_from",
                                         "valid_to")},
        "partner_ids": [p.pk for p in rule.partners.all()],
        "categories": [c.name for c in rule.categories.all()],
    }


def statement_out(user, settlement) -> list[dict]:
    names = selectors.party_names(settlement)
    diff = selectors.difference_for(user, settlement)
    out = []
    for s in selectors.statements_of(user, settlement):
        pid = s.partner_id or US
        out.append({**{f: getattr(s, f) for f in ("id", "revenue", "collected", "share", "bonus", "cost_share",
                                                   "cost_paid", "net", "status", "confirmed_at", "dispute_reason")},
                    "party": pid, "party_name": names.get(pid, ""), "difference": diff.get(pid)})
    return out


def settlement_detail(user, settlement) -> dict:
    lines = selectors.lines_of(user, settlement)
    return {**SettlementOut.from_orm(settlement).dict(), "statements": statement_out(user, settlement),
            "lines": list(lines.values("rule_name", "partner_id", "product", "category", "month", "rows", "revenue",
                                       "cost", "basis")[:MAX_LINES]),
            "lines_count": lines.count()}


@router.get("/settlements/agreements", response={200: SettlementAgreementPage, **errors(401)},
            summary="Agreements the user may see (a partner: those its company is party to)")
def list_agreements(request, page: Query[PageIn]):
    qs = selectors.visible_agreements(request.auth)
    return {"count": qs.count(), "items": list(qs[page_slice(page.limit, page.offset)])}


@router.get("/settlements/agreements/{agreement_pk}/rules", response={200: list[RuleOut], **errors(401, 404)},
            summary="Revenue-sharing rules of an agreement, in the order they are applied")
def list_rules(request, agreement_pk: int):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    return [rule_out(r) for r in selectors.rules_of(request.auth, agreement)]


@router.post("/settlements/agreements/{agreement_pk}/rules", response={201: RuleOut, **errors(401, 403, 404)},
             summary="Add a revenue-sharing rule (percentages must sum to 100%; tiers may not overlap or leave gaps)")
def create_rule(request, agreement_pk: int, payload: RuleIn):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    rule = rule_services.sharing_rule_create(actor=request.auth, agreement=agreement,
                                             data=payload.dict())
    return 201, rule_out(rule)


@router.patch("/settlements/rules/{rule_id}", response={200: RuleOut, **errors(401, 403, 404)},
              summary="Change a revenue-sharing rule")
def update_rule(request, rule_id: int, payload: RulePatch):
    rule = selectors.rule_get(request.auth, rule_id)
    rule = rule_services.sharing_rule_update(actor=request.auth, rule=rule, data=payload.dict(exclude_unset=True))
    return rule_out(rule)


@router.delete("/settlements/rules/{rule_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a revenue-sharing rule (settlements already computed keep their figures)")
def delete_rule(request, rule_id: int):
    rule = selectors.rule_get(request.auth, rule_id)
    rule_services.sharing_rule_delete(actor=request.auth, rule=rule)
    return 204, None


@router.post("/settlements/agreements/{agreement_pk}/bonuses", response={201: BonusOut, **errors(401, 403, 404)},
             summary="Add a performance bonus on a KPI target (paid by us to the partner)")
def create_bonus(request, agreement_pk: int, payload: BonusIn):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    data = payload.dict()
    data["target"] = repr(data["target"])
    bonus = rule_services.performance_bonus_create(actor=request.auth, agreement=agreement, data=data)
    return 201, {**{f: getattr(bonus, f) for f in ("id", "partner_id", "metric", "higher_is_better", "amount",
                                                   "description")},
                 "target": str(bonus.target), "percent": str(bonus.percent)}


@router.put("/settlements/agreements/{agreement_pk}/cost-rules", response={200: CostRuleOut, **errors(401, 403, 404)},
            summary="Set how a cost category is split between the parties (ratios sum to 100%)")
def set_cost_rule(request, agreement_pk: int, payload: CostRuleIn):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    data = payload.dict()
    rule = rule_services.cost_rule_set(actor=request.auth, agreement=agreement, category=data["category"],
                                       shares=data["shares"])
    return {"id": rule.pk, "category": rule.category, "shares": rule.shares}


@router.get("/settlements/agreements/{agreement_pk}/costs", response={200: list[CostEntryOut], **errors(401, 404)},
            summary="Shared costs recorded for an agreement, newest first")
def list_costs(request, agreement_pk: int, page: Query[PageIn]):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    qs = selectors.cost_entries_of(request.auth, agreement)[page_slice(page.limit, page.offset)]
    return [{**{f: getattr(e, f) for f in ("id", "rule_id", "date", "amount", "currency", "description")},
             "category": e.rule.category, "paid_by": e.paid_by_id or US} for e in qs]


@router.post("/settlements/agreements/{agreement_pk}/costs", response={201: CostEntryOut, **errors(401, 403, 404)},
             summary="Record a shared cost one party paid")
def record_cost(request, agreement_pk: int, payload: CostEntryIn):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    entry = rule_services.cost_entry_record(actor=request.auth, agreement=agreement, data=payload.dict())
    return 201, {**{f: getattr(entry, f) for f in ("id", "rule_id", "date", "amount", "currency", "description")},
                 "category": entry.rule.category, "paid_by": entry.paid_by_id or US}


@router.put("/settlements/agreements/{agreement_pk}/coalitions", response={200: FairSplitOut, **errors(401, 403, 404)},
            summary="Replace the entered coalition values (for the Shapley fair-split advisor)")
def set_coalitions(request, agreement_pk: int, payload: CoalitionsIn):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    rule_services.coalition_values_set(actor=request.auth, agreement=agreement,
                                       values=[v.dict() for v in payload.values])
    return _fair_split(agreement)


def _fair_split(agreement) -> dict:
    split = selectors.fair_split(agreement)
    return {"exact": split.exact, "grand_value": split.grand_value, "entered_coalitions": split.entered,
            "parties": [{"party": p.id, "name": p.name, "agreed_percent": a, "shapley_value": v,
                         "shapley_percent": pct}
                        for p, a, v, pct in zip(split.parties, split.agreed, split.shapley, split.percents)]}


@router.get("/settlements/agreements/{agreement_pk}/fair-split", response={200: FairSplitOut, **errors(401, 403, 404)},
            summary="Shapley value per party (exact up to 15 parties, seeded sampling beyond) beside the agreed split")
def fair_split(request, agreement_pk: int):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    require_internal(request.auth)
    return _fair_split(agreement)


@router.get("/settlements/agreements/{agreement_pk}/settlements", response={200: SettlementPage, **errors(401, 404)},
            summary="Settlements of an agreement, newest period and version first")
def list_settlements(request, agreement_pk: int, page: Query[PageIn]):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    qs = selectors.settlements_of(request.auth, agreement)
    return {"count": qs.count(), "items": list(qs[page_slice(page.limit, page.offset)])}


@router.post("/settlements/agreements/{agreement_pk}/settlements",
             response={201: SettlementDetailOut, **errors(401, 403, 404, 409)},
             summary="Compute the settlement of a period (a new version if the last one was confirmed or disputed)")
def compute_settlement(request, agreement_pk: int, payload: ComputeIn):
    agreement = selectors.agreement_get(request.auth, agreement_pk)
    settlement = services.settlement_compute(actor=request.auth, agreement=agreement, period=payload.period)
    return 201, settlement_detail(request.auth, settlement)


@router.get("/settlements/{settlement_id}", response={200: SettlementDetailOut, **errors(401, 404)},
            summary="A settlement: the statements and statement lines the user may see")
def get_settlement(request, settlement_id: int):
    return settlement_detail(request.auth, selectors.settlement_get(request.auth, settlement_id))


@router.post("/settlements/{settlement_id}/confirm", response={200: StatementOut, **errors(401, 403, 404, 409)},
             summary="Confirm your party's statement (staff: ours; a partner user: its company's)")
def confirm_settlement(request, settlement_id: int):
    settlement = selectors.settlement_get(request.auth, settlement_id)
    statement = services.settlement_confirm(actor=request.auth, settlement=settlement)
    return next(s for s in statement_out(request.auth, settlement) if s["id"] == statement.pk)


@router.post("/settlements/{settlement_id}/dispute", response={200: StatementOut, **errors(401, 403, 404, 409)},
             summary="Dispute your party's statement with a reason (opens a conflict in governance)")
def dispute_settlement(request, settlement_id: int, payload: DisputeIn):
    settlement = selectors.settlement_get(request.auth, settlement_id)
    statement = services.settlement_dispute(actor=request.auth, settlement=settlement, reason=payload.reason)
    return next(s for s in statement_out(request.auth, settlement) if s["id"] == statement.pk)


@router.post("/settlements/{settlement_id}/paid", response={200: SettlementOut, **errors(401, 403, 404, 409)},
             summary="Mark a confirmed settlement as paid")
def mark_paid(request, settlement_id: int, payload: PaidIn):
    settlement = selectors.settlement_get(request.auth, settlement_id)
    return services.settlement_mark_paid(actor=request.auth, settlement=settlement, reference=payload.reference)
