"""Ecosystem graph metrics against brute force on small graphs (hypothesis) and hand-made cases."""

import itertools
from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allies.domain import initiatives as money
from allies.domain import network as nw


@st.composite
def graphs(draw, max_n=9):
    n = draw(st.integers(1, max_n))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    return n, pairs


def _adj(n, pairs):
    adj = [set() for _ in range(n)]
    for a, b in pairs:
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    return adj


def _components(n, adj, removed=frozenset(), cut_edge=None):
    seen, count = set(removed), 0
    for s in range(n):
        if s in seen:
            continue
        count += 1
        seen.add(s)
        queue = deque([s])
        while queue:
            x = queue.popleft()
            for y in adj[x]:
                if cut_edge and {x, y} == set(cut_edge):
                    continue
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
    return count


def _brute_betweenness(n, adj):
    """Shortest paths between every pair, counted by enumeration."""
    def bfs(s):
        dist, sigma = [-1] * n, [0] * n
        dist[s], sigma[s] = 0, 1
        q = deque([s])
        while q:
            x = q.popleft()
            for y in adj[x]:
                if dist[y] == -1:
                    dist[y] = dist[x] + 1
                    q.append(y)
                if dist[y] == dist[x] + 1:
                    sigma[y] += sigma[x]
        return dist, sigma
    info = [bfs(s) for s in range(n)]
    bc = [0.0] * n
    for s, t in itertools.combinations(range(n), 2):
        dist_s, sig_s = info[s]
        if dist_s[t] <= 0:
            continue
        for v in range(n):
            if v in (s, t):
                continue
            dist_v, sig_v = info[v]
            if dist_s[v] >= 0 and dist_v[t] >= 0 and dist_s[v] + dist_v[t] == dist_s[t]:
                bc[v] += sig_s[v] * sig_v[t] / sig_s[t]
    norm = (n - 1) * (n - 2) / 2 if n > 2 else 1
    return [b / norm for b in bc]


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_exact_betweenness_matches_enumeration(g):
    n, pairs = g
    graph = nw.build(n, [a for a, _b in pairs], [b for _a, b in pairs])
    got = nw.betweenness(graph, samples=None)
    want = _brute_betweenness(n, _adj(n, pairs))
    assert np.allclose(got, want, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_articulation_points_and_bridges_are_exactly_those_that_split(g):
    n, pairs = g
    adj = _adj(n, pairs)
    graph = nw.build(n, [a for a, _b in pairs], [b for _a, b in pairs])
    s = nw.structure(graph)
    base = _components(n, adj)
    assert len(s.component_sizes) == base
    assert int(s.component_sizes.sum()) == n
    splitting = {v for v in range(n) if _components(n, adj, removed=frozenset({v})) > base - (0 if adj[v] else 1)}
    assert set(s.articulation) == splitting
    edges = {(min(a, b), max(a, b)) for a, b in pairs if a != b}
    bridges = {e for e in edges if _components(n, adj, cut_edge=e) > base}
    assert set(s.bridges) == bridges
    for (a, b), separated in s.bridges.items():
        assert 1 <= separated <= n // 2


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_clusters_never_cross_components_and_are_numbered_by_size(g):
    n, pairs = g
    graph = nw.build(n, [a for a, _b in pairs], [b for _a, b in pairs])
    labels = nw.clusters(graph)
    comp = nw.structure(graph).component
    for a in range(n):
        for b in range(n):
            if labels[a] == labels[b]:
                assert comp[a] == comp[b]
    sizes = np.bincount(labels)
    assert list(sizes) == sorted(sizes, reverse=True)


def test_two_dense_groups_joined_by_one_link():
    # two 4-cliques 0-3 and 4-7, joined by 3-4: 3 and 4 are articulation points, 3-4 a bridge
    pairs = [(a, b) for grp in (range(4), range(4, 8)) for a, b in itertools.combinations(grp, 2)] + [(3, 4)]
    g = nw.build(8, [a for a, _b in pairs], [b for _a, b in pairs])
    s = nw.structure(g)
    assert s.articulation == {3: 3, 4: 3}
    assert s.bridges == {(3, 4): 4}
    labels = nw.clusters(g)
    assert len(set(labels[:4])) == 1 and len(set(labels[4:])) == 1 and labels[0] != labels[4]
    bc = nw.betweenness(g, samples=None)
    assert bc[3] == bc[4] == bc.max()


def test_sampled_betweenness_is_close_on_a_larger_graph():
    rng = np.random.default_rng(3)
    n, m = 300, 1200
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    g = nw.build(n, u, v)
    exact = nw.betweenness(g, samples=None)
    approx = nw.betweenness(g, samples=100)
    top_exact = set(np.argsort(-exact)[:10])
    top_approx = set(np.argsort(-approx)[:10])
    assert len(top_exact & top_approx) >= 6
    assert np.abs(exact - approx).max() < 0.05


def test_build_merges_parallel_edges_and_drops_self_loops():
    g = nw.build(3, [0, 1, 0, 2], [1, 0, 0, 2], [1.0, 2.0, 5.0, 1.0])
    assert g.m == 1 and g.w.tolist() == [3.0]
    assert nw.degree(g).tolist() == [1, 1, 0]
    assert nw.strength(g).tolist() == [3.0, 3.0, 0.0]
    with pytest.raises(ValueError):
        nw.build(2, [0], [5])
    with pytest.raises(ValueError):
        nw.build(2, [0], [1], [0.0])


def test_coverage_names_who_covers_each_gap_and_what_nobody_covers():
    c = nw.coverage(["channel", "data", "capital"], {"A": ["channel", "brand"], "B": ["data", "channel"], "C": ["talent"]})
    assert c.covered_by == {"channel": ("A", "B"), "data": ("B",), "capital": ()}
    assert c.uncovered == ("capital",)
    assert [org for org, _flags in c.rows] == ["A", "B"]


def test_suggestions_state_their_evidence_and_skip_pairs_already_together():
    cands = [nw.Candidate("a", frozenset({"channel"}), 30), nw.Candidate("b", frozenset({"data"}), 20),
             nw.Candidate("c", frozenset({"channel"}), 5)]
    shared = {frozenset(("a", "b")): 15, frozenset(("a", "c")): 1}
    out = nw.suggest_multilateral(cands, shared, ["data", "channel"])
    assert (out[0].a, out[0].b) == ("a", "b")
    assert out[0].shared_ab == 15 and out[0].gaps_closed == ("data", "channel")
    assert set(out[0].reasons) == {"customers", "complementary", "gaps"}
    assert 0 <= out[-1].score <= out[0].score <= 1
    again = nw.suggest_multilateral(cands, shared, ["data", "channel"], together=[frozenset(("a", "b"))])
    assert all({s.a, s.b} != {"a", "b"} for s in again)


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**12, 10**12), st.lists(st.integers(0, 10**6), min_size=1, max_size=8).filter(any))
def test_allocate_sums_exactly_and_stays_within_one_unit(total, weights):
    parts = money.allocate(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for p, w in zip(parts, weights):
        assert abs(p - total * w / whole) < 1 + 1e-6


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**13), st.lists(st.tuples(st.integers(0, 10**10), st.integers(1, 2000)), min_size=1,
                                        max_size=5))
def test_positions_add_up_to_the_consortium_value(valuation, parties):
    pos = money.positions(valuation, parties)
    total_bp = sum(s for _a, s in parties)
    assert sum(p.value for p in pos) == money.half_up_div(valuation * total_bp, money.FULL)
    assert all(p.gain == p.value - p.amount for p in pos)


def test_positions_worked_example_and_stakes_over_100_percent():
    pos = money.positions(100_000_000, [(12_000_000, 1500), (9_000_000, 1000)])
    assert [(p.value, p.gain) for p in pos] == [(15_000_000, 3_000_000), (10_000_000, 1_000_000)]
    with pytest.raises(ValueError):
        money.positions(1, [(1, 6000), (1, 5000)])
    with pytest.raises(ValueError):
        money.check_stakes([10_001])
