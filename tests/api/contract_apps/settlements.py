"""Contract tables for value sharing and settlements.

Partner users read the rules and settlements of their agreements and confirm or dispute their
own statement; every other operation is staff-only. The objects: for each partner a signed
agreement (us 30 / partner 70, a tier), a rule, a cost category and a computed settlement
(without sales rows: every contract test builds this world, so it stays small).
"""

# The paths this module's objects serve: the contract world builds them only for these.
PREFIXES = ("/api/v1/settlements",)

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/settlements/agreements"),
    ("GET", "/api/v1/settlements/agreements/{agreement_pk}/rules"),
    ("GET", "/api/v1/settlements/agreements/{agreement_pk}/costs"),
    ("GET", "/api/v1/settlements/agreements/{agreement_pk}/settlements"),
    ("GET", "/api/v1/settlements/{settlement_id}"),
    ("POST", "/api/v1/settlements/{settlement_id}/confirm"),
    ("POST", "/api/v1/settlements/{settlement_id}/dispute"),
}
PARTNER_SCOPED_PARAMS = {"agreement_pk", "settlement_id", "rule_id"}


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/settlements/agreements/{agreement_pk}/rules"): lambda w: {
            "name": "契约规则", "shares": [{"party": 0, "percent": "40"}, {"party": w.partner_id, "percent": "60"}]},
        ("PATCH", "/api/v1/settlements/rules/{rule_id}"): lambda w: {"name": "改名后的规则"},
        ("POST", "/api/v1/settlements/agreements/{agreement_pk}/bonuses"): lambda w: {
            "partner_id": w.partner_id, "metric": "orders", "target": 1, "amount": 100},
        ("PUT", "/api/v1/settlements/agreements/{agreement_pk}/cost-rules"): lambda w: {
            "category": "联合营销活动", "shares": [{"party": 0, "percent": 50}, {"party": w.partner_id, "percent": 50}]},
        ("POST", "/api/v1/settlements/agreements/{agreement_pk}/costs"): lambda w: {
            "rule_id": w.own["cost_rule_id"], "date": "2026-07-15", "amount": 5000},
        ("PUT", "/api/v1/settlements/agreements/{agreement_pk}/coalitions"): lambda w: {
            "values": [{"members": [0], "value": 100}, {"members": [w.partner_id], "value": 200},
                       {"members": [0, w.partner_id], "value": 500}]},
        ("POST", "/api/v1/settlements/agreements/{agreement_pk}/settlements"): lambda w: {"period": "2026Q3"},
        ("POST", "/api/v1/settlements/{settlement_id}/dispute"): lambda w: {"reason": "金额与我方记录不符"},
    }


def objects(manager, partner_a, partner_b):
    from datetime import date

    from allies.agreements.models import Agreement, AgreementParty
    from allies.settlements import rules, services

    def world_of(partner):
        agreement = Agreement.objects.create(code=f"CT-{partner.pk}", title=f"{partner.name} 联合销售", status="signed",
                                             start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))
        AgreementParty.objects.create(agreement=agreement, partner=partner)
        rule = rules.sharing_rule_create(actor=manager, agreement=agreement, data={
            "name": "联合销售分成", "shares": [{"party": None, "percent": "30"}, {"party": partner.pk, "percent": "70"}],
            "tiers": [{"lower": 1_000_000, "upper": None, "percents": ["20", "80"]}]})
        cost_rule = rules.cost_rule_set(actor=manager, agreement=agreement, category="联合营销活动",
                                        shares=[{"party": None, "percent": 50}, {"party": partner.pk, "percent": 50}])
        settlement = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
        return {"agreement_pk": agreement.pk, "rule_id": rule.pk, "settlement_id": settlement.pk,
                "cost_rule_id": cost_rule.pk}

    return world_of(partner_a), world_of(partner_b)
