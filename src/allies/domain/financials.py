"""A proposed financial-health rating (0-10) from up to five years of figures, with its rule.

Figures per year: revenue, net profit, operating cash flow (integers in minor units of
one currency) and the debt ratio (liabilities / assets) in percent, 0-100. The rule adds
five parts of 0-2 points each, every one shown to the user:

- revenue growth, first to latest year, annualised over the years between them:
  >= 10 % a year: 2, >= 0 %: 1, falling or not computable (one year, first revenue 0): 0;
- net margin (profit / revenue) in the latest year: >= 10 %: 2, > 0 %: 1, else (or no revenue): 0;
- operating cash flow positive in every year: 2; in the latest year only: 1; else 0;
- debt ratio in the latest year: <= 50 %: 2, <= 70 %: 1, else 0;
- years of figures: 3 or more: 2, 2: 1, 1: 0.

The total is the proposal; the rater accepts or changes it. Thresholds are compared
exactly on integers and decimals (no float rounding at a boundary): growth of at least
10 % a year over ``n`` years means ``last * 10**n >= first * 11**n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_YEARS = 5
PART_MAX = 2
MAX_SCORE = 5 * PART_MAX
MONEY_LIMIT = 10**17  # minor units; far beyond any company, safely inside a signed 64-bit column


class FinancialsError(ValueError):
    """Figures the rule cannot use. ``code`` is stable; ``details`` names the year and value."""

    def __init__(self, code: str, details: dict | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(f"{code}: {self.details}")


@dataclass(frozen=True)
class YearFigures:
    year: int
    revenue: int
    profit: int
    operating_cash_flow: int
    debt_ratio_pct: Decimal | int | float


@dataclass(frozen=True)
class RulePart:
    """One part of the rule: its points (0..max_points), the figure it looked at, and context."""

    code: str
    points: int
    value: float | None
    max_points: int = PART_MAX
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FinancialProposal:
    score: int
    parts: tuple[RulePart, ...]
    max_score: int = MAX_SCORE


def _percent(value) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite():
        raise FinancialsError("debt_ratio_invalid", {"value": str(value)})
    return number


def validate_years(years: list[YearFigures]) -> list[YearFigures]:
    """The figures sorted by year, or FinancialsError for the first problem found."""
    if not years:
        raise FinancialsError("no_years")
    if len(years) > MAX_YEARS:
        raise FinancialsError("too_many_years", {"count": len(years), "max": MAX_YEARS})
    seen: set[int] = set()
    for y in years:
        if y.year in seen:
            raise FinancialsError("duplicate_year", {"year": y.year})
        seen.add(y.year)
        for name in ("revenue", "profit", "operating_cash_flow"):
            amount = getattr(y, name)
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise FinancialsError("money_not_integer", {"year": y.year, "field": name, "value": str(amount)})
            if abs(amount) >= MONEY_LIMIT:
                raise FinancialsError("money_out_of_range", {"year": y.year, "field": name, "value": str(amount)})
        if y.revenue < 0:
            raise FinancialsError("negative_revenue", {"year": y.year, "value": str(y.revenue)})
        ratio = _percent(y.debt_ratio_pct)
        if not 0 <= ratio <= 100:
            raise FinancialsError("debt_ratio_out_of_range", {"year": y.year, "value": str(y.debt_ratio_pct)})
    return sorted(years, key=lambda y: y.year)


def _growth(first: YearFigures, last: YearFigures) -> RulePart:
    span = last.year - first.year
    facts = {"first_year": first.year, "last_year": last.year}
    if span == 0 or first.revenue == 0:
        return RulePart("revenue_growth", 0, None, facts=facts)
    growth = (last.revenue / first.revenue) ** (1 / span) - 1
    if last.revenue * 10**span >= first.revenue * 11**span:
        points = 2
    elif last.revenue >= first.revenue:
        points = 1
    else:
        points = 0
    return RulePart("revenue_growth", points, growth, facts=facts)


def _margin(last: YearFigures) -> RulePart:
    facts = {"year": last.year}
    if last.revenue == 0:
        return RulePart("net_margin", 0, None, facts=facts)
    points = 2 if 10 * last.profit >= last.revenue else 1 if last.profit > 0 else 0
    return RulePart("net_margin", points, last.profit / last.revenue, facts=facts)


def _cash_flow(years: list[YearFigures]) -> RulePart:
    positive = [y.operating_cash_flow > 0 for y in years]
    points = 2 if all(positive) else 1 if positive[-1] else 0
    return RulePart("cash_flow", points, sum(positive) / len(positive),
                    facts={"positive_years": sum(positive), "years": len(positive)})


def _debt(last: YearFigures) -> RulePart:
    ratio = _percent(last.debt_ratio_pct)
    points = 2 if ratio <= 50 else 1 if ratio <= 70 else 0
    return RulePart("debt_ratio", points, float(ratio), facts={"year": last.year})


def _history(years: list[YearFigures]) -> RulePart:
    n = len(years)
    return RulePart("history", 2 if n >= 3 else 1 if n == 2 else 0, float(n), facts={"years": n})


def propose_rating(years: list[YearFigures]) -> FinancialProposal:
    """The proposed 0-10 rating and every part of the rule that produced it."""
    years = validate_years(list(years))
    first, last = years[0], years[-1]
    parts = (_growth(first, last), _margin(last), _cash_flow(years), _debt(last), _history(years))
    return FinancialProposal(sum(p.points for p in parts), parts)
