"""A proposed financial-health rating (0-10) from up to five years of figures, with its rule.

Figures per year: revenue, net profit, operating cash flow (same currency, minor units)
and debt ratio (liabilities / assets, 0-1). The rule adds points, each shown to the user:
- revenue growth (latest vs first year, annualised): >= 10 %: 2, >= 0 %: 1, else 0;
- net margin in the latest year: >= 10 %: 2, > 0 %: 1, else 0;
- operating cash flow positive in every year: 2; in the latest year only: 1; else 0;
- debt ratio in the latest year: <= 50 %: 2, <= 70 %: 1, else 0;
- years of figures: 3 or more: 2, 2: 1, 1: 0.
The total (0-10) is the proposal; the rater may accept or change it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class YearFigures:
    year: int
    revenue: int
    profit: int
    operating_cash_flow: int
    debt_ratio: float


@dataclass(frozen=True)
class RulePart:
    code: str
    points: int
    value: float | None


@dataclass(frozen=True)
class FinancialProposal:
    score: int
    parts: tuple[RulePart, ...]


def propose_rating(years: list[YearFigures]) -> FinancialProposal:
    if not years:
        raise ValueError("at least one year of figures is needed")
    years = sorted(years, key=lambda y: y.year)
    first, last = years[0], years[-1]
    parts = []
    span = last.year - first.year
    if span > 0 and first.revenue > 0 and last.revenue > 0:
        growth = (last.revenue / first.revenue) ** (1 / span) - 1
        parts.append(RulePart("revenue_growth", 2 if growth >= 0.10 else 1 if growth >= 0 else 0, growth))
    else:
        parts.append(RulePart("revenue_growth", 0, None))
    margin = last.profit / last.revenue if last.revenue > 0 else None
    parts.append(RulePart("net_margin", 0 if margin is None else 2 if margin >= 0.10 else 1 if margin > 0 else 0,
                          margin))
    positive = [y.operating_cash_flow > 0 for y in years]
    parts.append(RulePart("cash_flow", 2 if all(positive) else 1 if positive[-1] else 0,
                          sum(positive) / len(positive)))
    parts.append(RulePart("debt_ratio", 2 if last.debt_ratio <= 0.5 else 1 if last.debt_ratio <= 0.7 else 0,
                          last.debt_ratio))
    parts.append(RulePart("history", 2 if len(years) >= 3 else 1 if len(years) == 2 else 0, float(len(years))))
    return FinancialProposal(sum(p.points for p in parts), tuple(parts))
