"""The financial-health proposal (allies.domain.financials) against hand-computed figures. No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from allies.domain.financials import FinancialsError, YearFigures, propose_rating, validate_years


def year(y, revenue=1_000_000, profit=50_000, cash=10_000, debt="40"):
    return YearFigures(year=y, revenue=revenue, profit=profit, operating_cash_flow=cash, debt_ratio_pct=Decimal(debt))


def parts(proposal) -> dict[str, int]:
    return {p.code: p.points for p in proposal.parts}


def part(proposal, code):
    return next(p for p in proposal.parts if p.code == code)


# --------------------------------------------------------------------------- a worked example


def test_worked_example_five_years():
    # Revenue 10.00 -> 14.00 million yuan over 2020-2024 (4 years): (1.4)^(1/4) - 1 = 8.78 % a year -> 1 point.
    # 2024 margin 1.2 / 14 = 8.57 % -> 1 point. Cash flow negative in 2021 only, positive in 2024 -> 1 point.
    # Debt ratio 2024 = 55 % -> 1 point. Five years of figures -> 2 points. Total 6.
    years = [
        year(2020, revenue=1_000_000_000, profit=50_000_000, cash=20_000_000, debt="60"),
        year(2021, revenue=1_100_000_000, profit=-10_000_000, cash=-5_000_000, debt="65"),
        year(2022, revenue=1_200_000_000, profit=80_000_000, cash=30_000_000, debt="58"),
        year(2023, revenue=1_300_000_000, profit=100_000_000, cash=40_000_000, debt="56"),
        year(2024, revenue=1_400_000_000, profit=120_000_000, cash=45_000_000, debt="55"),
    ]
    proposal = propose_rating(years)
    assert parts(proposal) == {"revenue_growth": 1, "net_margin": 1, "cash_flow": 1, "debt_ratio": 1, "history": 2}
    assert proposal.score == 6
    assert proposal.max_score == 10
    assert part(proposal, "revenue_growth").value == pytest.approx(0.0878, abs=1e-4)
    assert part(proposal, "revenue_growth").facts == {"first_year": 2020, "last_year": 2024}
    assert part(proposal, "net_margin").value == pytest.approx(0.0857, abs=1e-4)
    assert part(proposal, "cash_flow").value == pytest.approx(0.8)
    assert part(proposal, "cash_flow").facts == {"positive_years": 4, "years": 5}
    assert part(proposal, "debt_ratio").value == 55.0


def test_strong_company_scores_ten():
    # 100 -> 121 over two years is exactly 10 % a year; margin 20 %; cash always positive; debt 30 %; 3 years.
    years = [year(2022, revenue=100_000_00, profit=10_000_00),
             year(2023, revenue=110_000_00, profit=15_000_00),
             year(2024, revenue=121_000_00, profit=24_200_00, debt="30")]
    proposal = propose_rating(years)
    assert proposal.score == 10
    assert all(p.points == p.max_points == 2 for p in proposal.parts)


def test_weak_company_scores_zero():
    # Revenue falls 25 %, loss-making, cash negative in the latest year, debt 85 %: 0 each; two years: 1.
    years = [year(2023, revenue=2_000_000, profit=-100, cash=500, debt="80"),
             year(2024, revenue=1_500_000, profit=-300_000, cash=-1, debt="85")]
    proposal = propose_rating(years)
    assert parts(proposal) == {"revenue_growth": 0, "net_margin": 0, "cash_flow": 0, "debt_ratio": 0, "history": 1}
    assert proposal.score == 1
    assert part(proposal, "revenue_growth").value == pytest.approx(-0.25)


def test_years_are_read_in_calendar_order_whatever_the_input_order():
    ordered = [year(2022, revenue=1_000_000), year(2024, revenue=1_210_000, debt="75")]
    shuffled = list(reversed(ordered))
    assert propose_rating(shuffled) == propose_rating(ordered)
    # Latest year is 2024 (debt 75 % -> 0), growth is annualised over the two years between 2022 and 2024.
    assert parts(propose_rating(shuffled))["debt_ratio"] == 0
    assert parts(propose_rating(shuffled))["revenue_growth"] == 2


# --------------------------------------------------------------------------- each part at its boundaries


@pytest.mark.parametrize(("last", "points"), [(1_210_000, 2), (1_209_999, 1), (1_000_000, 1), (999_999, 0)])
def test_growth_boundaries_are_exact(last, points):
    proposal = propose_rating([year(2022, revenue=1_000_000), year(2024, revenue=last)])
    assert parts(proposal)["revenue_growth"] == points


def test_growth_needs_two_years_and_a_first_revenue():
    one = propose_rating([year(2024)])
    assert (part(one, "revenue_growth").points, part(one, "revenue_growth").value) == (0, None)
    from_zero = propose_rating([year(2023, revenue=0, profit=0), year(2024, revenue=5_000_000)])
    assert (part(from_zero, "revenue_growth").points, part(from_zero, "revenue_growth").value) == (0, None)


@pytest.mark.parametrize(("profit", "points"), [(100_000, 2), (99_999, 1), (1, 1), (0, 0), (-5, 0)])
def test_margin_boundaries(profit, points):
    proposal = propose_rating([year(2024, revenue=1_000_000, profit=profit)])
    assert parts(proposal)["net_margin"] == points


def test_margin_without_revenue_scores_zero_and_has_no_value():
    proposal = propose_rating([year(2024, revenue=0, profit=10)])
    assert (part(proposal, "net_margin").points, part(proposal, "net_margin").value) == (0, None)


@pytest.mark.parametrize(("cash", "points"), [((1, 2, 3), 2), ((-1, 0, 3), 1), ((5, 6, 0), 0), ((5, 6, -7), 0)])
def test_cash_flow_rule(cash, points):
    proposal = propose_rating([year(2022 + i, cash=c) for i, c in enumerate(cash)])
    assert parts(proposal)["cash_flow"] == points


@pytest.mark.parametrize(("debt", "points"), [("0", 2), ("50", 2), ("50.01", 1), ("70.00", 1), ("70.01", 0),
                                              ("100", 0)])
def test_debt_ratio_boundaries(debt, points):
    assert parts(propose_rating([year(2024, debt=debt)]))["debt_ratio"] == points


@pytest.mark.parametrize(("count", "points"), [(1, 0), (2, 1), (3, 2), (5, 2)])
def test_history_points(count, points):
    assert parts(propose_rating([year(2020 + i) for i in range(count)]))["history"] == points


# --------------------------------------------------------------------------- figures the rule refuses


@pytest.mark.parametrize(
    ("years", "code", "details"),
    [
        ([], "no_years", {}),
        ([year(2018 + i) for i in range(6)], "too_many_years", {"count": 6, "max": 5}),
        ([year(2023), year(2024), year(2023)], "duplicate_year", {"year": 2023}),
        ([year(2024, debt="100.01")], "debt_ratio_out_of_range", {"year": 2024, "value": "100.01"}),
        ([year(2024, debt="-1")], "debt_ratio_out_of_range", {"year": 2024, "value": "-1"}),
        ([YearFigures(2024, 100, 1, 1, "abc")], "debt_ratio_invalid", {"value": "abc"}),
        ([YearFigures(2024, 100.5, 1, 1, 10)], "money_not_integer", {"year": 2024, "field": "revenue",
                                                                     "value": "100.5"}),
        ([YearFigures(2024, 100, True, 1, 10)], "money_not_integer", {"year": 2024, "field": "profit",
                                                                      "value": "True"}),
        ([YearFigures(2024, 100, 1, 10**17, 10)], "money_out_of_range", {"year": 2024, "field": "operating_cash_flow",
                                                                         "value": str(10**17)}),
        ([year(2024, revenue=-1)], "negative_revenue", {"year": 2024, "value": "-1"}),
    ],
)
def test_bad_figures_are_refused_with_a_named_problem(years, code, details):
    with pytest.raises(FinancialsError) as caught:
        propose_rating(years)
    assert caught.value.code == code
    assert caught.value.details == details


def test_validate_returns_sorted_figures():
    assert [y.year for y in validate_years([year(2024), year(2020), year(2022)])] == [2020, 2022, 2024]
