"""Settlements computed from shared sales rows and recorded costs, on the real database."""

from datetime import date

import pytest

from allies.core.errors import DomainError
from allies.governance.models import Conflict
from allies.settlements import rules, services
from allies.settlements.models import Settlement, SettlementStatus, StatementStatus


def _statements(settlement):
    return {s.partner_id: s for s in settlement.statements.all()}


def test_quarter_settlement_splits_30_70_with_a_marginal_tier(agreement, rule, partner_a, manager, write_sales):
    # given 150,000.00 of sales in 2026Q3 (the tier starts at 100,000.00) and one in Q2 that does not count
    write_sales(partner_a, [("2026-07-05", "云平台", 60_000_00), ("2026-08-10", "云平台", 40_000_00),
                            ("2026-09-01", "数据中台", 50_000_00, 10_000_00), ("2026-06-30", "云平台", 99_00)])
    # when
    settlement = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    # then: 100,000 at 30/70 and 50,000 at 20/80
    s = _statements(settlement)
    assert s[None].share == 30_000_00 + 10_000_00
    assert s[partner_a.pk].share == 70_000_00 + 40_000_00
    assert s[None].share + s[partner_a.pk].share == settlement.distributable == 150_000_00
    # the partner collected the money, so it pays us our share
    assert s[partner_a.pk].net == -40_000_00 and s[None].net == 40_000_00
    assert settlement.rows_counted == 3
    assert settlement.lines.count() == 3
    bands = settlement.details["rules"][0]["bands"]
    assert [b["volume"] for b in bands] == [100_000_00, 50_000_00]


def test_whole_amount_gross_profit_limits_bonus_and_costs(agreement, partner_a, manager, write_sales):
    rules.sharing_rule_create(actor=manager, agreement=agreement, data={
        "name": "毛利分成", "basis": "gross_profit", "tier_method": "whole",
        "shares": [{"party": "us", "percent": "30"}, {"party": partner_a.pk, "percent": "70"}],
        "tiers": [{"lower": 50_000_00, "upper": None, "percents": ["20", "80"]}], "max_payout": 60_000_00})
    rules.performance_bonus_create(actor=manager, agreement=agreement, data={
        "partner_id": partner_a.pk, "metric": "orders", "target": 2, "amount": 1_000_00})
    cost_rule = rules.cost_rule_set(actor=manager, agreement=agreement, category="联合营销活动",
                                    shares=[{"party": None, "percent": 50}, {"party": partner_a.pk, "percent": 50}])
    rules.cost_entry_record(actor=manager, agreement=agreement, data={
        "rule_id": cost_rule.pk, "date": date(2026, 7, 20), "amount": 3_001, "paid_by": None})
    write_sales(partner_a, [("2026-07-05", "云平台", 100_000_00, 20_000_00)])
    settlement = services.settlement_compute(actor=manager, agreement=agreement, period="2026-07")
    s = _statements(settlement)
    # gross profit 80,000 reaches the tier: whole amount at 20/80 = 64,000, capped at 60,000
    assert s[partner_a.pk].share == 60_000_00 and s[None].share == 20_000_00
    # one order only: no bonus
    assert s[partner_a.pk].bonus == 0
    # cost 30.01 split 50/50 with the remainder handed out: 15.01 / 15.00
    assert (s[None].cost_share, s[partner_a.pk].cost_share) == (1501, 1500)
    assert s[None].cost_paid == 3001
    assert sum(x.net for x in s.values()) == 0


@pytest.mark.parametrize(("period", "code"), [("2025Q4", "invalid_period"), ("2026Q9", "invalid_period"),
                                              ("2028-01", "invalid_period")])
def test_period_outside_the_term_writes_nothing(agreement, rule, manager, period, code):
    with pytest.raises(DomainError) as err:
        services.settlement_compute(actor=manager, agreement=agreement, period=period)
    assert err.value.code == code
    assert not Settlement.objects.exists()


def test_currency_mismatch_writes_nothing(agreement, rule, partner_a, manager, write_sales):
    write_sales(partner_a, [("2026-07-06", "云平台", 100)])
    write_sales(partner_a, [("2026-07-05", "海外版", 100, 0, "USD")])  # a batch has one currency
    with pytest.raises(DomainError) as err:
        services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    assert err.value.code == "currency_mismatch" and "USD" in err.value.message
    assert not Settlement.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"shares": [{"party": None, "percent": "30"}, {"party": "P", "percent": "60"}]}, "不是100%"),
    ({"tiers": [{"lower": 100, "upper": 300, "percents": ["20", "80"]},
                {"lower": 200, "upper": None, "percents": ["10", "90"]}]}, "阶梯重叠"),
])
def test_bad_rules_are_refused_and_nothing_is_written(agreement, partner_a, manager, data, message):
    from allies.settlements.models import SharingRule

    base = {"name": "规则", "shares": [{"party": None, "percent": "30"}, {"party": "P", "percent": "70"}]}
    base.update(data)
    base["shares"] = [{**s, "party": partner_a.pk if s["party"] == "P" else s["party"]} for s in base["shares"]]
    with pytest.raises(DomainError) as err:
        rules.sharing_rule_create(actor=manager, agreement=agreement, data=base)
    assert message in err.value.message
    assert not SharingRule.objects.exists()


def test_lifecycle_confirm_dispute_correction(agreement, rule, partner_a, manager, make_user, write_sales):
    partner_user = make_user("pa", "partner", partner=partner_a)
    write_sales(partner_a, [("2026-07-05", "云平台", 10_000_00)])
    first = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    # recomputing an untouched draft replaces it
    again = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    assert again.version == 1 and not Settlement.objects.filter(pk=first.pk).exists()
    services.settlement_confirm(actor=manager, settlement=again)
    assert Settlement.objects.get(pk=again.pk).status == SettlementStatus.DRAFT
    services.settlement_dispute(actor=partner_user, settlement=again, reason="漏算了 8 月的一笔订单")
    # governance's handler (registered through settlements.hooks) opened a conflict with the statement
    conflict = Conflict.objects.get()
    assert (conflict.agreement, conflict.raised_by, conflict.description) == (agreement, partner_user,
                                                                             "漏算了 8 月的一笔订单")
    disputed = again.statements.get(partner=partner_a)
    assert list(conflict.evidence.values_list("kind", "object_id")) == [("settlement", str(disputed.pk))]
    # the missing row arrives; the correction is a new version showing the difference
    write_sales(partner_a, [("2026-07-05", "云平台", 10_000_00), ("2026-08-01", "云平台", 1_000_00)])
    corrected = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    assert corrected.version == 2 and corrected.previous_id == again.pk
    assert corrected.details["difference"][str(partner_a.pk)] == -300_00
    old = _statements(Settlement.objects.get(pk=again.pk))
    assert old[None].status == StatementStatus.CONFIRMED and old[None].share == 3_000_00
    with pytest.raises(DomainError):
        services.settlement_confirm(actor=partner_user, settlement=again)
    services.settlement_confirm(actor=partner_user, settlement=corrected)
    services.settlement_confirm(actor=manager, settlement=corrected)
    corrected.refresh_from_db()
    assert corrected.status == SettlementStatus.CONFIRMED
    services.settlement_mark_paid(actor=manager, settlement=corrected)
    corrected.refresh_from_db()
    assert corrected.status == SettlementStatus.PAID


def test_term_starting_mid_month_counts_only_its_days(agreement, rule, partner_a, manager, write_sales):
    from allies.settlements.engine import aggregate_sales, split_window

    assert split_window(date(2026, 7, 10), date(2026, 9, 30)) == (
        [date(2026, 8, 1), date(2026, 9, 1)], [(date(2026, 7, 10), date(2026, 7, 31))])
    assert split_window(date(2026, 7, 1), date(2026, 7, 20)) == ([], [(date(2026, 7, 1), date(2026, 7, 20))])
    agreement.start_date = date(2026, 7, 10)
    agreement.save()
    write_sales(partner_a, [("2026-07-09", "云平台", 1_00), ("2026-07-10", "云平台", 2_00),
                            ("2026-08-31", "云平台", 4_00), ("2026-09-30", "数据中台", 8_00)])
    settlement = services.settlement_compute(actor=manager, agreement=agreement, period="2026Q3")
    assert settlement.date_from == date(2026, 7, 10)
    assert settlement.distributable == 14_00 and settlement.rows_counted == 3
    # the roll-up and the raw rows agree
    whole = aggregate_sales([partner_a.pk], date(2026, 8, 1), date(2026, 9, 30))
    assert sorted((g.product, g.month, g.revenue) for g in whole) == [
        ("云平台", date(2026, 8, 1), 4_00), ("数据中台", date(2026, 9, 1), 8_00)]
