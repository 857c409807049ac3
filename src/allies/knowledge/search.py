"""Full-text search of the knowledge base, Chinese and English, the same on SQLite and PostgreSQL.

Choice. The knowledge app keeps its own inverted index, the table ``knowledge_posting``
(token, article, tf, dl), written in the same transaction as the article at every save.
SQLite FTS5 and PostgreSQL tsvector were the alternatives; they rank, tokenise and
highlight differently, need database-specific migrations and, for Chinese, text
segmented before it is stored anyway. One plain table with one composite index
``(token, article)`` behaves identically on both databases, is migrated like any other
model, and answers a query with two indexed statements.

Tokens. Text is NFKC-normalised and lower-cased. Runs of Chinese characters are cut with
jieba's search mode (``cut_for_search``, HMM off so the same words always cut the same
way), which emits the words and the shorter dictionary words inside them: 尽职调查 gives
尽职, 调查 and 尽职调查, so a search for 调查 finds it. Runs of Latin letters and digits
become words, reduced by a light English suffix stemmer (checklists -> checklist,
screening -> screen). Common stop words (的, 和, the, of ...) are not indexed. The title
counts three times.

Ranking. BM25 (k1 = 1.2, b = 0.75). The term-frequency part of each posting is computed
when the article is saved and stored in the posting (``weight``); its length
normalisation uses a fixed reference length of 300 tokens instead of the collection's
running average, so a save never has to rewrite other articles' postings. idf is
computed per query from the document frequencies, which are cached for up to five
minutes (a save drops the counts of the tokens it touched).

Query. The query is cut the same way. Two statements, both served by the covering index
``(token, article, weight)``: one counts each token's articles (and all articles, for
idf); one ``GROUP BY article`` over the postings of the query's tokens, restricted to the
articles the user may see (the scoping queryset as a sub-select), returns every matching
article with the number of query tokens it has and its score. Articles with more of the
query's tokens come first, then by score. Snippets (for the page shown only) come from the article's stored
plain text: the part around the first hit, HTML-escaped, then the hits wrapped in
``<mark>``.

jieba loads its dictionary (about one second) the first time a text is cut, once per
process; nothing is loaded at import.
"""

from __future__ import annotations

import hashlib
import html
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3
REFERENCE_LENGTH = 300  # tokens: the article length BM25 treats as typical
MAX_TOKEN = 64
MAX_QUERY_TOKENS = 32
DF_CACHE_SECONDS = 300
SNIPPET_CHARS = 140

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK}]+)|([0-9a-z]+)")
_STOP = frozenset(
    "的 了 和 与 及 或 等 是 在 对 把 被 为 以 之 其 也 都 而 并 个 这 那 就 中 上 下 "
    "a an and are as at be been by for from has have in into is it its of on or that the their this to "
    "was were will with".split()
)
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))

_lock = threading.Lock()
_jieba = None


def _segmenter():
    """jieba, with its dictionary loaded: once per process, on first use."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def stem(word: str) -> str:
    """A light English stemmer: enough that plural and -ing/-ed forms meet their word."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            return word[: -len(suffix)] + replacement
    return word


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """The index tokens of a text, in order, repeats kept."""
    out: list[str] = []
    for match in _RUNS.finditer(normalise(text)):
        cjk, word = match.groups()
        if cjk:
            for part in _segmenter().cut_for_search(cjk, HMM=False):
                if part not in _STOP:
                    out.append(part[:MAX_TOKEN])
        elif word not in _STOP:
            out.append(stem(word)[:MAX_TOKEN])
    return out


def document_terms(title: str, text: str) -> tuple[Counter, int]:
    """(token -> weighted frequency, document length) for an article's title and plain text."""
    counts = Counter(tokens(text))
    for token in tokens(title):
        counts[token] += TITLE_WEIGHT
    return counts, sum(counts.values())


def query_terms(query: str) -> list[str]:
    """The distinct tokens of a query, in order, at most MAX_QUERY_TOKENS of them."""
    seen: list[str] = []
    for token in tokens(query[:500]):
        if token not in seen:
            seen.append(token)
    return seen[:MAX_QUERY_TOKENS]


# --------------------------------------------------------------------------- querying


def term_weight(tf: int, length: int) -> float:
    """The BM25 term-frequency part of a posting, fixed at index time (see the module docstring)."""
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / REFERENCE_LENGTH))


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    matched: int


def _key(token: str | None) -> str:
    return "kb:df:" + (hashlib.sha1(token.encode()).hexdigest() if token is not None else "*")


def _frequencies(cursor, terms: list[str], postings: str, articles: str) -> tuple[int, dict[str, int]]:
    """(number of articles, token -> number of articles with it), from the cache where possible.

    idf only weighs the tokens against each other, so counts up to DF_CACHE_SECONDS old
    are good enough; a save drops the counts of the tokens it touched (in this process's
    cache, or everywhere with Redis).
    """
    keys = {_key(t): t for t in [*terms, None]}
    cached = cache.get_many(list(keys))
    missing = [t for k, t in keys.items() if k not in cached]
    if missing:
        wanted = [t for t in missing if t is not None]
        parts, params = [], []
        if wanted:
            parts.append(f"SELECT token, COUNT(*) FROM {postings} WHERE token IN ({', '.join(['%s'] * len(wanted))})"
                         " GROUP BY token")
            params += wanted
        if None in missing:
            parts.append(f"SELECT NULL, COUNT(*) FROM {articles}")
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {t: n for t, n in cursor.fetchall()}
        fresh = {_key(t): found.get(t, 0) for t in missing}
        cache.set_many(fresh, DF_CACHE_SECONDS)
        cached.update(fresh)
    total = cached[_key(None)]
    return total, {t: cached[_key(t)] for t in terms if cached[_key(t)]}


def forget_frequencies(tokens) -> None:
    """Drop cached document frequencies after an article's postings changed."""
    cache.delete_many([_key(t) for t in tokens] + [_key(None)])


def rank(*, terms: list[str], visible=None, offset: int = 0, limit: int = 20) -> tuple[int, list[Hit]]:
    """(how many articles match, one page of them best first: article, BM25 score, query tokens it has).

    ``visible`` is None when the user may see every article, else a queryset of the
    Articles they may see: its SQL becomes a sub-select of the ranking statement, so the
    scoping done by ``core.scoping.restrict`` is part of the one query.
    """
    from django.db import connection

    from allies.knowledge.models import Article, Posting

    if not terms:
        return 0, []
    postings, articles = Posting._meta.db_table, Article._meta.db_table
    with connection.cursor() as cursor:
        total, df = _frequencies(cursor, terms, postings, articles)
        if not df or not total:
            return 0, []
        idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        cases = " ".join("WHEN %s THEN %s" for _t in idf)
        params: list = [v for t, w in idf.items() for v in (t, w)]
        sql = (f"SELECT article_id, SUM(weight * (CASE token {cases} ELSE 0.0 END)) AS score, COUNT(*) AS matched "
               f"FROM {postings} WHERE token IN ({', '.join(['%s'] * len(idf))})")
        params += list(idf)
        if visible is not None:
            sub, sub_params = visible.order_by().values("pk").query.sql_with_params()
            sql += f" AND article_id IN ({sub})"
            params += list(sub_params)
        sql += " GROUP BY article_id"
        # The window count gives the number of matches without sending them all to Python.
        cursor.execute(f"SELECT article_id, score, matched, COUNT(*) OVER () FROM ({sql}) hits "
                       f"ORDER BY matched DESC, score DESC, article_id LIMIT %s OFFSET %s",
                       [*params, max(0, limit), max(0, offset)])
        rows = cursor.fetchall()
        if rows:
            count = rows[0][3]
        else:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) hits", params)
            count = cursor.fetchone()[0]
        return count, [Hit(article_id=a, score=float(s), matched=m) for a, s, m, _n in rows]


# --------------------------------------------------------------------------- highlighting


def _pattern(query: str, terms: list[str]) -> re.Pattern | None:
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        if re.fullmatch(r"[0-9a-z]+", term):
            parts.append(rf"\b{re.escape(term)}[a-z]*")
        else:
            parts.append(re.escape(term))
    for word in re.findall(r"[0-9a-z]+", normalise(query)):
        if word not in _STOP:
            parts.append(rf"\b{re.escape(word)}")
    for run in re.findall(rf"[{_CJK}]{{2,}}", normalise(query)):
        parts.insert(0, re.escape(run))
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _marked(text: str, pattern: re.Pattern | None) -> str:
    """``text`` HTML-escaped, with every hit of ``pattern`` wrapped in <mark>."""
    if pattern is None:
        return _escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        out.append(_escape(text[last:match.start()]))
        out.append(f"<mark>{_escape(match.group())}</mark>")
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out).replace("</mark><mark>", "")


def hit_pattern(query: str, terms: list[str]) -> re.Pattern | None:
    """The pattern that marks a query's hits (build it once per search, use it for every result)."""
    return _pattern(query, terms)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """The whole of a short text (a title) escaped, with the query's hits marked."""
    return mark_safe(_marked(text, pattern))  # noqa: S308 - every part is escaped above


def snippet(text: str, pattern: re.Pattern | None, width: int = SNIPPET_CHARS) -> SafeString:
    """About ``width`` characters of ``text`` around its first hit, escaped, hits marked."""
    flat = " ".join((text or "").split())
    first = pattern.search(flat) if pattern else None
    start = 0 if first is None else max(0, first.start() - width // 4)
    end = min(len(flat), start + width)
    if end - start < width:
        start = max(0, end - width)
    piece = flat[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    return mark_safe(prefix + _marked(piece, pattern) + suffix)  # noqa: S308 - _marked escapes every part
