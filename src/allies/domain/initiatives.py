"""Money of joint initiatives: exact splits (largest remainder) and investment gains per party.

All amounts are integers in minor units (fen/cents). Stakes are basis points of the
target company (10,000 = 100 %).

Example: a company valued at 100,000,000 fen; we hold 1,500 bp, partner B 1,000 bp. The
consortium's 25 % is worth 25,000,000 fen, split 3:2 = 15,000,000 and 10,000,000. Having
put in 12,000,000 and 9,000,000, we gain 3,000,000 and B gains 1,000,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FULL = 10_000


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to non-negative integer ``weights`` so the parts sum exactly.

    Largest remainder: every part gets the floor of its exact share, and the units left over
    go one each to the largest fractional remainders (ties: the earlier party). A negative
    total is split as its magnitude, then negated.
    """
    if any(int(w) != w or w < 0 for w in weights):
        raise ValueError("weights must be non-negative integers")
    if not weights:
        if total:
            raise ValueError("cannot split a non-zero total among nobody")
        return []
    whole = sum(weights)
    if whole == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(int(total))
    floors = [magnitude * w // whole for w in weights]
    remainders = [magnitude * w % whole for w in weights]
    left = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * f for f in floors]


def half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


@dataclass(frozen=True)
class Position:
    amount: int
    stake_bp: int
    value: int | None  # the party's part of the latest valuation
    gain: int | None  # value - amount (negative: a loss)


def positions(valuation: int | None, parties: Sequence[tuple[int, int]]) -> list[Position]:
    """Each party's (amount, stake_bp) -> its value at the latest valuation and its gain or loss.

    The consortium's value (valuation x total stake, rounded half up) is split among the
    parties by stake with :func:`allocate`, so the parts add up to it exactly.
    """
    check_stakes([s for _a, s in parties])
    if valuation is None:
        return [Position(a, s, None, None) for a, s in parties]
    if valuation < 0:
        raise ValueError("valuation must not be negative")
    stakes = [s for _a, s in parties]
    total = half_up_div(valuation * sum(stakes), FULL)
    values = allocate(total, stakes) if parties else []
    return [Position(a, s, v, v - a) for (a, s), v in zip(parties, values)]


def check_stakes(stakes: Sequence[int]) -> None:
    """Every stake 1..10,000 bp and together at most 100 % of the company."""
    for s in stakes:
        if int(s) != s or s < 1 or s > FULL:
            raise ValueError("each stake must be 1..10000 basis points")
    if sum(stakes) > FULL:
        raise ValueError("stakes add up to more than 100 %")
