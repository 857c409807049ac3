"""Ecosystem graph metrics (spec 7.1): pure numpy, no Django, no networkx.

The network is undirected: organisations are nodes ``0..n-1`` and each relation is an
edge with a positive strength. Parallel relations between the same two organisations
(an agreement *and* shared customers, say) are merged into one edge whose weight is the
sum of their strengths.

What each figure means (the web page shows the same sentences):

- degree: how many organisations one is directly linked to; strength: the sum of its
  links' weights.
- betweenness: the share of shortest paths between other organisations that pass
  through it (Brandes' algorithm on unweighted hops). On more than ``samples`` nodes it
  is *estimated* from shortest paths out of ``samples`` randomly chosen sources (a fixed
  seed, so the same graph gives the same figures), scaled up by ``n / samples``; on
  smaller graphs it is exact.
- articulation point: an organisation whose loss splits its part of the network in two
  or more; ``separated`` counts the organisations that would be cut off from the largest
  remaining piece.
- bridge: a single link whose loss splits the network; ``separated`` counts the
  organisations on the smaller side.
- clusters: groups found by label propagation (each organisation repeatedly adopts the
  label carrying most link weight among its neighbours, a random half of them per round
  so that it settles); organisations in one cluster are linked more among themselves
  than with the rest. Isolated organisations form their own cluster.

Resource coverage and multilateral suggestions are plain set arithmetic over what each
partner offers and what we declared as our gaps, see :func:`coverage` and
:func:`suggest_multilateral`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

DEFAULT_SAMPLES = 64
DEFAULT_SEED = 20260701
LPA_ROUNDS = 15


# --------------------------------------------------------------------------- the graph


@dataclass(frozen=True)
class Graph:
    """An undirected weighted graph in compressed sparse row form (both directions stored)."""

    n: int
    u: np.ndarray  # merged undirected edges, u < v
    v: np.ndarray
    w: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    @property
    def m(self) -> int:
        return int(self.u.size)


def build(n: int, u: Sequence[int] | np.ndarray, v: Sequence[int] | np.ndarray,
          w: Sequence[float] | np.ndarray | None = None) -> Graph:
    """The graph on ``n`` nodes with edges ``u[i] - v[i]`` of strength ``w[i]`` (default 1).

    Self-loops are dropped (an organisation is not related to itself); parallel edges
    are merged, their strengths summed. Strengths must be finite and positive.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    u = np.asarray(u, dtype=np.int64).ravel()
    v = np.asarray(v, dtype=np.int64).ravel()
    if u.shape != v.shape:
        raise ValueError("u and v must have the same length")
    w = np.ones(u.size) if w is None else np.asarray(w, dtype=np.float64).ravel()
    if w.shape != u.shape:
        raise ValueError("w must have one strength per edge")
    if u.size and (u.min() < 0 or v.min() < 0 or u.max() >= n or v.max() >= n):
        raise ValueError("edge endpoints must be node numbers 0..n-1")
    if w.size and (not np.all(np.isfinite(w)) or w.min() <= 0):
        raise ValueError("strengths must be finite and positive")
    keep = u != v
    a, b, w = np.minimum(u, v)[keep], np.maximum(u, v)[keep], w[keep]
    if a.size:
        key = a * n + b
        uniq, inv = np.unique(key, return_inverse=True)
        w = np.bincount(inv, weights=w, minlength=uniq.size)
        a, b = uniq // n, uniq % n
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    ww = np.concatenate([w, w])
    order = np.lexsort((dst, src))
    src, dst, ww = src[order], dst[order], ww[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    if src.size:
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return Graph(n=n, u=a, v=b, w=np.asarray(w, dtype=np.float64), indptr=indptr, indices=dst.astype(np.int64),
                 weights=ww)


# --------------------------------------------------------------------------- centrality


def degree(g: Graph) -> np.ndarray:
    """Number of distinct neighbours of every node."""
    return np.diff(g.indptr)


def strength(g: Graph) -> np.ndarray:
    """Sum of the strengths of every node's links."""
    out = np.zeros(g.n)
    if g.indices.size:
        out = np.add.reduceat(g.weights, g.indptr[:-1].clip(max=g.weights.size - 1))
        out[np.diff(g.indptr) == 0] = 0.0
    return out


def degree_centrality(g: Graph) -> np.ndarray:
    """Degree over the most it could be (n - 1): 1.0 means linked to everyone."""
    if g.n <= 1:
        return np.zeros(g.n)
    return degree(g) / (g.n - 1)


def _gather(g: Graph, frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (node, neighbour) pair out of ``frontier``, vectorised."""
    starts = g.indptr[frontier]
    counts = g.indptr[frontier + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    first = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    pos = first + np.arange(total)
    return np.repeat(frontier, counts), g.indices[pos]


def _dependencies(g: Graph, s: int) -> np.ndarray:
    """Brandes' single-source dependencies by level-synchronous BFS (unweighted hops)."""
    n = g.n
    dist = np.full(n, -1, dtype=np.int32)
    sigma = np.zeros(n)
    dist[s], sigma[s] = 0, 1.0
    frontier = np.array([s], dtype=np.int64)
    level = 0
    dag: list[tuple[np.ndarray, np.ndarray]] = []
    while frontier.size:
        src, nbr = _gather(g, frontier)
        if not nbr.size:
            break
        d = dist[nbr]
        on = d == -1
        dist[nbr[on]] = level + 1  # newly reached (repeats are harmless)
        on |= d == level + 1  # ... or already reached at this depth through another parent
        a, b = src[on], nbr[on]
        if not b.size:
            break
        sigma += np.bincount(b, weights=sigma[a], minlength=n)
        dag.append((a, b))
        level += 1
        frontier = np.flatnonzero(dist == level)
    delta = np.zeros(n)
    for a, b in reversed(dag):
        delta += np.bincount(a, weights=sigma[a] / sigma[b] * (1.0 + delta[b]), minlength=n)
    delta[s] = 0.0
    return delta


def betweenness(g: Graph, *, samples: int | None = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Normalised betweenness centrality in [0, 1] (exact when ``samples`` is None or >= n).

    With sampling, the dependencies of ``samples`` random sources are summed and scaled by
    ``n / samples`` (Brandes & Pich 2007), an unbiased estimate of the exact figure.
    """
    n = g.n
    if n <= 2:
        return np.zeros(n)
    if samples is None or samples >= n:
        sources = np.arange(n)
    else:
        if samples < 1:
            raise ValueError("samples must be at least 1")
        sources = np.sort(np.random.default_rng(seed).choice(n, size=samples, replace=False))
    total = np.zeros(n)
    for s in sources:
        total += _dependencies(g, int(s))
    total *= n / sources.size
    total /= 2.0  # every unordered pair was counted from both ends
    return np.clip(total / ((n - 1) * (n - 2) / 2.0), 0.0, 1.0)


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Structure:
    component: np.ndarray  # component number of every node, 0 = the largest
    component_sizes: np.ndarray
    articulation: dict[int, int]  # node -> organisations cut off from the rest of its part by its loss
    bridges: dict[tuple[int, int], int]  # (u, v), u < v -> organisations on the smaller side


def structure(g: Graph) -> Structure:
    """Connected components, articulation points and bridges in one iterative DFS (Tarjan)."""
    n = g.n
    indptr = g.indptr.tolist()
    indices = g.indices.tolist()
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    comp = [-1] * n
    articulation: dict[int, int] = {}
    bridges: dict[tuple[int, int], int] = {}
    sizes: list[int] = []
    t = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        c = len(sizes)
        disc[root] = low[root] = t
        t += 1
        comp[root] = c
        stack = [(root, -1, indptr[root])]
        root_children: list[int] = []
        cut_pieces: dict[int, list[int]] = {}
        found: list[tuple[int, int]] = []
        while stack:
            node, parent, pos = stack[-1]
            if pos < indptr[node + 1]:
                stack[-1] = (node, parent, pos + 1)
                nxt = indices[pos]
                if disc[nxt] == -1:
                    disc[nxt] = low[nxt] = t
                    t += 1
                    comp[nxt] = c
                    if node == root:
                        root_children.append(nxt)
                    stack.append((nxt, node, indptr[nxt]))
                elif nxt != parent and disc[nxt] < low[node]:
                    low[node] = disc[nxt]
                continue
            stack.pop()
            if parent == -1:
                continue
            size[parent] += size[node]
            if low[node] < low[parent]:
                low[parent] = low[node]
            if low[node] > disc[parent]:
                found.append((min(parent, node), max(parent, node)))
                bridges[found[-1]] = size[node]
            if low[node] >= disc[parent] and parent != root:
                cut_pieces.setdefault(parent, []).append(size[node])
        total = size[root]
        sizes.append(total)
        for node, pieces in cut_pieces.items():
            # without it, its cut-off subtrees and the rest of the part fall apart; count all but the largest piece
            rest = total - 1 - sum(pieces)
            articulation[node] = total - 1 - max([*pieces, rest])
        if len(root_children) >= 2:
            # without the root its child subtrees fall apart; all but the largest count as cut off
            subtrees = [size[x] for x in root_children]
            articulation[root] = total - 1 - max(subtrees)
        for key in found:  # the smaller side of each bridge
            bridges[key] = min(bridges[key], total - bridges[key])
    order = np.argsort(-np.asarray(sizes, dtype=np.int64), kind="stable")
    renumber = np.empty(len(sizes), dtype=np.int64)
    renumber[order] = np.arange(len(sizes))
    component = renumber[np.asarray(comp, dtype=np.int64)] if n else np.empty(0, np.int64)
    return Structure(component=component, component_sizes=np.asarray(sizes, dtype=np.int64)[order],
                     articulation=articulation, bridges=bridges)


def clusters(g: Graph, *, rounds: int = LPA_ROUNDS, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Cluster number of every node by weighted label propagation, 0 = the largest cluster.

    Clusters never cross connected components. Ties keep the current label, else the
    smallest; a random half of the nodes moves each round (fixed seed), which stops the
    two-colour oscillation of fully synchronous updates. It stops when no node would
    change, or when fewer than 1 in 1,000 would, or after ``rounds`` rounds.
    """
    n = g.n
    labels = np.arange(n, dtype=np.int64)
    if n == 0 or not g.indices.size:
        return _renumber(labels)
    key_type = np.int32 if n * n < 2**31 else np.int64
    src = np.repeat(np.arange(n, dtype=key_type), np.diff(g.indptr))
    dst, w = g.indices, g.weights
    rng = np.random.default_rng(seed)
    for _round in range(rounds):
        key = src * key_type(n) + labels[dst].astype(key_type)
        order = np.argsort(key)
        key = key[order]
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        score = np.add.reduceat(w[order], starts)
        uniq = key[starts].astype(np.int64)
        node, lab = uniq // n, uniq % n
        score = score + np.where(lab == labels[node], 1e-9 * (1 + score), 0.0)  # ties keep the current label
        # the best label of each node: the highest score, then the smallest label (keys are sorted by node, label)
        node_start = np.flatnonzero(np.concatenate(([True], node[1:] != node[:-1])))
        top = np.maximum.reduceat(score, node_start)
        counts = np.diff(np.append(node_start, node.size))
        winners = np.flatnonzero(score >= np.repeat(top, counts))
        firsts = winners[np.concatenate(([True], node[winners][1:] != node[winners][:-1]))]
        best = labels.copy()
        best[node[firsts]] = lab[firsts]
        changing = best != labels
        if not changing.any() or changing.sum() * 1000 < n:
            labels = best
            break
        move = rng.random(n) < 0.5
        labels = np.where(move, best, labels)
    return _renumber(labels)


def _renumber(labels: np.ndarray) -> np.ndarray:
    uniq, inv, counts = np.unique(labels, return_inverse=True, return_counts=True)
    # largest first; equal sizes by the smallest member, so numbering is stable
    first_member = np.full(uniq.size, labels.size, dtype=np.int64)
    np.minimum.at(first_member, inv, np.arange(labels.size))
    order = np.lexsort((first_member, -counts))
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[order] = np.arange(uniq.size)
    return rank[inv]


# --------------------------------------------------------------------------- everything at once


@dataclass(frozen=True)
class Analysis:
    degree: np.ndarray
    strength: np.ndarray
    degree_centrality: np.ndarray
    betweenness: np.ndarray
    betweenness_exact: bool
    structure: Structure
    clusters: np.ndarray


def analyse(g: Graph, *, samples: int | None = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> Analysis:
    return Analysis(degree=degree(g), strength=strength(g), degree_centrality=degree_centrality(g),
                    betweenness=betweenness(g, samples=samples, seed=seed),
                    betweenness_exact=samples is None or samples >= g.n, structure=structure(g),
                    clusters=clusters(g, seed=seed))


# --------------------------------------------------------------------------- resources


@dataclass(frozen=True)
class Coverage:
    gaps: tuple[str, ...]
    rows: tuple[tuple[Hashable, tuple[bool, ...]], ...]  # (organisation, covers gap i?) for those covering any
    covered_by: dict[str, tuple[Hashable, ...]]
    uncovered: tuple[str, ...]


def coverage(gaps: Sequence[str], offers: Mapping[Hashable, Iterable[str]]) -> Coverage:
    """Which organisation offers which of our gaps, and which gaps nobody offers.

    ``offers`` maps an organisation to the resource types it offers; the order of
    ``offers`` is kept for the rows, the order of ``gaps`` (most urgent first) for the columns.
    """
    gaps = tuple(dict.fromkeys(gaps))
    rows = []
    covered: dict[str, list] = {gap: [] for gap in gaps}
    for org, resources in offers.items():
        have = set(resources)
        flags = tuple(gap in have for gap in gaps)
        if any(flags):
            rows.append((org, flags))
            for gap, flag in zip(gaps, flags):
                if flag:
                    covered[gap].append(org)
    return Coverage(gaps=gaps, rows=tuple(rows), covered_by={k: tuple(v) for k, v in covered.items()},
                    uncovered=tuple(g for g in gaps if not covered[g]))


# --------------------------------------------------------------------------- multilateral moves


@dataclass(frozen=True)
class Candidate:
    """A partner already linked with us, as the suggestion rule sees it."""

    key: Hashable
    resources: frozenset[str]
    shared_with_us: int  # customers it shares with us


@dataclass(frozen=True)
class Suggestion:
    a: Hashable
    b: Hashable
    score: float  # 0..1
    shared_a_us: int
    shared_b_us: int
    shared_ab: int
    only_a: tuple[str, ...]  # resources a offers and b does not
    only_b: tuple[str, ...]
    gaps_closed: tuple[str, ...]  # our gaps the two cover together
    reasons: tuple[str, ...] = field(default=())  # "customers", "complementary", "gaps"


def suggest_multilateral(candidates: Sequence[Candidate], shared: Mapping[frozenset, int], gaps: Sequence[str], *,
                         together: Iterable[frozenset] = (), min_shared: int = 1, limit: int = 10
                         ) -> list[Suggestion]:
    """Pairs of partners that could join us in a three-way (multilateral) alliance.

    A pair qualifies when both already work with us, are not yet together in a
    multilateral agreement (``together``), and either share at least ``min_shared``
    customers with each other or offer complementary resources that close at least one
    of our gaps. Score (0..1) = half the customer overlap (the pair's shared customers
    over the most any pair shares, times the share of their customers with us they hold
    in common) + half the complementarity (our gaps the pair closes together over all
    our gaps, or without declared gaps their distinct resources over all resource kinds
    they offer).
    """
    together = {frozenset(p) for p in together}
    gap_set = list(dict.fromkeys(gaps))
    pairs = []
    for i, a in enumerate(candidates):
        for b in candidates[i + 1:]:
            key = frozenset((a.key, b.key))
            if key in together or a.key == b.key:
                continue
            ab = int(shared.get(key, 0))
            only_a = tuple(sorted(a.resources - b.resources))
            only_b = tuple(sorted(b.resources - a.resources))
            union = a.resources | b.resources
            closed = tuple(gp for gp in gap_set if gp in union and not (gp in a.resources and gp in b.resources))
            reasons = []
            if ab >= min_shared:
                reasons.append("customers")
            if only_a and only_b:
                reasons.append("complementary")
            if closed and only_a and only_b:
                reasons.append("gaps")
            if "customers" not in reasons and "gaps" not in reasons:
                continue
            pairs.append((a, b, ab, only_a, only_b, closed, tuple(reasons), union))
    top = max((p[2] for p in pairs), default=0)
    out = []
    for a, b, ab, only_a, only_b, closed, reasons, union in pairs:
        with_us = min(a.shared_with_us, b.shared_with_us)
        customer = (ab / top if top else 0.0) * (min(1.0, ab / with_us) if with_us else 0.5)
        if gap_set:
            complement = len(closed) / len(gap_set)
        else:
            complement = (len(only_a) + len(only_b)) / len(union) if union else 0.0
        score = round(0.5 * customer + 0.5 * complement, 4)
        out.append(Suggestion(a=a.key, b=b.key, score=score, shared_a_us=a.shared_with_us,
                              shared_b_us=b.shared_with_us, shared_ab=ab, only_a=only_a, only_b=only_b,
                              gaps_closed=closed, reasons=reasons))
    out.sort(key=lambda s: (-s.score, -s.shared_ab, str(s.a), str(s.b)))
    return out[:limit]


def pair_overlaps(memberships: Mapping[Hashable, Iterable[Hashable]]) -> dict[frozenset, int]:
    """Shared-customer counts between organisations from who holds which customer key.

    ``memberships`` maps a customer key (e.g. one identifier hash) to the organisations
    whose lists hold it. Callers pass one entry per *customer*, already merged across
    identifiers, so a customer is counted once per pair.
    """
    counts: dict[frozenset, int] = {}
    for orgs in memberships.values():
        members = sorted(set(orgs), key=str)
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                key = frozenset((x, y))
                counts[key] = counts.get(key, 0) + 1
    return counts


def safe_ratio(a: float, b: float) -> float:
    return a / b if b and math.isfinite(b) else 0.0
