"""Value-sharing maths: exact allocation, ladders, limits, bonuses, Shapley values (with property tests)."""

from fractions import Fraction
from itertools import permutations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from allies.domain.period import Period, PeriodError
from allies.domain.sharing import (
    Rounding,
    SharingError,
    TierMethod,
    allocate,
    apply_payout_limits,
    bonus_due,
    build_ladder,
    completed_value,
    round_fraction,
    row_bands,
    shapley,
    shapley_exact,
    shapley_sampled,
    split_by_percent,
    split_cost,
    split_ladder,
)

amounts = st.integers(min_value=-10**15, max_value=10**15)
modes = st.sampled_from(list(Rounding))


@st.composite
def percentages(draw, min_size=1, max_size=8):
    """Percentages with up to 4 decimals that sum to exactly 100."""
    n = draw(st.integers(min_size, max_size))
    cuts = sorted(draw(st.lists(st.integers(0, 1_000_000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 1_000_000]
    return [Fraction(bounds[i + 1] - bounds[i], 10_000) for i in range(n)]


# --------------------------------------------------------------------------- allocation


def test_spec_30_70_split_of_one_yuan_and_one_fen():
    assert split_by_percent(100, [30, 70]) == [30, 70]
    assert split_by_percent(1, [30, 70]) == [0, 1]
    assert sum(split_by_percent(1, [50, 50])) == 1


def test_three_way_split_hands_out_the_remainder_deterministically():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(200, [1, 1, 1]) == [67, 67, 66]
    assert allocate(100, [1, 1, 1], Rounding.DOWN) == [34, 33, 33]


def test_rounding_modes_differ_on_halves():
    assert round_fraction(Fraction(5, 2), Rounding.HALF_UP) == 3
    assert round_fraction(Fraction(5, 2), Rounding.HALF_EVEN) == 2
    assert round_fraction(Fraction(7, 2), Rounding.HALF_EVEN) == 4
    assert round_fraction(Fraction(29, 10), Rounding.DOWN) == 2
    assert round_fraction(Fraction(-5, 2), Rounding.HALF_UP) == -3
    assert allocate(5, [1, 1], Rounding.HALF_EVEN) == [3, 2]


@given(amounts, percentages(), modes)
def test_shares_sum_exactly_to_the_distributable_amount(total, pct, mode):
    parts = split_by_percent(total, pct, mode)
    assert sum(parts) == total
    for part, p in zip(parts, pct):
        assert abs(part - total * p / 100) < 1 + len(pct)


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10**6), min_size=1, max_size=10), modes)
def test_allocation_by_weights_sums_exactly_and_is_near_the_ideal(total, weights, mode):
    assume(sum(weights) > 0)
    parts = allocate(total, weights, mode)
    assert sum(parts) == total
    for part, w in zip(parts, weights):
        assert abs(part - Fraction(total * w, sum(weights))) < 2
        if w == 0:
            assert part == 0


def test_percentages_must_sum_to_100():
    with pytest.raises(SharingError) as err:
        split_by_percent(100, [30, 60])
    assert err.value.code == "percent_sum" and err.value.details["sum"] == "90"
    with pytest.raises(SharingError) as err:
        split_by_percent(100, [-10, 110])
    assert err.value.code == "percent_out_of_range"
    with pytest.raises(SharingError):
        split_by_percent(100, ["abc", 100])


def test_cost_split_by_ratio():
    assert split_cost(1_000_01, [1, 1]) == [50001, 50000]
    assert sum(split_cost(999, [1, 2, 3])) == 999


# --------------------------------------------------------------------------- ladders

LADDER_TIERS = [(1_000_000, 5_000_000, [25, 75]), (5_000_000, None, [20, 80])]


def test_marginal_and_whole_amount_ladders():
    marginal = build_ladder([30, 70], LADDER_TIERS, TierMethod.MARGINAL)
    whole = build_ladder([30, 70], LADDER_TIERS, TierMethod.WHOLE)
    # 2,000,000: marginal = 1,000,000 at 30/70 + 1,000,000 at 25/75
    assert split_ladder(marginal, 2_000_000).parts == [550_000, 1_450_000]
    assert split_ladder(marginal, 2_000_000).by_band == [(0, 1_000_000), (1, 1_000_000)]
    assert split_ladder(whole, 2_000_000).parts == [500_000, 1_500_000]
    assert split_ladder(whole, 2_000_000).band == 1
    assert split_ladder(marginal, 6_000_000).parts == [300_000 + 1_000_000 + 200_000, 6_000_000 - 1_500_000]


@pytest.mark.parametrize(("tiers", "code"), [
    ([(100, 200, [25, 75]), (150, None, [20, 80])], "tiers_overlap"),
    ([(100, 200, [25, 75]), (300, None, [20, 80])], "tiers_gap"),
    ([(500, None, [25, 75]), (100, 500, [20, 80])], "tiers_unsorted"),
    ([(100, 200, [25, 75])], "tiers_open_end"),
    ([(200, 100, [25, 75])], "tier_empty"),
    ([(100, None, [25, 70])], "percent_sum"),
    ([(100, None, [25, 70, 5])], "tier_parties"),
    ([(0, None, [25, 75])], "tier_lower"),
])
def test_bad_ladders_are_refused(tiers, code):
    with pytest.raises(SharingError) as err:
        build_ladder([30, 70], tiers)
    assert err.value.code == code


@st.composite
def ladders(draw):
    n = draw(st.integers(2, 4))
    base = draw(percentages(n, n))
    cuts = sorted(set(draw(st.lists(st.integers(1, 10**9), min_size=0, max_size=4))))
    tiers = []
    for i, lower in enumerate(cuts):
        upper = cuts[i + 1] if i + 1 < len(cuts) else None
        tiers.append((lower, upper, draw(percentages(n, n))))
    return base, tiers


@given(ladders(), st.integers(0, 2 * 10**9), st.integers(0, 10**9), modes)
@settings(max_examples=200)
def test_marginal_ladders_are_monotonic_for_every_party(ladder, volume, extra, mode):
    base, tiers = ladder
    lad = build_ladder(base, tiers, TierMethod.MARGINAL)
    low = split_ladder(lad, volume, mode)
    high = split_ladder(lad, volume + extra, mode)
    assert sum(low.parts) == volume and sum(high.parts) == volume + extra
    assert high.band >= low.band
    # exact shares never decrease; rounded parts by at most the one unit the remainder moves
    for a, b in zip(low.parts, high.parts):
        assert b >= a - 1


@given(ladders(), st.integers(0, 2 * 10**9), st.integers(0, 10**9))
def test_whole_amount_ladder_with_rising_rates_is_monotonic(ladder, volume, extra):
    base, tiers = ladder
    # make the last party's percentage rise with each tier
    rising = []
    last = base[-1]
    for lower, upper, pct in tiers:
        last = min(Fraction(100), last + 1)
        rising.append((lower, upper, [*(Fraction(0) for _ in pct[:-1]), last][:-1] + [last]))
        rising[-1] = (lower, upper, [100 - last, *([0] * (len(pct) - 2)), last])
    base = [100 - base[-1], *([0] * (len(base) - 2)), base[-1]]
    lad = build_ladder(base, rising, TierMethod.WHOLE)
    assert split_ladder(lad, volume + extra).parts[-1] >= split_ladder(lad, volume).parts[-1] - 1


@given(ladders(), st.integers(0, 10**9), modes)
def test_marginal_equals_whole_amount_below_the_first_threshold(ladder, volume, mode):
    base, tiers = ladder
    if tiers:
        volume = volume % tiers[0][0]
    marginal = split_ladder(build_ladder(base, tiers, TierMethod.MARGINAL), volume, mode)
    whole = split_ladder(build_ladder(base, tiers, TierMethod.WHOLE), volume, mode)
    assert marginal.parts == whole.parts == split_by_percent(volume, base, mode)


def test_row_bands_follow_the_cumulative_volume():
    lad = build_ladder([30, 70], [(100, None, [25, 75])])
    first, last = row_bands(lad, np.array([60, 30, 20, 50]))
    assert first.tolist() == [0, 0, 0, 1]
    assert last.tolist() == [0, 0, 1, 1]  # the third row crosses the threshold
    whole = build_ladder([30, 70], [(100, None, [25, 75])], TierMethod.WHOLE)
    assert row_bands(whole, np.array([60, 30]))[0].tolist() == [0, 0]


# --------------------------------------------------------------------------- limits and bonuses


def test_minimum_and_maximum_payouts_move_money_to_or_from_us():
    assert apply_payout_limits([30, 70], [(None, None), (100, None)], residual=0) == [0, 100]
    assert apply_payout_limits([300, 700], [(None, None), (None, 500)], residual=0) == [500, 500]
    with pytest.raises(SharingError):
        apply_payout_limits([1, 2], [(None, None), (5, 3)], residual=0)


@given(st.lists(st.integers(-10**9, 10**9), min_size=2, max_size=5), st.integers(0, 10**9), st.integers(0, 10**9))
def test_payout_limits_keep_the_total(parts, low, span):
    limits = [(None, None)] + [(low, low + span)] * (len(parts) - 1)
    out = apply_payout_limits(parts, limits, residual=0)
    assert sum(out) == sum(parts)
    assert all(low <= x <= low + span for x in out[1:])


def test_bonus_on_kpi_target():
    assert bonus_due(actual=120, target=100, amount=5000) == 5000
    assert bonus_due(actual=99, target=100, amount=5000) == 0
    assert bonus_due(actual=80, target=100, higher_is_better=False, percent="1.5", basis=100_000) == 1500


# --------------------------------------------------------------------------- Shapley


def test_shapley_of_the_glove_game():
    # party 0 owns a left glove, 1 and 2 right gloves; a pair is worth 1
    v = [0, 0, 0, 1, 0, 1, 0, 1]
    assert np.allclose(shapley_exact(np.array(v, dtype=float)), [2 / 3, 1 / 6, 1 / 6])


def _brute_force(n, value):
    phi = np.zeros(n)
    orders = list(permutations(range(n)))
    for order in orders:
        mask = 0
        for i in order:
            phi[i] += value(mask | 1 << i) - value(mask)
            mask |= 1 << i
    return phi / len(orders)


games = st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.integers(-1000, 10**6), min_size=1 << n, max_size=1 << n)))


@given(games)
def test_shapley_efficiency_and_agreement_with_brute_force(game):
    n, raw = game
    values = np.array([0, *raw[1:]], dtype=float)
    phi = shapley_exact(values)
    assert phi.sum() == pytest.approx(values[-1], rel=1e-9, abs=1e-6)
    assert np.allclose(phi, _brute_force(n, lambda m: values[m]), atol=1e-6)


@given(st.integers(3, 7), st.data())
def test_shapley_symmetry_and_null_player(n, data):
    # a game where parties 0 and 1 are interchangeable and the last party adds nothing
    base = data.draw(st.lists(st.integers(0, 1000), min_size=1 << n, max_size=1 << n))
    null = n - 1

    def canonical(mask):
        mask &= ~(1 << null)
        a, b = mask & 1, (mask >> 1) & 1
        if a != b:
            mask |= 1  # either one of the pair counts the same
            mask &= ~2
        return mask

    values = np.array([0.0 if canonical(m) == 0 else float(base[canonical(m)]) for m in range(1 << n)])
    phi = shapley_exact(values)
    assert phi[0] == pytest.approx(phi[1], abs=1e-6)
    assert phi[null] == pytest.approx(0, abs=1e-6)
    assert phi.sum() == pytest.approx(values[-1], abs=1e-6)


def test_exact_up_to_15_parties_and_sampled_beyond():
    weights = np.arange(1, 21, dtype=float)

    def additive(mask):
        return float(sum(weights[i] for i in range(20) if mask >> i & 1))

    phi, exact = shapley(15, additive)
    assert exact and np.allclose(phi, weights[:15])
    phi, exact = shapley(20, additive, samples=50, seed=7)
    assert not exact and np.allclose(phi, weights)  # additive: every order gives the same contributions
    again, _ = shapley(20, additive, samples=50, seed=7)
    assert np.array_equal(phi, again)


def test_sampled_shapley_approaches_the_exact_value():
    rng = np.random.default_rng(3)
    table = np.concatenate([[0.0], rng.integers(0, 1000, 2**6 - 1).astype(float)])
    exact = shapley_exact(table)
    sampled = shapley_sampled(6, lambda m: table[m], samples=4000, seed=1)
    assert sampled.sum() == pytest.approx(table[-1])
    assert np.allclose(sampled, exact, atol=30)


def test_completed_value_estimates_missing_coalitions():
    v = completed_value({0b001: 10, 0b010: 20, 0b100: 30, 0b011: 50})
    assert v(0b011) == 50
    assert v(0b111) == 80  # {0,1} together plus 2 alone
    assert v(0b101) == 40
    assert v(0) == 0


# --------------------------------------------------------------------------- periods


def test_periods():
    q = Period.parse("2026Q3")
    assert (str(q), q.start.isoformat(), q.end.isoformat()) == ("2026Q3", "2026-07-01", "2026-09-30")
    assert [m.month for m in q.months()] == [7, 8, 9]
    m = Period.parse("2026-02")
    assert (str(m), m.end.isoformat()) == ("2026-02", "2026-02-28")
    assert str(Period.parse("2026-q1").previous()) == "2025Q4"
    for bad in ("2026Q5", "2026-13", "Q3", "", "2026-7-1"):
        with pytest.raises(PeriodError):
            Period.parse(bad)
