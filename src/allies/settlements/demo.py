"""Demo data of settlements, loaded by `allies demo` after the earlier stages' demo data.

Uses the demo's signed agreement with 远景资本 when the agreements stage made one, otherwise
creates a small one; adds a 30/70 rule with a tier, a cost category with a joint marketing
event, a bonus, computes the last full quarter, and gives a three-party alliance coalition
values for the fair-split advisor.
"""

from datetime import date

from django.utils import timezone

from allies.agreements.choices import AgreementStatus
from allies.agreements.models import Agreement, AgreementParty
from allies.domain.period import Period
from allies.settlements import rules, services

VISION = "远景资本"


def _agreement(code: str, title: str, members: list, start: date, manager) -> Agreement:
    agreement = Agreement.objects.filter(code=code).first()
    if agreement is None:
        agreement = Agreement.objects.create(
            code=code, title=title, status=AgreementStatus.SIGNED, start_date=start,
            end_date=date(start.year + 3, 12, 31), currency="CNY", cooperation_models=["joint_sales"],
            signed_at=timezone.now(), created_by=manager)
        for partner in members:
            AgreementParty.objects.get_or_create(agreement=agreement, partner=partner)
    return agreement


def load(*, manager, partners: dict) -> None:
    """Add this stage's demo rows. ``partners`` maps a partner's name to the Partner."""
    vision = partners.get(VISION)
    if vision is None:
        return
    today = timezone.localdate()
    start = date(today.year - 1, 1, 1)
    agreement = (Agreement.objects.filter(status=AgreementStatus.SIGNED, partners=vision).order_by("pk").first()
                 or _agreement("DEMO-JS-2025", "远景资本联合销售协议", [vision], start, manager))
    if agreement.sharing_rules.exists():
        return
    rules.sharing_rule_create(actor=manager, agreement=agreement, data={
        "name": "联合投资服务分成", "basis": "revenue", "tier_method": "marginal",
        "shares": [{"party": None, "percent": "30"}, {"party": vision.pk, "percent": "70"}],
        "tiers": [{"lower": 50_000_000, "upper": None, "percents": ["25", "75"]}],
    })
    cost_rule = rules.cost_rule_set(actor=manager, agreement=agreement, category="联合营销活动",
                                    shares=[{"party": None, "percent": 50}, {"party": vision.pk, "percent": 50}])
    quarter = Period.containing(today).previous()
    rules.cost_entry_record(actor=manager, agreement=agreement, data={
        "rule_id": cost_rule.pk, "date": quarter.start.replace(day=20), "amount": 8_000_000,
        "paid_by": None, "description": "联合路演（上海站）"})
    rules.performance_bonus_create(actor=manager, agreement=agreement, data={
        "partner_id": vision.pk, "metric": "orders", "target": 3, "amount": 1_000_000,
        "description": "季度成交 3 单以上"})
    if agreement.start_date and agreement.start_date <= quarter.end:
        services.settlement_compute(actor=manager, agreement=agreement, period=str(quarter))
    others = [partners[n] for n in ("华联集成", "伙伴B") if n in partners]
    if len(others) == 2:
        alliance = _agreement("DEMO-ALLIANCE-3", "智慧园区三方联盟", [vision, *others], start, manager)
        ids = [0, vision.pk, *(p.pk for p in others)]
        values = [([0], 300), ([ids[1]], 200), ([ids[2]], 250), ([ids[3]], 100), ([0, ids[1]], 700),
                  ([0, ids[2]], 800), ([0, ids[3]], 500), ([ids[1], ids[2]], 500), ([ids[1], ids[3]], 350),
                  ([ids[2], ids[3]], 400), (ids, 1600)]
        rules.coalition_values_set(actor=manager, agreement=alliance, values=[
            {"members": m, "value": v * 1_000_000} for m, v in values])
        rules.sharing_rule_create(actor=manager, agreement=alliance, data={
            "name": "三方分成", "shares": [{"party": None, "percent": "40"}, {"party": ids[1], "percent": "25"},
                                        {"party": ids[2], "percent": "25"}, {"party": ids[3], "percent": "10"}]})
