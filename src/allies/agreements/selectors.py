"""Reads of the agreements stage. Later stages (settlements, governance, monitoring,
ecosystem) read agreements only through these functions and the models."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Deadline:
    """A date a signed agreement's parties must act by: its end of term or its notice deadline."""

    agreement: object  # Agreement
    kind: str  # "end" or "notice"
    date: date


def clause_text(agreement, area: str) -> str:
    """The readable text of one clause area (GLOSSARY code: scope, rights_obligations,
    revenue_cost, ip, exit, dispute) in the active language; "" when the agreement has none."""
    return ""


def upcoming_deadlines(*, today: date, within_days: int) -> list[Deadline]:
    """End-of-term and notice deadlines of signed agreements falling in [today, today + within_days]."""
    return []
