"""Fixtures for the sharing tests: uploaded files kept in a temporary media root, real sales files,
row counts before/after, and a roll-up check against a fresh aggregate of the raw rows.
"""

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from openpyxl import Workbook

HEADER = ["外部编号", "日期", "产品", "客户", "数量", "金额", "成本", "币种", "渠道"]
EN_HEADER = ["external_id", "date", "product", "customer", "quantity", "amount", "cost", "currency", "channel"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csv_bytes(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_bytes(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def sale(ext, day="2026-01-15", product="智能音箱", customer="华东客户", quantity="2", amount="199.00", cost="120.50",
         currency="CNY", channel="线上") -> list:
    return [ext, day, product, customer, quantity, amount, cost, currency, channel]


@pytest.fixture
def counts(db):
    """A snapshot of what a sales write may change."""
    from allies.sharing.models import SalesMonthly, SalesRecord

    def snapshot():
        return {"rows": SalesRecord.objects.count(), "rollup": SalesMonthly.objects.count(),
                "rollup_rows": sum(SalesMonthly.objects.values_list("rows", flat=True))}

    return snapshot


def fresh_rollup() -> dict:
    """The monthly roll-up computed in Python from every raw row, to compare with the stored one."""
    from allies.sharing.models import SalesRecord

    out = defaultdict(lambda: [0, Decimal(0), 0, 0])
    for r in SalesRecord.objects.values("partner_id", "date", "product", "currency", "quantity", "amount", "cost"):
        group = out[(r["partner_id"], r["date"].replace(day=1), r["product"], r["currency"])]
        group[0] += 1
        group[1] += r["quantity"]
        group[2] += r["amount"]
        group[3] += r["cost"]
    return {k: tuple(v) for k, v in out.items()}


def stored_rollup() -> dict:
    from allies.sharing.models import SalesMonthly

    return {(m.partner_id, m.month, m.product, m.currency): (m.rows, m.quantity, m.amount, m.cost)
            for m in SalesMonthly.objects.all()}


@pytest.fixture
def assert_rollup_fresh(db):
    def check():
        stored, fresh = stored_rollup(), fresh_rollup()
        assert stored == fresh
        return stored

    return check
