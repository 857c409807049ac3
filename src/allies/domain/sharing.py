"""Value-sharing maths: exact money allocation, tier ladders, payout limits, KPI bonuses, Shapley values.

Money is an integer amount of minor units (fen, cents). Percentages and weights are exact
rationals (``Fraction``; ``Decimal``, ``int`` and numeric strings are accepted), so no float
ever touches money. Every split hands out the remainder left by rounding (largest remainder
first, ties to the earlier party), so the parts always sum exactly to the whole.

Errors carry a stable ``code`` and ``details``; the services turn them into messages in the
user's language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

import numpy as np

HUNDRED = Fraction(100)
MAX_EXPONENT = 30  # "1e999999" would be an exact but enormous rational: no money needs more than 10^30
EXACT_SHAPLEY_MAX = 15
"""Parties up to which Shapley values are computed exactly (2^15 coalitions); beyond, by sampling."""


class SharingError(ValueError):
    """Bad input to the sharing maths. ``code`` is stable; ``details`` names what is wrong."""

    def __init__(self, code: str, details: dict | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(f"{code}: {self.details}")


class Rounding(StrEnum):
    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    DOWN = "down"


class TierMethod(StrEnum):
    MARGINAL = "marginal"  # 超额累进: each band of the volume is split at its own band's percentages
    WHOLE = "whole"  # 全额累进: the whole volume is split at the percentages of the band it reaches


def to_fraction(value) -> Fraction:
    """An exact rational from an int, Fraction, Decimal or numeric string (never a float)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise SharingError("invalid_number", {"value": str(value)})
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SharingError("invalid_number", {"value": str(value)})
        return Fraction(Decimal(repr(value)))
    text = str(value).strip()[:60]
    try:
        number = Decimal(text)
        if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
            raise ValueError(text)
        return Fraction(number)
    except Exception as exc:  # noqa: BLE001 - any unparsable text is the same user error
        raise SharingError("invalid_number", {"value": text}) from exc


def round_fraction(value: Fraction, mode: Rounding | str) -> int:
    """``value`` rounded to an integer: half away from zero, half to even, or toward zero."""
    mode = Rounding(mode)
    if mode is Rounding.DOWN:
        return math.trunc(value)
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole = math.floor(magnitude)
    rest = magnitude - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and (mode is Rounding.HALF_UP or whole % 2 == 1)):
        whole += 1
    return sign * whole


# --------------------------------------------------------------------------- exact allocation


def allocate(total: int, weights: Sequence, rounding: Rounding | str = Rounding.HALF_UP) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` so that the parts sum exactly to it.

    Each ideal part ``total * w / sum(w)`` is rounded with ``rounding``; what rounding left over
    (or took too much) is handed out one unit at a time by largest remainder (the parts whose
    rounding lost the most get a unit first; ties go to the earlier part), which makes the result
    deterministic. Weights must be non-negative with a positive sum.
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise SharingError("invalid_amount", {"value": str(total)})
    exact = [to_fraction(w) for w in weights]
    if not exact:
        raise SharingError("no_parties")
    if any(w < 0 for w in exact):
        raise SharingError("negative_weight", {"weights": [str(w) for w in exact]})
    weight_sum = sum(exact)
    if weight_sum == 0:
        raise SharingError("zero_weights")
    if total < 0:
        return [-part for part in allocate(-total, exact, rounding)]
    ideal = [total * w / weight_sum for w in exact]
    parts = [round_fraction(x, rounding) for x in ideal]
    gap = total - sum(parts)
    # Largest remainder: the parts whose rounding lost the most gain a unit first; if rounding gave
    # out too much, the parts that gained the most give one back first. Ties favour the earlier part.
    if gap > 0:
        order = sorted(range(len(parts)), key=lambda i: (-(ideal[i] - parts[i]), i))
    else:
        order = sorted(range(len(parts)), key=lambda i: (ideal[i] - parts[i], -i))
    step = 1 if gap > 0 else -1
    for k in range(abs(gap)):
        parts[order[k % len(order)]] += step
    return parts


def check_percentages(percentages: Sequence) -> list[Fraction]:
    """Exact percentages that are each within 0..100 and sum to exactly 100, or a SharingError."""
    exact = [to_fraction(p) for p in percentages]
    if not exact:
        raise SharingError("no_parties")
    bad = [str(p) for p in exact if p < 0 or p > HUNDRED]
    if bad:
        raise SharingError("percent_out_of_range", {"values": bad})
    total = sum(exact)
    if total != HUNDRED:
        raise SharingError("percent_sum", {"sum": _fraction_text(total)})
    return exact


def split_by_percent(total: int, percentages: Sequence, rounding: Rounding | str = Rounding.HALF_UP) -> list[int]:
    """``total`` split by percentages that must sum to 100 (e.g. the spec's 30/70)."""
    return allocate(total, check_percentages(percentages), rounding)


def split_cost(amount: int, ratios: Sequence, rounding: Rounding | str = Rounding.HALF_UP) -> list[int]:
    """A shared cost split by ratio (any non-negative weights, e.g. 1:1:2 or percentages)."""
    return allocate(amount, ratios, rounding)


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6g}"


# --------------------------------------------------------------------------- tier ladders


@dataclass(frozen=True)
class Band:
    """Volumes ``lower <= v < upper`` (``upper`` None: no end) are split at ``percentages``."""

    lower: int
    upper: int | None
    percentages: tuple[Fraction, ...]


@dataclass(frozen=True)
class Ladder:
    """Base percentages below the first tier, then tiers; ``method`` says how a volume is split."""

    bands: tuple[Band, ...]
    method: TierMethod

    def band_index(self, volume: int) -> int:
        """The band a volume falls in (volumes below zero count as the first band)."""
        for i in range(len(self.bands) - 1, -1, -1):
            if volume >= self.bands[i].lower:
                return i
        return 0


def build_ladder(base: Sequence, tiers: Sequence[tuple[int, int | None, Sequence]] = (),
                 method: TierMethod | str = TierMethod.MARGINAL) -> Ladder:
    """A checked ladder from base percentages and tiers ``(lower, upper or None, percentages)``.

    Tiers must be given in ascending order, each above zero, touching the next (``upper`` of one
    is ``lower`` of the next: no overlap, no gap) and only the last open-ended. Volumes below the
    first tier's lower bound are split at the base percentages. Every percentage set sums to 100
    and names the same parties as the base.
    """
    method = TierMethod(method)
    base_pct = tuple(check_percentages(base))
    bands = []
    previous_upper: int | None = None
    for index, (lower, upper, percentages) in enumerate(tiers):
        pct = tuple(check_percentages(percentages))
        where = {"tier": index + 1, "lower": lower, "upper": upper}
        if len(pct) != len(base_pct):
            raise SharingError("tier_parties", where)
        if not isinstance(lower, int) or lower <= 0:
            raise SharingError("tier_lower", where)
        if upper is not None and upper <= lower:
            raise SharingError("tier_empty", where)
        if index > 0:
            prev_lower = bands[-1].lower
            if lower < prev_lower:
                raise SharingError("tiers_unsorted", where)
            if previous_upper is None or lower < previous_upper:
                raise SharingError("tiers_overlap", where)
            if lower > previous_upper:
                raise SharingError("tiers_gap", {**where, "previous_upper": previous_upper})
        bands.append(Band(lower, upper, pct))
        previous_upper = upper
    if bands and bands[-1].upper is not None:
        raise SharingError("tiers_open_end", {"tier": len(bands), "upper": bands[-1].upper})
    first = Band(0, bands[0].lower if bands else None, base_pct)
    return Ladder(bands=(first, *bands), method=method)


@dataclass(frozen=True)
class LadderSplit:
    parts: list[int]
    band: int  # the band the whole volume reaches (0 = base percentages)
    by_band: list[tuple[int, int]]  # (band index, volume split in that band), bands with volume only


def ladder_exact_shares(ladder: Ladder, volume: int) -> tuple[list[Fraction], list[tuple[int, int]]]:
    """Each party's exact (unrounded) share of ``volume``, and the volume split in each band."""
    parties = len(ladder.bands[0].percentages)
    if volume <= 0 or ladder.method is TierMethod.WHOLE:
        band = ladder.band_index(volume)
        pct = ladder.bands[band].percentages
        return [volume * p / HUNDRED for p in pct], [(band, volume)] if volume else []
    shares = [Fraction(0)] * parties
    used = []
    for index, band in enumerate(ladder.bands):
        top = volume if band.upper is None else min(volume, band.upper)
        portion = top - band.lower
        if portion <= 0:
            break
        used.append((index, portion))
        for i, p in enumerate(band.percentages):
            shares[i] += portion * p / HUNDRED
    return shares, used


def split_ladder(ladder: Ladder, volume: int, rounding: Rounding | str = Rounding.HALF_UP) -> LadderSplit:
    """``volume`` split between the parties by the ladder; the parts sum exactly to ``volume``."""
    shares, used = ladder_exact_shares(ladder, volume)
    if volume == 0:
        parts = [0] * len(shares)
    elif volume > 0:
        parts = allocate(volume, shares, rounding)
    else:
        parts = [-p for p in allocate(-volume, [-s for s in shares], rounding)]
    return LadderSplit(parts=parts, band=ladder.band_index(volume), by_band=used)


def row_bands(ladder: Ladder, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows in order, the band each row starts in and the band it ends in.

    Marginal ladders fill the bands with the rows in their order (a row that crosses a threshold
    is split across two bands); whole-amount ladders apply one band, that of the total, to every row.
    """
    amounts = np.asarray(amounts, dtype=np.int64)
    if len(amounts) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    if ladder.method is TierMethod.WHOLE:
        band = np.full(len(amounts), ladder.band_index(int(amounts.sum())), dtype=np.int64)
        return band, band
    lowers = np.array([b.lower for b in ladder.bands], dtype=np.int64)
    end = np.cumsum(amounts)
    start = end - amounts
    first = np.searchsorted(lowers, start, side="right") - 1
    last = np.searchsorted(lowers, np.maximum(end - 1, start), side="right") - 1
    return np.maximum(first, 0), np.maximum(last, 0)


# --------------------------------------------------------------------------- payouts and bonuses


def apply_payout_limits(parts: Sequence[int], limits: Sequence[tuple[int | None, int | None]],
                        residual: int) -> list[int]:
    """Clamp each party's part to its (minimum, maximum); the ``residual`` party absorbs the difference.

    Used for minimum and maximum payouts to partners, with our own company as the residual party:
    the sum of the parts does not change.
    """
    out = list(parts)
    for i, (low, high) in enumerate(limits):
        if i == residual:
            continue
        if low is not None and high is not None and low > high:
            raise SharingError("limits_order", {"party": i, "min": low, "max": high})
        target = out[i]
        if low is not None and target < low:
            target = low
        if high is not None and target > high:
            target = high
        out[residual] -= target - out[i]
        out[i] = target
    return out


def bonus_due(*, actual, target, higher_is_better: bool = True, amount: int = 0, percent=0,
              basis: int = 0, rounding: Rounding | str = Rounding.HALF_UP) -> int:
    """A performance bonus: ``amount`` plus ``percent`` of ``basis`` when the KPI target is met, else 0."""
    actual_f, target_f = to_fraction(actual), to_fraction(target)
    met = actual_f >= target_f if higher_is_better else actual_f <= target_f
    if not met:
        return 0
    pct = to_fraction(percent)
    if pct < 0 or amount < 0:
        raise SharingError("negative_bonus", {"amount": amount, "percent": str(pct)})
    return amount + round_fraction(basis * pct / HUNDRED, rounding)


# --------------------------------------------------------------------------- Shapley value


def popcounts(n: int) -> np.ndarray:
    masks = np.arange(1 << n, dtype=np.int64)
    counts = np.zeros(1 << n, dtype=np.int64)
    for i in range(n):
        counts += (masks >> i) & 1
    return counts


def shapley_exact(values: np.ndarray) -> np.ndarray:
    """Shapley values from the value of every coalition, ``values[mask]`` (bit i set: party i in it).

    Vectorised over all 2^n coalitions: phi_i = sum over S without i of
    |S|! (n-|S|-1)! / n! * (v(S + i) - v(S)).
    """
    values = np.asarray(values, dtype=np.float64)
    size = len(values)
    n = size.bit_length() - 1
    if size != 1 << n or n < 1:
        raise SharingError("coalition_table", {"size": size})
    if n > EXACT_SHAPLEY_MAX:
        raise SharingError("too_many_parties", {"parties": n, "max": EXACT_SHAPLEY_MAX})
    counts = popcounts(n)
    weights = np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)])
    masks = np.arange(size, dtype=np.int64)
    phi = np.zeros(n)
    for i in range(n):
        without = masks[((masks >> i) & 1) == 0]
        phi[i] = float(np.sum(weights[counts[without]] * (values[without | (1 << i)] - values[without])))
    return phi


def shapley_sampled(n: int, value: Callable[[int], float], *, samples: int = 2000, seed: int = 0) -> np.ndarray:
    """Shapley values estimated from ``samples`` random orders of the parties (seeded, so repeatable).

    Each order adds the parties one by one; a party's marginal contribution is averaged over
    the orders. ``value(mask)`` is called with memoisation. The estimates sum exactly to
    v(grand coalition) - v(empty), as every order does.
    """
    if n < 1:
        raise SharingError("no_parties")
    if samples < 1:
        raise SharingError("samples", {"samples": samples})
    rng = np.random.default_rng(seed)
    cache: dict[int, float] = {}

    def v(mask: int) -> float:
        if mask not in cache:
            cache[mask] = float(value(mask))
        return cache[mask]

    totals = np.zeros(n)
    for _ in range(samples):
        mask = 0
        before = v(0)
        for i in rng.permutation(n):
            mask |= 1 << int(i)
            after = v(mask)
            totals[i] += after - before
            before = after
    return totals / samples


def shapley(n: int, value: Callable[[int], float], *, samples: int = 2000, seed: int = 0) -> tuple[np.ndarray, bool]:
    """Shapley values and whether they are exact: exact up to EXACT_SHAPLEY_MAX parties, else sampled."""
    if n <= EXACT_SHAPLEY_MAX:
        table = np.array([value(mask) for mask in range(1 << n)], dtype=np.float64)
        return shapley_exact(table), True
    return shapley_sampled(n, value, samples=samples, seed=seed), False


def completed_value(known: dict[int, float]) -> Callable[[int], float]:
    """A coalition value function from the values entered for some coalitions (bit masks).

    An entered coalition keeps its value. Any other coalition S is estimated as the best way
    to make it from an entered sub-coalition T plus the rest working alone:
    max over entered T within S of v(T) + sum of the entered single-party values of S - T
    (a party with no entered value alone counts 0). The empty coalition is worth 0.
    """
    singles = {mask: val for mask, val in known.items() if mask and mask & (mask - 1) == 0}
    entered = [(mask, val) for mask, val in known.items() if mask]
    cache: dict[int, float] = {0: 0.0}

    def alone(mask: int) -> float:
        total = 0.0
        while mask:
            low = mask & -mask
            total += singles.get(low, 0.0)
            mask ^= low
        return total

    def value(mask: int) -> float:
        if mask in cache:
            return cache[mask]
        if mask in known:
            result = float(known[mask])
        else:
            result = alone(mask)
            for sub, val in entered:
                if sub & mask == sub:
                    result = max(result, float(val) + alone(mask & ~sub))
        cache[mask] = result
        return result

    return value
