"""Fixtures of the governance tests: a signed alliance per demo partner company."""

from datetime import date

import pytest


def make_agreement(code: str, *partners, status: str = "signed"):
    from allies.agreements.models import Agreement, AgreementParty

    agreement = Agreement.objects.create(code=code, title=f"{code} 联盟协议", status=status,
                                         start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))
    for partner in partners:
        AgreementParty.objects.create(agreement=agreement, partner=partner)
    return agreement


@pytest.fixture
def alliance(db, partner_a):
    return make_agreement("GA-001", partner_a)


@pytest.fixture
def other_alliance(db, partner_b):
    return make_agreement("GB-001", partner_b)
