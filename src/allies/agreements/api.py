"""REST endpoints of agreements (mounted under /api/v1/ by allies.api.main).

Partner users read the agreements their company is party to (list, detail, deadlines,
the .docx and the signed scan); another partner's agreement is a 404. Everything else is
staff-only (403): writes for managers and admins, versions and completeness for all staff.
"""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from allies.agreements import completeness, documents, scans, services
from allies.agreements.choices import ClauseArea
from allies.agreements.models import Agreement, AgreementVersion, IpAsset, SignedScan
from allies.agreements.schemas import (
    AgreementDetailOut,
    AgreementIn,
    AgreementPage,
    AgreementPatch,
    AgreementCompletenessOut,
    AgreementDeadlineOut,
    AgreementDiffOut,
    AgreementIpAssetIn,
    AgreementIpAssetOut,
    AgreementIpAssetPatch,
    AgreementScanOut,
    AgreementTransitionIn,
    AgreementVersionDetailOut,
    AgreementVersionOut,
)
from allies.agreements.selectors import agreement_deadlines, agreement_list, clause_text, upcoming_deadlines
from allies.agreements.versions import diff
from allies.api.paging import page_slice
from allies.api.schemas import DbId, errors
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_internal
from allies.core.scoping import get_visible, restrict
from allies.diligence.evidence import missing_message

router = Router(tags=["agreements"])


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def agreement_out(a: Agreement) -> dict:
    data = {f: getattr(a, f) for f in (
        "id", "code", "title", "status", "cooperation_models", "start_date", "end_date", "auto_renew",
        "renewal_months", "notice_days", "currency", "rounding", "signed_at", "status_changed_at", "status_reason",
        "created_at", "updated_at")}
    data["partners"] = [{"partner_id": link.partner_id, "partner": link.partner.name, "role": link.role,
                         "rights": link.rights, "obligations": link.obligations}
                        for link in a.party_links.select_related("partner")]
    return data


def deadline_out(d, today) -> dict:
    return {"agreement_id": d.agreement.pk, "code": d.agreement.code, "title": d.agreement.title, "kind": d.kind,
            "date": d.date, "days_left": d.days_left(today)}


def completeness_out(a: Agreement) -> dict:
    items = completeness.missing(a)
    return {"complete": not any(m.required for m in items),
            "items": [{"key": m.key, "label": m.label, "area": m.area, "message": m.message,
                       "required": m.required} for m in items]}


def detail_out(a: Agreement, user) -> dict:
    today = timezone.localdate()
    latest = a.versions.order_by("-number").first()
    return {
        **agreement_out(a),
        **{f: getattr(a, f) for f in ("scope", "goals", "our_rights", "our_obligations", "revenue_cost_terms",
                                      "ip_terms", "termination_conditions", "customer_handover", "data_migration")},
        "dispute_steps": [{"method": s.method, "body": s.body, "days": s.days} for s in a.dispute_steps.all()],
        "ip_assets": list(a.ip_assets.all()),
        "clauses": [{"area": area, "label": str(label), "text": clause_text(a, area)}
                    for area, label in ClauseArea.choices],
        "deadlines": [deadline_out(d, today) for d in agreement_deadlines(a, today=today)],
        "status_history": [{"from_status": c.from_status, "to_status": c.to_status, "reason": c.reason,
                            "changed_by": _name(c.changed_by), "changed_at": c.changed_at}
                           for c in a.status_changes.select_related("changed_by")],
        "scans": list(a.scans.all()),
        "version": latest.number if latest else 0,
        "completeness": completeness_out(a) if user.is_internal else None,
    }


def _agreement(request, agreement_id: int) -> Agreement:
    return get_visible(Agreement.objects.all(), request.auth, pk=agreement_id)


def _asset(request, agreement: Agreement, asset_id: int) -> IpAsset:
    return get_object_or_404(restrict(IpAsset.objects.filter(agreement=agreement), request.auth), pk=asset_id)


class AgreementFilters(Schema):
    q: str = ""
    status: str = ""
    partner_id: DbId | None = None
    limit: int = 50
    offset: int = 0


@router.get("/agreements", response={200: AgreementPage, **errors(401)}, summary="List agreements")
def list_agreements(request, filters: Query[AgreementFilters]):
    qs = agreement_list(user=request.auth, q=filters.q, status=filters.status, partner_id=filters.partner_id)
    return {"count": qs.count(), "items": [agreement_out(a) for a in qs[page_slice(filters.limit, filters.offset)]]}


@router.post("/agreements", response={201: AgreementDetailOut, **errors(401, 403, 409)},
             summary="Create a draft agreement with its parties, clauses and dispute path (version 1)")
def create_agreement(request, payload: AgreementIn):
    agreement = services.agreement_create(actor=request.auth, data=payload.dict(exclude_unset=True))
    return 201, detail_out(agreement, request.auth)


class DeadlineFilters(Schema):
    within_days: int = 60


@router.get("/agreements/deadlines", response={200: list[AgreementDeadlineOut], **errors(401)},
            summary="End-of-term and notice deadlines of signed agreements within the next days")
def list_deadlines(request, filters: Query[DeadlineFilters]):
    today = timezone.localdate()
    within = max(0, min(filters.within_days, 3660))
    found = upcoming_deadlines(today=today, within_days=within, agreements=restrict(Agreement.objects, request.auth))
    return [deadline_out(d, today) for d in found]


@router.get("/agreements/{agreement_id}", response={200: AgreementDetailOut, **errors(401, 404)},
            summary="One agreement with its clauses, IP register, deadlines, history and (staff) completeness")
def get_agreement(request, agreement_id: DbId):
    return detail_out(_agreement(request, agreement_id), request.auth)


@router.patch("/agreements/{agreement_id}", response={200: AgreementDetailOut, **errors(401, 403, 404, 409)},
              summary="Edit an agreement (a new version); once signed only as an amendment with a reason")
def update_agreement(request, agreement_id: DbId, payload: AgreementPatch):
    agreement = _agreement(request, agreement_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    services.agreement_update(actor=request.auth, agreement=agreement, data=data, reason=reason)
    return detail_out(_agreement(request, agreement_id), request.auth)


@router.delete("/agreements/{agreement_id}", response={204: None, **errors(401, 403, 404, 409)},
               summary="Delete an agreement that was never signed")
def delete_agreement(request, agreement_id: DbId):
    services.agreement_delete(actor=request.auth, agreement=_agreement(request, agreement_id))
    return 204, None


@router.post("/agreements/{agreement_id}/status", response={200: AgreementDetailOut, **errors(401, 403, 404, 409)},
             summary="Move the status: draft -> in_review -> signed -> expired/terminated (signing checks completeness)")
def change_status(request, agreement_id: DbId, payload: AgreementTransitionIn):
    agreement = _agreement(request, agreement_id)
    services.agreement_transition(actor=request.auth, agreement=agreement, to_status=payload.to_status,
                                  reason=payload.reason)
    return detail_out(agreement, request.auth)


@router.get("/agreements/{agreement_id}/completeness", response={200: AgreementCompletenessOut, **errors(401, 403, 404)},
            summary="What the agreement still lacks; required items block signing")
def get_completeness(request, agreement_id: DbId):
    agreement = _agreement(request, agreement_id)
    require_internal(request.auth)
    return completeness_out(agreement)


def version_out(v: AgreementVersion) -> dict:
    return {"number": v.number, "kind": v.kind, "note": v.note, "created_by": _name(v.created_by),
            "created_at": v.created_at, "snapshot": v.snapshot}


@router.get("/agreements/{agreement_id}/versions", response={200: list[AgreementVersionOut], **errors(401, 403, 404)},
            summary="The agreement's versions, newest first")
def list_versions(request, agreement_id: DbId):
    agreement = _agreement(request, agreement_id)
    require_internal(request.auth)
    return [version_out(v) for v in agreement.versions.select_related("created_by")]


@router.get("/agreements/{agreement_id}/versions/{number}", response={200: AgreementVersionDetailOut, **errors(401, 403, 404)},
            summary="One version with its JSON snapshot")
def get_version(request, agreement_id: DbId, number: DbId):
    agreement = _agreement(request, agreement_id)
    require_internal(request.auth)
    return version_out(get_object_or_404(agreement.versions.select_related("created_by"), number=number))


class DiffQuery(Schema):
    from_version: DbId | None = None
    to_version: DbId | None = None


@router.get("/agreements/{agreement_id}/diff", response={200: AgreementDiffOut, **errors(401, 403, 404)},
            summary="A readable diff between two versions (default: the latest against the one before)")
def diff_versions(request, agreement_id: DbId, query: Query[DiffQuery]):
    agreement = _agreement(request, agreement_id)
    require_internal(request.auth)
    numbers = list(agreement.versions.values_list("number", flat=True).order_by("number"))
    to_number = query.to_version or (numbers[-1] if numbers else 0)
    from_number = query.from_version or next((n for n in reversed(numbers) if n < to_number), to_number)
    versions = {v.number: v for v in agreement.versions.filter(number__in=[from_number, to_number])}
    missing = [n for n in (from_number, to_number) if n not in versions]
    if missing:
        raise DomainError(ErrorCode.NOT_FOUND, _("没有第 {n} 版。").format(n=missing[0]), {"version": missing[0]})
    changes = diff(versions[from_number].snapshot, versions[to_number].snapshot)
    return {"from_version": from_number, "to_version": to_number, "changes": [c.as_dict() for c in changes]}


@router.post("/agreements/{agreement_id}/ip-assets", response={201: AgreementIpAssetOut, **errors(401, 403, 404, 409)},
             summary="Add an asset to the IP register (a new version)")
def add_ip_asset(request, agreement_id: DbId, payload: AgreementIpAssetIn):
    agreement = _agreement(request, agreement_id)
    data = payload.dict()
    reason = data.pop("reason")
    return 201, services.ip_asset_add(actor=request.auth, agreement=agreement, data=data, reason=reason)


@router.patch("/agreements/{agreement_id}/ip-assets/{asset_id}",
              response={200: AgreementIpAssetOut, **errors(401, 403, 404, 409)}, summary="Change an IP asset")
def update_ip_asset(request, agreement_id: DbId, asset_id: DbId, payload: AgreementIpAssetPatch):
    asset = _asset(request, _agreement(request, agreement_id), asset_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    return services.ip_asset_update(actor=request.auth, asset=asset, data=data, reason=reason)


@router.delete("/agreements/{agreement_id}/ip-assets/{asset_id}",
               response={204: None, **errors(401, 403, 404, 409)}, summary="Remove an IP asset")
def delete_ip_asset(request, agreement_id: DbId, asset_id: DbId, reason: str = ""):
    asset = _asset(request, _agreement(request, agreement_id), asset_id)
    services.ip_asset_delete(actor=request.auth, asset=asset, reason=reason)
    return 204, None


class DocumentQuery(Schema):
    lang: str = "zh-hans"


@router.get("/agreements/{agreement_id}/document", response={200: None, **errors(401, 404)},
            summary="The agreement as a Word document (.docx); lang=en for English")
def get_document(request, agreement_id: DbId, query: Query[DocumentQuery]):
    agreement = _agreement(request, agreement_id)
    lang = "en" if query.lang.lower().startswith("en") else "zh-hans"
    response = HttpResponse(documents.render(agreement, lang=lang), content_type=documents.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(agreement, lang)}"'
    return response


@router.post("/agreements/{agreement_id}/scans", response={201: AgreementScanOut, **errors(401, 403, 404, 409, 413)},
             summary="Attach the signed scan (PDF, PNG or JPEG)")
def upload_scan(request, agreement_id: DbId, file: File[UploadedFile]):
    agreement = _agreement(request, agreement_id)
    return 201, services.scan_attach(actor=request.auth, agreement=agreement, upload=file)


@router.get("/agreements/{agreement_id}/scans/{scan_id}", response={200: None, **errors(401, 404)},
            summary="Download a signed scan")
def download_scan(request, agreement_id: DbId, scan_id: DbId):
    agreement = _agreement(request, agreement_id)
    scan = get_object_or_404(restrict(SignedScan.objects.filter(agreement=agreement), request.auth), pk=scan_id)
    path = scans.absolute(scan.stored_path)
    if not path.is_file():
        raise DomainError(ErrorCode.NOT_FOUND, missing_message(scan.original_name))
    return FileResponse(path.open("rb"), as_attachment=True, filename=scan.original_name,
                        content_type=scan.content_type)
