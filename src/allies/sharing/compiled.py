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


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    converters: tuple  # ((position, (functions...), expression), ...)


_rows: dict[Hashable, _Compiled] = {}
_counts: dict[Hashable, str] = {}
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "refused": 0}  # for tests and the benchmark's curiosity


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
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, list(params))
            raw = cursor.fetchall()
        stats["hits"] += 1
        rows = _convert(raw, compiled.converters, connection) if compiled.converters and convert else raw
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]

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
    rows = _convert(raw, converters, connection) if converters else raw
    return [dict(zip(names, row, strict=True)) for row in rows]


def count(key: Hashable, build: Callable[[], QuerySet], params: Sequence) -> int:
    """``build().count()``, with the COUNT's SQL kept per shape like :func:`values`."""
    sql = _counts.get(key)
    if sql is not None:
        with connections[key[0]].cursor() as cursor:
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
