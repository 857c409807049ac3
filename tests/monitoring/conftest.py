"""Fixtures for the monitoring tests: signed alliances with partner A and partner B, sales rows, answers."""

from datetime import date, timedelta

import pytest
from django.utils import timezone


def make_agreement(partner, code, manager=None):
    from allies.agreements.models import Agreement, AgreementParty

    today = timezone.localdate()
    agreement = Agreement.objects.create(code=code, title=f"{partner.name}联盟", status="signed",
                                         start_date=today - timedelta(days=400),
                                         end_date=today + timedelta(days=700), created_by=manager)
    AgreementParty.objects.create(agreement=agreement, partner=partner)
    return agreement


@pytest.fixture
def alliance(db, partner_a, manager):
    return make_agreement(partner_a, "AL-A", manager)


@pytest.fixture
def other_alliance(db, partner_b, manager):
    return make_agreement(partner_b, "AL-B", manager)


def month_back(today: date, n: int) -> date:
    """The first day of the month n months before today's month."""
    year, month = today.year, today.month - n
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


def write_monthly_sales(manager, partner, amounts_fen: list[int], prefix: str = "S", today: date | None = None):
    """One sale (amount in fen) on the 15th of each month, the last in the last complete month, through sharing."""
    from allies.sharing import sales

    today = today or timezone.localdate()
    rows = []
    for i, amount in enumerate(amounts_fen):
        day = month_back(today, len(amounts_fen) - i).replace(day=15)
        rows.append({"external_id": f"{prefix}-{day:%Y%m}", "date": day.isoformat(), "product": "联合产品",
                     "quantity": 1, "amount": amount, "currency": "CNY"})
    sales.sales_rows_write(actor=manager, partner=partner, rows=rows)


@pytest.fixture
def scores():
    def make(value=4, **overrides):
        from allies.domain.kpi import SURVEY_DIMENSIONS

        return {**{d: value for d in SURVEY_DIMENSIONS}, **overrides}

    return make
