"""Meeting rhythms: occurrences of a cadence from the first meeting."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from allies.domain import cadence

FIRSTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1))


def test_quarterly_from_the_31st_clamps_to_month_end_and_comes_back():
    first = datetime(2026, 1, 31, 9, 30)
    got = [m for _i, m in cadence.occurrences(first, "quarterly", datetime(2026, 12, 31))]
    assert got == [datetime(2026, 1, 31, 9, 30), datetime(2026, 4, 30, 9, 30), datetime(2026, 7, 31, 9, 30),
                   datetime(2026, 10, 31, 9, 30)]


def test_weekly_and_monthly_steps():
    first = datetime(2026, 3, 2, 10, 0)
    weekly = cadence.occurrences(first, "weekly", datetime(2026, 3, 23, 10, 0))
    assert [i for i, _m in weekly] == [0, 1, 2, 3]
    assert weekly[-1][1] == datetime(2026, 3, 23, 10, 0)
    assert cadence.occurrence(first, "monthly", 11) == datetime(2027, 2, 2, 10, 0)


def test_nothing_before_the_first_meeting():
    assert cadence.occurrences(datetime(2026, 5, 1), "weekly", datetime(2026, 4, 30)) == []


@given(first=FIRSTS, kind=st.sampled_from(cadence.CADENCES), days=st.integers(0, 800))
def test_occurrences_are_increasing_within_horizon_and_indexed_in_order(first, kind, days):
    until = first + timedelta(days=days)
    got = cadence.occurrences(first, kind, until)
    assert got[0] == (0, first)
    assert [i for i, _m in got] == list(range(len(got)))
    moments = [m for _i, m in got]
    assert moments == sorted(set(moments))
    assert all(m <= until for m in moments)
    # the next one would be past the horizon (or the cap was reached)
    assert len(got) == cadence.MAX_OCCURRENCES or cadence.occurrence(first, kind, len(got)) > until


@given(first=FIRSTS, kind=st.sampled_from(cadence.CADENCES), days=st.integers(0, 400), split=st.integers(0, 60))
def test_generating_in_two_goes_gives_the_same_slots_as_one(first, kind, days, split):
    until = first + timedelta(days=days)
    whole = cadence.occurrences(first, kind, until)
    head = whole[:split]
    tail = cadence.occurrences(first, kind, until, start_index=len(head))
    assert head + tail == whole


@given(first=FIRSTS, months=st.integers(0, 240))
def test_add_months_keeps_the_time_and_never_passes_the_month(first, months):
    moved = cadence.add_months(first, months)
    assert moved.time() == first.time()
    assert (moved.year * 12 + moved.month) - (first.year * 12 + first.month) == months
    assert moved.day <= first.day
