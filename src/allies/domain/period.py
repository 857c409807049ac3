"""Settlement periods as an explicit type: a calendar month ("2026-07") or quarter ("2026Q3")."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-\s]?[Qq]([1-4])\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class PeriodError(ValueError):
    def __init__(self, value: str):
        self.code = "invalid_period"
        self.details = {"value": value}
        super().__init__(f"invalid period {value!r}")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "month" or "quarter"
    number: int  # month 1-12 or quarter 1-4

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2026Q3" / "2026-Q3" / "2026q3" is a quarter, "2026-07" a month; anything else a PeriodError."""
        raw = str(text)
        if m := _QUARTER.match(raw):
            return cls(int(m.group(1)), "quarter", int(m.group(2)))
        if (m := _MONTH.match(raw)) and 1 <= int(m.group(2)) <= 12:
            return cls(int(m.group(1)), "month", int(m.group(2)))
        raise PeriodError(raw)

    @classmethod
    def containing(cls, day: date, kind: str = "quarter") -> Period:
        if kind == "month":
            return cls(day.year, "month", day.month)
        return cls(day.year, "quarter", (day.month - 1) // 3 + 1)

    @property
    def first_month(self) -> int:
        return self.number if self.kind == "month" else 3 * self.number - 2

    @property
    def last_month(self) -> int:
        return self.number if self.kind == "month" else 3 * self.number

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The last day (inclusive)."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def months(self) -> list[date]:
        return [date(self.year, m, 1) for m in range(self.first_month, self.last_month + 1)]

    def previous(self) -> Period:
        if self.kind == "month":
            return Period(self.year - 1, "month", 12) if self.number == 1 else Period(self.year, "month",
                                                                                     self.number - 1)
        return Period(self.year - 1, "quarter", 4) if self.number == 1 else Period(self.year, "quarter",
                                                                                  self.number - 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}" if self.kind == "quarter" else f"{self.year}-{self.number:02d}"
