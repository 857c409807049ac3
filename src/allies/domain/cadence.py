"""Meeting rhythms: the occurrences of a cadence (weekly ... quarterly) from a first meeting.

Pure Python. Times are naive wall-clock times in the body's own time zone; the caller
turns them into UTC. Months are counted from the first meeting's day, so a series that
starts on the 31st meets on the last day of shorter months and on the 31st again after.
"""

import calendar
from datetime import datetime, timedelta

DAY_STEPS = {"weekly": 7, "biweekly": 14}
MONTH_STEPS = {"monthly": 1, "quarterly": 3}
CADENCES = (*DAY_STEPS, *MONTH_STEPS)
# A horizon of ten years of weekly meetings is far beyond any plan; it caps a runaway request.
MAX_OCCURRENCES = 520


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by whole months, the day clamped to the target month's length."""
    total = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def occurrence(first: datetime, cadence: str, index: int) -> datetime:
    """The ``index``-th meeting (0 = the first) of a series."""
    if cadence in DAY_STEPS:
        return first + timedelta(days=DAY_STEPS[cadence] * index)
    if cadence in MONTH_STEPS:
        return add_months(first, MONTH_STEPS[cadence] * index)
    raise ValueError(f"unknown cadence {cadence!r}")


def occurrences(first: datetime, cadence: str, until: datetime, *, start_index: int = 0) -> list[tuple[int, datetime]]:
    """(index, start) of every meeting from ``start_index`` whose start is not after ``until``."""
    out = []
    index = start_index
    while len(out) < MAX_OCCURRENCES:
        moment = occurrence(first, cadence, index)
        if moment > until:
            break
        out.append((index, moment))
        index += 1
    return out
