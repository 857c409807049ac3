"""The sales-data API under load (issue "Data sharing", section Speed), on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/bench_sales_api.py [--db sqlite|postgres|both] [--rows 1000000] [--pg-db NAME]

For each database: a throw-away database gets 1,000,000 sales rows over 20 partners (two
years of dates, written with executemany / COPY, not the ORM), the monthly roll-up built
by the app's own ``rollup_refresh``, and one partner user with an API token per partner.
gunicorn serves the app (sync workers = cores, DEBUG off, persistent connections where
the settings allow them, throttle raised out of the way); wrk on the same machine sends
16 connections for 15 s, each request for a random partner with that partner's own token:

1. a page of 100 rows in a 3-month date range: ``GET /api/v1/sales?date_from&date_to&limit=100``;
2. the monthly summary of one partner-year: ``GET /api/v1/sales/summary?period=month&...``.

Baseline, measured in the same run with the same wrk settings and the same random requests:
benchmarks/flask_baseline.py (a Flask app like the spec's example: the same rows in memory,
no auth) under gunicorn with the same worker count. Runs alternate (app, Flask, app, Flask,
...), 3 of each; the table shows medians of req/s and of p99.

Then a 1,000,000-row CSV goes through ``allies import sales FILE --partner NAME`` (the whole
command timed), beside a plain ``csv`` module read of the same file.

Goals: page p99 < 40 ms and req/s >= 0.3x Flask (SQLite) / 0.25x (PostgreSQL); summary
p99 < 50 ms and req/s above Flask's; import under 60 s. Servers, temporary files and the
PostgreSQL database (allies_bench, or --pg-db NAME) are removed at the end, also after a failure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import load_average, machine_info, print_table  # noqa: E402

PARTNERS = 20
SEED = 20261127
FIRST_DAY = date(2024, 1, 1)
DAYS = 731  # 2024-01-01 .. 2025-12-31
YEARS = (2024, 2025)
PAGE = 100
WINDOW_MONTHS = 3
CONNECTIONS = 16
THREADS = 2
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# The throw-away PostgreSQL database: --pg-db or ALLIES_BENCH_PG_DB (engineers sharing a server each use their own).
PG_BENCH_DB = os.environ.get("ALLIES_BENCH_PG_DB", "allies_bench")
IMPORT_PARTNER = "导入基准伙伴"
GOALS = {
    "sqlite": {"page_p99": 40.0, "page_ratio": 0.30, "summary_p99": 50.0, "summary_ratio": 1.0},
    "postgres": {"page_p99": 40.0, "page_ratio": 0.25, "summary_p99": 50.0, "summary_ratio": 1.0},
}
IMPORT_GOAL_S = 60.0
PRODUCTS = ("云平台年度订阅", "数据中台许可", "智能客服套件", "边缘计算网关", "安全审计服务", "行业大模型接口",
            "物联网传感器", "实施咨询服务", "运维托管服务", "培训认证课程", "视频会议终端", "电子签章服务")
CHANNELS = ("直销", "分销", "线上", "联合销售")


# --------------------------------------------------------------------------- data


def generate_rows(rng: random.Random, partner_ids: list[int], n: int, *, prefix: str = "S") -> list[tuple]:
    """``n`` rows spread evenly over the partners and over two years of days, in date order.

    A row: partner_id, external_id, date (ISO), product, customer, quantity (decimal text),
    amount and cost (fen), currency, channel.
    """
    days = [(FIRST_DAY + timedelta(days=d)).isoformat() for d in range(DAYS)]
    products = {pid: rng.sample(PRODUCTS, 8) for pid in partner_ids}
    rows = []
    for i in range(n):
        pid = partner_ids[i % len(partner_ids)]
        amount = rng.randint(1_000, 5_000_000)
        rows.append((pid, f"{prefix}{pid}-{i:08d}", days[rng.randrange(DAYS)], rng.choice(products[pid]),
                     f"客户{rng.randrange(5000):05d}", f"{rng.randint(1, 50)}.{rng.choice(('000', '500'))}",
                     amount, amount * rng.randint(55, 85) // 100, "CNY", rng.choice(CHANNELS)))
    rows.sort(key=lambda r: r[2])  # sales arrive day by day, all partners mixed
    return rows


def write_csv(path: Path, n: int) -> None:
    """A sales file for ``allies import sales``: English headers, money in yuan (major units)."""
    rng = random.Random(SEED + 1)
    rows = generate_rows(rng, [0], n, prefix="IMP")
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["external_id", "date", "product", "customer", "quantity", "amount", "cost", "currency",
                      "channel"])
        for _pid, ext, day, product, customer, qty, amount, cost, currency, channel in rows:
            out.writerow([ext, day, product, customer, qty, f"{amount // 100}.{amount % 100:02d}",
                          f"{cost // 100}.{cost % 100:02d}", currency, channel])


def csv_read(path: Path) -> int:
    """The baseline for the import: read every row of the file with the csv module."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _row in csv.reader(fh))


def prepare(rows_total: int, out: Path) -> None:
    """(In a child process with the benchmark's environment.) Schema, data, roll-up, users and tokens."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from allies.core.models import Role, User
    from allies.partners.models import Partner
    from allies.sharing.models import SalesMonthly, SalesRecord
    from allies.sharing.sales import rollup_refresh, sales_rows, sales_summary
    from allies.sharing.tokens import token_create

    info: dict = {"vendor": connection.vendor, "timings": {}}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    info["timings"]["migrate"] = time.perf_counter() - started

    partners = Partner.objects.bulk_create(
        [Partner(name=f"基准伙伴{i:02d}", stage="active") for i in range(1, PARTNERS + 1)])
    partners = list(Partner.objects.filter(name__startswith="基准伙伴").order_by("pk"))
    Partner.objects.create(name=IMPORT_PARTNER, stage="active")
    tokens, users = {}, {}
    for p in partners:
        user = User.objects.create_user(f"bench-{p.pk:02d}", password=None, role=Role.PARTNER, partner=p)
        users[p.pk] = user
        tokens[p.pk] = token_create(actor=user, description="benchmark").plaintext

    rng = random.Random(SEED)
    started = time.perf_counter()
    rows = generate_rows(rng, [p.pk for p in partners], rows_total)
    info["timings"]["generate"] = time.perf_counter() - started

    started = time.perf_counter()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = SalesRecord._meta.db_table
    columns = ("partner_id", "external_id", "date", "product", "customer", "quantity", "amount", "cost",
               "currency", "channel", "batch_id", "created_at", "updated_at")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, None, now, now))
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
            for start in range(0, len(rows), 20_000):
                cursor.executemany(sql, [(*r, None, now, now) for r in rows[start:start + 20_000]])
    info["timings"]["insert"] = time.perf_counter() - started

    started = time.perf_counter()
    months = {date(y, m, 1) for y in YEARS for m in range(1, 13)}
    with transaction.atomic():
        for p in partners:
            rollup_refresh(partner_id=p.pk, months=months)
    info["timings"]["rollup_refresh"] = time.perf_counter() - started

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load: statistics and the visibility map.
            cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute(f"VACUUM ANALYZE {SalesMonthly._meta.db_table}")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL back into the database file
    info["timings"]["vacuum/checkpoint"] = time.perf_counter() - started

    # What the two requests run, as the database plans them (for the report).
    user = users[partners[0].pk]
    page_qs = sales_rows(user, date_from=date(2025, 4, 1), date_to=date(2025, 6, 30))[:PAGE]
    plans = {}
    with connection.cursor() as cursor:
        for label, qs in (("page", page_qs),):
            sql, params = qs.query.sql_with_params()
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
            plans[label] = [" ".join(str(c) for c in r) for r in cursor.fetchall()]
    info["plans"] = plans
    summary = sales_summary(user, period="month", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    info["check"] = {
        "rows": SalesRecord.objects.count(),
        "rollup_rows": SalesMonthly.objects.count(),
        "summary_items_2025_first_partner": len(summary),
        "summary_rows_2025_first_partner": sum(i["rows"] for i in summary),
    }
    info.update(tokens={str(k): v for k, v in tokens.items()}, table=table,
                database=str(connection.settings_dict["NAME"]))
    out.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")


# --------------------------------------------------------------------------- servers and load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn started by this script; stopped by its own process id."""

    def __init__(self, name: str, args: list[str], env: dict, cwd: Path, log: Path):
        self.name, self.port = name, free_port()
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *args, "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers()), "--worker-class", "sync", "--log-level", "warning"],
            env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                    r.read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # gunicorn's master stops its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


def workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)


def get_json(port: int, path: str, token: str | None = None) -> tuple[int, object]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                 headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()[:300]


def month_windows() -> list[tuple[str, str]]:
    """Every 3-month window inside the two years: (first day, last day)."""
    out = []
    for start in range(len(YEARS) * 12 - WINDOW_MONTHS + 1):
        y, m = YEARS[0] + start // 12, start % 12 + 1
        ey, em = y + (m + WINDOW_MONTHS - 1) // 12, (m + WINDOW_MONTHS - 1) % 12 + 1
        last = date(ey + em // 12, em % 12 + 1, 1) - timedelta(days=1)
        out.append((date(y, m, 1).isoformat(), last.isoformat()))
    return out


def lua_script(path: Path, tokens: dict[str, str], workload: str, target: str) -> None:
    """A wrk script: each request a random partner (seeded per thread, the same for both servers)."""
    pids = sorted(tokens, key=int)
    if workload == "page":
        ranges = month_windows()
    else:
        ranges = [(f"{y}-01-01", f"{y}-12-31") for y in YEARS]
    if target == "django":
        base = "/api/v1/sales" if workload == "page" else "/api/v1/sales/summary"
    else:
        base = "/api/sales/{pid}" if workload == "page" else "/api/sales/{pid}/summary"
    query = "date_from={f}&date_to={t}" + (f"&limit={PAGE}" if workload == "page" else "")
    if workload == "summary":
        query = "period=month&" + query
    lines = ["local paths = {"]
    for pid in pids:
        lines.append("  {" + ", ".join(json.dumps(base.format(pid=pid) + "?" + query.format(f=f, t=t))
                                       for f, t in ranges) + "},")
    lines.append("}")
    lines.append("local headers = {")
    for pid in pids:
        lines.append("  " + ("{Authorization = " + json.dumps("Bearer " + tokens[pid]) + "}"
                             if target == "django" else "{}") + ",")
    lines.append("}")
    lines.append("""
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  math.randomseed(20261127 + tid * 7919)
end
function request()
  local p = math.random(#paths)
  local r = paths[p]
  return wrk.format("GET", r[math.random(#r)], headers[p])
end
""")
    path.write_text("\n".join(lines), encoding="utf-8")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def run_wrk(port: int, script: Path, seconds: int) -> dict:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", str(script), f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", out)
    p99 = float(m.group(1)) * UNITS[m.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:(.*)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p99": p99, "requests": total, "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1).strip() if errors else ""}


# --------------------------------------------------------------------------- one database


def pg_bench_url() -> str:
    return f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def check_answers(django: Server, flask: Server, tokens: dict[str, str]) -> list[str]:
    """Both servers answer 200 with the same rows and totals; a token sees only its partner's rows."""
    notes = []
    pid = sorted(tokens, key=int)[3]
    f, t = "2025-04-01", "2025-06-30"
    status, page = get_json(django.port, f"/api/v1/sales?date_from={f}&date_to={t}&limit={PAGE}", tokens[pid])
    if status != 200:
        raise RuntimeError(f"GET /api/v1/sales answered {status}: {page!r}")
    fstatus, fpage = get_json(flask.port, f"/api/sales/{pid}?date_from={f}&date_to={t}&limit={PAGE}")
    if fstatus != 200:
        raise RuntimeError(f"Flask page answered {fstatus}")
    if len(page["items"]) != PAGE or {r["partner_id"] for r in page["items"]} != {int(pid)}:
        raise RuntimeError("the page is not 100 rows of the token's own partner")
    if [r["id"] for r in page["items"]] != [r["id"] for r in fpage["items"]] or page["count"] != fpage["count"]:
        raise RuntimeError("the app's page and Flask's differ")
    notes.append(f"check: page of partner {pid} {f}..{t}: {len(page['items'])} rows of {page['count']}, "
                 "same ids and count as Flask")
    q = "period=month&date_from=2025-01-01&date_to=2025-12-31"
    status, summary = get_json(django.port, f"/api/v1/sales/summary?{q}", tokens[pid])
    if status != 200:
        raise RuntimeError(f"GET /api/v1/sales/summary answered {status}: {summary!r}")
    _fs, fsummary = get_json(flask.port, f"/api/sales/{pid}/summary?{q}")

    def totals(items):
        return sorted((i["period"], i["key"], i["rows"], i["amount"], i["cost"], float(i["quantity"]))
                      for i in items)

    if totals(summary["items"]) != totals(fsummary["items"]):
        raise RuntimeError("the app's summary and Flask's differ")
    notes.append(f"check: summary of partner {pid} for 2025: {len(summary['items'])} items "
                 f"({sum(i['rows'] for i in summary['items'])} rows), same totals as Flask")
    return notes


def bench_database(kind: str, args, workdir: Path, csv_path: Path | None) -> dict:
    """Everything for one database; returns the figures. Cleans up its servers and database."""
    dbdir = workdir / kind
    dbdir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "allies.config.settings",
        "ALLIES_DATA_DIR": str(dbdir),
        "ALLIES_STATIC_ROOT": str(dbdir / "static"),
        "ALLIES_MEDIA_ROOT": str(dbdir / "media"),
        "ALLIES_DEBUG": "0",
        "ALLIES_DB_CONN_MAX_AGE": "60",
        "ALLIES_API_THROTTLE": "1000000/min",
        "PYTHONPATH": str(ROOT / "src"),
    })
    if kind == "postgres":
        env["DATABASE_URL"] = pg_bench_url()
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
    servers: list[Server] = []
    result: dict = {"kind": kind, "notes": []}
    try:
        bench_http(kind, args, env, dbdir, servers, result)
        if csv_path is not None:
            try:
                result["import"] = bench_import(env, csv_path, dbdir)
            except (RuntimeError, subprocess.SubprocessError) as exc:
                print(f"{kind}: the import failed: {exc}", file=sys.stderr, flush=True)
                result["import_error"] = str(exc)[:300]
    finally:
        for server in servers:
            server.stop()
        if kind == "postgres":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        shutil.rmtree(dbdir, ignore_errors=True)
    return result


def bench_http(kind: str, args, env: dict, dbdir: Path, servers: list, result: dict) -> None:
    """Data, both servers, the answers checked, then wrk; servers are stopped before returning."""
    try:
        print(f"\n--- {kind}: preparing {args.rows:,} rows over {PARTNERS} partners ...", flush=True)
        started = time.perf_counter()
        info_path = dbdir / "prepared.json"
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--_prepare", str(info_path),
                        "--rows", str(args.rows)], env=env, cwd=ROOT, check=True, timeout=900)
        info = json.loads(info_path.read_text(encoding="utf-8"))
        result["prepare_s"] = time.perf_counter() - started
        result["info"] = info
        print(f"prepared in {result['prepare_s']:.0f} s: " + ", ".join(
            f"{k} {v:.1f} s" for k, v in info["timings"].items()) + f"; {info['check']}", flush=True)
        for label, plan in info["plans"].items():
            print(f"plan ({label}): " + " | ".join(plan), flush=True)

        django = Server("django", ["allies.config.wsgi:application"], env, ROOT, dbdir / "gunicorn-django.log")
        servers.append(django)
        baseline_db = pg_bench_url() if kind == "postgres" else info["database"]
        flask_env = {**env, "ALLIES_BASELINE_DB": baseline_db, "ALLIES_BASELINE_TABLE": info["table"]}
        flask = Server("flask", ["--preload", "flask_baseline:app"], flask_env, HERE, dbdir / "gunicorn-flask.log")
        servers.append(flask)
        django.wait_ready("/login/")
        started = time.perf_counter()
        flask.wait_ready("/health")
        print(f"servers up ({workers()} sync workers each); Flask loaded the rows in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        result["notes"] += check_answers(django, flask, info["tokens"])
        for note in result["notes"]:
            print(note, flush=True)

        for workload in ("page", "summary"):
            runs: dict[str, list[dict]] = {"django": [], "flask": []}
            scripts = {}
            for target in ("django", "flask"):
                scripts[target] = dbdir / f"{workload}-{target}.lua"
                lua_script(scripts[target], info["tokens"], workload, target)
            for target, server in (("django", django), ("flask", flask)):
                run_wrk(server.port, scripts[target], args.warmup)  # warm-up, not counted
            for i in range(args.runs):
                for target, server in (("django", django), ("flask", flask)):
                    r = run_wrk(server.port, scripts[target], args.duration)
                    runs[target].append(r)
                    print(f"{workload:<8} {target:<7} run {i + 1}: {r['rps']:8.1f} req/s  p99 {r['p99']:7.1f} ms"
                          f"  ({r['requests']} requests, non-2xx {r['non2xx']}"
                          f"{', socket errors ' + r['socket_errors'] if r['socket_errors'] else ''}"
                          f"; load {load_average()})", flush=True)
            result[workload] = runs
    finally:
        while servers:  # stopped before the import, which should not share the CPUs with them
            servers.pop().stop()


def bench_import(env: dict, csv_path: Path, dbdir: Path) -> dict:
    allies = Path(sys.executable).parent / "allies"
    cmd = [str(allies)] if allies.exists() else [sys.executable, "-m", "allies.cli.main"]
    cmd += ["import", "sales", str(csv_path), "--partner", IMPORT_PARTNER, "--lang", "en"]
    baseline = statistics.median(timed(lambda: csv_read(csv_path)) for _ in range(3))
    rows = csv_read(csv_path) - 1  # less the header
    print(f"import: {' '.join(cmd[-6:])} ...", flush=True)
    started = time.perf_counter()
    with (dbdir / "import-stderr.txt").open("wb") as err:
        proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, timeout=900)
    seconds = time.perf_counter() - started
    message = proc.stdout.decode(errors="replace").strip()
    if proc.returncode != 0:
        tail = (dbdir / "import-stderr.txt").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"allies import sales exited {proc.returncode}: {message}\n{tail}")
    print(f"import: {seconds:.1f} s ({message}); csv module read of the same file: {baseline:.2f} s", flush=True)
    return {"seconds": seconds, "baseline": baseline, "message": message, "rows": rows}


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# --------------------------------------------------------------------------- report


def verdict(ok: dict[str, bool]) -> str:
    missed = [k for k, v in ok.items() if not v]
    return "PASS" if not missed else "MISS (" + ", ".join(missed) + ")"


def report(result: dict) -> str:
    kind, goals = result["kind"], GOALS[result["kind"]]
    rows = []
    labels = {"page": "page of 100 rows, 3-month range", "summary": "monthly summary, one partner-year"}
    for workload in ("page", "summary"):
        runs = result.get(workload)
        if not runs:
            continue
        rps = statistics.median(r["rps"] for r in runs["django"])
        p99 = statistics.median(r["p99"] for r in runs["django"])
        base_rps = statistics.median(r["rps"] for r in runs["flask"])
        base_p99 = statistics.median(r["p99"] for r in runs["flask"])
        ratio = rps / base_rps
        p99_goal, ratio_goal = goals[f"{workload}_p99"], goals[f"{workload}_ratio"]
        bad = sum(r["non2xx"] for r in runs["django"] + runs["flask"])
        ok = {"p99": p99 < p99_goal, "ratio": ratio >= ratio_goal if workload == "page" else ratio > ratio_goal,
              "errors": bad == 0}
        ratio_text = f">= {ratio_goal:.2f}x" if workload == "page" else f"> {ratio_goal:.1f}x"
        rows.append([labels[workload], f"{rps:.0f}", f"{p99:.1f}", f"{base_rps:.0f}", f"{base_p99:.1f}",
                     f"{ratio:.2f}x", f"p99 < {p99_goal:.0f} ms; {ratio_text} Flask", verdict(ok)])
    print(f"{kind}:")
    text = f"{kind}:\n" + print_table(rows, ["benchmark", "req/s", "p99 ms", "Flask req/s", "Flask p99 ms",
                                             "ratio", "goal", "result"])
    if "import_error" in result:
        text += f"\n\nCSV import: FAILED ({result['import_error']})"
        print(text.split("\n\n")[-1])
    if "import" in result:
        imp = result["import"]
        print()
        text += "\n\n" + print_table(
            [[f"CSV import, {imp['rows']:,} rows (`allies import sales`)", f"{imp['seconds']:.1f}",
              f"{imp['baseline']:.2f}", f"{imp['seconds'] / imp['baseline']:.1f}x", f"< {IMPORT_GOAL_S:.0f} s",
              "PASS" if imp["seconds"] < IMPORT_GOAL_S else "MISS"]],
            ["benchmark", "seconds", "csv read s (baseline)", "ratio", "goal", "result"])
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per server and workload")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per figure (median)")
    parser.add_argument("--import-rows", type=int, default=1_000_000, help="rows of the CSV import (0: skip)")
    parser.add_argument("--pg-db", default=PG_BENCH_DB, help="throw-away PostgreSQL database (dropped at the end)")
    parser.add_argument("--_prepare", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.pg_db):
        parser.error("--pg-db: lower-case letters, digits and _ only")
    globals()["PG_BENCH_DB"] = args.pg_db
    if args._prepare:
        prepare(args.rows, Path(args._prepare))
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install -y wrk)", file=sys.stderr)
        return 1

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    began = time.perf_counter()
    info = machine_info()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(f"load average at the start: {load_average()}", flush=True)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    workdir = Path(tempfile.mkdtemp(prefix="allies-bench-sales-"))
    reports = []
    try:
        csv_path = None
        if args.import_rows:
            csv_path = workdir / "sales-import.csv"
            write_csv(csv_path, args.import_rows)
            print(f"CSV for the import: {args.import_rows:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB", flush=True)
        results, failed = [], []
        for kind in kinds:
            try:
                results.append(bench_database(kind, args, workdir, csv_path))
                if "import_error" in results[-1]:
                    failed.append(f"{kind} import")
            except Exception as exc:  # noqa: BLE001 - report it, go on with the other database
                print(f"\n{kind}: the benchmark failed: {exc!r}", file=sys.stderr, flush=True)
                failed.append(kind)
        print(f"\nResults ({args.rows:,} rows, {PARTNERS} partners; wrk -t{THREADS} -c{CONNECTIONS} "
              f"-d{args.duration}s, medians of {args.runs} runs; gunicorn {workers()} sync workers):\n")
        for result in results:
            reports.append(report(result))
            print()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"total run time: {time.perf_counter() - began:.0f} s; load average at the end: {load_average()}")
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
