"""Ecosystem graph analytics (allies.domain.network) on 10,000 organisations and 100,000 relations.

Goal (issue 7): the whole analysis (build + degree + sampled betweenness + articulation
points/bridges/components + label-propagation clusters) under 3 s.

Each part is shown beside a baseline measured in the same run:
- build: ``np.unique`` of the edge keys (the merge of parallel relations alone);
- degree/strength: ``np.bincount`` of the raw endpoints;
- betweenness (64 sampled sources, Brandes): plain BFS distances from the same 64 sources
  (level-synchronous numpy, no path counting) - the floor of any shortest-path method;
- structure (iterative Tarjan in Python): a plain Python BFS labelling components;
- clusters (label propagation, <= 15 rounds, stops early when settled): one ``np.unique``
  of the (node, neighbour label) keys, i.e. the sorting floor of a single round (the ratio
  reads as "rounds' worth of work").

Run: ``.venv/bin/python benchmarks/bench_network.py``. Medians of interleaved repeats
(figure, baseline, figure, baseline ...) so both see the same machine load; a fixed seed.
Exit status 1 if the goal is missed.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import interleaved_medians, load_average, machine_info  # noqa: E402

from allies.domain import network as nw  # noqa: E402

SEED = 20261127
N = 10_000
M = 100_000
GOAL_S = 3.0


def data():
    rng = np.random.default_rng(SEED)
    # a few dense communities plus random long links, like a real partner network
    community = rng.integers(0, 50, N)
    u = rng.integers(0, N, M)
    local = rng.random(M) < 0.7
    members = {c: np.flatnonzero(community == c) for c in range(50)}
    v = rng.integers(0, N, M)
    for c, idx in members.items():
        pick = local & (community[u] == c)
        v[pick] = rng.choice(idx, size=int(pick.sum()))
    w = rng.random(M) * 0.9 + 0.1
    return u, v, w


def bfs_floor(g: nw.Graph, sources: np.ndarray) -> None:
    for s in sources:
        dist = np.full(g.n, -1, dtype=np.int32)
        dist[s] = 0
        frontier = np.array([s])
        level = 0
        while frontier.size:
            starts = g.indptr[frontier]
            counts = g.indptr[frontier + 1] - starts
            total = int(counts.sum())
            if not total:
                break
            pos = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
            nbr = g.indices[pos]
            nbr = nbr[dist[nbr] == -1]
            level += 1
            dist[nbr] = level
            frontier = np.flatnonzero(dist == level)


def python_components(g: nw.Graph) -> int:
    indptr, indices = g.indptr.tolist(), g.indices.tolist()
    seen = [False] * g.n
    count = 0
    for s in range(g.n):
        if seen[s]:
            continue
        count += 1
        seen[s] = True
        q = deque([s])
        while q:
            x = q.popleft()
            for y in indices[indptr[x]:indptr[x + 1]]:
                if not seen[y]:
                    seen[y] = True
                    q.append(y)
    return count


def unique_rounds(g: nw.Graph, rounds: int) -> None:
    src = np.repeat(np.arange(g.n, dtype=np.int64), np.diff(g.indptr))
    labels = np.arange(g.n)
    for _ in range(rounds):
        np.unique(src * g.n + labels[g.indices])


def main() -> int:
    print(machine_info())
    print(f"load average before: {load_average()}")
    u, v, w = data()
    g = nw.build(N, u, v, w)
    sources = np.sort(np.random.default_rng(nw.DEFAULT_SEED).choice(N, size=nw.DEFAULT_SAMPLES, replace=False))

    def clusters():
        nw.clusters(g)

    rows = []
    t_total, t_floor = interleaved_medians(lambda: nw.analyse(nw.build(N, u, v, w)),
                                           lambda: (np.bincount(u, minlength=N), bfs_floor(g, sources)), repeats=3)
    parts = [
        ("build (merge parallel relations)", lambda: nw.build(N, u, v, w), "np.unique of edge keys",
         lambda: np.unique(np.minimum(u, v) * N + np.maximum(u, v))),
        ("degree + strength", lambda: (nw.degree(g), nw.strength(g)), "np.bincount of endpoints",
         lambda: (np.bincount(u, minlength=N), np.bincount(v, minlength=N))),
        (f"betweenness ({nw.DEFAULT_SAMPLES} sampled sources)", lambda: nw.betweenness(g),
         f"plain BFS from the same {nw.DEFAULT_SAMPLES} sources", lambda: bfs_floor(g, sources)),
        ("articulation points, bridges, components", lambda: nw.structure(g), "plain Python BFS components",
         lambda: python_components(g)),
        (f"clusters (label propagation, <= {nw.LPA_ROUNDS} rounds)", clusters,
         "1 x np.unique of (node, label) keys", lambda: unique_rounds(g, 1)),
    ]
    for name, fn, base_name, base in parts:
        a, b = interleaved_medians(fn, base, repeats=3)
        rows.append((name, a, base_name, b))
    print(f"\n{N:,} organisations, {M:,} relations ({g.m:,} distinct pairs); medians of 3 interleaved runs\n")
    print(f"{'part':<45} {'time':>8}  {'baseline':<45} {'time':>8} {'ratio':>7}")
    for name, a, base_name, b in rows:
        print(f"{name:<45} {a:8.3f}s  {base_name:<45} {b:8.3f}s {a / b:7.2f}x")
    print(f"{'whole analysis (analyse)':<45} {t_total:8.3f}s  {'degree count + plain BFS floor':<45} "
          f"{t_floor:8.3f}s {t_total / t_floor:7.2f}x")
    ok = t_total < GOAL_S
    print(f"\ngoal: whole analysis under {GOAL_S:.1f} s -> {t_total:.2f} s: {'met' if ok else 'MISSED'}")
    print(f"load average after: {load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    start = time.perf_counter()
    code = main()
    print(f"(benchmark ran {time.perf_counter() - start:.0f} s)")
    sys.exit(code)
