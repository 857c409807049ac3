"""Partner screening maths: weights, AHP, weighted sum, TOPSIS, knock-outs, ranking, sensitivity.

Everything here works on a candidate matrix of shape (candidates, criteria) of float64.
A NaN cell means "not rated": such a candidate is *incomplete* and is never scored,
because scoring a missing rating as zero would silently punish it.

The vectorised entry point is :func:`rank_matrix`; :func:`rank` wraps it with names for
display.  Messages are not produced here: errors carry a stable ``code`` and ``details``
that the web, API and CLI layers turn into the user's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np

TIE_TOLERANCE = 1e-9
"""Scores closer than this share a rank (standard competition ranking: 1, 2, 2, 4)."""

BENEFIT = "benefit"
COST = "cost"
Direction = Literal["benefit", "cost"]

WEIGHTED = "weighted"
TOPSIS = "topsis"
Method = Literal["weighted", "topsis"]
METHODS = (WEIGHTED, TOPSIS)

SCALE = "scale"
MINMAX = "minmax"
Normalisation = Literal["scale", "minmax"]

RATING_SCALE = (0.0, 10.0)

# Saaty's random consistency index by matrix order (Saaty 1980; 11-15 from Saaty & Tran).
SAATY_RANDOM_INDEX = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
    9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
AHP_MAX_CRITERIA = max(SAATY_RANDOM_INDEX)
AHP_CONSISTENCY_LIMIT = 0.10
SAATY_MIN, SAATY_MAX = 1.0 / 9.0, 9.0


class ScoringError(ValueError):
    """Bad input to the scoring maths. ``code`` is stable; ``details`` names what is wrong."""

    def __init__(self, code: str, details: dict | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(f"{code}: {self.details}")


@dataclass(frozen=True)
class Criterion:
    """One screening criterion as the maths sees it.

    ``scale`` is the bounded range of a rating criterion (0-10); ``None`` marks a raw
    indicator (revenue, debt ratio, ...) whose range is unknown.
    """

    code: str
    weight: float
    direction: Direction = BENEFIT
    knockout_min: float | None = None
    scale: tuple[float, float] | None = RATING_SCALE


@dataclass(frozen=True)
class KnockOut:
    code: str
    value: float
    minimum: float


@dataclass(frozen=True)
class ArrayRanking:
    """A ranking as arrays aligned with the input rows.

    ``order`` lists the ranked rows best first, then the excluded rows, then the
    incomplete ones. ``scores`` is NaN and ``ranks`` is 0 for rows that were not ranked.
    """

    scores: np.ndarray
    ranks: np.ndarray
    order: np.ndarray
    excluded: np.ndarray
    incomplete: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class RankedCandidate:
    index: int
    name: str
    status: Literal["ranked", "excluded", "incomplete"]
    score: float | None
    rank: int | None
    knockouts: tuple[KnockOut, ...] = ()
    missing: tuple[str, ...] = ()
    contributions: tuple[float, ...] = ()


@dataclass(frozen=True)
class Ranking:
    method: Method
    normalisation: Normalisation
    codes: tuple[str, ...]
    weights: dict[str, float]
    candidates: tuple[RankedCandidate, ...]

    @property
    def ranked(self) -> list[RankedCandidate]:
        return [c for c in self.candidates if c.status == "ranked"]


# --------------------------------------------------------------------------- weights


def normalise_weights(weights: Sequence[float], codes: Sequence[str] | None = None) -> np.ndarray:
    """Weights as positive finite numbers scaled to sum to 1.

    Raises ``invalid_weight`` naming the first criterion whose weight is zero, negative
    or not a number.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ScoringError("no_criteria")
    for i, value in enumerate(w):
        if not math.isfinite(value) or value <= 0:
            code = codes[i] if codes is not None else str(i)
            raise ScoringError("invalid_weight", {"criterion": code, "value": float(value)})
    # Scale by the largest weight first: the sum of huge weights would overflow to inf.
    w = w / w.max()
    return w / w.sum()


# --------------------------------------------------------------------------- AHP


@dataclass(frozen=True)
class Judgement:
    """One pairwise judgement ``a[i][j]`` and how far it is from what the weights imply."""

    row: int
    col: int
    value: float
    implied: float
    contribution: float


@dataclass(frozen=True)
class AhpResult:
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    consistent: bool
    judgements: tuple[Judgement, ...] = field(default=())

    def worst_judgements(self, limit: int = 3) -> list[Judgement]:
        """The judgements contributing most to the inconsistency, largest first."""
        return [j for j in self.judgements[:limit] if j.contribution > 1e-12]


def ahp_validate(matrix: Sequence[Sequence[float]]) -> np.ndarray:
    """Check a pairwise-comparison matrix: square, Saaty scale, unit diagonal, reciprocal."""
    try:
        a = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ScoringError("ahp_not_numeric", {"error": str(exc)}) from exc
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ScoringError("ahp_not_square", {"shape": list(a.shape)})
    n = a.shape[0]
    if n < 2:
        raise ScoringError("ahp_too_small", {"size": n})
    if n > AHP_MAX_CRITERIA:
        raise ScoringError("ahp_too_large", {"size": n, "maximum": AHP_MAX_CRITERIA})
    for i in range(n):
        for j in range(n):
            v = a[i, j]
            if not math.isfinite(v) or v <= 0:
                raise ScoringError("ahp_not_positive", {"row": i, "col": j, "value": float(v)})
            if i == j and abs(v - 1.0) > 1e-9:
                raise ScoringError("ahp_diagonal", {"row": i, "col": j, "value": float(v)})
            if v < SAATY_MIN * (1 - 1e-2) or v > SAATY_MAX * (1 + 1e-9):
                raise ScoringError("ahp_out_of_scale", {"row": i, "col": j, "value": float(v)})
    for i in range(n):
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1.0) > 2e-2:
                raise ScoringError(
                    "ahp_not_reciprocal",
                    {"row": i, "col": j, "value": float(a[i, j]), "mirror": float(a[j, i])},
                )
    return a


def ahp_weights(matrix: Sequence[Sequence[float]]) -> AhpResult:
    """Weights from a Saaty pairwise matrix by the principal eigenvector.

    CI = (lambda_max - n) / (n - 1), CR = CI / RI(n). Each judgement's share of the
    inconsistency is e + 1/e - 2 with e = a_ij * w_j / w_i; these shares sum, over the
    upper triangle and divided by n, to exactly lambda_max - n, so the largest ones are
    the judgements to revisit.
    """
    a = ahp_validate(matrix)
    n = a.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, k].real)
    weights = vector / vector.sum()
    lambda_max = float(eigenvalues[k].real)
    ci = max(0.0, (lambda_max - n) / (n - 1))
    ri = SAATY_RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    judgements = []
    for i in range(n):
        for j in range(i + 1, n):
            e = a[i, j] * weights[j] / weights[i]
            judgements.append(
                Judgement(
                    row=i,
                    col=j,
                    value=float(a[i, j]),
                    implied=float(weights[i] / weights[j]),
                    contribution=float((e + 1.0 / e - 2.0) / n),
                )
            )
    judgements.sort(key=lambda jd: jd.contribution, reverse=True)
    return AhpResult(
        weights=weights,
        lambda_max=lambda_max,
        consistency_index=ci,
        random_index=ri,
        consistency_ratio=cr,
        consistent=cr <= AHP_CONSISTENCY_LIMIT,
        judgements=tuple(judgements),
    )


# --------------------------------------------------------------------------- scoring


def _as_matrix(matrix, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The matrix as float64 and a mask of its rows with a NaN (not rated)."""
    x, incomplete, _ = _as_matrix_sums(matrix, np.ones(m))
    return x, incomplete


def _as_matrix_sums(matrix, probe: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The matrix as float64, a mask of its rows with a NaN (not rated), and ``x @ probe``.

    One matrix-vector product with positive ``probe`` finds the rows holding a NaN or an
    infinity (their sum is not finite), so a clean million-row matrix is checked at the
    cost of one pass; with the weights as probe that pass is also the weighted sum.
    """
    m = probe.shape[0]
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != m:
        raise ScoringError("matrix_shape", {"shape": list(x.shape), "criteria": m})
    with np.errstate(over="ignore", invalid="ignore"):
        sums = x @ probe
    incomplete = ~np.isfinite(sums)
    if incomplete.any():
        suspect = np.flatnonzero(incomplete)
        infinite = np.isinf(x[suspect])
        if infinite.any():
            row, col = (int(v) for v in np.argwhere(infinite)[0])
            raise ScoringError("not_finite", {"row": int(suspect[row]), "col": col})
        # A row of huge finite values can overflow the sum: only a NaN makes it incomplete.
        incomplete[suspect] = np.isnan(x[suspect]).any(axis=1)
    return x, incomplete, sums


def _cost_mask(criteria: Sequence[Criterion]) -> np.ndarray:
    for c in criteria:
        if c.direction not in (BENEFIT, COST):
            raise ScoringError("invalid_direction", {"criterion": c.code, "value": c.direction})
    return np.array([c.direction == COST for c in criteria], dtype=bool)


def prepare_weighted(x: np.ndarray, criteria: Sequence[Criterion], normalisation: Normalisation) -> np.ndarray:
    """Turn raw values into "more is better" utilities for the weighted sum.

    ``scale``: values are used as they are (the spec's 0-10 ratings); a cost criterion
    enters as ``low + high - value`` on its scale. ``minmax``: every column is mapped to
    [0, 1] over the candidates given (cost columns reversed); a constant column is 1.
    """
    cost = _cost_mask(criteria)
    if normalisation == SCALE:
        if not cost.any():
            return x
        u = x.copy()
        for j in np.flatnonzero(cost):
            scale = criteria[j].scale
            if scale is None:
                raise ScoringError("cost_needs_scale", {"criterion": criteria[j].code})
            u[:, j] = scale[0] + scale[1] - x[:, j]
        return u
    if normalisation != MINMAX:
        raise ScoringError("invalid_normalisation", {"value": normalisation})
    if x.shape[0] == 0:
        return x.copy()
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    span = hi - lo
    flat = span == 0
    safe = np.where(flat, 1.0, span)
    u = (x - lo) / safe
    u[:, cost] = 1.0 - u[:, cost]
    u[:, flat] = 1.0
    return u


def weighted_scores(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted sum of prepared utilities (see :func:`prepare_weighted`)."""
    return u @ weights


def topsis_parts(x: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vector-normalised matrix and, per criterion, the ideal best and worst normalised values.

    Because weights are positive, the weighted ideal is ``w * best``: the parts do not
    depend on the weights, which lets Monte-Carlo reuse them for every weight sample.
    """
    norms = np.sqrt(np.einsum("ij,ij->j", x, x))
    r = x / np.where(norms == 0, 1.0, norms)
    if r.shape[0] == 0:
        empty = np.zeros(r.shape[1])
        return r, empty, empty
    col_max = r.max(axis=0)
    col_min = r.min(axis=0)
    best = np.where(cost, col_min, col_max)
    worst = np.where(cost, col_max, col_min)
    return r, best, worst


def topsis_scores(x: np.ndarray, weights: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """TOPSIS closeness in [0, 1] with vector normalisation.

    A candidate equal to both ideals (every candidate identical) gets 1: nobody is better.
    """
    r, best, worst = topsis_parts(x, cost)
    w2 = weights * weights
    d_best = np.sqrt(((r - best) ** 2) @ w2)
    d_worst = np.sqrt(((r - worst) ** 2) @ w2)
    total = d_best + d_worst
    with np.errstate(invalid="ignore", divide="ignore"):
        closeness = np.where(total > 0, d_worst / total, 1.0)
    return np.clip(closeness, 0.0, 1.0)


def competition_ranks(scores: np.ndarray, tolerance: float = TIE_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Best-first order and standard competition ranks (1, 2, 2, 4) for ``scores``.

    Neighbours in sorted order closer than ``tolerance`` tie. Returns (order, ranks) with
    ``ranks`` aligned to ``scores``.
    """
    n = scores.shape[0]
    order = np.argsort(-scores)
    if n == 0:
        return order, np.zeros(0, dtype=np.int64)
    ordered = scores[order]
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.greater(ordered[:-1] - ordered[1:], tolerance, out=starts[1:])
    positions = np.arange(1, n + 1)
    if not starts.all():
        positions *= starts  # a tied row takes the position of the first row of its run
        np.maximum.accumulate(positions, out=positions)
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = positions
    return order, ranks


def _knockout_mask(x: np.ndarray, criteria: Sequence[Criterion]) -> np.ndarray | None:
    mins = [(j, c.knockout_min) for j, c in enumerate(criteria) if c.knockout_min is not None]
    if not mins:
        return None
    out = np.zeros(x.shape[0], dtype=bool)
    for j, minimum in mins:
        out |= x[:, j] < minimum
    return out


def score_eligible(x: np.ndarray, criteria: Sequence[Criterion], weights: np.ndarray, method: Method,
                   normalisation: Normalisation) -> np.ndarray:
    """Scores of complete, eligible rows only (no NaN, knock-outs already removed)."""
    if method == WEIGHTED:
        return weighted_scores(prepare_weighted(x, criteria, normalisation), weights)
    if method == TOPSIS:
        return topsis_scores(x, weights, _cost_mask(criteria))
    raise ScoringError("invalid_method", {"value": method})


def rank_matrix(matrix, criteria: Sequence[Criterion], method: Method = WEIGHTED,
                normalisation: Normalisation = SCALE) -> ArrayRanking:
    """Rank every row of ``matrix`` (rows: candidates, columns: ``criteria``).

    Rows with a NaN are incomplete; rows below a knock-out minimum are excluded; the rest
    are scored and ranked. Min-max and TOPSIS normalisation use the eligible rows only.
    """
    if method not in METHODS:
        raise ScoringError("invalid_method", {"value": method})
    weights = normalise_weights([c.weight for c in criteria], [c.code for c in criteria])
    x, incomplete, sums = _as_matrix_sums(matrix, weights)
    n = x.shape[0]
    knocked = _knockout_mask(x, criteria)
    excluded = (knocked & ~incomplete) if knocked is not None else np.zeros(n, dtype=bool)
    eligible = ~(incomplete | excluded)
    all_eligible = bool(eligible.all())
    rows = x if all_eligible else x[eligible]
    if all_eligible and method == WEIGHTED and normalisation == SCALE and not _cost_mask(criteria).any():
        eligible_scores = sums  # ratings used as they are: the check's x @ weights is the score
    else:
        eligible_scores = score_eligible(rows, criteria, weights, method, normalisation)
    local_order, local_ranks = competition_ranks(eligible_scores)
    if all_eligible:
        return ArrayRanking(eligible_scores, local_ranks, local_order, excluded, incomplete, weights)
    index = np.flatnonzero(eligible)
    scores = np.full(n, np.nan)
    scores[index] = eligible_scores
    ranks = np.zeros(n, dtype=np.int64)
    ranks[index] = local_ranks
    order = np.concatenate([index[local_order], np.flatnonzero(excluded), np.flatnonzero(incomplete)])
    return ArrayRanking(scores, ranks, order, excluded, incomplete, weights)


def rank(names: Sequence[str], matrix, criteria: Sequence[Criterion], method: Method = WEIGHTED,
         normalisation: Normalisation = SCALE) -> Ranking:
    """Rank named candidates and explain each place: knock-outs, missing criteria, contributions.

    ``contributions`` (weighted sum only) are each criterion's weight x utility, which add
    up to the score.
    """
    names = list(names)
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise ScoringError("duplicate_name", {"row": i, "name": name})
        seen.add(name)
    result = rank_matrix(matrix, criteria, method, normalisation)
    x = np.asarray(matrix, dtype=np.float64)
    if x.shape[0] != len(names):
        raise ScoringError("names_shape", {"names": len(names), "rows": int(x.shape[0])})
    codes = tuple(c.code for c in criteria)
    contributions = None
    eligible = ~(result.excluded | result.incomplete)
    if method == WEIGHTED and eligible.any():
        u = prepare_weighted(x[eligible], criteria, normalisation)
        contributions = np.full((x.shape[0], len(criteria)), np.nan)
        contributions[eligible] = u * result.weights
    out = []
    n_ranked = int(eligible.sum())
    ranked_part = sorted(result.order[:n_ranked].tolist(), key=lambda i: (result.ranks[i], i))
    for i in ranked_part + result.order[n_ranked:].tolist():
        if result.incomplete[i]:
            missing = tuple(codes[j] for j in np.flatnonzero(np.isnan(x[i])))
            out.append(RankedCandidate(i, names[i], "incomplete", None, None, missing=missing))
        elif result.excluded[i]:
            kos = tuple(
                KnockOut(c.code, float(x[i, j]), float(c.knockout_min))
                for j, c in enumerate(criteria)
                if c.knockout_min is not None and x[i, j] < c.knockout_min
            )
            out.append(RankedCandidate(i, names[i], "excluded", None, None, knockouts=kos))
        else:
            contrib = tuple(float(v) for v in contributions[i]) if contributions is not None else ()
            out.append(RankedCandidate(i, names[i], "ranked", float(result.scores[i]),
                                       int(result.ranks[i]), contributions=contrib))
    return Ranking(
        method=method,
        normalisation=normalisation,
        codes=codes,
        weights={c.code: float(w) for c, w in zip(criteria, result.weights)},
        candidates=tuple(out),
    )


# --------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class WeightThreshold:
    """Where the top candidate changes when one criterion's weight moves.

    The other weights rescale proportionally so the total stays 1. ``lower``/``upper`` is
    the nearest weight below/above the current one at which another candidate takes
    first place (``lower_top``/``upper_top``, a row index), or None for "never".
    """

    code: str
    current: float
    lower: float | None
    lower_top: int | None
    upper: float | None
    upper_top: int | None


def _with_weight(weights: np.ndarray, k: int, t: float) -> np.ndarray:
    rest = 1.0 - weights[k]
    if rest <= 0:
        w = np.zeros_like(weights)
        w[k] = 1.0
        return w
    w = weights * ((1.0 - t) / rest)
    w[k] = t
    return w


def _eligible_rows(x: np.ndarray, incomplete: np.ndarray, criteria: Sequence[Criterion]) -> np.ndarray:
    keep = ~incomplete
    knocked = _knockout_mask(x, criteria)
    if knocked is not None:
        keep &= ~knocked
    return np.flatnonzero(keep)


def weight_thresholds(matrix, criteria: Sequence[Criterion], method: Method = WEIGHTED,
                      normalisation: Normalisation = SCALE, steps: int = 200,
                      precision: float = 1e-6) -> list[WeightThreshold]:
    """For each criterion, the weights at which the top candidate changes, or never.

    A grid of ``steps`` weights on each side of the current one finds the first change;
    bisection then narrows it to ``precision``. Row indices refer to ``matrix``.
    """
    weights = normalise_weights([c.weight for c in criteria], [c.code for c in criteria])
    x, incomplete = _as_matrix(matrix, len(criteria))
    index = _eligible_rows(x, incomplete, criteria)
    rows = x[index]
    out: list[WeightThreshold] = []
    if rows.shape[0] < 2:
        return [WeightThreshold(c.code, float(w), None, None, None, None) for c, w in zip(criteria, weights)]

    if method == WEIGHTED:
        u = prepare_weighted(rows, criteria, normalisation)

        def scores_at(w: np.ndarray) -> np.ndarray:
            return u @ w
    else:
        cost = _cost_mask(criteria)
        r, best, worst = topsis_parts(rows, cost)
        p_best = (r - best) ** 2
        p_worst = (r - worst) ** 2

        def scores_at(w: np.ndarray) -> np.ndarray:
            w2 = w * w
            db = np.sqrt(p_best @ w2)
            dw = np.sqrt(p_worst @ w2)
            total = db + dw
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(total > 0, dw / total, 1.0)

    base_top = int(np.argmax(scores_at(weights)))

    def challenger(k: int, t: float) -> int | None:
        """The row that beats the current top by more than the tie tolerance, or None.

        A tie (within ``TIE_TOLERANCE``) shares first place, so it is not a change.
        """
        s = scores_at(_with_weight(weights, k, t))
        winner = int(np.argmax(s))
        return winner if s[winner] - s[base_top] > TIE_TOLERANCE else None

    for k, c in enumerate(criteria):
        current = float(weights[k])
        found: dict[str, tuple[float, int] | None] = {}
        for side, end in (("lower", 0.0), ("upper", 1.0)):
            found[side] = None
            grid = np.linspace(current, end, steps + 1)[1:]
            prev = current
            for t in grid:
                winner = challenger(k, float(t))
                if winner is not None:
                    lo, hi = prev, float(t)
                    while abs(hi - lo) > precision:
                        mid = (lo + hi) / 2
                        if challenger(k, mid) is None:
                            lo = mid
                        else:
                            hi = mid
                    found[side] = (hi, challenger(k, hi))
                    break
                prev = float(t)
        lower, upper = found["lower"], found["upper"]
        out.append(
            WeightThreshold(
                code=c.code,
                current=current,
                lower=lower[0] if lower else None,
                lower_top=int(index[lower[1]]) if lower else None,
                upper=upper[0] if upper else None,
                upper_top=int(index[upper[1]]) if upper else None,
            )
        )
    return out


@dataclass(frozen=True)
class MonteCarloResult:
    """How often each candidate ranks first, and its range of ranks, over weight samples.

    Arrays are aligned with the input rows; rows that were not eligible have
    ``p_first`` 0 and ranks 0.
    """

    samples: int
    seed: int
    concentration: float
    p_first: np.ndarray
    rank_min: np.ndarray
    rank_max: np.ndarray
    rank_mean: np.ndarray


def monte_carlo(matrix, criteria: Sequence[Criterion], method: Method = WEIGHTED,
                normalisation: Normalisation = SCALE, samples: int = 1000, seed: int = 0,
                concentration: float = 100.0, chunk: int = 64) -> MonteCarloResult:
    """Rank stability under weight uncertainty.

    Weight vectors are drawn from a Dirichlet distribution with mean equal to the model's
    weights and parameters ``concentration * weights`` (larger = tighter around them),
    from a seeded generator so a run is reproducible. Ties share the better rank.
    """
    if samples < 1:
        raise ScoringError("invalid_samples", {"value": samples})
    if not (concentration > 0 and math.isfinite(concentration)):
        raise ScoringError("invalid_concentration", {"value": concentration})
    weights = normalise_weights([c.weight for c in criteria], [c.code for c in criteria])
    x, incomplete = _as_matrix(matrix, len(criteria))
    n_all = x.shape[0]
    index = _eligible_rows(x, incomplete, criteria)
    rows = x[index]
    n = rows.shape[0]
    p_first = np.zeros(n_all)
    rank_min = np.zeros(n_all, dtype=np.int64)
    rank_max = np.zeros(n_all, dtype=np.int64)
    rank_mean = np.zeros(n_all)
    if n == 0:
        return MonteCarloResult(samples, seed, concentration, p_first, rank_min, rank_max, rank_mean)

    rng = np.random.default_rng(seed)
    draws = rng.dirichlet(concentration * weights, size=samples)
    if method == WEIGHTED:
        u_t = np.ascontiguousarray(prepare_weighted(rows, criteria, normalisation).T)

        def scores(w: np.ndarray) -> np.ndarray:
            return np.einsum("sk,kn->sn", w, u_t)
    elif method == TOPSIS:
        r, best, worst = topsis_parts(rows, _cost_mask(criteria))
        pb_t = np.ascontiguousarray(((r - best) ** 2).T)
        pw_t = np.ascontiguousarray(((r - worst) ** 2).T)

        def scores(w: np.ndarray) -> np.ndarray:
            w2 = w * w
            db = np.sqrt(np.einsum("sk,kn->sn", w2, pb_t))
            dw = np.sqrt(np.einsum("sk,kn->sn", w2, pw_t))
            total = db + dw
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(total > 0, dw / total, 1.0)
    else:
        raise ScoringError("invalid_method", {"value": method})

    # The products above have a tiny inner dimension (the criteria): einsum's own loop does
    # them without BLAS, whose worker threads cost far more than they save here (and spin
    # against the sorts on a busy machine).
    firsts = np.zeros(n, dtype=np.int64)
    lo = np.full(n, n + 1, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    total_rank = np.zeros(n)
    positions = np.arange(1, n + 1)
    for start in range(0, samples, chunk):
        s = scores(draws[start:start + chunk])
        # Not kind="stable": ties get the same rank whatever their order, and the default
        # (SIMD) sort is about twice as fast, which is most of the run time.
        order = np.argsort(-s, axis=1)
        ordered = np.take_along_axis(s, order, axis=1)
        starts = np.ones_like(ordered, dtype=bool)
        starts[:, 1:] = (ordered[:, :-1] - ordered[:, 1:]) > TIE_TOLERANCE
        pos = np.where(starts, positions, 0)
        np.maximum.accumulate(pos, axis=1, out=pos)
        ranks = np.empty_like(pos)
        np.put_along_axis(ranks, order, pos, axis=1)
        firsts += (ranks == 1).sum(axis=0)
        np.minimum(lo, ranks.min(axis=0), out=lo)
        np.maximum(hi, ranks.max(axis=0), out=hi)
        total_rank += ranks.sum(axis=0)
    p_first[index] = firsts / samples
    rank_min[index] = lo
    rank_max[index] = hi
    rank_mean[index] = total_rank / samples
    return MonteCarloResult(samples, seed, concentration, p_first, rank_min, rank_max, rank_mean)
