"""A settlement over 1,000,000 sales rows (issue "Agreements and value sharing", Speed), on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_settlement.py [--db sqlite|postgres|both] [--rows 1000000]

For each database a throw-away database (a temporary SQLite file; PostgreSQL database
allies_bench_settle) gets the schema and 1,000,000 sales rows of five partners in 2026Q3
(written with executemany / COPY, not the ORM), a signed multilateral agreement with a
revenue-sharing rule (us 30%, each partner 14%, a marginal tier), a product category, a cost
entry and a bonus. Then, alternating, 5 times each:

- the figure: ``settlements.services.settlement_compute`` for 2026Q3 (aggregate, rules, tiers,
  bonuses, costs, and writing the statements and statement lines in one transaction);
- the floor: a plain SQL aggregate of the same rows (``SELECT partner_id, COUNT(*), SUM(amount),
  SUM(cost) ... GROUP BY partner_id``), what a settlement would cost if it summed the raw rows.

The settlement reads whole months from the monthly roll-up that the sharing stage maintains
on every write (built here once with the app's own ``rollup_refresh`` after the raw inserts),
so it can beat the floor; the table also shows the raw-row grouping by seller, product,
currency and month, which is what a partial month (a term starting mid-month) costs.

Prints medians and the ratio. Goal: the settlement under 5 s on both databases.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import interleaved_medians, load_average, machine_info, print_table  # noqa: E402

SEED = 20261127
PARTNERS = 5
PERIOD = "2026Q3"
FIRST_DAY = date(2026, 7, 1)
DAYS = 92
PRODUCTS = ("云平台年度订阅", "数据中台许可", "智能客服套件", "边缘计算网关", "安全审计服务", "行业大模型接口",
            "物联网传感器", "实施咨询服务", "运维托管服务", "培训认证课程", "视频会议终端", "电子签章服务")
GOAL_S = 5.0
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "allies_bench_settle"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
REPEATS = 5


def child(rows_total: int) -> dict:
    """(In a child process with DATABASE_URL set.) Schema, data, then the timings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allies.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from allies.agreements.models import Agreement, AgreementParty
    from allies.core.models import User
    from allies.partners.models import Partner
    from allies.settlements import rules, services
    from allies.sharing.models import SalesRecord

    manager = User.objects.create_user(username="bench", password="x", role="manager")
    partners = [Partner.objects.create(name=f"基准伙伴{i}") for i in range(PARTNERS)]
    agreement = Agreement.objects.create(code="BENCH-1", title="基准联盟", status="signed", start_date=date(2026, 1, 1),
                                         end_date=date(2027, 12, 31))
    for p in partners:
        AgreementParty.objects.create(agreement=agreement, partner=p)
    rules.product_category_set(actor=manager, name="软件", products=list(PRODUCTS[:6]))
    rules.sharing_rule_create(actor=manager, agreement=agreement, data={
        "name": "联盟分成", "tier_method": "marginal",
        "shares": [{"party": None, "percent": "30"}, *({"party": p.pk, "percent": "14"} for p in partners)],
        "tiers": [{"lower": 10**11, "upper": None, "percents": ["25", *(["15"] * PARTNERS)]}]})
    cost_rule = rules.cost_rule_set(actor=manager, agreement=agreement, category="联合营销活动",
                                    shares=[{"party": None, "percent": 50},
                                            *({"party": p.pk, "percent": 10} for p in partners)])
    rules.cost_entry_record(actor=manager, agreement=agreement, data={
        "rule_id": cost_rule.pk, "date": date(2026, 8, 1), "amount": 12_345_678, "paid_by": None})
    rules.performance_bonus_create(actor=manager, agreement=agreement, data={
        "partner_id": partners[0].pk, "metric": "revenue", "target": 10**10, "amount": 5_000_000})

    rng = random.Random(SEED)
    days = [(FIRST_DAY + timedelta(days=d)).isoformat() for d in range(DAYS)]
    table = SalesRecord._meta.db_table
    columns = ("partner_id", "external_id", "date", "product", "customer", "quantity", "amount", "cost", "currency",
               "channel", "created_at", "updated_at")
    now = "2026-10-01 00:00:00+00:00"
    ids = [p.pk for p in partners]

    def rows(start, stop):
        for i in range(start, stop):
            amount = rng.randint(1_000, 5_000_000)
            yield (ids[i % PARTNERS], f"B{i:08d}", days[rng.randrange(DAYS)], PRODUCTS[rng.randrange(12)],
                   f"客户{rng.randrange(5000):05d}", "1.000", amount, amount * rng.randint(55, 85) // 100, "CNY",
                   "联合销售", now, now)

    step = 100_000
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for start in range(0, rows_total, step):
                    for row in rows(start, min(rows_total, start + step)):
                        copy.write_row(row)
            cursor.execute(f"ANALYZE {table}")
        else:
            marks = ", ".join(["%s"] * len(columns))
            for start in range(0, rows_total, step):
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                   list(rows(start, min(rows_total, start + step))))
            cursor.execute("ANALYZE")
    from allies.sharing.sales import rollup_refresh

    for pid in ids:  # the app maintains the roll-up on every write; raw inserts need it built once
        rollup_refresh(partner_id=pid, months={date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)})

    marks = ", ".join(["%s"] * PARTNERS)
    floor_sql = (f'SELECT partner_id, COUNT(*), SUM(amount), SUM(cost) FROM {table} WHERE partner_id IN ({marks}) '
                 f'AND "date" >= %s AND "date" <= %s GROUP BY partner_id')

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [*ids, date(2026, 7, 1), date(2026, 9, 30)])
            return cursor.fetchall()

    results = {}

    def settle():
        results["settlement"] = services.settlement_compute(actor=manager, agreement=agreement, period=PERIOD)

    from allies.settlements.engine import _month_sql

    raw_sql = (f'SELECT partner_id, product, currency, {_month_sql(chr(34) + "date" + chr(34))} AS m, COUNT(*), '
               f'SUM(amount), SUM(cost), SUM(quantity) FROM {table} WHERE partner_id IN ({marks}) '
               f'AND "date" >= %s AND "date" <= %s GROUP BY partner_id, product, currency, m')

    def raw_groups():
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, [*ids, date(2026, 7, 1), date(2026, 9, 30)])
            return cursor.fetchall()

    settle_s, floor_s, raw_s = interleaved_medians(settle, floor, raw_groups, repeats=REPEATS, warmup=1)
    counted = results["settlement"].rows_counted
    total = sum(r[1] for r in floor())
    assert counted == total == rows_total, (counted, total, rows_total)
    statements = results["settlement"].statements.all()
    assert sum(s.share for s in statements) == results["settlement"].distributable
    return {"vendor": connection.vendor, "rows": counted, "settle_s": settle_s, "floor_s": floor_s, "raw_s": raw_s,
            "lines": results["settlement"].lines.count()}


def run(db: str, rows_total: int) -> dict:
    env = dict(os.environ)
    tmp = None
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = PG_URL
    else:
        tmp = tempfile.mkdtemp(prefix="allies-bench-settle-")
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    env["ALLIES_ENV"] = "development"
    env["ALLIES_DEBUG"] = "0"
    try:
        out = subprocess.run([sys.executable, __file__, "--child", str(rows_total)], env=env, cwd=ROOT,
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            sys.stderr.write(out.stderr[-4000:])
            raise SystemExit(f"{db}: the benchmark child failed")
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if db == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        elif tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    print(f"machine: {machine_info()}  load: {load_average()}", flush=True)
    table = []
    missed = []
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        r = run(db, args.rows)
        ok = r["settle_s"] < GOAL_S
        if not ok:
            missed.append(db)
        table.append([db, f"{r['rows']:,}", f"{r['lines']}", f"{r['settle_s']:.3f}", f"{r['floor_s']:.3f}",
                      f"{r['settle_s'] / r['floor_s']:.2f}x", f"{r['raw_s']:.3f}",
                      f"< {GOAL_S:.0f} s: {'met' if ok else 'MISSED'}"])
    print_table(table, ["database", "rows settled", "statement lines", "settlement median (s)",
                        "SQL aggregate floor median (s)", "ratio", "raw-row grouping (s)", "goal"])
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
