"""Joint-customer matching: normalising company identifiers, keyed hashes and list overlap.

Partners compare customer lists without handing each other readable names: every
identifier is normalised (so "星火科技（集团）有限公司" and "星火科技" agree), then replaced by
an HMAC-SHA256 under a server key, truncated to 128 bits (32 hex characters). The kind
("name", "uscc", "domain") is part of the hashed message, so a name never equals a domain.

Two accounts match when any identifier hash is equal. :func:`matched` finds the accounts
of one list that match the other with set lookups, in linear time (two lists of 1,000,000
accounts in a few seconds; see benchmarks/bench_overlap.py); :func:`overlap` gives both
sides (swapping the lists swaps them); :func:`matched_pairs` lists the first matched pairs.

Pure Python: no Django import.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from urllib.parse import urlsplit

import numpy as np

from allies.domain.identifiers import uscc_normalise, uscc_problem

KINDS = ("name", "uscc", "domain")
HASH_HEX_CHARS = 32  # 128 bits: collisions are out of reach even across millions of accounts

# Company-form endings removed from names, Chinese ones matched at the end of the last word
# (longest first, repeatedly: "集团股份有限公司" -> "集团" -> ""), English ones as whole words.
# "集团"/"group" go too: a group and its company are one customer for joint selling. Branches
# (分公司) are kept: a branch has its own registration, and dropping only "分公司" would
# leave the city ("北京"), which matches nothing useful.
CHINESE_SUFFIXES = tuple(sorted(
    ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "总公司", "公司", "集团"),
    key=len, reverse=True,
))
ENGLISH_SUFFIXES = frozenset({
    "co", "company", "corp", "corporation", "inc", "incorporated", "llc", "ltd", "limited", "plc", "gmbh",
    "pte", "llp", "group",
})
BRANCH = "分公司"
_WORD = re.compile(r"[^\W_]+")
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


# --------------------------------------------------------------------------- normalisation


def normalise_name(text: str) -> str:
    """A company name as a matching key: half-width, case-folded, without spaces,
    punctuation or company-form endings. '' when nothing is left."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    words = _WORD.findall(folded)
    if not words:
        return ""
    stripped = _strip_suffixes(list(words))
    return "".join(stripped) or "".join(words)


def _strip_suffixes(words: list[str]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        last = words[-1]
        if last.endswith(BRANCH):
            break
        if last in ENGLISH_SUFFIXES:
            words.pop()
            changed = True
            continue
        for suffix in CHINESE_SUFFIXES:
            if last.endswith(suffix):
                rest = last[: -len(suffix)]
                if rest:
                    words[-1] = rest
                else:
                    words.pop()
                changed = True
                break
    return words


def normalise_uscc(code: str) -> tuple[str, str | None]:
    """(normalised code, problem): problem is None for a valid code, else ``length``,
    ``character`` or ``check_digit`` (the rule of :mod:`allies.domain.identifiers`)."""
    value = uscc_normalise(unicodedata.normalize("NFKC", code or ""))
    if not value:
        return "", None
    return value, uscc_problem(value)


def normalise_domain(text: str) -> tuple[str, str | None]:
    """(host, problem) from a URL, a bare host or an e-mail address: lower-case, without
    ``www.``, port, path or trailing dot, Chinese labels IDNA-encoded (xn--...).

    problem is None when the host is a plausible domain, else ``invalid``."""
    raw = unicodedata.normalize("NFKC", text or "").strip().translate(_DOTS)
    if not raw:
        return "", None
    if "@" in raw and "//" not in raw:
        raw = raw.rsplit("@", 1)[1]
    if "//" not in raw:
        raw = "//" + raw
    try:
        host = urlsplit(raw).hostname or ""
    except ValueError:
        return "", "invalid"
    host = host.strip(".").casefold()
    if host.startswith("www."):
        host = host[4:]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return "", "invalid"
    labels = host.split(".")
    if (len(labels) < 2 or len(host) > 253 or not all(_LABEL.match(label) for label in labels)
            or labels[-1].isdigit()):
        return "", "invalid"
    return host, None


@dataclass(frozen=True)
class Identifiers:
    """The normalised identifiers of one account ('' where absent)."""

    name: str = ""
    uscc: str = ""
    domain: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.uscc or self.domain)


@dataclass(frozen=True)
class Problem:
    """Why an identifier was not used: ``field`` is name/uscc/domain, ``code`` a stable reason."""

    field: str
    code: str


def normalise_account(name: str = "", uscc: str = "", domain: str = "") -> tuple[Identifiers, list[Problem]]:
    """Normalise an account's three identifiers. An invalid USCC or domain is reported,
    not used; an account needs at least one usable identifier (``missing``)."""
    problems: list[Problem] = []
    code, uscc_issue = normalise_uscc(uscc)
    if uscc_issue:
        problems.append(Problem("uscc", f"uscc_{uscc_issue}"))
        code = ""
    host, domain_issue = normalise_domain(domain)
    if domain_issue:
        problems.append(Problem("domain", f"domain_{domain_issue}"))
    ids = Identifiers(normalise_name(name), code, host)
    if not ids and not problems:
        problems.append(Problem("name", "missing"))
    return ids, problems


# --------------------------------------------------------------------------- keyed hashes


def identifier_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of ``kind:value`` under ``key``, as 32 hex characters; '' for no value."""
    if kind not in KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}")
    if not value:
        return ""
    return hmac.digest(key, f"{kind}:{value}".encode(), "sha256").hex()[:HASH_HEX_CHARS]


def account_hashes(key: bytes, ids: Identifiers) -> tuple[str, str, str]:
    """(name, uscc, domain) hashes of an account, in :data:`KINDS` order."""
    return (identifier_hash(key, "name", ids.name), identifier_hash(key, "uscc", ids.uscc),
            identifier_hash(key, "domain", ids.domain))


# --------------------------------------------------------------------------- overlap

HashRow = Sequence  # (name_hash, uscc_hash, domain_hash, ...): "" where absent; more fields (an id) may follow


@dataclass(frozen=True)
class Overlap:
    """Positions (0-based, ascending) of the accounts of each list that match at least one
    account of the other list."""

    left: list[int]
    right: list[int]


def matched(a: Sequence[HashRow], b: Sequence[HashRow]) -> list[int]:
    """Positions (ascending) of the accounts of ``a`` that share any identifier hash with an
    account of ``b``: one set of ``b``'s hashes per kind, one pass over ``a`` per kind."""
    found = np.zeros(len(a), dtype=bool)
    for k in range(len(KINDS)):
        column = itemgetter(k)
        hashes = set(map(column, b))
        hashes.discard("")
        if hashes:
            found |= np.fromiter(map(hashes.__contains__, map(column, a)), dtype=bool, count=len(a))
    return np.flatnonzero(found).tolist()


def overlap(a: Sequence[HashRow], b: Sequence[HashRow]) -> Overlap:
    """The matched accounts of both lists: equal hashes of any one kind make a match."""
    return Overlap(matched(a, b), matched(b, a))


def matched_pairs(a: Sequence[HashRow], b: Sequence[HashRow], *, left: Sequence[int],
                  limit: int) -> list[tuple[int, int]]:
    """The first ``limit`` matched pairs (i, j), ordered by i then j, for display.

    ``left`` is :attr:`Overlap.left` (or :func:`matched`) of the same lists: only its first
    ``limit`` accounts are looked up, so this stays cheap however long the lists are."""
    wanted = left[:limit]
    holders: list[dict[str, list[int]]] = []
    for k in range(len(KINDS)):
        hashes = {a[i][k] for i in wanted}
        hashes.discard("")
        by_hash: dict[str, list[int]] = {}
        for j in compress(range(len(b)), map(hashes.__contains__, map(itemgetter(k), b))):
            by_hash.setdefault(b[j][k], []).append(j)
        holders.append(by_hash)
    found: list[tuple[int, int]] = []
    for i in wanted:
        partners: set[int] = set()
        for k, by_hash in enumerate(holders):
            partners.update(by_hash.get(a[i][k], ()))
        found.extend((i, j) for j in sorted(partners))
        if len(found) >= limit:
            break
    return found[:limit]
