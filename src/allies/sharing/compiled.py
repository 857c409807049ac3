"""Reuse the SQL that Django compiles for the hot API reads (sales page, its count, summaries).

Building and compiling an ORM query costs ~0.3 ms of Python each time, more than the
database needs to answer it, and the sales page asks the same few questions thousands of
times a second with only the values changing. So the first request of each *shape* (who
asks: staff or a partner with n visible partners; which filters are present; ordering,
page bounds) runs the ordinary queryset, built through ``restrict()`` like every other
read, and keeps its compiled SQL. Later requests of the same shape run that SQL with
their own values.

The values are worked out by the caller, in the order the ORM puts them; the first run of
a shape compares them with the ORM's own parameters and keeps the SQL only when they are
equal, so a shape whose parameters the caller gets wrong is simply never cached (every
request then takes the ORM path, still correct). Rows come back through the ORM's own
converters (dates, decimals, aware datetimes), as ``.values()`` would return them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

MAX_SHAPES = 512


def _fast_timestamptz_loader():
    """psycopg's own C loader for ``timestamptz`` (None without psycopg's C build, or on SQLite).

    Django registers a Python subclass of psycopg's *Python* loader on every PostgreSQL cursor
    (to pin the zone), so each ``updated_at`` of a page was parsed in Python: about 15 % of a
    page request's CPU. Django keeps the connection's TimeZone at UTC, so the C loader gives the
    same aware datetime; :func:`values` uses it only when the caller asked for driver values.
    """
    try:
        import psycopg
        from psycopg.postgres import types
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    oid = types["timestamptz"].oid
    loader = psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
    if loader is None or loader.__module__.startswith("psycopg.types"):  # the pure-Python build
        return None
    return oid, loader


_TIMESTAMPTZ = _fast_timestamptz_loader()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    converters: tuple  # ((position, (functions...), expression), ...)


_rows: dict[Hashable, _Compiled] = {}
_counts: dict[Hashable, str] = {}
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "refused": 0}  # for tests and the benchmark's curiosity


def prepared_or_plain_cursor(connection):
    """A cursor for a reused statement: prepared on the server where the backend offers it
    (``allies.core.postgresql``: parsed and planned once per connection), else the usual one."""
    prepared = getattr(connection, "prepared_cursor", None)
    return prepared() if prepared is not None else connection.cursor()


def clear() -> None:
    with _lock:
        _rows.clear()
        _counts.clear()


def _remember(store: dict, key: Hashable, value) -> None:
    with _lock:
        if len(store) >= MAX_SHAPES:  # page offsets make many shapes; start over rather than grow
            store.clear()
        store[key] = value


def _convert(rows, converters, connection) -> list[list]:
    out = []
    for row in rows:
        row = list(row)
        for pos, functions, expression in converters:
            value = row[pos]
            for function in functions:
                value = function(value, expression, connection)
            row[pos] = value
        out.append(row)
    return out


def _use_fast_timestamps(cursor, connection) -> None:
    """For a read that wants driver values: ``timestamptz`` through psycopg's C loader (PostgreSQL)."""
    if _TIMESTAMPTZ is not None and connection.vendor == "postgresql":
        cursor.cursor.adapters.register_loader(*_TIMESTAMPTZ)


def _as_dicts(raw, names, converters, connection, convert: bool) -> list[dict]:
    rows = _convert(raw, converters, connection) if converters and convert else raw
    return [dict(zip(names, row, strict=True)) for row in rows]


@dataclass(frozen=True)
class Read:
    """One reusable read: a ``.values()`` queryset (see :func:`values`) or its COUNT (``count=True``)."""

    key: Hashable
    build: Callable[[], QuerySet]
    params: Sequence
    count: bool = False
    convert: bool = True


def run(read: Read):
    """The result of one read: rows as dicts, or the count."""
    if read.count:
        return count(read.key, read.build, read.params)
    return values(read.key, read.build, read.params, convert=read.convert)


def together(*reads: Read) -> list | None:
    """The results of several reads in one round trip, or None.

    On PostgreSQL, when the SQL of every read is already kept, the statements go out in
    psycopg's pipeline mode and their answers come back together: one round trip instead of
    one each, which is the larger part of what a cheap query costs under load. Otherwise
    (SQLite, or a shape seen for the first time) None: the caller runs them with :func:`run`,
    and may skip one it turns out not to need.
    """
    db = reads[0].key[0]
    connection = connections[db]
    if connection.vendor != "postgresql" or any(r.key[0] != db for r in reads):
        return None
    kept = [_counts.get(r.key) if r.count else _rows.get(r.key) for r in reads]
    if any(k is None for k in kept):
        return None
    cursors = [prepared_or_plain_cursor(connection) for _r in reads]
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for read, sql, cursor in zip(reads, kept, cursors, strict=True):
                if not read.count and not read.convert:
                    _use_fast_timestamps(cursor, connection)
                cursor.execute(sql if read.count else sql.sql, list(read.params))
        results = []
        for read, sql, cursor in zip(reads, kept, cursors, strict=True):
            if read.count:
                results.append(int(cursor.fetchone()[0]))
                continue
            results.append(_as_dicts(cursor.fetchall(), sql.names, sql.converters, connection, read.convert))
    finally:
        for cursor in cursors:
            cursor.close()
    stats["hits"] += len(reads)
    return results


def values(key: Hashable, build: Callable[[], QuerySet], params: Sequence, *, convert: bool = True) -> list[dict]:
    """The rows of ``build()`` (a ``.values()`` queryset) as dicts; ``params`` its SQL parameters.

    ``key`` names the shape: everything that changes the SQL text but not its parameters.
    With ``convert=False`` a cached shape skips the ORM's converters and gives the values as
    the database driver returns them (on SQLite: naive UTC datetimes, decimals as floats),
    for a caller that makes them exact itself, more cheaply than the ORM's per-value calls.
    """
    compiled = _rows.get(key)
    if compiled is not None:
        qs_db = key[0]
        connection = connections[qs_db]
        with prepared_or_plain_cursor(connection) as cursor:
            if not convert:
                _use_fast_timestamps(cursor, connection)
            cursor.execute(compiled.sql, list(params))
            raw = cursor.fetchall()
        stats["hits"] += 1
        return _as_dicts(raw, compiled.names, compiled.converters, connection, convert)

    qs = build()
    query = qs.query
    connection = connections[qs.db]
    compiler = query.get_compiler(using=qs.db)
    try:
        sql, orm_params = compiler.as_sql()
    except EmptyResultSet:  # e.g. restrict() gave .none()
        return []
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    fields = [s[0] for s in compiler.select[0:compiler.col_count]]
    converters = tuple((pos, tuple(functions), expression)
                       for pos, (functions, expression) in compiler.get_converters(fields).items())
    with connection.cursor() as cursor:
        cursor.execute(sql, orm_params)
        raw = cursor.fetchall()
    if key[0] == qs.db and list(orm_params) == list(params) and len(names) == compiler.col_count:
        _remember(_rows, key, _Compiled(sql, names, converters))
        stats["misses"] += 1
    else:
        stats["refused"] += 1
    return _as_dicts(raw, names, converters, connection, True)


def count(key: Hashable, build: Callable[[], QuerySet], params: Sequence) -> int:
    """``build().count()``, with the COUNT's SQL kept per shape like :func:`values`."""
    sql = _counts.get(key)
    if sql is not None:
        with prepared_or_plain_cursor(connections[key[0]]) as cursor:
            cursor.execute(sql, list(params))
            stats["hits"] += 1
            return int(cursor.fetchone()[0])
    qs = build()
    seen: list[tuple[str, Sequence]] = []

    def capture(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connections[qs.db].execute_wrapper(capture):
        result = qs.count()
    if (key[0] == qs.db and len(seen) == 1 and seen[0][1] is not None and list(seen[0][1]) == list(params)
            and "COUNT(" in seen[0][0].upper()):
        _remember(_counts, key, seen[0][0])
        stats["misses"] += 1
    else:
        stats["refused"] += 1
    return result
