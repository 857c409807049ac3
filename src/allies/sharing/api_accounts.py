"""REST endpoints for joint customers: account lists, overlap queries, customer registrations (客户报备).

A partner user or token works on its own company's list, queries and registrations and
gets 404 for anyone else's; deciding a conflict is for staff. Nothing here returns another
partner's readable names or row ids to a partner.
"""

from datetime import date, datetime
from typing import Literal

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from allies.api.paging import page_slice
from allies.api.schemas import DbId, StrictIn, errors
from allies.core.scoping import get_visible
from allies.partners.transfer import read_upload
from allies.sharing import accounts
from allies.sharing.models import CustomerRegistration
from allies.sharing.tokens import log_access

router = Router(tags=["joint customers"])
MAX_MINOR_UNITS = 2**63 - 1


# --------------------------------------------------------------------------- schemas


class AccountListOut(Schema):
    id: int
    partner_id: int | None = Field(description="null: our own customer list")
    filename: str
    account_count: int
    uploaded_at: datetime


class UploadOut(AccountListOut):
    duplicates: int = Field(description="rows merged because all their identifiers repeated an earlier row")


class AccountListPage(Schema):
    count: int
    items: list[AccountListOut]


class AccountOut(Schema):
    id: int
    name: str


class AccountPage(Schema):
    count: int
    items: list[AccountOut]


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class AccountFilters(Paging):
    q: str = ""


class OverlapIn(StrictIn):
    partner_id: DbId | None = Field(None, description="staff: the partner whose list is compared; partners: "
                                                       "omit (or their own id)")
    other_partner_id: DbId | None = Field(None, description="the other partner; omit when with_us")
    with_us: bool = Field(False, description="compare with our own customer list instead")


class OverlapItem(Schema):
    account_id: int
    name: str
    other_account_id: int | None = None
    other_name: str | None = None


class OverlapOut(Schema):
    """A stored overlap result. ``items`` are the requester's own matched accounts when rows
    may be seen (staff: matched pairs with both names); empty when only the count may be seen."""

    id: int
    at: datetime
    partner_id: int | None
    other_partner_id: int | None
    with_us: bool
    level: str
    count: int
    other_count: int | None
    total_items: int
    items: list[OverlapItem]
    truncated: bool
    stale: bool


class OverlapSummary(Schema):
    id: int
    at: datetime
    partner_id: int | None
    other_partner_id: int | None
    with_us: bool
    level: str
    count: int


class OverlapPage(Schema):
    count: int
    items: list[OverlapSummary]


class RegistrationIn(StrictIn):
    partner_id: DbId | None = Field(None, description="staff registering for a partner; partners omit it")
    customer_name: str = Field("", max_length=200)
    customer_uscc: str = Field("", max_length=40)
    customer_domain: str = Field("", max_length=300)
    value: int = Field(0, ge=0, le=MAX_MINOR_UNITS, description="integer minor units (fen/cents)")
    currency: str = Field("CNY", max_length=3)
    stage: str = "lead"
    expected_close: date | None = None


class RegistrationPatch(StrictIn):
    stage: str | None = None
    value: int | None = Field(None, ge=0, le=MAX_MINOR_UNITS)
    currency: str | None = Field(None, max_length=3)
    expected_close: date | None = None


class DecisionIn(StrictIn):
    winner: Literal["new", "existing"] = Field(description="new: this registration wins; existing: the earlier one")
    note: str = Field(max_length=500, description="shown to both partners")


class RegistrationOut(Schema):
    """One registration. ``notice`` tells a partner its claim is in conflict, without naming
    the other partner; ``conflict_with_*`` are for staff only (null for partners)."""

    id: int
    partner_id: int
    customer_name: str
    customer_uscc: str
    customer_domain: str
    value: int
    currency: str
    stage: str
    expected_close: date | None
    status: str
    protected_until: date
    registered_at: datetime
    decision_note: str
    notice: str
    conflict_with_id: int | None
    conflict_with_partner_id: int | None
    conflict_with_partner_name: str | None


class RegistrationPage(Schema):
    count: int
    items: list[RegistrationOut]


class RegistrationFilters(Paging):
    status: str = ""


# --------------------------------------------------------------------------- helpers


def list_out(account_list, duplicates: int | None = None) -> dict:
    data = {f: getattr(account_list, f) for f in ("id", "partner_id", "filename", "account_count", "uploaded_at")}
    if duplicates is not None:
        data["duplicates"] = duplicates
    return data


def overlap_out(page: accounts.OverlapPage) -> dict:
    q = page.query
    return {"id": q.pk, "at": q.at, "partner_id": q.left_partner_id, "other_partner_id": q.other_id,
            "with_us": q.with_us, "level": q.level, "count": page.count, "other_count": page.other_count,
            "total_items": page.total_items, "items": page.items, "truncated": page.truncated, "stale": page.stale}


def registration_out(reg: CustomerRegistration, user) -> dict:
    data = {f: getattr(reg, f) for f in ("id", "partner_id", "customer_name", "customer_uscc", "customer_domain",
                                          "value", "currency", "stage", "expected_close", "protected_until",
                                          "registered_at", "decision_note")}
    data["status"] = accounts.registration_status(reg)
    data["notice"] = accounts.conflict_notice() if reg.status == CustomerRegistration.CONFLICT else ""
    other = reg.conflict_with if user.is_internal else None
    data.update(conflict_with_id=other.pk if other else None,
                conflict_with_partner_id=other.partner_id if other else None,
                conflict_with_partner_name=other.partner.name if other else None)
    return data


# --------------------------------------------------------------------------- account lists


@router.post("/account-lists", response={200: UploadOut, **errors(401, 403, 413, 422)},
             summary="Upload the customer list (.xlsx/.csv; replaces the previous one; all or nothing)")
def upload_account_list(request, file: File[UploadedFile]):
    result = accounts.account_list_upload(actor=request.auth, data=read_upload(file), filename=file.name,
                                          request=request)
    return list_out(result.account_list, result.duplicates)


@router.get("/account-lists", response={200: AccountListPage, **errors(401, 422)},
            summary="Customer lists: a partner's own; staff see every list (not their accounts)")
def list_account_lists(request, paging: Query[Paging]):
    qs = accounts.account_lists(user=request.auth)
    items = list(qs[page_slice(paging.limit, paging.offset)])
    log_access(request, partner=request.auth.partner, action="read", resource="account_list", rows=len(items))
    return {"count": qs.count(), "items": [list_out(a) for a in items]}


@router.get("/account-lists/{list_id}", response={200: AccountListOut, **errors(401, 404)},
            summary="Status of one customer list")
def get_account_list(request, list_id: int):
    return list_out(accounts.account_list_get(user=request.auth, list_id=list_id, request=request))


@router.get("/account-lists/{list_id}/accounts", response={200: AccountPage, **errors(401, 404, 422)},
            summary="The accounts of a list with their names (the uploader's own list, or staff)")
def list_accounts(request, list_id: int, filters: Query[AccountFilters]):
    account_list = accounts.account_list_get(user=request.auth, list_id=list_id)
    qs = accounts.list_accounts(user=request.auth, account_list=account_list, q=filters.q)
    items = [{"id": a.pk, "name": a.display_name} for a in qs[page_slice(filters.limit, filters.offset)]]
    log_access(request, partner=account_list.partner, action="read", resource="account_list", rows=len(items),
                  detail=f"list={account_list.pk}")
    return {"count": qs.count(), "items": items}


# --------------------------------------------------------------------------- overlap


@router.post("/overlap-queries", response={200: OverlapOut, **errors(401, 403, 404, 409, 422, 429)},
             summary="Run an overlap query (counts towards the partner's daily limit)")
def run_overlap(request, payload: OverlapIn):
    query = accounts.overlap_run(actor=request.auth, request=request, **payload.dict())
    return overlap_out(accounts.overlap_query_page(user=request.auth, query_id=query.pk, limit=50, offset=0))


@router.get("/overlap-queries", response={200: OverlapPage, **errors(401, 422)},
            summary="Past overlap queries (a partner: the ones its own people ran)")
def list_overlap_queries(request, paging: Query[Paging]):
    qs = accounts.overlap_queries(user=request.auth)
    items = [{"id": q.pk, "at": q.at, "partner_id": q.left_partner_id, "other_partner_id": q.other_id,
              "with_us": q.with_us, "level": q.level, "count": q.matched}
             for q in qs[page_slice(paging.limit, paging.offset)]]
    log_access(request, partner=request.auth.partner, action="read", resource="overlap", rows=len(items))
    return {"count": qs.count(), "items": items}


@router.get("/overlap-queries/{query_id}", response={200: OverlapOut, **errors(401, 404, 422)},
            summary="A stored overlap result, one page of matches (does not count as a new query)")
def get_overlap_query(request, query_id: int, paging: Query[Paging]):
    window = page_slice(paging.limit, paging.offset)
    page = accounts.overlap_query_page(user=request.auth, query_id=query_id, limit=window.stop - window.start,
                                       offset=window.start, request=request)
    return overlap_out(page)


# --------------------------------------------------------------------------- registrations


@router.get("/registrations", response={200: RegistrationPage, **errors(401, 422)},
            summary="Customer registrations (a partner: its own)")
def list_registrations(request, filters: Query[RegistrationFilters]):
    qs = accounts.registrations(user=request.auth, status=filters.status)
    items = [registration_out(r, request.auth) for r in qs[page_slice(filters.limit, filters.offset)]]
    log_access(request, partner=request.auth.partner, action="read", resource="registration", rows=len(items))
    return {"count": qs.count(), "items": items}


@router.post("/registrations", response={201: RegistrationOut, **errors(401, 403, 404, 422)},
             summary="Register an opportunity on a customer (a conflict is flagged for staff)")
def create_registration(request, payload: RegistrationIn):
    reg = accounts.registration_create(actor=request.auth, request=request, **payload.dict())
    return Status(201, registration_out(reg, request.auth))


@router.get("/registrations/{registration_id}", response={200: RegistrationOut, **errors(401, 404)},
            summary="One registration")
def get_registration(request, registration_id: int):
    return registration_out(accounts.registration_get(user=request.auth, registration_id=registration_id,
                                                      request=request), request.auth)


@router.patch("/registrations/{registration_id}", response={200: RegistrationOut, **errors(401, 403, 404, 409, 422)},
              summary="Move a registration on: stage, value, expected close date")
def update_registration(request, registration_id: int, payload: RegistrationPatch):
    reg = accounts.registration_get(user=request.auth, registration_id=registration_id)
    reg = accounts.registration_update(actor=request.auth, registration=reg, request=request,
                                       data=payload.dict(exclude_unset=True))
    return registration_out(reg, request.auth)


@router.post("/registrations/{registration_id}/decision",
             response={200: RegistrationOut, **errors(401, 403, 404, 409, 422)},
             summary="Staff: settle a registration conflict (approve one, reject the other, with a note)")
def decide_registration(request, registration_id: int, payload: DecisionIn):
    reg = get_visible(CustomerRegistration.objects, request.auth, pk=registration_id)
    reg = accounts.registration_decide(actor=request.auth, registration=reg, winner=payload.winner, note=payload.note)
    return registration_out(reg, request.auth)
