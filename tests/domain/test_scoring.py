"""Unit and property tests of the screening maths (allies.domain.scoring). No database."""

from __future__ import annotations

import math
import os
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from allies.domain import scoring
from allies.domain.scoring import (
    COST,
    MINMAX,
    SCALE,
    TIE_TOLERANCE,
    TOPSIS,
    WEIGHTED,
    Criterion,
    KnockOut,
    ScoringError,
    ahp_validate,
    ahp_weights,
    competition_ranks,
    monte_carlo,
    normalise_weights,
    rank,
    rank_matrix,
    weight_thresholds,
)

# ALLIES_HYPOTHESIS_EXAMPLES raises the example count for a deeper local run.
PROPERTY = settings(
    max_examples=int(os.environ.get("ALLIES_HYPOTHESIS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --------------------------------------------------------------------------- the spec's example (section 2.3)

SPEC_CODES = (
    "strategic_fit",
    "resource_complementarity",
    "financial_health",
    "market_reputation",
    "cultural_compatibility",
)
SPEC_WEIGHTS = (0.3, 0.25, 0.2, 0.15, 0.1)
SPEC_NAMES = ("A", "B", "C")
SPEC_MATRIX = (
    (8, 9, 7, 8, 6),
    (9, 7, 9, 9, 8),
    (7, 8, 6, 7, 9),
)


def spec_criteria(**overrides) -> list[Criterion]:
    return [Criterion(code, weight, **overrides) for code, weight in zip(SPEC_CODES, SPEC_WEIGHTS)]


def calculate_score(partner: dict, weights: dict) -> float:
    """The spec's own per-row loop, used as an independent oracle."""
    total = 0.0
    for criterion, weight in weights.items():
        total += partner[criterion] * weight
    return total


def hand_topsis(matrix, weights, cost=None) -> list[float]:
    """TOPSIS closeness written out in plain Python from the textbook formula."""
    rows = [list(map(float, r)) for r in matrix]
    m = len(rows[0])
    cost = cost or [False] * m
    total_w = sum(weights)
    w = [v / total_w for v in weights]
    norms = [math.sqrt(sum(r[j] ** 2 for r in rows)) for j in range(m)]
    v = [[w[j] * r[j] / norms[j] for j in range(m)] for r in rows]
    best = [(min if cost[j] else max)(r[j] for r in v) for j in range(m)]
    worst = [(max if cost[j] else min)(r[j] for r in v) for j in range(m)]
    out = []
    for r in v:
        d_best = math.sqrt(sum((r[j] - best[j]) ** 2 for j in range(m)))
        d_worst = math.sqrt(sum((r[j] - worst[j]) ** 2 for j in range(m)))
        total = d_best + d_worst
        out.append(d_worst / total if total > 0 else 1.0)
    return out


def test_spec_example_weighted_totals_and_order():
    result = rank(SPEC_NAMES, SPEC_MATRIX, spec_criteria())
    scores = {c.name: c.score for c in result.candidates}
    # The spec prints 8.30 and 7.45 for B and C; the arithmetic gives 8.40 and 7.25.
    assert scores == {"A": pytest.approx(7.85), "B": pytest.approx(8.40), "C": pytest.approx(7.25)}
    assert [c.name for c in result.candidates] == ["B", "A", "C"]
    assert [c.rank for c in result.candidates] == [1, 2, 3]
    assert all(c.status == "ranked" for c in result.candidates)
    assert result.codes == SPEC_CODES
    assert result.weights == pytest.approx(dict(zip(SPEC_CODES, SPEC_WEIGHTS)))


def test_spec_example_matches_the_spec_loop():
    weights = dict(zip(SPEC_CODES, SPEC_WEIGHTS))
    expected = [calculate_score(dict(zip(SPEC_CODES, row)), weights) for row in SPEC_MATRIX]
    result = rank_matrix(SPEC_MATRIX, spec_criteria())
    assert result.scores.tolist() == pytest.approx(expected)
    assert result.ranks.tolist() == [2, 1, 3]
    assert result.order.tolist() == [1, 0, 2]
    assert result.weights.sum() == pytest.approx(1.0)


def test_spec_example_contributions_add_up_to_the_score():
    result = rank(SPEC_NAMES, SPEC_MATRIX, spec_criteria())
    b = result.candidates[0]
    assert b.name == "B"
    assert b.contributions == pytest.approx((9 * 0.3, 7 * 0.25, 9 * 0.2, 9 * 0.15, 8 * 0.1))
    for c in result.candidates:
        assert sum(c.contributions) == pytest.approx(c.score)


def test_weights_are_normalised_so_percentages_give_the_same_totals():
    criteria = [Criterion(code, weight * 100) for code, weight in zip(SPEC_CODES, SPEC_WEIGHTS)]
    result = rank_matrix(SPEC_MATRIX, criteria)
    assert result.scores.tolist() == pytest.approx([7.85, 8.40, 7.25])


# --------------------------------------------------------------------------- TOPSIS


def test_topsis_on_the_spec_example_matches_the_hand_formula():
    expected = hand_topsis(SPEC_MATRIX, SPEC_WEIGHTS)
    result = rank_matrix(SPEC_MATRIX, spec_criteria(), method=TOPSIS)
    assert result.scores.tolist() == pytest.approx(expected, rel=1e-12)
    # B is at least as good as A and C on four criteria out of five.
    assert result.order.tolist()[0] == 1
    assert sorted(result.ranks.tolist()) == [1, 2, 3]
    assert np.argsort(-np.array(expected)).tolist() == result.order.tolist()


def test_topsis_hand_worked_example_with_a_tie():
    # Columns (3,4,0) and (4,3,0) both have norm 5, so r = (.6,.8), (.8,.6), (0,0); with
    # equal weights v = (.3,.4), (.4,.3), (0,0); ideal best (.4,.4), worst (0,0).
    # A: d+ = .1, d- = .5 -> 5/6.  B: the same.  C: d- = 0 -> 0.
    criteria = [Criterion("x", 1), Criterion("y", 1)]
    result = rank(["A", "B", "C"], [[3, 4], [4, 3], [0, 0]], criteria, method=TOPSIS)
    by_name = {c.name: c for c in result.candidates}
    assert by_name["A"].score == pytest.approx(5 / 6)
    assert by_name["B"].score == pytest.approx(5 / 6)
    assert by_name["C"].score == pytest.approx(0.0)
    assert [c.rank for c in result.candidates] == [1, 1, 3]
    assert [c.name for c in result.candidates] == ["A", "B", "C"]
    assert all(c.contributions == () for c in result.candidates)


def test_topsis_cost_criterion_lower_is_better():
    # r = (.6,.8), (.8,.6). With "y" a cost, B=(.8,.6) is the ideal best and A the ideal worst.
    criteria = [Criterion("x", 1), Criterion("y", 1, direction=COST)]
    result = rank_matrix([[3, 4], [4, 3]], criteria, method=TOPSIS)
    assert result.scores.tolist() == pytest.approx([0.0, 1.0])
    assert result.ranks.tolist() == [2, 1]
    # Flipping the direction flips the verdict.
    benefit = rank_matrix([[3, 4], [4, 3]], [Criterion("x", 1, direction=COST), Criterion("y", 1)], method=TOPSIS)
    assert benefit.scores.tolist() == pytest.approx([1.0, 0.0])


def test_topsis_mixed_directions_match_the_hand_formula():
    matrix = [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]]
    weights = [0.25, 0.25, 0.25, 0.25]
    cost = [True, False, False, False]  # price is a cost
    criteria = [Criterion(f"c{j}", w, direction=COST if cost[j] else "benefit", scale=None)
                for j, w in enumerate(weights)]
    result = rank_matrix(matrix, criteria, method=TOPSIS)
    expected = hand_topsis(matrix, weights, cost)
    assert result.scores.tolist() == pytest.approx(expected, rel=1e-12)
    assert result.order.tolist() == np.argsort(-np.array(expected), kind="stable").tolist()


def test_topsis_identical_candidates_all_get_one():
    result = rank_matrix([[5, 5], [5, 5], [5, 5]], [Criterion("x", 1), Criterion("y", 2)], method=TOPSIS)
    assert result.scores.tolist() == [1.0, 1.0, 1.0]
    assert result.ranks.tolist() == [1, 1, 1]


def test_cost_criterion_on_the_rating_scale_for_weighted_sum():
    # A cost rating enters as 0 + 10 - value.
    criteria = [Criterion("quality", 1), Criterion("risk", 1, direction=COST)]
    result = rank_matrix([[8, 2], [8, 6]], criteria)
    assert result.scores.tolist() == pytest.approx([(8 + 8) / 2, (8 + 4) / 2])
    assert result.ranks.tolist() == [1, 2]


def test_cost_criterion_without_a_scale_needs_minmax():
    criteria = [Criterion("revenue", 1, scale=None), Criterion("debt", 1, direction=COST, scale=None)]
    with pytest.raises(ScoringError) as err:
        rank_matrix([[10, 1], [20, 2]], criteria)
    assert err.value.code == "cost_needs_scale"
    assert err.value.details == {"criterion": "debt"}
    result = rank_matrix([[10, 1], [20, 2], [15, 3]], criteria, normalisation=MINMAX)
    # minmax: revenue (0, 1, .5); debt reversed (1, .5, 0)
    assert result.scores.tolist() == pytest.approx([0.5, 0.75, 0.25])
    assert result.ranks.tolist() == [2, 1, 3]


def test_minmax_constant_column_counts_as_one():
    criteria = [Criterion("x", 1), Criterion("y", 1)]
    result = rank_matrix([[0, 7], [10, 7]], criteria, normalisation=MINMAX)
    assert result.scores.tolist() == pytest.approx([0.5, 1.0])


def test_invalid_method_and_normalisation_and_direction():
    with pytest.raises(ScoringError) as err:
        rank_matrix(SPEC_MATRIX, spec_criteria(), method="borda")
    assert err.value.code == "invalid_method"
    with pytest.raises(ScoringError) as err:
        rank_matrix(SPEC_MATRIX, spec_criteria(), normalisation="zscore")
    assert err.value.code == "invalid_normalisation"
    with pytest.raises(ScoringError) as err:
        rank_matrix(SPEC_MATRIX, spec_criteria(direction="up"))
    assert err.value.code == "invalid_direction"
    assert err.value.details["criterion"] == "strategic_fit"


def test_matrix_shape_must_match_criteria():
    with pytest.raises(ScoringError) as err:
        rank_matrix([[1, 2, 3]], spec_criteria())
    assert err.value.code == "matrix_shape"
    assert err.value.details == {"shape": [1, 3], "criteria": 5}
    with pytest.raises(ScoringError) as err:
        rank(["A", "B"], SPEC_MATRIX, spec_criteria())
    assert err.value.code == "names_shape"


def test_empty_matrix_ranks_nothing():
    result = rank_matrix(np.zeros((0, 5)), spec_criteria())
    assert result.scores.shape == (0,)
    assert result.order.tolist() == []


# --------------------------------------------------------------------------- competition ranking


def test_competition_ranking_1_2_2_4_within_tolerance():
    scores = np.array([0.9, 0.5, 0.5 + TIE_TOLERANCE / 2, 0.1])
    order, ranks = competition_ranks(scores)
    assert ranks.tolist() == [1, 2, 2, 4]
    assert order[0] == 0 and order[-1] == 3
    assert set(order[1:3].tolist()) == {1, 2}


def test_scores_further_apart_than_tolerance_do_not_tie():
    scores = np.array([0.9, 0.5, 0.5 + 3 * TIE_TOLERANCE, 0.1])
    order, ranks = competition_ranks(scores)
    assert ranks.tolist() == [1, 3, 2, 4]
    assert order.tolist() == [0, 2, 1, 3]


def test_competition_ranking_of_a_three_way_tie_at_the_top():
    order, ranks = competition_ranks(np.array([3.0, 3.0, 1.0, 3.0, 2.0]))
    assert ranks.tolist() == [1, 1, 5, 1, 4]
    assert order.tolist()[3:] == [4, 2]


def test_rank_lists_tied_candidates_by_input_order():
    criteria = [Criterion("x", 1), Criterion("y", 1)]
    result = rank(["P", "Q", "R", "S"], [[9, 9], [5, 6], [6, 5], [1, 1]], criteria)
    assert [(c.name, c.rank) for c in result.candidates] == [("P", 1), ("Q", 2), ("R", 2), ("S", 4)]


def test_ranking_tie_through_rank_matrix():
    criteria = [Criterion("x", 1), Criterion("y", 1)]
    result = rank_matrix([[9, 1], [1, 9], [5, 5], [0, 0]], criteria)
    assert result.ranks.tolist() == [1, 1, 1, 4]


# --------------------------------------------------------------------------- knock-outs and incomplete rows


def test_knockouts_exclude_before_scoring_with_reasons():
    criteria = [
        Criterion("strategic_fit", 0.3),
        Criterion("resource_complementarity", 0.25),
        Criterion("financial_health", 0.2, knockout_min=7),
        Criterion("market_reputation", 0.15),
        Criterion("cultural_compatibility", 0.1, knockout_min=7),
    ]
    result = rank(SPEC_NAMES, SPEC_MATRIX, criteria)
    assert [(c.name, c.status) for c in result.candidates] == [("B", "ranked"), ("A", "excluded"), ("C", "excluded")]
    by_name = {c.name: c for c in result.candidates}
    assert by_name["B"].rank == 1 and by_name["B"].score == pytest.approx(8.40)
    assert by_name["A"].knockouts == (KnockOut("cultural_compatibility", 6.0, 7.0),)
    assert by_name["C"].knockouts == (KnockOut("financial_health", 6.0, 7.0),)
    assert by_name["A"].score is None and by_name["A"].rank is None
    arrays = rank_matrix(SPEC_MATRIX, criteria)
    assert arrays.excluded.tolist() == [True, False, True]
    assert arrays.ranks.tolist() == [0, 1, 0]
    assert np.isnan(arrays.scores[[0, 2]]).all()
    assert arrays.order.tolist() == [1, 0, 2]


def test_knockout_at_exactly_the_minimum_passes():
    criteria = [Criterion("x", 1, knockout_min=5), Criterion("y", 1)]
    result = rank_matrix([[5, 1], [4.999, 9]], criteria)
    assert result.excluded.tolist() == [False, True]
    assert result.ranks.tolist() == [1, 0]


def test_excluded_rows_come_after_ranked_and_incomplete_last():
    criteria = [Criterion("x", 1, knockout_min=3), Criterion("y", 1)]
    matrix = [[1, 9], [np.nan, 5], [6, 6], [2, np.nan], [8, 8], [0, 0]]
    result = rank(["a", "b", "c", "d", "e", "f"], matrix, criteria)
    assert [(c.name, c.status) for c in result.candidates] == [
        ("e", "ranked"), ("c", "ranked"), ("a", "excluded"), ("f", "excluded"),
        ("b", "incomplete"), ("d", "incomplete"),
    ]
    arrays = rank_matrix(matrix, criteria)
    assert arrays.order.tolist() == [4, 2, 0, 5, 1, 3]
    # A row both incomplete and below a minimum is reported as incomplete, not excluded.
    assert arrays.excluded.tolist() == [True, False, False, False, False, True]
    assert arrays.incomplete.tolist() == [False, True, False, True, False, False]


@pytest.mark.parametrize("method,normalisation", [(WEIGHTED, MINMAX), (TOPSIS, SCALE)])
def test_normalisation_uses_eligible_rows_only(method, normalisation):
    criteria = [Criterion("x", 1, scale=None), Criterion("y", 2, knockout_min=1, scale=None)]
    eligible = [[10.0, 4.0], [20.0, 2.0], [15.0, 3.0]]
    # The knocked-out row has an extreme x that would move min-max bounds and TOPSIS norms.
    with_knockout = eligible + [[1000.0, 0.5]]
    with_incomplete = eligible + [[-500.0, np.nan]]
    alone = rank_matrix(eligible, criteria, method, normalisation)
    for matrix in (with_knockout, with_incomplete):
        mixed = rank_matrix(matrix, criteria, method, normalisation)
        assert mixed.scores[:3].tolist() == pytest.approx(alone.scores.tolist(), rel=1e-12)
        assert mixed.ranks[:3].tolist() == alone.ranks.tolist()
        assert mixed.ranks[3] == 0 and np.isnan(mixed.scores[3])


def test_nan_rows_are_incomplete_with_missing_codes_and_never_scored():
    matrix = [[8, 9, 7, 8, 6], [9, np.nan, 9, np.nan, 8], [7, 8, 6, 7, 9]]
    result = rank(SPEC_NAMES, matrix, spec_criteria())
    assert [(c.name, c.status) for c in result.candidates] == [("A", "ranked"), ("C", "ranked"), ("B", "incomplete")]
    b = result.candidates[-1]
    assert b.missing == ("resource_complementarity", "market_reputation")
    assert b.score is None and b.rank is None and b.contributions == ()
    arrays = rank_matrix(matrix, spec_criteria())
    assert arrays.incomplete.tolist() == [False, True, False]
    assert arrays.ranks.tolist() == [1, 0, 2]
    assert arrays.scores[0] == pytest.approx(7.85)
    assert math.isnan(arrays.scores[1])


def test_all_rows_incomplete():
    result = rank_matrix([[np.nan, 1.0], [2.0, np.nan]], [Criterion("x", 1), Criterion("y", 1)])
    assert result.incomplete.tolist() == [True, True]
    assert result.ranks.tolist() == [0, 0]
    assert result.order.tolist() == [0, 1]


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_an_infinite_value_raises_not_finite(value):
    matrix = [[8, 9, 7, 8, 6], [9, 7, 9, 9, 8], [7, 8, np.nan, 7, value]]
    with pytest.raises(ScoringError) as err:
        rank_matrix(matrix, spec_criteria())
    assert err.value.code == "not_finite"
    assert err.value.details == {"row": 2, "col": 4}


def test_huge_finite_values_are_not_incomplete():
    # Regression: the row-sum check overflowed to inf and marked the row incomplete.
    criteria = [Criterion("revenue", 1, scale=None), Criterion("profit", 1, scale=None)]
    result = rank(["big", "small"], [[1e308, 1e308], [1.0, 2.0]], criteria)
    assert [(c.name, c.status) for c in result.candidates] == [("big", "ranked"), ("small", "ranked")]
    assert result.candidates[0].score == pytest.approx(1e308)
    # monte_carlo and weight_thresholds check the matrix with a plain row sum (1e308 + 1e308).
    mc = monte_carlo([[1e308, 1e308], [1.0, 2.0]], criteria, samples=20, seed=0)
    assert mc.p_first.tolist() == [1.0, 0.0]
    assert mc.rank_max.tolist() == [1, 2]


# --------------------------------------------------------------------------- weights and names


@pytest.mark.parametrize("bad", [0.0, -0.2, float("nan"), float("inf")])
def test_invalid_weight_names_the_criterion(bad):
    criteria = spec_criteria()
    criteria[2] = Criterion("financial_health", bad)
    with pytest.raises(ScoringError) as err:
        rank_matrix(SPEC_MATRIX, criteria)
    assert err.value.code == "invalid_weight"
    assert err.value.details["criterion"] == "financial_health"
    assert err.value.details["value"] == bad or (math.isnan(bad) and math.isnan(err.value.details["value"]))
    assert isinstance(err.value, ValueError)


def test_invalid_weight_without_codes_names_the_position():
    with pytest.raises(ScoringError) as err:
        normalise_weights([1.0, 0.0])
    assert err.value.details["criterion"] == "1"
    with pytest.raises(ScoringError) as err:
        normalise_weights([])
    assert err.value.code == "no_criteria"
    assert normalise_weights([1, 3]).tolist() == [0.25, 0.75]


def test_duplicate_names_raise():
    with pytest.raises(ScoringError) as err:
        rank(["A", "B", "A"], SPEC_MATRIX, spec_criteria())
    assert err.value.code == "duplicate_name"
    assert err.value.details == {"row": 2, "name": "A"}


# --------------------------------------------------------------------------- AHP


def power_iteration(a: np.ndarray, steps: int = 500) -> tuple[np.ndarray, float]:
    v = np.ones(a.shape[0])
    for _ in range(steps):
        v = a @ v
        v = v / v.sum()
    lam = float((a @ v).sum() / v.sum())
    return v, lam


def test_ahp_perfectly_consistent_matrix_returns_its_weights():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = w[:, None] / w[None, :]
    result = ahp_weights(a.tolist())
    assert result.weights.tolist() == pytest.approx(w.tolist(), abs=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.consistent is True
    assert result.random_index == 0.90
    assert result.worst_judgements() == []


def test_ahp_saaty_classic_three_by_three():
    # Widely cited example: weights 0.637 / 0.258 / 0.105, lambda_max 3.0385, CR 0.033.
    a = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    result = ahp_weights(a)
    assert result.weights.tolist() == pytest.approx([0.6370, 0.2583, 0.1047], abs=5e-4)
    assert result.lambda_max == pytest.approx(3.0385, abs=5e-4)
    assert result.consistency_index == pytest.approx((result.lambda_max - 3) / 2)
    assert result.random_index == 0.58
    assert result.consistency_ratio == pytest.approx(0.0332, abs=5e-4)
    assert result.consistent is True
    v, lam = power_iteration(np.array(a))
    assert result.weights.tolist() == pytest.approx(v.tolist(), abs=1e-10)
    assert result.lambda_max == pytest.approx(lam, abs=1e-10)


def test_ahp_two_by_two_is_always_consistent():
    result = ahp_weights([[1, 9], [1 / 9, 1]])
    assert result.weights.tolist() == pytest.approx([0.9, 0.1])
    assert result.consistency_ratio == 0.0
    assert result.consistent is True


def test_ahp_inconsistent_three_by_three_cycle():
    # A >> B, B >> C, yet C >> A.
    result = ahp_weights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert result.consistency_ratio > 0.10
    assert result.consistent is False
    assert len(result.worst_judgements()) == 3


def test_ahp_one_flipped_judgement_is_named_first():
    w = np.array([8.0, 4.0, 2.0, 1.0])
    a = w[:, None] / w[None, :]
    a[0, 3], a[3, 0] = 1 / 8, 8.0  # contradicts the chain 0 > 1 > 2 > 3
    result = ahp_weights(a)
    assert result.consistency_ratio > 0.10
    assert result.consistent is False
    worst = result.worst_judgements(limit=1)
    assert [(j.row, j.col) for j in worst] == [(0, 3)]
    assert worst[0].value == 1 / 8
    assert worst[0].implied == pytest.approx(result.weights[0] / result.weights[3])
    assert len(result.worst_judgements()) == 3
    contributions = [j.contribution for j in result.judgements]
    assert contributions == sorted(contributions, reverse=True)


@pytest.mark.parametrize(
    "matrix",
    [
        [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]],
        [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]],
        [[1, 2, 1 / 4, 7], [1 / 2, 1, 3, 1 / 5], [4, 1 / 3, 1, 6], [1 / 7, 5, 1 / 6, 1]],
    ],
)
def test_ahp_judgement_contributions_sum_to_lambda_max_minus_n(matrix):
    result = ahp_weights(matrix)
    n = len(matrix)
    assert len(result.judgements) == n * (n - 1) // 2
    total = sum(j.contribution for j in result.judgements)
    assert total == pytest.approx(result.lambda_max - n, abs=1e-9)


@pytest.mark.parametrize(
    "matrix,code,details",
    [
        ([[1, 2, 3], [1 / 2, 1, 2]], "ahp_not_square", {"shape": [2, 3]}),
        ([1, 2, 3], "ahp_not_square", {"shape": [3]}),
        ([[1]], "ahp_too_small", {"size": 1}),
        ([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 2, 1]], "ahp_not_reciprocal", {"row": 1, "col": 2}),
        ([[1, 3], [0.3, 1]], "ahp_not_reciprocal", {"row": 0, "col": 1, "value": 3.0, "mirror": 0.3}),
        ([[1, 10], [0.1, 1]], "ahp_out_of_scale", {"row": 0, "col": 1}),
        ([[1, 0.1], [10, 1]], "ahp_out_of_scale", {"row": 0, "col": 1}),
        ([[1, 2, 3], [1 / 2, 1, 0], [1 / 3, 1, 1]], "ahp_not_positive", {"row": 1, "col": 2}),
        ([[1, 2, 3], [1 / 2, 1, -2], [1 / 3, -1 / 2, 1]], "ahp_not_positive", {"row": 1, "col": 2}),
        ([[1, 2, 3], [1 / 2, 1, float("nan")], [1 / 3, 1, 1]], "ahp_not_positive", {"row": 1, "col": 2}),
        ([[1, 2, 3], [1 / 2, 2, 2], [1 / 3, 1 / 2, 1]], "ahp_diagonal", {"row": 1, "col": 1}),
        ([[1, "x"], [1, 1]], "ahp_not_numeric", {}),
    ],
)
def test_ahp_validation_codes(matrix, code, details):
    with pytest.raises(ScoringError) as err:
        ahp_validate(matrix)
    assert err.value.code == code
    for key, value in details.items():
        assert err.value.details[key] == value
    with pytest.raises(ScoringError) as err:
        ahp_weights(matrix)
    assert err.value.code == code


def test_ahp_too_large():
    n = scoring.AHP_MAX_CRITERIA + 1
    with pytest.raises(ScoringError) as err:
        ahp_validate(np.ones((n, n)))
    assert err.value.code == "ahp_too_large"
    assert err.value.details == {"size": n, "maximum": scoring.AHP_MAX_CRITERIA}


def test_ahp_accepts_rounded_reciprocals():
    a = ahp_validate([[1, 3, 9], [0.333, 1, 3], [0.111, 0.333, 1]])
    assert a.shape == (3, 3)


@st.composite
def saaty_matrices(draw):
    n = draw(st.integers(2, 7))
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            v = draw(st.sampled_from(scale))
            a[i, j], a[j, i] = v, 1 / v
    return a


@PROPERTY
@given(saaty_matrices())
def test_ahp_properties(a):
    n = a.shape[0]
    result = ahp_weights(a)
    assert result.weights.sum() == pytest.approx(1.0)
    assert (result.weights > 0).all()
    assert result.lambda_max >= n - 1e-9
    total = sum(j.contribution for j in result.judgements)
    assert total == pytest.approx(result.lambda_max - n, abs=1e-8)
    assert result.consistent == (result.consistency_ratio <= 0.10)


@PROPERTY
@given(st.lists(st.integers(1, 9), min_size=2, max_size=8))
def test_ahp_consistent_matrices_from_any_weights(raw):
    w = np.array(raw, dtype=float)
    assume(w.max() / w.min() <= 9)
    a = w[:, None] / w[None, :]
    result = ahp_weights(a)
    assert result.weights.tolist() == pytest.approx((w / w.sum()).tolist(), abs=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)


# --------------------------------------------------------------------------- property tests of ranking


@st.composite
def rating_problems(draw, min_rows=2, max_rows=12):
    m = draw(st.integers(1, 6))
    n = draw(st.integers(min_rows, max_rows))
    x = draw(st.lists(st.lists(st.integers(0, 10), min_size=m, max_size=m), min_size=n, max_size=n))
    weights = draw(st.lists(st.integers(1, 100), min_size=m, max_size=m))
    directions = draw(st.lists(st.sampled_from(["benefit", "cost"]), min_size=m, max_size=m))
    return np.array(x, dtype=float), weights, directions


def make_criteria(weights, directions=None, factor=1.0):
    directions = directions or ["benefit"] * len(weights)
    return [Criterion(f"c{j}", w * factor, direction=d) for j, (w, d) in enumerate(zip(weights, directions))]


@PROPERTY
@given(rating_problems(), st.sampled_from([1e-3, 0.07, 3.0, 250.0, 1e4]), st.sampled_from([WEIGHTED, TOPSIS]))
def test_scaling_every_weight_changes_no_rank(problem, factor, method):
    x, weights, directions = problem
    base = rank_matrix(x, make_criteria(weights, directions), method)
    scaled = rank_matrix(x, make_criteria(weights, directions, factor), method)
    assert scaled.ranks.tolist() == base.ranks.tolist()
    assert scaled.scores.tolist() == pytest.approx(base.scores.tolist(), rel=1e-9, abs=1e-12)


@PROPERTY
@given(rating_problems(min_rows=1), st.sampled_from([WEIGHTED, TOPSIS]))
def test_ranks_are_well_formed(problem, method):
    x, weights, directions = problem
    result = rank_matrix(x, make_criteria(weights, directions), method)
    n = x.shape[0]
    ranks = result.ranks
    assert ranks.min() >= 1 and ranks.max() <= n
    assert ranks[np.argmax(result.scores)] == 1
    assert sorted(result.order.tolist()) == list(range(n))
    assert (np.diff(ranks[result.order]) >= 0).all()
    # Competition ranking: rank = 1 + number of candidates clearly better.
    s = result.scores
    for i in range(n):
        assert ranks[i] <= 1 + int((s > s[i] + TIE_TOLERANCE).sum()) + 0
        assert ranks[i] >= 1 + int((s > s[i] + n * TIE_TOLERANCE).sum())


@PROPERTY
@given(rating_problems(min_rows=1))
def test_topsis_closeness_is_in_unit_interval_and_matches_hand_formula(problem):
    x, weights, directions = problem
    result = rank_matrix(x, make_criteria(weights, directions), TOPSIS)
    assert ((result.scores >= 0) & (result.scores <= 1)).all()
    cost = [d == COST for d in directions]
    norms_ok = (np.sqrt((x**2).sum(axis=0)) > 0).all()
    assume(norms_ok and x.shape[0] >= 2)
    v = x / np.sqrt((x**2).sum(axis=0)) * (np.array(weights) / sum(weights))
    distinct = (np.abs(v - v[0]) > 1e-12).any()
    assume(distinct)
    expected = hand_topsis(x.tolist(), weights, cost)
    assert result.scores.tolist() == pytest.approx(expected, rel=1e-9, abs=1e-12)


@PROPERTY
@given(rating_problems(), st.data())
def test_adding_a_constant_to_a_benefit_column_keeps_the_weighted_order(problem, data):
    x, weights, _ = problem
    j = data.draw(st.integers(0, x.shape[1] - 1))
    shift = data.draw(st.integers(-50, 50))
    criteria = make_criteria(weights)
    base = rank_matrix(x, criteria)
    moved = x.copy()
    moved[:, j] += shift
    shifted = rank_matrix(moved, criteria)
    assert shifted.ranks.tolist() == base.ranks.tolist()
    w = np.array(weights, dtype=float) / sum(weights)
    assert (shifted.scores - base.scores).tolist() == pytest.approx([w[j] * shift] * x.shape[0], abs=1e-9)


@PROPERTY
@given(rating_problems(), st.sampled_from([WEIGHTED, TOPSIS]))
def test_weighted_sum_agrees_with_the_spec_loop(problem, method):
    x, weights, _ = problem
    criteria = make_criteria(weights)
    result = rank_matrix(x, criteria, WEIGHTED)
    wd = {c.code: c.weight / sum(weights) for c in criteria}
    expected = [calculate_score({c.code: row[j] for j, c in enumerate(criteria)}, wd) for row in x]
    assert result.scores.tolist() == pytest.approx(expected, abs=1e-9)


# --------------------------------------------------------------------------- Monte-Carlo sensitivity


def test_monte_carlo_spec_example_is_reproducible_and_b_usually_wins():
    one = monte_carlo(SPEC_MATRIX, spec_criteria(), samples=500, seed=7)
    two = monte_carlo(SPEC_MATRIX, spec_criteria(), samples=500, seed=7)
    assert one.p_first.tolist() == two.p_first.tolist()
    assert one.rank_mean.tolist() == two.rank_mean.tolist()
    assert one.samples == 500 and one.seed == 7 and one.concentration == 100.0
    # B beats A by 0.55 and C by 1.15 at the model weights: it stays first almost always.
    assert one.p_first[1] > 0.95
    assert one.rank_min.tolist()[1] == 1
    assert one.rank_max[2] == 3


def test_monte_carlo_spreads_with_lower_concentration():
    tight = monte_carlo(SPEC_MATRIX, spec_criteria(), samples=400, seed=1, concentration=1000.0)
    loose = monte_carlo(SPEC_MATRIX, spec_criteria(), samples=400, seed=1, concentration=1.0)
    assert tight.p_first[1] == 1.0
    assert loose.p_first[1] < tight.p_first[1]


def test_monte_carlo_leaves_ineligible_rows_at_zero():
    criteria = spec_criteria()
    criteria[4] = Criterion("cultural_compatibility", 0.1, knockout_min=7)
    matrix = [list(r) for r in SPEC_MATRIX] + [[np.nan, 1, 1, 1, 1]]
    result = monte_carlo(matrix, criteria, samples=50, seed=3)
    assert result.p_first[0] == 0 and result.rank_min[0] == 0 and result.rank_max[0] == 0
    assert result.p_first[3] == 0 and result.rank_mean[3] == 0
    assert result.p_first[1] + result.p_first[2] == pytest.approx(1.0)


@pytest.mark.parametrize("method", [WEIGHTED, TOPSIS])
def test_monte_carlo_ties_within_tolerance_share_first_place(method):
    criteria = [Criterion("x", 1), Criterion("y", 1)]
    matrix = [[5.0, 5.0], [5.0, 5.0 + 1e-12], [4.0, 4.0]]
    result = monte_carlo(matrix, criteria, method, samples=100, seed=2, concentration=5.0)
    assert result.p_first.tolist() == [1.0, 1.0, 0.0]
    assert result.rank_max.tolist() == [1, 1, 3]
    assert result.rank_mean.tolist() == [1.0, 1.0, 3.0]


@pytest.mark.parametrize("kwargs,code", [({"samples": 0}, "invalid_samples"),
                                         ({"concentration": 0.0}, "invalid_concentration"),
                                         ({"concentration": float("inf")}, "invalid_concentration"),
                                         ({"method": "borda"}, "invalid_method")])
def test_monte_carlo_rejects_bad_parameters(kwargs, code):
    with pytest.raises(ScoringError) as err:
        monte_carlo(SPEC_MATRIX, spec_criteria(), **kwargs)
    assert err.value.code == code


@PROPERTY
@given(rating_problems(), st.sampled_from([WEIGHTED, TOPSIS]), st.integers(0, 2**32 - 1))
def test_monte_carlo_properties(problem, method, seed):
    x, weights, directions = problem
    criteria = make_criteria(weights, directions)
    one = monte_carlo(x, criteria, method, samples=40, seed=seed, chunk=16)
    two = monte_carlo(x, criteria, method, samples=40, seed=seed, chunk=16)
    n = x.shape[0]
    assert one.p_first.tolist() == two.p_first.tolist()
    assert one.rank_min.tolist() == two.rank_min.tolist()
    assert one.rank_max.tolist() == two.rank_max.tolist()
    assert one.rank_mean.tolist() == two.rank_mean.tolist()
    assert ((one.p_first >= 0) & (one.p_first <= 1)).all()
    assert one.p_first.sum() >= 1 - 1e-12
    assert (one.rank_min >= 1).all() and (one.rank_max <= n).all()
    assert (one.rank_min <= one.rank_max).all()
    assert ((one.rank_mean >= one.rank_min - 1e-12) & (one.rank_mean <= one.rank_max + 1e-12)).all()
    # The best rank ever reached is 1 for whoever had p_first > 0.
    assert ((one.p_first > 0) == (one.rank_min == 1)).all()


def test_monte_carlo_matches_a_per_sample_loop():
    rng = np.random.default_rng(11)
    x = rng.integers(0, 11, size=(30, 4)).astype(float)
    weights = [0.4, 0.3, 0.2, 0.1]
    for method in (WEIGHTED, TOPSIS):
        criteria = make_criteria(weights, ["benefit", "cost", "benefit", "benefit"])
        result = monte_carlo(x, criteria, method, samples=60, seed=5, concentration=20.0, chunk=7)
        draws = np.random.default_rng(5).dirichlet(20.0 * np.array(weights), size=60)
        ranks = np.array([
            rank_matrix(x, [Criterion(c.code, float(w), direction=c.direction) for c, w in zip(criteria, d)],
                        method).ranks
            for d in draws
        ])
        assert result.p_first.tolist() == pytest.approx(((ranks == 1).sum(axis=0) / 60).tolist())
        assert result.rank_min.tolist() == ranks.min(axis=0).tolist()
        assert result.rank_max.tolist() == ranks.max(axis=0).tolist()
        assert result.rank_mean.tolist() == pytest.approx(ranks.mean(axis=0).tolist())


# --------------------------------------------------------------------------- weight thresholds


def reweighted(weights, k, t):
    """Criterion k at weight t, the others rescaled proportionally to fill 1 - t (floats)."""
    w = np.asarray(weights, dtype=float) / sum(weights)
    out = w * (1 - t) / (1 - w[k])
    out[k] = t
    return out


def exact_weighted_scores(utilities, weights, k, t) -> list[Fraction]:
    """Weighted sums in exact rational arithmetic at weight ``t`` (a float, taken exactly) on k."""
    total = sum(Fraction(w) for w in weights)
    w = [Fraction(v) / total for v in weights]
    t = Fraction(t)
    rest = 1 - w[k]
    moved = [v * (1 - t) / rest for v in w]
    moved[k] = t
    return [sum(Fraction(int(u)) * wj for u, wj in zip(row, moved)) for row in utilities]


def lead_over(scores, base) -> float:
    """How far the best other candidate is ahead of ``base`` (negative: base leads)."""
    others = [s for i, s in enumerate(scores) if i != base]
    return float(max(others) - scores[base])


def test_weight_thresholds_on_the_spec_example():
    thresholds = weight_thresholds(SPEC_MATRIX, spec_criteria())
    assert [t.code for t in thresholds] == list(SPEC_CODES)
    assert [t.current for t in thresholds] == pytest.approx(list(SPEC_WEIGHTS))
    by_code = {t.code: t for t in thresholds}
    # Resource complementarity: A rates 9 vs B's 7. B's lead over A at weight t is
    # d (1 - t) - 2 t with d = (B - A on the other criteria) / 0.75, so A overtakes at
    # t = d / (d + 2).
    b_rest = 9 * 0.3 + 9 * 0.2 + 9 * 0.15 + 8 * 0.1
    a_rest = 8 * 0.3 + 7 * 0.2 + 8 * 0.15 + 6 * 0.1
    d = (b_rest - a_rest) / 0.75
    crossing = d / (d + 2)
    rc = by_code["resource_complementarity"]
    assert rc.upper_top == 0
    assert crossing <= rc.upper <= crossing + 2e-6
    assert rc.lower is None and rc.lower_top is None
    # Cultural compatibility: C rates 9 (B 8, A 6); with enough weight on it C takes over.
    cc = by_code["cultural_compatibility"]
    assert cc.upper_top == 2 and cc.upper > cc.current
    # B is best or tied-best on strategic fit, financial health and reputation: never moves.
    for code in ("strategic_fit", "financial_health", "market_reputation"):
        t = by_code[code]
        assert t.upper is None, code
    # Brute force: wherever a threshold is None, B leads on a fine grid over that side.
    x = np.array(SPEC_MATRIX, dtype=float)
    for t in thresholds:
        k = SPEC_CODES.index(t.code)
        for value, end in ((t.lower, 0.0), (t.upper, 1.0)):
            grid = np.linspace(t.current, end if value is None else value - np.sign(end - t.current) * 2e-6, 501)
            assert {int(np.argmax(x @ reweighted(SPEC_WEIGHTS, k, g))) for g in grid} == {1}, t.code


def test_weight_thresholds_never_when_one_candidate_dominates():
    x = [[9, 9, 9], [8, 5, 3], [2, 8, 7], [7, 7, 8]]
    criteria = [Criterion("a", 2), Criterion("b", 1), Criterion("c", 1)]
    for method in (WEIGHTED, TOPSIS):
        for normalisation in (SCALE, MINMAX):
            for t in weight_thresholds(x, criteria, method, normalisation):
                assert (t.lower, t.lower_top, t.upper, t.upper_top) == (None, None, None, None), (method, t)


@pytest.mark.parametrize("method", [WEIGHTED, TOPSIS])
def test_a_tie_at_full_weight_is_not_a_change_of_top(method):
    # Regression: (5, 9) is dominated by (9, 9) but ties it when "b" has all the weight;
    # the index tie-break used to report that as row 0 "taking first place" at 1.0.
    out = weight_thresholds([[5, 9], [9, 9]], [Criterion("a", 1), Criterion("b", 1)], method)
    assert [(t.lower, t.upper, t.lower_top, t.upper_top) for t in out] == [(None, None, None, None)] * 2


def test_weight_thresholds_with_too_few_candidates():
    criteria = [Criterion("a", 1), Criterion("b", 3, knockout_min=5)]
    out = weight_thresholds([[1, 9], [9, 1], [np.nan, 9]], criteria)
    assert [(t.code, t.current, t.lower, t.upper) for t in out] == [("a", 0.25, None, None), ("b", 0.75, None, None)]


def test_weight_thresholds_report_rows_of_the_input_matrix():
    criteria = [Criterion("a", 1), Criterion("b", 1, knockout_min=2)]
    # Row 0 is knocked out, row 3 incomplete; rows 1 (8, 4) and 2 (3, 9) tie at 6 with
    # equal weights, and row 2 pulls ahead as soon as "b" weighs more than "a".
    x = [[10, 0], [8, 4], [3, 9], [np.nan, 1]]
    a, b = weight_thresholds(x, criteria)
    assert b.upper_top == 2 and a.lower_top == 2
    assert b.upper == pytest.approx(0.5, abs=2e-6) and a.lower == pytest.approx(0.5, abs=2e-6)
    assert a.upper is None and b.lower is None


@PROPERTY
@given(rating_problems(min_rows=2, max_rows=8), st.sampled_from([WEIGHTED, TOPSIS]))
def test_weight_thresholds_really_change_the_top_candidate(problem, method):
    x, weights, directions = problem
    precision = 1e-6
    thresholds = weight_thresholds(x, make_criteria(weights, directions), method, precision=precision)
    cost = [d == COST for d in directions]
    utilities = np.where(cost, 10.0 - x, x)
    if method == TOPSIS:
        assume((np.sqrt((x**2).sum(axis=0)) > 0).all())

    def scores(k, t):
        if method == WEIGHTED:
            return exact_weighted_scores(utilities, weights, k, t)
        return hand_topsis(x.tolist(), list(reweighted(weights, k, t)), cost)

    # Noise allowance: exact for the weighted sum, float rounding for TOPSIS.
    slack = 0.0 if method == WEIGHTED else 1e-12
    if x.shape[1] == 1:
        # One criterion always weighs 1: nothing can move.
        assert [(t.lower, t.upper, t.current) for t in thresholds] == [(None, None, 1.0)]
        return
    # The current top: with a tie at the model weights the top is whichever the float
    # rounding favours, and any move is a change (the fixed examples cover that case).
    if method == WEIGHTED:
        now = [float(v) for v in exact_weighted_scores(utilities, weights, 0, Fraction(weights[0], sum(weights)))]
    else:
        now = hand_topsis(x.tolist(), weights, cost)
    base = int(np.argmax(now))
    assume(sorted(now)[-1] - sorted(now)[-2] > 1e-6)
    w = np.array(weights, dtype=float) / sum(weights)
    for t in thresholds:
        k = int(t.code[1:])
        assert t.current == pytest.approx(w[k])
        assert lead_over(scores(k, t.current), base) < 0
        for value, winner, end in ((t.lower, t.lower_top, 0.0), (t.upper, t.upper_top, 1.0)):
            sign = 1 if end > t.current else -1
            if value is None:
                assert winner is None
                # "Never": at the far end of the range the top has not changed either.
                assert lead_over(scores(k, end), base) <= TIE_TOLERANCE + 1e-12 + slack
                continue
            assert 0.0 <= value <= 1.0 and (value - t.current) * sign > 0
            at = scores(k, value)
            # At the reported weight someone else leads by more than the tie tolerance ...
            assert winner != base
            assert float(at[winner] - at[base]) > TIE_TOLERANCE - slack
            assert float(at[winner]) >= float(max(at)) - 1e-12
            # ... and just before it (towards the current weight) the base still leads.
            # Linear scores make this exact for the weighted sum.
            before = value - sign * 2 * precision
            if method == WEIGHTED and (before - t.current) * sign >= 0:
                assert lead_over(scores(k, before), base) <= TIE_TOLERANCE
