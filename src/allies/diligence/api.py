"""REST endpoints for due diligence (/api/v1/diligence): cases, items, evidence, financial figures, conclusions.

Due diligence is internal work: partner users get 403 on every operation here (case, item
and file ids are internal), viewers may read, writers may change open cases.
"""

from django.http import FileResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from allies.api.paging import page_slice
from allies.api.schemas import DbId, errors
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_internal, require_writer
from allies.core.scoping import get_visible
from allies.diligence import evidence as files
from allies.diligence import selectors, services
from allies.diligence.models import Case, Evidence, FinancialYear, Item
from allies.diligence.schemas import (
    CaseDetailOut,
    CaseOpenIn,
    CasePage,
    ConcludeIn,
    EvidenceOut,
    FinancialRatingIn,
    FinancialRatingOut,
    FinancialYearIn,
    FinancialYearOut,
    ItemIn,
    ItemOut,
    ItemPatch,
)
from allies.partners.models import Partner

router = Router(tags=["diligence"])
CASE_FIELDS = ("id", "partner_id", "status", "verdict", "conditions", "summary", "override_reason", "opened_by_id",
               "opened_at", "concluded_by_id", "concluded_at")


class CaseFilters(Schema):
    partner_id: DbId | None = None
    status: str = ""
    verdict: str = ""
    limit: int = 50
    offset: int = 0


def case_out(case: Case) -> dict:
    data = {f: getattr(case, f) for f in CASE_FIELDS}
    data["partner_name"] = case.partner.name
    data["item_count"] = getattr(case, "item_count", None)
    if data["item_count"] is None:
        data["item_count"] = case.items.count()
    data["blocking_count"] = getattr(case, "blocking_count", None)
    if data["blocking_count"] is None:
        data["blocking_count"] = len(selectors.blocking_items(case))
    return data


def item_out(item: Item) -> dict:
    data = {f: getattr(item, f) for f in ("id", "case_id", "area", "title", "guidance", "status", "finding",
                                          "risk_level", "owner_id", "due_date", "position", "updated_at")}
    data["blocks_go"] = item.blocks_go
    data["evidence"] = list(item.evidence.all())
    return data


def case_detail_out(case: Case) -> dict:
    proposal = selectors.proposal_view(case)
    return {
        **case_out(case),
        "items": [item_out(i) for i in case.items.prefetch_related("evidence").order_by("area", "position", "id")],
        "financial_years": list(case.financial_years.all()),
        "proposal": None if proposal is None else {"score": proposal.score, "max_score": proposal.max_score,
                                                   "parts": proposal.lines},
    }


def _case(request, case_id: int) -> Case:
    require_internal(request.auth)
    return get_visible(Case.objects.select_related("partner"), request.auth, pk=case_id)


def _item(request, item_id: int) -> Item:
    require_internal(request.auth)
    return get_visible(Item.objects.select_related("case"), request.auth, pk=item_id)


@router.get("/cases", response={200: CasePage, **errors(401, 403, 422)}, summary="Due-diligence cases")
def list_cases(request, filters: Query[CaseFilters]):
    require_internal(request.auth)
    qs = selectors.case_list(user=request.auth, partner_id=filters.partner_id, status=filters.status,
                             verdict=filters.verdict)
    return {"count": qs.count(), "items": [case_out(c) for c in qs[page_slice(filters.limit, filters.offset)]]}


@router.post("/cases", response={201: CaseDetailOut, **errors(401, 403, 404, 409, 422)},
             summary="Open a case for a partner (copies the active checklist templates)")
def open_case(request, payload: CaseOpenIn):
    require_writer(request.auth)
    partner = get_visible(Partner.objects, request.auth, pk=payload.partner_id)
    return 201, case_detail_out(services.case_open(actor=request.auth, partner=partner))


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **errors(401, 403, 404, 422)},
            summary="One case with its items, evidence, financial figures and the proposed rating")
def get_case(request, case_id: DbId):
    return case_detail_out(_case(request, case_id))


@router.post("/cases/{case_id}/items", response={201: ItemOut, **errors(401, 403, 404, 409, 422)},
             summary="Add an item to an open case")
def add_item(request, case_id: DbId, payload: ItemIn):
    require_writer(request.auth)
    case = _case(request, case_id)
    return 201, item_out(services.item_add(actor=request.auth, case=case, data=payload.dict()))


@router.patch("/items/{item_id}", response={200: ItemOut, **errors(401, 403, 404, 409, 422)},
              summary="Change an item (status, finding, risk, owner, due date, ...)")
def update_item(request, item_id: DbId, payload: ItemPatch):
    require_writer(request.auth)
    item = _item(request, item_id)
    return item_out(services.item_update(actor=request.auth, item=item, data=payload.dict(exclude_unset=True)))


@router.delete("/items/{item_id}", response={204: None, **errors(401, 403, 404, 409, 422)},
               summary="Remove an item (and its evidence) from an open case")
def delete_item(request, item_id: DbId):
    require_writer(request.auth)
    services.item_delete(actor=request.auth, item=_item(request, item_id))
    return 204, None


@router.post("/items/{item_id}/evidence", response={201: EvidenceOut, **errors(401, 403, 404, 409, 413, 422)},
             summary="Upload an evidence file (pdf, png, jpg, docx, xlsx, csv, txt)")
def upload_evidence(request, item_id: DbId, file: File[UploadedFile]):
    require_writer(request.auth)
    item = _item(request, item_id)
    return 201, services.evidence_add(actor=request.auth, item=item, upload=file)


@router.get("/evidence/{evidence_id}", response={200: None, **errors(401, 403, 404, 422)},
            summary="Download an evidence file (as an attachment)")
def download_evidence(request, evidence_id: DbId):
    require_internal(request.auth)
    record = get_visible(Evidence.objects, request.auth, pk=evidence_id)
    path = files.absolute(record.stored_path)
    if not path.is_file():
        raise DomainError(ErrorCode.NOT_FOUND, files.missing_message(record.original_name))
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.original_name,
                        content_type=record.content_type)


@router.delete("/evidence/{evidence_id}", response={204: None, **errors(401, 403, 404, 409, 422)},
               summary="Remove an evidence file from an open case")
def delete_evidence(request, evidence_id: DbId):
    require_writer(request.auth)
    record = get_visible(Evidence.objects.select_related("item__case"), request.auth, pk=evidence_id)
    services.evidence_delete(actor=request.auth, evidence=record)
    return 204, None


@router.post("/cases/{case_id}/financial-years", response={201: FinancialYearOut, **errors(401, 403, 404, 409, 422)},
             summary="Add one year of financial figures (money in minor units; at most five years)")
def add_financial_year(request, case_id: DbId, payload: FinancialYearIn):
    require_writer(request.auth)
    case = _case(request, case_id)
    return 201, services.financial_year_add(actor=request.auth, case=case, **payload.dict())


@router.delete("/financial-years/{year_id}", response={204: None, **errors(401, 403, 404, 409, 422)},
               summary="Remove one year of financial figures")
def delete_financial_year(request, year_id: DbId):
    require_writer(request.auth)
    record = get_visible(FinancialYear.objects.select_related("case"), request.auth, pk=year_id)
    services.financial_year_delete(actor=request.auth, financial_year=record)
    return 204, None


@router.post("/cases/{case_id}/financial-rating", response={201: FinancialRatingOut, **errors(401, 403, 404, 422)},
             summary="Record my financial-health rating: the proposed score (no score) or my own")
def rate_financial_health(request, case_id: DbId, payload: FinancialRatingIn):
    require_writer(request.auth)
    case = _case(request, case_id)
    rating = services.financial_rating_record(actor=request.auth, case=case, score=payload.score)
    proposal = selectors.financial_proposal(case)
    return 201, {"partner_id": rating.partner_id, "criterion_code": rating.criterion_code, "rater_id": rating.rater_id,
                 "score": float(rating.score), "note": rating.note, "proposed": proposal.score}


@router.post("/cases/{case_id}/conclude", response={200: CaseDetailOut, **errors(401, 403, 404, 409, 422)},
             summary="Conclude a case with a verdict (go / go_with_conditions / no_go)")
def conclude_case(request, case_id: DbId, payload: ConcludeIn):
    require_writer(request.auth)
    case = _case(request, case_id)
    return case_detail_out(services.case_conclude(actor=request.auth, case=case, **payload.dict()))
