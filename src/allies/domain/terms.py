"""Agreement term dates: months added to a date, the current term end under auto-renewal, notice deadlines.

Pure date arithmetic, no Django: an auto-renewing agreement whose end date has passed runs
on for further periods of ``renewal_months``; the notice deadline is the last day on which
a party can still give notice (``notice_days`` before the end of the current term).
"""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def current_term_end(end: date, *, auto_renew: bool, renewal_months: int | None, today: date) -> date:
    """The end of the term running on ``today``: ``end``, or for an auto-renewing agreement past
    ``end`` the first renewal end on or after ``today`` (renewals counted from ``end``)."""
    if not auto_renew or not renewal_months or end >= today:
        return end
    periods = 1
    while True:
        candidate = add_months(end, renewal_months * periods)
        if candidate >= today:
            return candidate
        periods += 1


def notice_deadline(term_end: date, notice_days: int) -> date:
    """The last day to give notice before ``term_end``."""
    return term_end - timedelta(days=notice_days)
