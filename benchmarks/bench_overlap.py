"""Joint-customer overlap of two 1,000,000-account lists, against baselines measured in the same run.

1. In memory, on two lists of keyed-hash rows (name, USCC, domain; 30% of B's accounts are
   A's customers, matched through one identifier or several): ``matching.matched`` (A's
   matched accounts: what a partner's query needs) and ``matching.overlap`` (both sides:
   what a staff query needs), against two floors: a plain Python set intersection of the
   raw name strings (one kind, counts only) and the same for all three kinds. Goal: under 10 s.
2. From the database: the two lists stored as Account rows in a throw-away SQLite
   database, and a partner's overlap query run end to end through the service
   (``accounts.overlap_run``: the daily-limit check, reading 2,000,000 hash rows, the
   overlap, storing the result), and a staff query (both sides matched, the first 10,000
   matched pairs kept with both names). Goal: each under 10 s.

Run: ``.venv/bin/python benchmarks/bench_overlap.py`` (``--quick`` for 100,000 accounts).
Figures are medians of several runs, each timed in turn with its baselines (A, B, A, B)
so both see the same machine load. Exit status 1 if a goal is missed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import interleaved_medians, load_average, machine_info, print_table  # noqa: E402

from allies.domain.matching import Identifiers, account_hashes, matched, overlap  # noqa: E402

N = 100_000 if "--quick" in sys.argv else 1_000_000
SHARED = N * 3 // 10
GOAL_S = 10.0
REPEATS = 5
DB_REPEATS = 3
KEY = b"bench-overlap-key-0123456789abcdef"


# --------------------------------------------------------------------------- data


def customer(i: int) -> tuple[str, str, str]:
    """Every customer has a name, 60% a USCC, 50% a domain."""
    return (f"客户{i:07d}科技", f"91{i:016d}" if i % 5 < 3 else "", f"c{i}.example.cn" if i % 2 else "")


def raw_accounts() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Readable identifiers of A's and B's customers; B knows the shared ones by a varying
    subset of their identifiers (name only, USCC and domain only, or all three)."""
    a = [customer(i) for i in range(N)]
    b = []
    for i in range(SHARED):
        name, uscc, domain = customer(i)
        b.append({0: (name, "", ""), 1: ("", uscc, domain), 2: (name, uscc, domain)}[i % 3])
    b += [customer(i) for i in range(N, 2 * N - SHARED)]
    return a, b


def hashed(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [account_hashes(KEY, Identifiers(*r)) for r in rows]


def matched_customers(raw_b) -> int:
    """A's accounts that B's list matches, counted from the construction (the expected answer)."""
    return sum(1 for i in range(SHARED) if any(x and x == y for x, y in zip(raw_b[i], customer(i))))


# --------------------------------------------------------------------------- in memory


def memory_benchmarks(a, b, raw_a, raw_b, expected: int) -> list[list[str]]:
    names_a, names_b = [r[0] for r in raw_a], [r[0] for r in raw_b]
    cols_a, cols_b = [[r[k] for r in raw_a] for k in range(3)], [[r[k] for r in raw_b] for k in range(3)]

    def figure():
        assert len(matched(a, b)) == expected

    def both_sides():
        assert len(overlap(a, b).left) == expected

    def floor_one_kind():
        return len(set(names_a) & set(names_b))

    def floor_three_kinds():
        return sum(len(set(x) & set(y)) for x, y in zip(cols_a, cols_b))

    fig, both, one, three = interleaved_medians(figure, both_sides, floor_one_kind, floor_three_kinds,
                                                repeats=REPEATS)
    label = f"matched (one side), 2 x {N:,} accounts"
    return [
        row(label, fig, "floor: set & of raw names (1 kind)", one, None),
        row(label, fig, "floor: set & of raw strings (3 kinds)", three, None),
        row(label, fig, "goal", GOAL_S, GOAL_S),
        row(f"overlap (both sides), 2 x {N:,} accounts", both, "floor: set & of raw strings (3 kinds)", three, None),
        row(f"overlap (both sides), 2 x {N:,} accounts", both, "goal", GOAL_S, GOAL_S),
    ]


def row(label: str, figure: float, baseline_label: str, baseline: float, goal: float | None) -> list[str]:
    ratio = figure / baseline
    verdict = "-" if goal is None else ("PASS" if figure < goal else "MISS")
    return [label, f"{figure:.3f}", baseline_label, f"{baseline:.3f}", f"{ratio:.2f}x",
            f"< {goal:.0f} s" if goal else "info", verdict]


# --------------------------------------------------------------------------- database


def database_benchmarks(a, b, expected: int, workdir: Path) -> list[list[str]]:
    os.environ.update({"ALLIES_DATA_DIR": str(workdir), "ALLIES_STATIC_ROOT": str(workdir / "static"),
                       "ALLIES_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "allies.config.settings",
                       "ALLIES_OVERLAP_DAILY_LIMIT": "1000"})
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from allies.core.models import User
    from allies.partners.models import Partner
    from allies.sharing import accounts
    from allies.sharing.models import AccountList, SharingGrant

    call_command("migrate", verbosity=0)
    pa, pb = Partner.objects.create(name="伙伴A"), Partner.objects.create(name="伙伴B")
    user = User.objects.create_user("bench-partner", password="bench-pass-123", role="partner", partner=pa)
    staff = User.objects.create_user("bench-manager", password="bench-pass-123", role="manager")
    SharingGrant.objects.create(grantor=pb, grantee=pa, level="rows")
    start = time.perf_counter()
    for partner, rows in ((pa, a), (pb, b)):
        account_list = AccountList.objects.create(partner=partner, filename="bench.csv", account_count=len(rows))
        with transaction.atomic():
            connection.ensure_connection()
            connection.connection.executemany(  # the raw sqlite3 connection: setup, not measured
                "INSERT INTO sharing_account (account_list_id, partner_id, display_name, name_hash, uscc_hash, "
                "domain_hash) VALUES (?, ?, ?, ?, ?, ?)",
                ((account_list.pk, partner.pk, f"客户{i}", *r) for i, r in enumerate(rows)))
    print(f"stored 2 x {N:,} accounts in SQLite in {time.perf_counter() - start:.1f} s", flush=True)

    def partner_query():
        query = accounts.overlap_run(actor=user, other_partner_id=pb.pk)
        assert query.matched == expected, (query.matched, expected)

    def staff_query():
        accounts.overlap_run(actor=staff, partner_id=pa.pk, other_partner_id=pb.pk)

    def read_hashes():  # what the partner query reads: A's hashes with ids, B's without
        return (len(accounts._hash_rows(AccountList.objects.get(partner=pa))),
                len(accounts._hash_rows(AccountList.objects.get(partner=pb), with_ids=False)))

    partner_s, staff_s, read_s = interleaved_medians(partner_query, staff_query, read_hashes, repeats=DB_REPEATS)
    label = f"partner overlap query from the DB, 2 x {N:,}"
    return [
        row(label, partner_s, "goal", GOAL_S, GOAL_S),
        row(label, partner_s, "floor: reading the 2 lists' hashes", read_s, None),
        row(f"staff overlap query (both names), 2 x {N:,}", staff_s, "goal", GOAL_S, GOAL_S),
    ]


def main() -> int:
    print(f"machine: {machine_info()} load: {load_average()}", flush=True)
    raw_a, raw_b = raw_accounts()
    expected = matched_customers(raw_b)
    start = time.perf_counter()
    a, b = hashed(raw_a), hashed(raw_b)
    hashing = time.perf_counter() - start
    print(f"hashed 2 x {N:,} accounts (HMAC-SHA256 per identifier) in {hashing:.1f} s; "
          f"{expected:,} of A's accounts are on B's list", flush=True)
    rows = memory_benchmarks(a, b, raw_a, raw_b, expected)
    workdir = Path(tempfile.mkdtemp(prefix="allies-bench-overlap-"))
    try:
        rows += database_benchmarks(a, b, expected, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print_table(rows, ["benchmark", "figure (median s)", "baseline", "baseline (s)", "ratio", "goal", "result"])
    print(f"\nmedians of {REPEATS} (memory) / {DB_REPEATS} (database) runs; load average after: {load_average()}")
    return 1 if any(r[-1] == "MISS" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
