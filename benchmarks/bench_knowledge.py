"""Knowledge-base search over 10,000 Chinese and English articles, on SQLite and on PostgreSQL.

The figure: ``knowledge.selectors.article_search`` end to end (cut the query with jieba,
rank every visible match with BM25 in one indexed SQL statement, load the first page of 20
and build its escaped, highlighted snippets), for a staff user (every article) and for a
partner user (only the ~10 % shared with its company; visibility is part of the SQL).
Goal: p99 under 100 ms on both databases. As in a running server, the document
frequencies (idf) come from the cache after the warm-up round; the ranking statement,
the page and the snippets are computed every time.

Baselines, measured in the same run and interleaved with the figure (A, B, A, B ...):
- LIKE scan: what the search would be without the index: ``search_text ILIKE '%word%'``
  for every query word (AND), first 20 rows and the count; no ranking, no snippets, and
  no word segmentation (it cannot find 调查 inside 尽职调查 any better than a substring).
- In-memory index: the same postings held in a Python dict (token -> {article: tf}) in
  this process, BM25 in Python, top 20 with ``heapq``: a floor no database query can beat.

The 10,000 articles (half Chinese, half English, 150-400 characters each, fixed seed) are
indexed exactly as the app indexes a saved article. By default they are realistic: each
is about one practice, made of sentences of the shipped starter articles (70 % from its
own topic), with a partner name, a place and a figure. ``--uniform`` builds the
adversarial corpus instead: sentences drawn evenly from about 70 domain words, so every
query word is in about half of the articles and every search aggregates 4,000-20,000
postings. Each database is set up in its own process: a throw-away
SQLite file, and the PostgreSQL database ``allies_bench_kb`` (dropped and created; set
BENCH_PG_URL to use another server; skipped with a message when PostgreSQL is not
reachable). Run: ``.venv/bin/python benchmarks/bench_knowledge.py`` (``--quick``: 2,000
articles; ``--db=sqlite`` or ``--db=postgresql``: one database only). Exit status 1 if a goal
is missed.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import load_average, machine_info, print_table  # noqa: E402

N = 2_000 if "--quick" in sys.argv else 10_000
UNIFORM = "--uniform" in sys.argv
ROUNDS = 10  # every query this many times per user, interleaved with the baselines
GOAL_MS = 100.0
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/allies_bench_kb")
SEED = 20261127

ZH_WORDS = (
    "伙伴 筛选 尽职调查 财务审计 法律审查 市场调研 技术评估 试点 项目 指标 转化率 客户获取成本 收入分成 联合营销 联合销售 "
    "联合研发 供应链 渠道 合作 协议 知识产权 退出机制 争议解决 调解 仲裁 冲突 沟通 治理 委员会 工作小组 周会 复盘 "
    "数据共享 客户 报备 品牌 生态 投资 创新 实验室 风险 预警 评估 信任 愿景 目标 资源 互补 文化 兼容 战略 匹配 声誉"
).split()
ZH_GLUE = ["的", "与", "和", "需要", "应当", "确认", "明确", "评估", "完成", "建立", "推进", "检查"]
EN_WORDS = (
    "partner screening due diligence financial audit legal review market research technical assessment pilot "
    "project KPI conversion rate acquisition cost revenue share joint marketing joint sales research supply chain "
    "channel cooperation agreement intellectual property exit dispute resolution mediation arbitration conflict "
    "communication governance committee working group weekly meeting review data sharing customer registration "
    "brand ecosystem investment innovation lab risk warning evaluation trust vision goal resource complementary "
    "culture strategy fit reputation checklist template"
).split()
EN_GLUE = ["the", "and", "of", "must", "should", "confirm", "agree", "check", "before", "with", "for", "our"]
QUERIES = ["尽职调查", "试点 指标", "知识产权 协议", "冲突 调解 委员会", "联合营销 渠道", "客户获取成本", "生态 投资",
           "数据共享 报备", "checklist", "pilot review", "revenue share agreement", "mediation arbitration",
           "due diligence", "joint marketing channel", "量子", "partner"]


def sentence(rng: random.Random, zh: bool) -> str:
    words, glue = (ZH_WORDS, ZH_GLUE) if zh else (EN_WORDS, EN_GLUE)
    parts = []
    for _ in range(rng.randint(4, 9)):
        parts.append(rng.choice(words))
        if rng.random() < 0.6:
            parts.append(rng.choice(glue))
    return ("".join(parts) + "。") if zh else (" ".join(parts).capitalize() + ".")


def uniform_article(rng: random.Random, zh: bool) -> tuple[str, str]:
    """Adversarial: sentences drawn evenly from ~70 words, so every query word is in about half the articles."""
    title = sentence(rng, zh).rstrip("。.")[:60]
    body, target = [], rng.randint(150, 400)
    while sum(len(s) for s in body) < target:
        body.append(sentence(rng, zh))
    return title, ("" if zh else " ").join(body)


ZH_NAMES = [a + b for a in "华东 星河 云帆 青松 远景 博睿 锦程 海川 天枢 明德 长风 恒信".split()
            for b in "智造 渠道 数据 资本 咨询 物流 软件 科技 医疗 零售".split()]
EN_NAMES = [f"{a} {b}" for a in "Northwind Contoso Fabrikam Litware Tailspin Wingtip Adatum Proseware".split()
            for b in "Systems Logistics Retail Health Capital Software Data Labs".split()]
ZH_PLACES = "北京 上海 深圳 杭州 成都 武汉 南京 苏州 广州 西安 重庆 天津".split()
EN_PLACES = "Berlin Lyon Austin Osaka Madrid Toronto Sydney Dublin Seoul Milan".split()


def starter_sentences() -> dict[tuple[str, bool], list[str]]:
    """Sentences of the shipped starter articles, by topic and language: real text of the domain."""
    import re

    from allies.knowledge import markdown
    from allies.knowledge.starters import starters

    out: dict[tuple[str, bool], list[str]] = {}
    for st in starters():
        zh = st.language != "en"
        pieces = re.split(r"(?<=[。；！？])|\n" if zh else r"(?<=[.;!?])\s+|\n", markdown.plain_text(st.body))
        out[(st.key.split(".")[0], zh)] = [p.strip() for p in pieces if len(p.strip()) > 6]
    return out


def realistic_article(rng: random.Random, zh: bool, source: dict) -> tuple[str, str]:
    """An article about one practice (most sentences from its starter article, some from others),
    naming a partner, a place and a figure: words follow the domain's own frequencies."""
    topics = sorted({t for t, _z in source})
    topic = rng.choice(topics)
    name = rng.choice(ZH_NAMES if zh else EN_NAMES)
    place = rng.choice(ZH_PLACES if zh else EN_PLACES)
    body, target = [], rng.randint(150, 400)
    if zh:
        body.append(f"{name}在{place}的合作，第{rng.randint(1, 12)}次复盘，涉及金额{rng.randint(5, 900)}万元。")
    else:
        body.append(f"Notes from {name} in {place}, review {rng.randint(1, 12)}, about {rng.randint(5, 900)}k.")
    while sum(len(s) for s in body) < target:
        pick = topic if rng.random() < 0.7 else rng.choice(topics)
        body.append(rng.choice(source[(pick, zh)]))
    title = f"{name}：{body[1][:24]}" if zh else f"{name}: {body[1][:40]}"
    return title, ("" if zh else " ").join(body)


# --------------------------------------------------------------------------- one database (child process)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def child(kind: str) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="allies-bench-kb-"))
    if kind == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        import psycopg

        base, _, name = PG_URL.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = PG_URL
    os.environ["ALLIES_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allies.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from allies.core.models import User
    from allies.knowledge import search, selectors
    from allies.knowledge.models import Article, Posting
    from allies.partners.models import Partner

    partner = Partner.objects.create(name="基准伙伴")
    staff = User.objects.create_user("bench-manager", role="manager")
    partner_user = User.objects.create_user("bench-partner", role="partner", partner=partner)

    rng = random.Random(SEED)
    source = starter_sentences()
    start = time.perf_counter()
    docs = []
    for i in range(N):
        zh = i % 2 == 0
        title, body = uniform_article(rng, zh) if UNIFORM else realistic_article(rng, zh, source)
        counts, length = search.document_terms(title, body)
        docs.append((title, body, "zh-hans" if zh else "en", counts, length, i % 10 == 0))
    cut = time.perf_counter() - start
    start = time.perf_counter()
    memory: dict[str, dict[int, int]] = defaultdict(dict)
    lengths: dict[int, int] = {}
    with transaction.atomic():
        Article.objects.bulk_create([Article(title=t, body=b, language=lang, search_text=b, search_length=n,
                                             revision=1, visibility="shared" if shared else "internal")
                                     for t, b, lang, _c, n, shared in docs], batch_size=1000)
        ids = list(Article.objects.filter(starter_key__isnull=True).order_by("pk").values_list("pk", flat=True))
        postings = []
        for pk, (_t, _b, _l, counts, length, _s) in zip(ids, docs):
            lengths[pk] = length
            for token, tf in counts.items():
                weight = search.term_weight(tf, length)
                postings.append(Posting(article_id=pk, token=token, tf=tf, weight=weight))
                memory[token][pk] = weight
        Posting.objects.bulk_create(postings, batch_size=5000)
        Through = Article.shared_with.through
        Through.objects.bulk_create([Through(article_id=pk, partner_id=partner.pk)
                                     for pk, d in zip(ids, docs) if d[5]], batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stored = time.perf_counter() - start

    def like_scan(q: str):
        qs = Article.objects.all()
        for word in q.split():
            qs = qs.filter(search_text__icontains=word)
        return qs.count(), list(qs.values_list("pk", "title")[:20])

    def in_memory(q: str):
        terms = search.query_terms(q)
        n = len(lengths)
        scores: dict[int, float] = defaultdict(float)
        for t in terms:
            postings_t = memory.get(t, {})
            idf = math.log(1 + (n - len(postings_t) + 0.5) / (len(postings_t) + 0.5))
            for pk, weight in postings_t.items():
                scores[pk] += idf * weight
        return len(scores), heapq.nlargest(20, scores.items(), key=lambda kv: kv[1])

    timings: dict[str, list[float]] = defaultdict(list)
    hits: dict[str, int] = {}
    runs = [
        ("search, staff", lambda q: selectors.article_search(user=staff, query=q)),
        ("search, partner user", lambda q: selectors.article_search(user=partner_user, query=q)),
        ("LIKE scan", like_scan),
        ("in-memory index", in_memory),
    ]
    for q in QUERIES:  # warm-up: jieba's dictionary, the database's caches
        for _label, fn in runs:
            fn(q)
    for _round in range(ROUNDS):
        for q in QUERIES:
            for label, fn in runs:
                t0 = time.perf_counter()
                result = fn(q)
                timings[label].append((time.perf_counter() - t0) * 1000)
                if label == "search, staff":
                    hits[q] = result.total
    out = {
        "kind": kind, "vendor": connection.vendor, "articles": Article.objects.count(),
        "postings": Posting.objects.count(), "cut_s": cut, "stored_s": stored, "hits": hits,
        "stats": {label: {"median": statistics.median(v), "p99": percentile(v, 0.99), "n": len(v)}
                  for label, v in timings.items()},
    }
    return out


# --------------------------------------------------------------------------- parent


def pg_reachable() -> bool:
    try:
        import psycopg

        base = PG_URL.rpartition("/")[0]
        with psycopg.connect(base + "/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return False


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print("RESULT " + json.dumps(child(sys.argv[2])), flush=True)
        return 0
    print(f"machine: {machine_info()} load: {load_average()}", flush=True)
    print("corpus: " + ("uniform (adversarial: every query word in about half the articles)" if UNIFORM else
                        "realistic (sentences of the starter articles by topic, with names, places, figures)"),
          flush=True)
    kinds = ["sqlite"] + (["postgresql"] if pg_reachable() else [])
    only = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--db=")]
    if only:
        kinds = [k for k in kinds if k in only]
    if "postgresql" not in kinds:
        print(f"PostgreSQL not reachable at {PG_URL}: its figures are skipped", flush=True)
    rows, missed = [], False
    for kind in kinds:
        args = [sys.executable, __file__, "--child", kind] + [a for a in ("--quick", "--uniform") if a in sys.argv]
        proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT,
                              env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"})
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if proc.returncode != 0 or line is None:
            print(proc.stdout[-2000:], proc.stderr[-4000:])
            return 1
        r = json.loads(line[len("RESULT "):])
        print(f"{kind}: {r['articles']:,} articles, {r['postings']:,} postings; jieba cut {r['cut_s']:.1f} s, "
              f"stored {r['stored_s']:.1f} s; staff hits per query: {r['hits']}", flush=True)
        stats = r["stats"]
        for label in ("search, staff", "search, partner user"):
            s = stats[label]
            ok = s["p99"] < GOAL_MS
            missed |= not ok
            for base in ("LIKE scan", "in-memory index"):
                b = stats[base]
                rows.append([kind, label, f"{s['median']:.1f}", f"{s['p99']:.1f}", base, f"{b['median']:.1f}",
                             f"{b['p99']:.1f}", f"{s['median'] / b['median']:.2f}", f"{s['p99'] / b['p99']:.2f}",
                             f"p99 < {GOAL_MS:.0f}", "PASS" if ok else "MISS"])
    print()
    print_table(rows, ["db", "figure", "median ms", "p99 ms", "baseline", "base median ms", "base p99 ms",
                       "ratio median", "ratio p99", "goal", "result"])
    print(f"\n{len(QUERIES)} queries x {ROUNDS} rounds per figure; load average after: {load_average()}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
