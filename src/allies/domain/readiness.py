"""Self-assessment scoring (spec 1.3): four areas, each scored 0-100 from 1-5 answers.

Areas: core strengths, cooperation needs (gaps), willingness to share and take risk,
internal readiness (team, processes, incentives). An area's score is the mean of its
answers mapped from 1-5 to 0-100; every answer at 2 or below produces the advice tied to
that question, so the user sees what is missing, not just a number.
"""

from __future__ import annotations

from dataclasses import dataclass

AREAS = ("strengths", "needs", "willingness", "internal")
READY_THRESHOLD = 60.0
WEAK_ANSWER = 2


@dataclass(frozen=True)
class AreaScore:
    area: str
    score: float | None
    weak_questions: tuple[str, ...]


def answer_to_score(answer: int) -> float:
    if not 1 <= answer <= 5:
        raise ValueError("answers are on a 1-5 scale")
    return (answer - 1) * 25.0


def score_areas(answers: dict[str, int], questions: dict[str, str]) -> list[AreaScore]:
    """``questions`` maps question code -> area; ``answers`` maps question code -> 1..5."""
    out = []
    for area in AREAS:
        codes = [q for q, a in questions.items() if a == area and q in answers]
        if not codes:
            out.append(AreaScore(area, None, ()))
            continue
        values = [answer_to_score(answers[q]) for q in codes]
        weak = tuple(q for q in codes if answers[q] <= WEAK_ANSWER)
        out.append(AreaScore(area, sum(values) / len(values), weak))
    return out


def overall(scores: list[AreaScore]) -> float | None:
    known = [s.score for s in scores if s.score is not None]
    return sum(known) / len(known) if known else None


def gap_coverage(gaps: list[str], offered: list[str]) -> float:
    """Share of our declared gaps (most urgent first) that a candidate's resources fill, weighted by urgency.

    The first gap weighs n, the next n-1, ... the last 1, so filling the most urgent gap
    counts most. Returns 0..1; no gaps declared -> 0.
    """
    n = len(gaps)
    if n == 0:
        return 0.0
    weights = {g: n - i for i, g in enumerate(gaps)}
    total = sum(weights.values())
    return sum(w for g, w in weights.items() if g in set(offered)) / total


def complementarity_rating(gaps: list[str], offered: list[str]) -> float:
    """The resource-complementarity rating (0-10) proposed from the gap coverage, rounded to 0.5."""
    return round(gap_coverage(gaps, offered) * 20) / 2
