"""Screening maths (allies.domain.scoring) against baselines measured in the same run.

1. Weighted sum, 1,000,000 candidates x 6 criteria: ``rank_matrix`` vs the plain-numpy
   floor (``X @ w``, argsort, ranks) and vs the spec's per-row Python loop
   (``calculate_score``, timed on 100,000 rows and scaled x10). Goal: within 1.3x of the floor.
2. TOPSIS, same data: ``rank_matrix(method="topsis")`` vs a plain-numpy TOPSIS floor.
   Goal: within 1.3x of the floor.
3. Monte-Carlo sensitivity, 1,000 weight samples over 10,000 candidates, both methods.
   Goal: under 2 s. Also shown beside a naive loop over samples calling ``rank_matrix``
   (timed on 100 samples, scaled x10).

Run: ``.venv/bin/python benchmarks/bench_scoring.py``. Figures are medians of several
repeats, each figure timed in turn with its baseline (A, B, A, B, ...) so both see the
same machine load; the data come from a fixed seed. Exit status 1 if a goal is missed. The environment is left as it is (BLAS
threads and OPENBLAS_CORETYPE included): the machine info printed says what it was.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import interleaved_medians, load_average, machine_info, median_time, print_table  # noqa: E402

from allies.domain.scoring import COST, TOPSIS, WEIGHTED, Criterion, monte_carlo, rank_matrix  # noqa: E402

SEED = 20261127
N = 1_000_000
LOOP_N = 100_000
MC_N = 10_000
MC_SAMPLES = 1_000
MC_NAIVE_SAMPLES = 100
CODES = ("strategic_fit", "resource_complementarity", "financial_health", "market_reputation",
         "cultural_compatibility", "willingness")
WEIGHTS = np.array([0.3, 0.2, 0.15, 0.15, 0.1, 0.1])
FLOOR_GOAL = 1.3
MC_GOAL_S = 2.0


def weighted_criteria() -> list[Criterion]:
    return [Criterion(c, float(w)) for c, w in zip(CODES, WEIGHTS)]


def topsis_criteria() -> list[Criterion]:
    # One cost criterion, so the ideal best/worst flip is part of what is measured.
    return [Criterion(c, float(w), direction=COST if j == 2 else "benefit", scale=None)
            for j, (c, w) in enumerate(zip(CODES, WEIGHTS))]


# --------------------------------------------------------------------------- baselines


def numpy_weighted_floor(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = x.shape[0]
    s = x @ w
    order = np.argsort(-s)
    ranks = np.empty(n, int)
    ranks[order] = np.arange(1, n + 1)
    return ranks


def numpy_topsis_floor(x: np.ndarray, w: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[0]
    v = x / np.sqrt((x * x).sum(axis=0)) * w
    best = np.where(cost, v.min(axis=0), v.max(axis=0))
    worst = np.where(cost, v.max(axis=0), v.min(axis=0))
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    c = d_worst / (d_best + d_worst)
    order = np.argsort(-c)
    ranks = np.empty(n, int)
    ranks[order] = np.arange(1, n + 1)
    return c, ranks


def calculate_score(partner: dict, weights: dict) -> float:
    """The spec's example (section 2.3), row by row."""
    total_score = 0
    for criterion, weight in weights.items():
        total_score += partner[criterion] * weight
    return total_score


def python_loop(partners: list[dict], weights: dict) -> list[int]:
    scores = [calculate_score(p, weights) for p in partners]
    order = sorted(range(len(partners)), key=scores.__getitem__, reverse=True)
    ranks = [0] * len(partners)
    for place, i in enumerate(order, start=1):
        ranks[i] = place
    return ranks


def naive_monte_carlo(x: np.ndarray, criteria: list[Criterion], method: str, samples: int, seed: int):
    """One ``rank_matrix`` call per weight sample, as a first version would do it."""
    weights = WEIGHTS / WEIGHTS.sum()
    draws = np.random.default_rng(seed).dirichlet(100.0 * weights, size=samples)
    firsts = np.zeros(x.shape[0])
    lo = np.full(x.shape[0], x.shape[0] + 1)
    hi = np.zeros(x.shape[0], dtype=int)
    for d in draws:
        sample = [Criterion(c.code, float(max(w, 1e-300)), c.direction, scale=c.scale) for c, w in zip(criteria, d)]
        ranks = rank_matrix(x, sample, method).ranks
        firsts += ranks == 1
        np.minimum(lo, ranks, out=lo)
        np.maximum(hi, ranks, out=hi)
    return firsts / samples, lo, hi


# --------------------------------------------------------------------------- main


def verdict(ratio: float, goal: float) -> str:
    return "PASS" if ratio <= goal else "MISS"


def compared(figure: float, baseline: float) -> str:
    """figure / baseline, with how many times faster or slower in words."""
    ratio = figure / baseline
    words = f"{1 / ratio:.1f}x faster" if ratio < 1 else f"{ratio:.1f}x slower"
    return f"{ratio:.3g}x ({words})"


def main() -> int:
    started = time.perf_counter()
    info = machine_info()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()), flush=True)
    print(f"load average at the start: {load_average()}", flush=True)
    rng = np.random.default_rng(SEED)
    x = rng.uniform(0.0, 10.0, size=(N, len(CODES)))
    w = WEIGHTS / WEIGHTS.sum()
    rows: list[list[str]] = []

    # 1. weighted sum -------------------------------------------------------------
    wc = weighted_criteria()
    ours = rank_matrix(x, wc)
    floor_ranks = numpy_weighted_floor(x, w)
    mismatched = int((ours.ranks != floor_ranks).sum())
    shared = int(N - np.unique(ours.ranks).size)
    print(f"check: weighted ranks differing from the numpy floor: {mismatched} of {N} "
          f"(rank_matrix lets scores within 1e-9 share a rank; {shared} rows share one)", flush=True)
    t_ours, t_floor = interleaved_medians(lambda: rank_matrix(x, wc), lambda: numpy_weighted_floor(x, w), repeats=9)
    partners = [dict(zip(CODES, row)) for row in x[:LOOP_N].tolist()]
    wd = dict(zip(CODES, w.tolist()))
    loop_ranks = python_loop(partners, wd)
    sub = rank_matrix(x[:LOOP_N], wc).ranks
    print(f"check: spec-loop ranks differing from rank_matrix on {LOOP_N:,} rows: "
          f"{int((np.array(loop_ranks) != sub).sum())} (the loop does not let near-equal scores tie)", flush=True)
    t_loop = median_time(lambda: python_loop(partners, wd), repeats=3) * (N / LOOP_N)
    rows.append([f"weighted sum, rank_matrix {N:,} x 6", f"{t_ours:.4f}", "numpy floor (X @ w, argsort)",
                 f"{t_floor:.4f}", f"{t_ours / t_floor:.2f}x", f"<= {FLOOR_GOAL}x", verdict(t_ours / t_floor, FLOOR_GOAL)])
    rows.append([f"weighted sum, rank_matrix {N:,} x 6", f"{t_ours:.4f}",
                 f"spec Python loop (timed on {LOOP_N:,} rows, x{N // LOOP_N})", f"{t_loop:.4f}",
                 compared(t_ours, t_loop), "info", "-"])

    # 2. TOPSIS ---------------------------------------------------------------------
    tc = topsis_criteria()
    cost = np.array([c.direction == COST for c in tc])
    ours_t = rank_matrix(x, tc, TOPSIS)
    floor_c, floor_tr = numpy_topsis_floor(x, w, cost)
    err = float(np.max(np.abs(ours_t.scores - floor_c)))
    print(f"check: TOPSIS closeness max |difference| from the numpy floor: {err:.2e}; "
          f"ranks differing: {int((ours_t.ranks != floor_tr).sum())} of {N} "
          f"({int(N - np.unique(ours_t.ranks).size)} rows share a rank within 1e-9)", flush=True)
    t_ours_t, t_floor_t = interleaved_medians(lambda: rank_matrix(x, tc, TOPSIS),
                                              lambda: numpy_topsis_floor(x, w, cost), repeats=9)
    rows.append([f"TOPSIS, rank_matrix {N:,} x 6", f"{t_ours_t:.4f}", "numpy TOPSIS floor",
                 f"{t_floor_t:.4f}", f"{t_ours_t / t_floor_t:.2f}x", f"<= {FLOOR_GOAL}x",
                 verdict(t_ours_t / t_floor_t, FLOOR_GOAL)])
    del x, partners

    # 3. Monte-Carlo ----------------------------------------------------------------
    xm = np.random.default_rng(SEED + 1).uniform(0.0, 10.0, size=(MC_N, len(CODES)))
    for method, criteria in ((WEIGHTED, wc), (TOPSIS, tc)):
        result = monte_carlo(xm, criteria, method, samples=MC_SAMPLES, seed=SEED)
        naive_p, naive_lo, naive_hi = naive_monte_carlo(xm, criteria, method, MC_NAIVE_SAMPLES, SEED)
        fast_p = monte_carlo(xm, criteria, method, samples=MC_NAIVE_SAMPLES, seed=SEED)
        same = bool(np.array_equal(fast_p.rank_min, naive_lo) and np.array_equal(fast_p.rank_max, naive_hi)
                    and np.allclose(fast_p.p_first, naive_p))
        print(f"check: {method} Monte-Carlo ({MC_NAIVE_SAMPLES} samples) agrees with the naive loop: {same}; "
              f"p_first of the most frequent leader over {MC_SAMPLES}: {result.p_first.max():.3f}", flush=True)
        t_mc, t_naive = interleaved_medians(
            lambda: monte_carlo(xm, criteria, method, samples=MC_SAMPLES, seed=SEED),
            lambda: naive_monte_carlo(xm, criteria, method, MC_NAIVE_SAMPLES, SEED),
            repeats=5,
        )
        t_naive *= MC_SAMPLES / MC_NAIVE_SAMPLES
        label = f"Monte-Carlo {method}, {MC_SAMPLES:,} samples x {MC_N:,} candidates"
        rows.append([label, f"{t_mc:.4f}", "goal 2.0 s", f"{MC_GOAL_S:.4f}", f"{t_mc / MC_GOAL_S:.2f}x",
                     "<= 1.0x", verdict(t_mc / MC_GOAL_S, 1.0)])
        rows.append([label, f"{t_mc:.4f}",
                     f"naive loop of rank_matrix (timed on {MC_NAIVE_SAMPLES} samples, x{MC_SAMPLES // MC_NAIVE_SAMPLES})",
                     f"{t_naive:.4f}", compared(t_mc, t_naive), "info", "-"])

    print()
    print_table(rows, ["benchmark", "figure (median s)", "baseline", "baseline (s)", "ratio", "goal", "result"])
    print(f"\ntotal run time: {time.perf_counter() - started:.0f} s; load average at the end: {load_average()}")
    return 0 if all(r[-1] != "MISS" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
