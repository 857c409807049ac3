"""Term dates of agreements: month arithmetic, auto-renewal and notice deadlines."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from allies.domain.terms import add_months, current_term_end, notice_deadline

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)


@given(days, st.integers(min_value=0, max_value=240))
def test_add_months_moves_forward_by_whole_months(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


def test_an_agreement_without_renewal_ends_on_its_end_date():
    end = date(2026, 6, 30)
    assert current_term_end(end, auto_renew=False, renewal_months=12, today=date(2027, 1, 1)) == end


def test_auto_renewal_rolls_the_end_forward_past_today():
    end = date(2025, 6, 30)
    assert current_term_end(end, auto_renew=True, renewal_months=12, today=date(2026, 11, 27)) == date(2027, 6, 30)
    assert current_term_end(end, auto_renew=True, renewal_months=12, today=date(2026, 6, 30)) == date(2026, 6, 30)


@given(days, days, st.integers(min_value=1, max_value=60))
def test_the_current_term_end_is_the_first_renewal_on_or_after_today(end, today, months):
    term_end = current_term_end(end, auto_renew=True, renewal_months=months, today=today)
    renewals = next(k for k in range(2000) if add_months(end, months * k) == term_end)
    assert term_end >= today or renewals == 0
    if renewals:
        assert add_months(end, months * (renewals - 1)) < today


@given(days, st.integers(min_value=0, max_value=400))
def test_notice_deadline_is_notice_days_before_the_end(end, notice):
    assert (end - notice_deadline(end, notice)) == timedelta(days=notice)
