"""A signed two-party agreement (us 30 / partner 70 with a tier), and sales rows written like the API does."""

from datetime import date

import pytest


@pytest.fixture
def agreement(db, partner_a, manager):
    from allies.agreements.models import Agreement, AgreementParty

    agreement = Agreement.objects.create(code="AG-T1", title="联合销售协议", status="signed",
                                         start_date=date(2026, 1, 1), end_date=date(2027, 12, 31), currency="CNY",
                                         created_by=manager)
    AgreementParty.objects.create(agreement=agreement, partner=partner_a, role="销售方")
    return agreement


@pytest.fixture
def rule(agreement, manager, partner_a):
    from allies.settlements.rules import sharing_rule_create

    return sharing_rule_create(actor=manager, agreement=agreement, data={
        "name": "联合销售分成", "basis": "revenue", "tier_method": "marginal",
        "shares": [{"party": None, "percent": "30"}, {"party": partner_a.pk, "percent": "70"}],
        "tiers": [{"lower": 100_000_00, "upper": None, "percents": ["20", "80"]}],
    })


@pytest.fixture
def write_sales(manager):
    from allies.sharing.sales import sales_rows_write

    def write(partner, rows):
        payload = [{"external_id": f"X{i}-{r[0]}-{r[1]}", "date": r[0], "product": r[1], "quantity": "1",
                    "amount": r[2], "cost": r[3] if len(r) > 3 else 0, "currency": r[4] if len(r) > 4 else "CNY",
                    "customer": f"客户{i % 3}"} for i, r in enumerate(rows)]
        return sales_rows_write(actor=manager, partner=partner, rows=payload)

    return write
