"""The first page of the screening ranking over 10,000 rated candidates, served over real HTTP.

A throw-away SQLite database gets 10,000 candidates x 6 criteria of ratings; gunicorn
(one sync worker per core, DEBUG off) serves it; a client on the same machine asks for
the ranking page and the ranking API in turn. Baseline, measured in the same run on the
same server: the anonymous login page, a template with no database work. Goal: median under 300 ms.
"""

import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = 10_000
REQUESTS = 30
GOAL_MS = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> str:
    """Create the database and data; returns a session cookie value for a manager."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from allies.core.models import User
    from allies.partners.models import Partner, Rating
    from allies.partners.selectors import default_model

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.create_user("bench", password="bench-pass-123", role="manager")
    Partner.objects.bulk_create([Partner(name=f"候选伙伴{i:05d}") for i in range(CANDIDATES)], batch_size=2000)
    codes = [c.code for c in default_model().current_version.criteria.all()]
    rng = random.Random(20261127)
    ids = list(Partner.objects.values_list("pk", flat=True))
    Rating.objects.bulk_create(
        [Rating(partner_id=p, criterion_code=c, rater=user, score=rng.randint(0, 100) / 10) for p in ids for c in codes],
        batch_size=5000,
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def timed_get(port: int, path: str, cookie: str | None) -> tuple[float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status, len(body)


def measure(port: int, path: str, cookie: str | None) -> list[float]:
    timed_get(port, path, cookie)  # warm-up
    times = []
    for _ in range(REQUESTS):
        elapsed, status, _size = timed_get(port, path, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        times.append(elapsed * 1000)
    return times


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="allies-bench-"))
    env = {
        "ALLIES_DATA_DIR": str(workdir),
        "ALLIES_STATIC_ROOT": str(workdir / "static"),
        "ALLIES_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "allies.config.settings",
    }
    env.pop("DATABASE_URL", None)
    os.environ.pop("DATABASE_URL", None)
    print(f"preparing {CANDIDATES:,} candidates x 6 criteria of ratings in {workdir} ...", flush=True)
    cookie = prepare(env)
    port = free_port()
    workers = str(os.cpu_count() or 2)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "allies.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", workers, "--log-level", "warning"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        rows = [
            ("ranking page, first page", "/screening/"),
            ("ranking API, first 50", "/api/v1/screening/ranking?limit=50"),
        ]
        baseline = statistics.median(measure(port, "/login/", None))
        print(f"\n{'benchmark':<30}{'median ms':>11}{'p95 ms':>9}{'baseline (login page) ms':>27}{'ratio':>8}"
              f"{'goal ms':>9}  result")
        for label, path in rows:
            times = sorted(measure(port, path, cookie))
            median = statistics.median(times)
            p95 = times[int(0.95 * (len(times) - 1))]
            verdict = "PASS" if median < GOAL_MS else "MISS"
            print(f"{label:<30}{median:>11.1f}{p95:>9.1f}{baseline:>27.1f}{median / baseline:>8.1f}{GOAL_MS:>9.0f}"
                  f"  {verdict}")
        print(f"\n{REQUESTS} sequential requests each after one warm-up; gunicorn with {workers} sync workers; SQLite.")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
