"""Sales data: who may write for whom, all-or-nothing upserts with the monthly roll-up, file imports,
sharing grants between partners, and the reads (selectors) that pages, the API and the portal call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allies.core import tabular
from allies.core.audit import acting_as, record_bulk
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.core.scoping import get_visible, restrict
from allies.partners.models import Partner
from allies.sharing import compiled
from allies.sharing.models import (
    IdempotencyKey,
    SalesImport,
    SalesMonthly,
    SalesRecord,
    SharingGrant,
    SharingLevel,
)
from allies.sharing.sales_import import (
    CURRENCY_DIGITS,
    EXPORT_HEADERS,
    SUFFIXES,
    CheckedRows,
    SalesInputError,
    check_file,
    check_rows,
)
from allies.sharing.tokens import NO_SHARES_ATTR

logger = logging.getLogger(__name__)

WRITE_BATCH = 5000
SQLITE_IMPORT_CACHE_KIB = 256 * 1024
PROGRESS_INTERVAL = 0.5  # seconds between progress writes during a file import
EXPORT_MAX_ROWS = 100_000
QUANTITY_STEP = Decimal("0.001")
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)  # how long a replay returns the stored answer
STUCK_IMPORT_AFTER = timedelta(hours=2)  # a 1,000,000-row import takes well under a minute
ORDERINGS = {"date": ("date", "id"), "-date": ("-date", "-id"), "amount": ("amount", "id"),
             "-amount": ("-amount", "-id")}
ROW_VALUES = ("id", "partner_id", "external_id", "date", "product", "customer", "quantity", "amount", "cost",
              "currency", "channel", "updated_at")
LEVELS_AT_LEAST = {SharingLevel.AGGREGATES: (SharingLevel.AGGREGATES, SharingLevel.ROWS),
                   SharingLevel.ROWS: (SharingLevel.ROWS,)}


@dataclass(frozen=True)
class WriteResult:
    created: int
    updated: int
    batch_id: int | None = None


# --------------------------------------------------------------------------- selectors


def shared_partner_ids(partner: Partner | int | None, level: str) -> list[int]:
    """The partners that let ``partner`` see their sales at ``level`` or more ("rows" includes aggregates)."""
    if partner is None:
        return []
    partner_id = partner if isinstance(partner, int) else partner.pk
    levels = LEVELS_AT_LEAST[SharingLevel(level)]
    rows = compiled.values(
        (SharingGrant.objects.db, "grants", len(levels)),
        lambda: SharingGrant.objects.filter(grantee_id=partner_id, level__in=levels).values("grantor_id"),
        [partner_id, *levels])
    return [r["grantor_id"] for r in rows]


def shared_by(user, level: str) -> list[int]:
    """For a partner user, the partners sharing with its company at ``level`` or more; else []."""
    if not getattr(user, "is_partner_user", False) or getattr(user, NO_SHARES_ATTR, False):
        return []  # NO_SHARES_ATTR: token authentication already found that nobody shares with it
    return shared_partner_ids(user.partner_id, level)


def visible_sales(user, *, shared: list[int] | None = None) -> QuerySet:
    """Sales rows the user may see: staff all, a partner its own plus those shared with it at "rows".

    ``shared`` is :func:`shared_by` (user, "rows") when the caller already has it.
    """
    return restrict(SalesRecord.objects.all(), user,
                    shared_by=shared_by(user, SharingLevel.ROWS) if shared is None else shared)


def sales_rows(user, *, date_from: date | None = None, date_to: date | None = None, product: str = "",
               customer: str = "", partner_id: int | None = None, ordering: str = "-date",
               shared: list[int] | None = None) -> QuerySet:
    """Filtered, ordered sales rows as dicts (:data:`ROW_VALUES`)."""
    qs = visible_sales(user, shared=shared)
    if partner_id is not None:
        qs = qs.filter(partner_id=partner_id)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if product:
        qs = qs.filter(product=product)
    if customer:
        qs = qs.filter(customer=customer)
    return qs.order_by(*ORDERINGS.get(ordering, ORDERINGS["-date"])).values(*ROW_VALUES)


def _scope(user, shared: list[int]) -> tuple[tuple, list] | None:
    """What ``restrict(qs, user, shared_by=shared)`` filters on, as (shape, SQL parameters).

    None when restrict() gives nothing at all (the caller then simply runs the ORM).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_internal:
        return ("all",), []
    if not user.is_partner_user:
        return None
    others = [pid for pid in shared if pid != user.partner_id]
    if others:
        return ("in", 1 + len(others)), [user.partner_id, *others]
    return ("eq",), [user.partner_id]


def _filter_params(pairs) -> tuple[tuple, list]:
    """(which filters are present, their SQL parameters in the order the querysets add them)."""
    ops = connection.ops
    present, params = [], []
    for name, value in pairs:
        if value is None or value == "":
            present.append(False)
            continue
        present.append(True)
        params.append(ops.adapt_datefield_value(value) if isinstance(value, date) else value)
    return tuple(present), params


def sales_page(user, *, date_from: date | None = None, date_to: date | None = None, product: str = "",
               customer: str = "", partner_id: int | None = None, ordering: str = "-date",
               bounds: slice, shared: list[int] | None = None) -> tuple[list[dict], int]:
    """One page of :func:`sales_rows` and how many rows match, for the API.

    Same rows and count as the queryset, through :mod:`allies.sharing.compiled` (the SQL the
    ORM compiled for this shape of request, reused). The values may be as the database
    driver gives them (SQLite: a naive UTC datetime, a float quantity): the API's
    ``_page_json`` makes them exact.
    """
    if shared is None:
        shared = shared_by(user, SharingLevel.ROWS)

    def build():
        return sales_rows(user, date_from=date_from, date_to=date_to, product=product, customer=customer,
                          partner_id=partner_id, ordering=ordering, shared=shared)

    scope = _scope(user, shared)
    if scope is None:
        qs = build()
        return list(qs[bounds]), qs.count()
    present, params = _filter_params((("partner_id", partner_id), ("date_from", date_from), ("date_to", date_to),
                                      ("product", product), ("customer", customer)))
    ordering = ordering if ordering in ORDERINGS else "-date"
    db = SalesRecord.objects.db
    shape = (db, "sales", scope[0], present)
    page = compiled.Read((*shape, ordering, bounds.start, bounds.stop), lambda: build()[bounds], scope[1] + params,
                         convert=False)
    if not customer and _whole_months(date_from, date_to):
        total = _rollup_count_read(user, scope, shared, partner_id=partner_id, date_from=date_from,
                                   date_to=date_to, product=product)
    else:
        total = compiled.Read(shape, build, scope[1] + params, count=True)
    # On PostgreSQL the count goes out with the page, in the same round trip, even when the
    # page turns out to hold everything; elsewhere it runs only when needed.
    both = compiled.together(page, total)
    rows, counted = both if both is not None else (compiled.run(page), None)
    if bounds.start == 0 and len(rows) < bounds.stop:
        return rows, len(rows)  # the whole result fits on the first page: no COUNT needed
    if counted is None:
        counted = compiled.run(total)
    return rows, counted if total.count else sum(int(g["n"] or 0) for g in counted)


def _whole_months(date_from: date | None, date_to: date | None) -> bool:
    return (date_from is None or date_from.day == 1) and (date_to is None or (date_to + timedelta(days=1)).day == 1)


def _rollup_count_read(user, scope, shared, *, partner_id, date_from, date_to, product) -> compiled.Read:
    """How many rows match, from the monthly roll-up: exact when the range is whole months.

    The roll-up is rewritten in the same transaction as every write of sales rows
    (:func:`sales_upsert`), so its ``rows`` add up to the raw rows of each (partner, month,
    product); summing ~10 roll-up rows replaces counting thousands of index entries. The
    read gives one row per partner; the count is the sum of their ``n``.
    """
    def build():
        qs = _visible_monthly(user, SharingLevel.ROWS, date_from=date_from, date_to=date_to, partner_id=partner_id,
                              product=product, shared=shared)
        return qs.values("partner_id").annotate(n=Sum("rows")).order_by()

    present, params = _filter_params((("partner_id", partner_id), ("date_from", date_from), ("date_to", date_to),
                                      ("product", product)))
    return compiled.Read((SalesMonthly.objects.db, "rollup_count", scope[0], present), build, scope[1] + params)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _visible_monthly(user, level: str, *, date_from=None, date_to=None, partner_id=None, product="",
                     shared: list[int] | None = None) -> QuerySet:
    qs = restrict(SalesMonthly.objects.all(), user, shared_by=shared_by(user, level) if shared is None else shared)
    if partner_id is not None:
        qs = qs.filter(partner_id=partner_id)
    if date_from:
        qs = qs.filter(month__gte=_month_start(date_from))
    if date_to:
        qs = qs.filter(month__lte=date_to)
    if product:
        qs = qs.filter(product=product)
    return qs


def summary_level(by: str) -> str:
    """The sharing level a summary needs: "aggregates" for totals by partner, "rows" by product."""
    return SharingLevel.AGGREGATES if by == "partner" else SharingLevel.ROWS


def _period_label(month: date, period: str) -> str:
    if period == "quarter":
        return f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    return f"{month.year}-{month.month:02d}"


def sales_summary(user, *, period: str = "month", by: str = "product", date_from: date | None = None,
                  date_to: date | None = None, partner_id: int | None = None,
                  shared: list[int] | None = None) -> list[dict]:
    """Totals per period and product (or partner) and currency, read from the monthly roll-up.

    By partner, a partner user also sees the partners that share "aggregates" with it; by
    product, the same partners as in its row list (``shared``: :func:`shared_by` at
    :func:`summary_level`, when the caller already has it). Dates select whole months.
    """
    level = summary_level(by)
    group = "partner_id" if by == "partner" else "product"
    if shared is None:
        shared = shared_by(user, level)

    def build():
        qs = _visible_monthly(user, level, date_from=date_from, date_to=date_to, partner_id=partner_id,
                              shared=shared)
        return (qs.values("month", group, "currency")
                .annotate(n=Sum("rows"), quantity=Sum("quantity"), amount=Sum("amount"), cost=Sum("cost"))
                .order_by("month", group, "currency"))

    scope = _scope(user, shared)
    if scope is None:
        grouped = list(build())
    else:
        present, params = _filter_params((("partner_id", partner_id),
                                          ("date_from", _month_start(date_from) if date_from else None),
                                          ("date_to", date_to)))
        grouped = compiled.values((SalesMonthly.objects.db, "summary", group, scope[0], present), build,
                                  scope[1] + params)
    totals: dict[tuple, dict] = {}
    for g in grouped:
        key = (_period_label(g["month"], period), g[group], g["currency"])
        item = totals.setdefault(key, {"period": key[0], "key": str(key[1]), "label": str(key[1]),
                                       "currency": key[2], "rows": 0, "quantity": Decimal(0), "amount": 0,
                                       "cost": 0})
        item["rows"] += g["n"]
        item["quantity"] += g["quantity"] or 0
        item["amount"] += g["amount"]
        item["cost"] += g["cost"]
    items = list(totals.values())
    for item in items:
        item["quantity"] = Decimal(item["quantity"]).quantize(QUANTITY_STEP)
    if by == "partner":
        names = dict(Partner.objects.filter(pk__in={int(i["key"]) for i in items}).values_list("pk", "name"))
        for item in items:
            item["label"] = names.get(int(item["key"]), item["key"])
    return items


def monthly_totals(user, *, partner_id: int | None = None, date_from: date | None = None,
                   date_to: date | None = None, product: str = "") -> list[dict]:
    """Per month and currency: rows, quantity, amount, cost (for charts; a portal page can call it)."""
    qs = _visible_monthly(user, SharingLevel.ROWS, date_from=date_from, date_to=date_to, partner_id=partner_id,
                          product=product)
    return list(qs.values("month", "currency")
                .annotate(rows=Sum("rows"), quantity=Sum("quantity"), amount=Sum("amount"), cost=Sum("cost"))
                .order_by("month", "currency"))


def sales_imports(user) -> QuerySet:
    """The uploads the user may see (a partner: its own company's), newest first."""
    return restrict(SalesImport.objects.select_related("partner", "uploaded_by"), user)


def sales_import_get(user, pk: int) -> SalesImport:
    """One upload, or Http404: another partner's upload is indistinguishable from none."""
    return get_visible(SalesImport.objects.select_related("partner"), user, pk=pk)


def sharing_grants() -> QuerySet:
    return SharingGrant.objects.select_related("grantor", "grantee", "set_by").order_by("grantor__name",
                                                                                        "grantee__name")


# --------------------------------------------------------------------------- who writes for whom


def sales_target_partner(*, actor, partner_id: int | None) -> Partner:
    """The partner whose sales ``actor`` writes: its own company, or for staff writers the one named."""
    if getattr(actor, "is_partner_user", False) and actor.is_active:
        if partner_id is not None and partner_id != actor.partner_id:
            raise DomainError(ErrorCode.NOT_FOUND, _("找不到该伙伴。"), {"field": "partner_id"})
        return actor.partner
    require_writer(actor)
    if partner_id is None:
        raise DomainError(ErrorCode.VALIDATION, _("请指定伙伴（partner_id）。"),
                          {"errors": [{"field": "partner_id", "reason": _("必填，不能为空。")}]})
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("找不到该伙伴。"), {"field": "partner_id"})
    return partner


# --------------------------------------------------------------------------- writing


UPSERT_COLUMNS = ("partner_id", "external_id", "date", "product", "customer", "quantity", "amount", "cost",
                  "currency", "channel", "batch_id", "created_at", "updated_at")
ROW_COLUMNS = UPSERT_COLUMNS[1:10]  # the columns of a checked row, in order
INCOMING = "sales_incoming"  # temporary table of the rows being written


def _upsert_sql(source: str) -> str:
    """INSERT ... ON CONFLICT (partner, external_id) DO UPDATE, which SQLite and PostgreSQL both speak."""
    qn = connection.ops.quote_name
    changed = [c for c in UPSERT_COLUMNS if c not in ("partner_id", "external_id", "created_at")]
    return (f"INSERT INTO {qn(SalesRecord._meta.db_table)} ({', '.join(qn(c) for c in UPSERT_COLUMNS)}) {source} "
            f"ON CONFLICT ({qn('partner_id')}, {qn('external_id')}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in changed))


def _load_incoming(cursor, rows: list[tuple]) -> None:
    """The checked rows into a temporary table (PostgreSQL: COPY; SQLite: one prepared INSERT)."""
    cursor.execute(f"CREATE TEMPORARY TABLE {INCOMING} (external_id varchar(100), date date, product varchar(200), "
                   "customer varchar(200), quantity numeric(18, 3), amount bigint, cost bigint, currency varchar(3), "
                   "channel varchar(100))" + (" ON COMMIT DROP" if connection.vendor == "postgresql" else ""))
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {INCOMING} ({', '.join(ROW_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {INCOMING} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join(['%s'] * len(ROW_COLUMNS))})"
    for start in range(0, len(rows), WRITE_BATCH):
        cursor.executemany(sql, rows[start:start + WRITE_BATCH])


def _write_rows(cursor, partner_id: int, rows: list[tuple], tail: tuple) -> tuple[int, set[date]]:
    """Upsert checked rows for a partner; returns how many existed and the months those were in.

    The rows go through a temporary table: one join finds the rows being replaced (their
    old months need a fresh roll-up), one INSERT ... SELECT writes them in date order.
    """
    _load_incoming(cursor, rows)
    # CROSS JOIN makes SQLite walk the incoming rows and probe the (partner, external_id) index,
    # instead of probing the unindexed temporary table for every row the partner has.
    cursor.execute(f"SELECT s.date, COUNT(*) FROM {INCOMING} i CROSS JOIN "
                   f"{connection.ops.quote_name(SalesRecord._meta.db_table)} s "
                   "WHERE s.partner_id = %s AND s.external_id = i.external_id GROUP BY s.date", [partner_id])
    existing, months = 0, set()
    for day, count in cursor.fetchall():
        day = day if isinstance(day, date) else date.fromisoformat(day)
        existing += count
        months.add(_month_start(day))
    cursor.execute(_upsert_sql(f"SELECT %s, {', '.join(ROW_COLUMNS)}, %s, %s, %s FROM {INCOMING} WHERE true "
                               "ORDER BY date"), [partner_id, *tail])
    cursor.execute(f"DROP TABLE {INCOMING}")
    return existing, months


@contextmanager
def _sqlite_cache(cursor, rows: int):
    """A large SQLite page cache while many rows go in: the indexes stop re-reading their pages."""
    if connection.vendor != "sqlite" or rows < WRITE_BATCH:
        yield
        return
    cursor.execute("PRAGMA cache_size")
    before = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")


def sales_upsert(*, actor, partner: Partner, checked: CheckedRows, batch: SalesImport | None) -> WriteResult:
    """Write checked rows in one transaction: new external ids insert, known ones update; roll-up follows.

    Rows go in as plain tuples through INSERT ... ON CONFLICT (see :func:`_write_rows`): a
    million model instances would cost more than the writing itself.
    """
    rows = checked.rows
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    batch_id = batch.pk if batch else None
    with transaction.atomic(), acting_as(actor):
        list(Partner.objects.select_for_update().filter(pk=partner.pk).values_list("pk"))  # one writer per partner
        with connection.cursor() as cursor, _sqlite_cache(cursor, len(rows)):
            updated, months = _write_rows(cursor, partner.pk, rows, (batch_id, now, now))
        months |= {date(int(r[1][:4]), int(r[1][5:7]), 1) for r in rows}
        rollup_refresh(partner_id=partner.pk, months=months)
        result = WriteResult(created=len(rows) - updated, updated=updated, batch_id=batch_id)
        record_bulk(actor=actor, model=SalesRecord,
                    object_repr=_("{partner} 的销售数据").format(partner=partner.name),
                    summary={"partner": [partner.name], "import": [batch.filename if batch else "API"],
                             "created": [result.created], "updated": [result.updated]})
    return result


def rollup_refresh(*, partner_id: int, months: set[date]) -> None:
    """Recompute the roll-up of these (partner, month) groups from the raw rows: one query per month."""
    SalesMonthly.objects.filter(partner_id=partner_id, month__in=months).delete()
    fresh = []
    for month in sorted(months):
        end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        groups = (SalesRecord.objects.filter(partner_id=partner_id, date__gte=month, date__lt=end)
                  .values("product", "currency")
                  .annotate(n=Count("*"), quantity=Sum("quantity"), amount=Sum("amount"), cost=Sum("cost"))
                  .order_by())
        fresh += [SalesMonthly(partner_id=partner_id, month=month, product=g["product"], currency=g["currency"],
                               rows=g["n"], quantity=g["quantity"], amount=g["amount"], cost=g["cost"])
                  for g in groups]
    SalesMonthly.objects.bulk_create(fresh, batch_size=1000)


def sales_rows_write(*, actor, partner: Partner, rows: list[dict]) -> WriteResult:
    """An API batch (money in minor units): checked as a whole, then written with its own import record."""
    checked = check_rows(rows, partner_name=partner.name)
    with transaction.atomic():
        batch = SalesImport.objects.create(
            partner=partner, uploaded_by=actor if actor.is_authenticated else None, filename="API",
            status=SalesImport.SUCCEEDED, total_rows=len(rows), processed_rows=len(rows), finished_at=timezone.now())
        result = sales_upsert(actor=actor, partner=partner, checked=checked, batch=batch)
        SalesImport.objects.filter(pk=batch.pk).update(created_count=result.created, updated_count=result.updated)
    return result


# --------------------------------------------------------------------------- file imports


def check_upload_size(size: int | None) -> None:
    limit = settings.ALLIES_SALES_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise DomainError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            _("文件过大：{size} MB，上限为 {limit} MB。").format(size=round(size / 1048576, 1),
                                                        limit=round(limit / 1048576, 1)),
            {"size": size, "limit": limit})


def check_upload_name(filename: str) -> None:
    if Path(filename).suffix.lower() not in SUFFIXES:
        raise DomainError(ErrorCode.FILE_UNREADABLE, _("无法读取“{filename}”：只支持 {allowed} 文件。").format(
            filename=filename, allowed=_("、").join(SUFFIXES)), {"code": "file_type", "filename": filename})


def sales_upload_create(*, actor, partner: Partner, upload) -> SalesImport:
    """Keep an uploaded file and queue its import (django-tasks); the import record shows progress."""
    check_upload_size(upload.size)
    check_upload_name(upload.name)
    path = default_storage.save(f"sales_imports/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload)
    with acting_as(actor):
        sales_import = SalesImport.objects.create(partner=partner, uploaded_by=actor, filename=upload.name[:255],
                                                  stored_path=path, size=upload.size or 0)
    from allies.sharing.tasks import sales_import_task

    sales_import_task.enqueue(sales_import.pk, translation.get_language() or settings.LANGUAGE_CODE)
    sales_import.refresh_from_db()
    return sales_import


class _ProgressWriter:
    """Saves progress at most every PROGRESS_INTERVAL seconds; tells ``listener`` every time."""

    def __init__(self, import_id: int, listener: Callable[[int, int], None] | None):
        self.import_id, self.listener, self.last = import_id, listener, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL or done == total:
            self.last = now
            SalesImport.objects.filter(pk=self.import_id).update(processed_rows=done, total_rows=total)
        if self.listener:
            self.listener(done, total)


def _finish(sales_import: SalesImport, **fields) -> None:
    fields["finished_at"] = timezone.now()
    SalesImport.objects.filter(pk=sales_import.pk).update(**fields)
    sales_import.refresh_from_db()


def sales_import_process(sales_import: SalesImport, data: bytes, *,
                         on_progress: Callable[[int, int], None] | None = None) -> WriteResult:
    """Check the whole file, then write it; the import record ends succeeded or failed with its report.

    Raises the DomainError (SalesInputError: every bad row in ``all_errors``) after recording it.
    """
    SalesImport.objects.filter(pk=sales_import.pk).update(status=SalesImport.RUNNING, size=len(data))
    partner = sales_import.partner
    try:
        checked = check_file(data, sales_import.filename, partner_name=partner.name,
                             max_rows=settings.ALLIES_SALES_MAX_ROWS,
                             progress=_ProgressWriter(sales_import.pk, on_progress))
        SalesImport.objects.filter(pk=sales_import.pk).update(message=_("校验通过，正在写入……"))
        result = sales_upsert(actor=sales_import.uploaded_by, partner=partner, checked=checked, batch=sales_import)
    except SalesInputError as exc:
        _finish(sales_import, status=SalesImport.FAILED, message=exc.message[:500], errors=exc.details["errors"],
                error_count=exc.details["error_count"])
        raise
    except DomainError as exc:
        _finish(sales_import, status=SalesImport.FAILED, message=exc.message[:500], error_count=1,
                errors=[{"row": 0, "column": "", "value": "", "reason": exc.message}])
        raise
    _finish(sales_import, status=SalesImport.SUCCEEDED, total_rows=len(checked.rows),
            processed_rows=len(checked.rows), created_count=result.created, updated_count=result.updated,
            message=_("导入完成：新增 {created} 行，更新 {updated} 行。").format(created=result.created,
                                                                     updated=result.updated))
    return result


def sales_import_run(*, import_id: int, language: str) -> dict:
    """The task body: run a queued import once (a second delivery of the same task does nothing).

    ``language`` is the uploader's, so the report reads in it.
    """
    if not SalesImport.objects.filter(pk=import_id, status=SalesImport.QUEUED).update(status=SalesImport.RUNNING):
        return {"import_id": import_id, "status": "skipped"}
    sales_import = SalesImport.objects.select_related("partner", "uploaded_by").get(pk=import_id)
    try:
        with translation.override(language):
            with default_storage.open(sales_import.stored_path, "rb") as handle:
                data = handle.read()
            sales_import_process(sales_import, data)
    except DomainError:
        pass
    except Exception:
        logger.exception("sales import %s failed", import_id)
        _finish(sales_import, status=SalesImport.FAILED, message=_("服务器内部错误。"))
        raise
    finally:
        if sales_import.stored_path and default_storage.exists(sales_import.stored_path):
            default_storage.delete(sales_import.stored_path)
    return {"import_id": import_id, "status": sales_import.status, "created": sales_import.created_count,
            "updated": sales_import.updated_count, "errors": sales_import.error_count}


# --------------------------------------------------------------------------- idempotent API writes


def payload_hash(payload) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent(*, principal: str, key: str | None, method: str, path: str, request_hash: str,
               run: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
    """Run a write once per (principal, Idempotency-Key): a replay gets the stored (status, body, True).

    The same key with another payload (or another operation) is refused with 422
    (``idempotency_key_reused``); only successful answers are stored, so a refused request can
    be corrected and sent again. A key is remembered for :data:`IDEMPOTENCY_KEY_TTL`.
    """
    if not key:
        status, body = run()
        return status, body, False
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise DomainError(ErrorCode.VALIDATION, _("Idempotency-Key 须为 1 到 200 个可见 ASCII 字符（如 UUID）。"),
                          {"errors": [{"field": "Idempotency-Key", "reason": _("格式不对。")}]})
    stored = IdempotencyKey.objects.filter(principal=principal, key=key).first()
    if stored is not None and stored.created_at < timezone.now() - IDEMPOTENCY_KEY_TTL:
        # Expired: the key may be used afresh (the sweep purges such rows; this covers the gap).
        IdempotencyKey.objects.filter(pk=stored.pk, created_at=stored.created_at).delete()
        stored = None
    if stored is None:
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(key=key, principal=principal, method=method, path=path[:300],
                                                       request_hash=request_hash, status=0, body={})
                status, body = run()
                IdempotencyKey.objects.filter(pk=record.pk).update(status=status, body=body)
            return status, body, False
        except IntegrityError:
            stored = IdempotencyKey.objects.filter(principal=principal, key=key).first()
            if stored is None:
                raise
    if (stored.request_hash, stored.method, stored.path) != (request_hash, method, path[:300]):
        raise DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, _("这个 Idempotency-Key 已用于内容不同的另一个请求：请换一个新的键。"),
                          {"errors": [{"field": "Idempotency-Key", "reason": _("请求内容与首次使用时不同。")}]})
    return stored.status, stored.body, True


# --------------------------------------------------------------------------- sharing grants


def sharing_grant_set(*, actor, grantor_id: int, grantee_id: int, level: str) -> SharingGrant:
    """Set what ``grantee`` may see of ``grantor``'s sales: none, aggregates or rows (staff writers only)."""
    require_writer(actor)
    problems = []
    if level not in SharingLevel.values:
        problems.append({"field": "level", "reason": _("共享级别须为 none、aggregates 或 rows。")})
    partners = Partner.objects.in_bulk([grantor_id, grantee_id])
    for name, pk in (("grantor_id", grantor_id), ("grantee_id", grantee_id)):
        if pk not in partners:
            problems.append({"field": name, "reason": _("找不到该伙伴。")})
    if grantor_id == grantee_id:
        problems.append({"field": "grantee_id", "reason": _("伙伴不需要与自己共享数据。")})
    if problems:
        raise DomainError(ErrorCode.VALIDATION, problems[0]["reason"], {"errors": problems})
    with transaction.atomic(), acting_as(actor):
        grant, _created = SharingGrant.objects.update_or_create(
            grantor=partners[grantor_id], grantee=partners[grantee_id], defaults={"level": level, "set_by": actor})
    return grant


# --------------------------------------------------------------------------- export


def money_text(minor: int, currency: str) -> str:
    """Minor units as a plain major-unit decimal ("12345", CNY -> "123.45"), as files carry it."""
    digits = CURRENCY_DIGITS.get(currency, 2)
    if not digits:
        return str(minor)
    whole, frac = divmod(minor, 10**digits)
    return f"{whole}.{frac:0{digits}d}"


def sales_export(user, *, fmt: str = "csv", **filters) -> tuple[bytes, str, str, int]:
    """The rows the user may see, filtered, as a file that imports back unchanged (formulas neutralised).

    Returns the file, its content type, a file name and the number of rows.
    """
    if fmt not in ("xlsx", "csv"):
        raise DomainError(ErrorCode.VALIDATION, _("导出格式须为 xlsx 或 csv。"), {"field": "format", "value": fmt})
    qs = sales_rows(user, **filters)
    if qs.count() > EXPORT_MAX_ROWS:
        raise DomainError(ErrorCode.VALIDATION, _("要导出的行超过 {max} 行：请缩小日期范围或加上筛选条件。").format(
            max=EXPORT_MAX_ROWS), {"max_rows": EXPORT_MAX_ROWS})
    lang = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
    names = dict(Partner.objects.values_list("pk", "name")) if getattr(user, "is_internal", False) else dict(
        Partner.objects.filter(Q(pk=user.partner_id) | Q(pk__in=shared_by(user, SharingLevel.ROWS)))
        .values_list("pk", "name"))
    rows = [[r["external_id"], r["date"].isoformat(), r["product"], r["customer"],
             format(r["quantity"].normalize(), "f"), money_text(r["amount"], r["currency"]),
             money_text(r["cost"], r["currency"]), r["currency"], r["channel"], names.get(r["partner_id"], "")]
            for r in qs.iterator(chunk_size=5000)]
    header = list(EXPORT_HEADERS[lang])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        return tabular.write_csv(header, rows), "text/csv; charset=utf-8", f"sales-{stamp}.csv", len(rows)
    return (tabular.write_xlsx(header, rows, sheet_title="sales"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"sales-{stamp}.xlsx", len(rows))


# --------------------------------------------------------------------------- housekeeping


@dataclass(frozen=True)
class SweepResult:
    stuck_imports: list[int]
    expired_keys: int


def sharing_sweep(*, stuck_after: timedelta = STUCK_IMPORT_AFTER, keys_older_than: timedelta = IDEMPOTENCY_KEY_TTL,
                  now=None) -> SweepResult:
    """Housekeeping (``allies manage sharing_sweep``, e.g. from cron every few minutes).

    - An import still "running" ``stuck_after`` after its upload lost its worker (a crash or
      a restart mid-import; the import's own transaction rolled back, so nothing of it was
      written): it is marked failed with a message saying so, and can be uploaded again.
    - Idempotency-Keys older than ``keys_older_than`` are deleted.
    """
    now = now or timezone.now()
    stuck = list(SalesImport.objects.filter(status=SalesImport.RUNNING, created_at__lt=now - stuck_after)
                 .values_list("pk", flat=True))
    if stuck:
        hours = round(stuck_after.total_seconds() / 3600, 1)
        message = _("导入超过 {hours} 小时仍未完成，处理进程可能已中断。请重新上传该文件（外部编号相同的行会被更新，不会重复）。").format(
            hours=hours)
        with transaction.atomic():
            SalesImport.objects.filter(pk__in=stuck, status=SalesImport.RUNNING).update(
                status=SalesImport.FAILED, message=message[:500], finished_at=now, error_count=1,
                errors=[{"row": 0, "column": "", "value": "", "reason": message}])
        logger.warning("sharing sweep: marked stuck imports failed: %s", stuck)
    expired, _by_model = IdempotencyKey.objects.filter(created_at__lt=now - keys_older_than).delete()
    return SweepResult(stuck_imports=stuck, expired_keys=expired)
