"""REST endpoints: sales rows (write, list, summary, export), file uploads with progress, sharing grants.

Partner users and tokens write and read their own company's sales (plus what other
partners share with them); staff see everything and name the partner they write for.
Every call is recorded in the access log (``log_access`` decides whose calls count).
Money is in integer minor units (fen/cents) with an ISO 4217 currency, in and out.
"""

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, Field, TypeAdapter
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from allies.api.paging import page_slice
from allies.api.schemas import DbId, StrictIn, errors
from allies.core.permissions import require_internal
from allies.partners.models import Partner
from allies.sharing import sales
from allies.sharing.models import SalesImport, SharingLevel
from allies.sharing.sales_import import MAX_MINOR_UNITS
from allies.sharing.tokens import log_access

router = Router(tags=["sales"])
MAX_API_ROWS = 10_000
REPLAYED_HEADER = "Idempotent-Replayed"


# --------------------------------------------------------------------------- schemas


class SalesRowIn(StrictIn):
    external_id: str = Field(min_length=1, max_length=100, description="Unique per partner; the same id updates.")
    date: dt.date
    product: str = Field(min_length=1, max_length=200)
    customer: str = Field("", max_length=200)
    quantity: Decimal = Field(gt=0, max_digits=18, decimal_places=3)
    amount: int = Field(ge=0, le=MAX_MINOR_UNITS, description="Minor units (fen/cents) of `currency`.")
    cost: int = Field(0, ge=0, le=MAX_MINOR_UNITS, description="Minor units (fen/cents) of `currency`.")
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$", description="ISO 4217; one currency per request.")
    channel: str = Field("", max_length=100)


class SalesWriteIn(StrictIn):
    partner_id: DbId | None = Field(None, description="Staff only: whose sales these are.")
    rows: list[SalesRowIn] = Field(min_length=1, max_length=MAX_API_ROWS)


class SalesWriteOut(Schema):
    created: int
    updated: int
    rows: int
    upload_id: int | None


# The read answers are plain pydantic models (for the OpenAPI document and for checking), and
# the hot pages are written by pydantic's serializer straight from the ``.values()`` dicts
# (see :func:`_dump`): ninja's ``Schema`` wraps every row of a page in a Python getter and
# renders through ``json.dumps``, several times slower per row.


class SalesRowOut(BaseModel):
    id: int
    partner_id: int
    external_id: str
    date: dt.date
    product: str
    customer: str
    quantity: Decimal
    amount: int
    cost: int
    currency: str
    channel: str
    updated_at: dt.datetime


class SalesPage(BaseModel):
    count: int = Field(description="How many rows match the filters (all pages).")
    items: list[SalesRowOut]


NO_NUL = r"^[^\x00]*$"


class SalesFilters(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    product: str = Field("", max_length=200, pattern=NO_NUL, description="Exact product name.")
    customer: str = Field("", max_length=200, pattern=NO_NUL, description="Exact customer reference.")
    partner: DbId | None = None
    ordering: Literal["date", "-date", "amount", "-amount"] = "-date"
    limit: int = 50
    offset: int = 0


class SalesExportFilters(Schema):
    format: Literal["csv", "xlsx"] = "csv"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    product: str = Field("", max_length=200, pattern=NO_NUL)
    customer: str = Field("", max_length=200, pattern=NO_NUL)
    partner: DbId | None = None
    ordering: Literal["date", "-date", "amount", "-amount"] = "date"


class SalesSummaryFilters(Schema):
    period: Literal["month", "quarter"] = "month"
    by: Literal["product", "partner"] = "product"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    partner: DbId | None = None


class SalesSummaryItem(BaseModel):
    period: str
    key: str
    label: str
    currency: str
    rows: int
    quantity: Decimal
    amount: int
    cost: int


class SalesSummaryOut(BaseModel):
    period: str
    by: str
    items: list[SalesSummaryItem]


class SalesRowProblem(Schema):
    row: int
    column: str
    value: str
    reason: str


class SalesUploadOut(Schema):
    id: int
    partner_id: int
    filename: str
    status: str
    size: int
    total_rows: int
    processed_rows: int
    created_count: int
    updated_count: int
    error_count: int
    errors: list[SalesRowProblem]
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class SalesUploadPage(Schema):
    count: int
    items: list[SalesUploadOut]


class SalesUploadFilters(Schema):
    partner: DbId | None = None
    limit: int = 50
    offset: int = 0


class SharingGrantIn(StrictIn):
    grantor_id: DbId = Field(description="The partner whose sales are shared.")
    grantee_id: DbId = Field(description="The partner that may see them.")
    level: Literal["none", "aggregates", "rows"]


class SharingGrantOut(Schema):
    grantor_id: int
    grantee_id: int
    level: str
    set_at: dt.datetime


# --------------------------------------------------------------------------- helpers


def _principal(request) -> str:
    token = getattr(request, "api_token", None)
    return f"token:{token.pk}" if token is not None else f"user:{request.auth.pk}"


JSON = "application/json; charset=utf-8"


class _RowJson(TypedDict):
    """A :class:`SalesRowOut` as :func:`_page_json` writes it (a test keeps the two in step)."""

    id: int
    partner_id: int
    external_id: str
    date: dt.date
    product: str
    customer: str
    quantity: str
    amount: int
    cost: int
    currency: str
    channel: str
    updated_at: dt.datetime


class _PageJson(TypedDict):
    count: int
    items: list[_RowJson]


class _SummaryItemJson(TypedDict):
    period: str
    key: str
    label: str
    currency: str
    rows: int
    quantity: Decimal
    amount: int
    cost: int


class _SummaryJson(TypedDict):
    period: str
    by: str
    items: list[_SummaryItemJson]


_PAGE = TypeAdapter(_PageJson)
_SUMMARY = TypeAdapter(_SummaryJson)


def _dump(adapter: TypeAdapter, data: dict) -> HttpResponse:
    """The answer as the operation's ``response=`` declares it, serialised by pydantic (in Rust).

    ninja passes an HttpResponse through untouched, so the OpenAPI document keeps the declared
    schema while the rows skip validation of what the database just returned.
    """
    return HttpResponse(adapter.dump_json(data), content_type=JSON)


def _page_json(count: int, rows: list[dict]) -> HttpResponse:
    """A page of sales rows; values as the database driver gives them are made exact first.

    The quantity keeps its three decimals ("2.000"; SQLite hands back a float), and
    ``updated_at``, stored in UTC, gets its zone (SQLite hands back a naive datetime).
    """
    for row in rows:
        row["quantity"] = f"{row['quantity']:.3f}"
        stamp = row["updated_at"]
        if stamp.tzinfo is None:
            row["updated_at"] = stamp.replace(tzinfo=dt.UTC)
    return _dump(_PAGE, {"count": count, "items": rows})


def _read_logged(request, *, resource: str, rows: int, partner_id: int | None, level: str | None,
                 shared: list[int] | None = None) -> None:
    """Log a read: the partner asked for if the caller may see it (else its own), and what was shared.

    ``level`` is the sharing level the read honours (None: nothing of other partners is shared);
    ``shared`` the partners sharing at that level, when the endpoint already asked.
    """
    user = request.auth
    partner, detail = None, []
    if user.is_partner_user:
        if shared is None:
            shared = sales.shared_partner_ids(user.partner_id, level) if level else []
        partner = partner_id if partner_id in shared else user.partner_id
        if shared:
            detail.append(f"shared_by={','.join(map(str, shared))}")
    elif partner_id is not None and getattr(request, "api_token", None) is not None:
        partner = Partner.objects.filter(pk=partner_id).values_list("pk", flat=True).first()
    if partner_id is not None and partner != partner_id:
        detail.append(f"partner={partner_id}")
    log_access(request, partner=partner, action="read", resource=resource, rows=rows, detail=" ".join(detail))


def _upload_out(sales_import: SalesImport, *, with_errors: bool = True) -> dict:
    out = {f: getattr(sales_import, f) for f in ("id", "partner_id", "filename", "status", "size", "total_rows",
                                                 "processed_rows", "created_count", "updated_count", "error_count",
                                                 "message", "created_at", "finished_at")}
    out["errors"] = sales_import.errors if with_errors else []
    return out


def _file_hash(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


# --------------------------------------------------------------------------- sales rows


@router.post("/sales", response={200: SalesWriteOut, **errors(401, 403, 404, 422)},
             summary="Write sales rows (all or nothing; same external_id updates; Idempotency-Key honoured)")
def write_sales(request, payload: SalesWriteIn, response: HttpResponse):
    partner = sales.sales_target_partner(actor=request.auth, partner_id=payload.partner_id)
    rows = [row.model_dump() for row in payload.rows]

    def run():
        result = sales.sales_rows_write(actor=request.auth, partner=partner, rows=rows)
        return 200, {"created": result.created, "updated": result.updated, "rows": len(rows),
                     "upload_id": result.batch_id}

    status, body, replayed = sales.idempotent(
        principal=_principal(request), key=request.headers.get("Idempotency-Key"), method="POST", path=request.path,
        request_hash=sales.payload_hash({"partner_id": partner.pk, **payload.model_dump(mode="json")}), run=run)
    if replayed:
        response[REPLAYED_HEADER] = "true"
    log_access(request, partner=partner, action="write", resource="sales", rows=0 if replayed else len(rows),
               detail="idempotent replay" if replayed else "")
    return Status(status, body)


@router.get("/sales", response={200: SalesPage, **errors(401, 422)}, summary="List sales rows")
def list_sales(request, filters: Query[SalesFilters]):
    shared = sales.shared_by(request.auth, SharingLevel.ROWS)
    items, count = sales.sales_page(request.auth, date_from=filters.date_from, date_to=filters.date_to,
                                    product=filters.product, customer=filters.customer, partner_id=filters.partner,
                                    ordering=filters.ordering, bounds=page_slice(filters.limit, filters.offset),
                                    shared=shared)
    _read_logged(request, resource="sales", rows=len(items), partner_id=filters.partner, level=SharingLevel.ROWS,
                 shared=shared)
    return _page_json(count, items)


@router.get("/sales/summary", response={200: SalesSummaryOut, **errors(401, 422)},
            summary="Sales totals per month or quarter, by product or partner (from the monthly roll-up)")
def sales_summary(request, filters: Query[SalesSummaryFilters]):
    level = sales.summary_level(filters.by)
    shared = sales.shared_by(request.auth, level)
    items = sales.sales_summary(request.auth, period=filters.period, by=filters.by, date_from=filters.date_from,
                                date_to=filters.date_to, partner_id=filters.partner, shared=shared)
    _read_logged(request, resource="sales_summary", rows=len(items), partner_id=filters.partner, level=level,
                 shared=shared)
    return _dump(_SUMMARY, {"period": filters.period, "by": filters.by, "items": items})


@router.get("/sales/export", response={200: None, **errors(401, 422)},
            summary="Export sales rows as CSV or XLSX (re-importable; formula-like cells neutralised)")
def export_sales(request, filters: Query[SalesExportFilters]):
    data, content_type, filename, count = sales.sales_export(
        request.auth, fmt=filters.format, date_from=filters.date_from, date_to=filters.date_to,
        product=filters.product, customer=filters.customer, partner_id=filters.partner, ordering=filters.ordering)
    _read_logged(request, resource="sales_export", rows=count, partner_id=filters.partner, level="rows")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- uploads


@router.post("/sales/uploads", response={202: SalesUploadOut, **errors(401, 403, 404, 413, 422)},
             summary="Upload a sales file (.csv/.xlsx/.json); it is imported in the background")
def upload_sales(request, file: File[UploadedFile], response: HttpResponse, partner_id: Form[DbId | None] = None):
    partner = sales.sales_target_partner(actor=request.auth, partner_id=partner_id)
    sales.check_upload_size(file.size)
    sales.check_upload_name(file.name)

    def run():
        sales_import = sales.sales_upload_create(actor=request.auth, partner=partner, upload=file)
        return 202, SalesUploadOut.model_validate(_upload_out(sales_import)).model_dump(mode="json")

    status, body, replayed = sales.idempotent(
        principal=_principal(request), key=request.headers.get("Idempotency-Key"), method="POST", path=request.path,
        request_hash=sales.payload_hash({"partner_id": partner.pk, "filename": file.name, "sha256": _file_hash(file)}),
        run=run)
    if replayed:
        response[REPLAYED_HEADER] = "true"
    written = 0 if replayed else body["created_count"] + body["updated_count"]
    log_access(request, partner=partner, action="write", resource="sales_upload", rows=written,
               detail=f"upload {body['id']}" + (" (idempotent replay)" if replayed else ""))
    return Status(status, body)


@router.get("/sales/uploads", response={200: SalesUploadPage, **errors(401, 422)},
            summary="Sales uploads, newest first (errors are in each upload's own answer)")
def list_uploads(request, filters: Query[SalesUploadFilters]):
    qs = sales.sales_imports(request.auth)
    if filters.partner is not None:
        qs = qs.filter(partner_id=filters.partner)
    items = [_upload_out(i, with_errors=False) for i in qs[page_slice(filters.limit, filters.offset)]]
    _read_logged(request, resource="sales_uploads", rows=len(items), partner_id=filters.partner, level=None)
    return {"count": qs.count(), "items": items}


@router.get("/sales/uploads/{upload_id}", response={200: SalesUploadOut, **errors(401, 404)},
            summary="One upload: progress while it runs, then the outcome and the report of bad rows")
def get_upload(request, upload_id: int):
    sales_import = sales.sales_import_get(request.auth, upload_id)
    log_access(request, partner=sales_import.partner_id, action="read", resource="sales_upload",
               rows=len(sales_import.errors), detail=f"upload {sales_import.pk}")
    return _upload_out(sales_import)


# --------------------------------------------------------------------------- sharing grants


@router.get("/sharing-grants", response={200: list[SharingGrantOut], **errors(401, 403)},
            summary="What each partner may see of another's sales (staff)")
def list_grants(request):
    require_internal(request.auth)
    return list(sales.sharing_grants())


@router.put("/sharing-grants", response={200: SharingGrantOut, **errors(401, 403, 422)},
            summary="Set what a partner may see of another's sales: none, aggregates or rows (staff)")
def set_grant(request, payload: SharingGrantIn):
    return sales.sharing_grant_set(actor=request.auth, grantor_id=payload.grantor_id, grantee_id=payload.grantee_id,
                                   level=payload.level)
