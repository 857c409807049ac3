"""The baseline for bench_sales_api.py: a minimal Flask app like the spec's example (section 5.2).

Like the spec's toy it keeps every partner's sales in a dict in memory, checks nothing (no
authentication, no validation, no access log) and answers with ``jsonify``. The rows are
the benchmark's own: read once at start-up from the same database the Django app serves
(``ALLIES_BASELINE_DB``: a SQLite file path or a postgres:// URL). Run it with gunicorn's
``--preload`` so the rows are loaded once and shared by the workers.

- ``GET /api/sales/<partner_id>?date_from=&date_to=&limit=&offset=``: a page of that partner's
  rows in the date range, newest first (date, then id), and how many rows matched: the same
  page and fields as ``GET /api/v1/sales``. The rows are kept sorted by date, so the range is
  found by bisection, not by a scan: a stronger baseline than a toy that filters a list.
- ``GET /api/sales/<partner_id>/summary?period=month&date_from=&date_to=``: totals per month,
  product and currency, aggregated from the raw rows on every request, as the toy would.
"""

from __future__ import annotations

import bisect
import os
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask, jsonify, request

COLUMNS = ("id", "partner_id", "external_id", "date", "product", "customer", "quantity", "amount", "cost",
           "currency", "channel", "updated_at")
QUANTITY_STEP = Decimal("0.001")


def _iso_datetime(value) -> str:
    if isinstance(value, str):  # SQLite keeps "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _fetch(db: str, table: str):
    sql = f"SELECT {', '.join(COLUMNS)} FROM {table} ORDER BY partner_id, date, id"  # noqa: S608 (our table)
    if db.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(db) as conn, conn.cursor() as cur:
            cur.execute(sql)
            yield from cur
        return
    conn = sqlite3.connect(db)
    try:
        yield from conn.execute(sql)
    finally:
        conn.close()


def load(db: str, table: str) -> dict[int, tuple[list[str], list[dict]]]:
    """partner id -> (ISO dates, rows as JSON-ready dicts), both sorted by (date, id)."""
    sales: dict[int, tuple[list[str], list[dict]]] = defaultdict(lambda: ([], []))
    stamps: dict[object, str] = {}  # the rows share few distinct timestamps: convert each once
    for rid, pid, ext, day, product, customer, qty, amount, cost, currency, channel, updated in _fetch(db, table):
        day = day.isoformat() if isinstance(day, date) else day
        stamp = stamps.get(updated)
        if stamp is None:
            stamp = stamps[updated] = _iso_datetime(updated)
        dates, rows = sales[pid]
        dates.append(day)
        rows.append({"id": rid, "partner_id": pid, "external_id": ext, "date": day, "product": product,
                     "customer": customer, "quantity": Decimal(str(qty)).quantize(QUANTITY_STEP),
                     "amount": amount, "cost": cost, "currency": currency, "channel": channel,
                     "updated_at": stamp})
    return dict(sales)


app = Flask(__name__)
SALES = load(os.environ["ALLIES_BASELINE_DB"], os.environ.get("ALLIES_BASELINE_TABLE", "sharing_salesrecord"))
EMPTY: tuple[list[str], list[dict]] = ([], [])


def _range(partner_id: int) -> tuple[list[dict], int, int]:
    dates, rows = SALES.get(partner_id, EMPTY)
    date_from, date_to = request.args.get("date_from"), request.args.get("date_to")
    lo = bisect.bisect_left(dates, date_from) if date_from else 0
    hi = bisect.bisect_right(dates, date_to) if date_to else len(dates)
    return rows, lo, max(lo, hi)


@app.get("/health")
def health():
    return jsonify({"partners": len(SALES), "rows": sum(len(r) for _d, r in SALES.values())})


@app.get("/api/sales/<int:partner_id>")
def sales_page(partner_id: int):
    rows, lo, hi = _range(partner_id)
    limit = max(1, min(int(request.args.get("limit", 50)), 200))
    offset = max(0, int(request.args.get("offset", 0)))
    end = hi - offset
    items = rows[max(lo, end - limit):end][::-1] if end > lo else []
    return jsonify({"count": hi - lo, "items": items})


@app.get("/api/sales/<int:partner_id>/summary")
def sales_summary(partner_id: int):
    rows, lo, hi = _range(partner_id)
    totals: dict[tuple, dict] = {}
    for row in rows[lo:hi]:
        key = (row["date"][:7], row["product"], row["currency"])
        item = totals.get(key)
        if item is None:
            item = totals[key] = {"period": key[0], "key": key[1], "label": key[1], "currency": key[2], "rows": 0,
                                  "quantity": Decimal(0), "amount": 0, "cost": 0}
        item["rows"] += 1
        item["quantity"] += row["quantity"]
        item["amount"] += row["amount"]
        item["cost"] += row["cost"]
    items = [totals[k] for k in sorted(totals)]
    return jsonify({"period": "month", "by": "product", "items": items})
