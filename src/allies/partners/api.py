"""REST endpoints for the partner registry (/api/v1/partners)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from allies.api.paging import page_slice
from allies.api.schemas import errors
from allies.core.permissions import require_internal, require_writer
from allies.core.scoping import get_visible, restrict
from allies.partners import services, transfer
from allies.partners.models import Contact, Partner
from allies.partners.schemas import (
    ContactIn,
    ContactOut,
    ImportOut,
    PartnerIn,
    PartnerOut,
    PartnerPage,
    PartnerPatch,
    StageChangeIn,
    StageChangeOut,
)
from allies.partners.selectors import partner_list

router = Router(tags=["partners"])
INTERNAL_FIELDS = ("stage", "source_channel", "owner_id", "notes")


def partner_out(partner: Partner, user) -> dict:
    data = {
        f: getattr(partner, f)
        for f in ("id", "name", "uscc", "industry", "region", "size", "website", "resources", "stage",
                  "source_channel", "owner_id", "notes", "created_at", "updated_at")
    }
    if not user.is_internal:
        data.update(dict.fromkeys(INTERNAL_FIELDS))
    return data


class PartnerFilters(Schema):
    q: str = ""
    stage: str = ""
    source_channel: str = ""
    limit: int = 50
    offset: int = 0


@router.get("/partners", response={200: PartnerPage, **errors(401, 422)}, summary="List partners")
def list_partners(request, filters: Query[PartnerFilters]):
    internal = request.auth.is_internal
    # Filtering on an internal field would reveal its value to a partner user through the count.
    qs = partner_list(user=request.auth, q=filters.q, stage=filters.stage if internal else "",
                      source_channel=filters.source_channel if internal else "")
    items = [partner_out(p, request.auth) for p in qs[page_slice(filters.limit, filters.offset)]]
    return {"count": qs.count(), "items": items}


@router.post("/partners", response={201: PartnerOut, **errors(401, 403, 409, 422)}, summary="Register a partner")
def create_partner(request, payload: PartnerIn):
    partner = services.partner_create(actor=request.auth, data=payload.dict())
    return 201, partner_out(partner, request.auth)


@router.get("/partners/export", response={200: None, **errors(401, 403, 422)}, summary="Export candidates (csv or xlsx)")
def export_partners(request, format: str = "xlsx", stage: str = ""):
    require_internal(request.auth)
    data, content_type, filename = transfer.export_partners(user=request.auth, fmt=format, stage=stage)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/partners/import", response={200: ImportOut, **errors(401, 403, 413, 422)},
             summary="Import candidates from .xlsx or .csv (all or nothing)")
def import_partners(request, file: File[UploadedFile]):
    require_writer(request.auth)
    result = transfer.import_partners(actor=request.auth, data=transfer.read_upload(file), filename=file.name)
    return {"created": result.created, "updated": result.updated, "ratings": result.ratings}


@router.get("/partners/{partner_id}", response={200: PartnerOut, **errors(401, 404)}, summary="One partner")
def get_partner(request, partner_id: int):
    return partner_out(get_visible(Partner.objects, request.auth, pk=partner_id), request.auth)


@router.patch("/partners/{partner_id}", response={200: PartnerOut, **errors(401, 403, 404, 409, 422)},
              summary="Change a partner's registry fields")
def update_partner(request, partner_id: int, payload: PartnerPatch):
    partner = get_visible(Partner.objects, request.auth, pk=partner_id)
    partner = services.partner_update(actor=request.auth, partner=partner, data=payload.dict(exclude_unset=True))
    return partner_out(partner, request.auth)


@router.post("/partners/{partner_id}/stage", response={200: PartnerOut, **errors(401, 403, 404, 422)},
             summary="Move a partner to another pipeline stage")
def change_stage(request, partner_id: int, payload: StageChangeIn):
    partner = get_visible(Partner.objects, request.auth, pk=partner_id)
    services.partner_change_stage(actor=request.auth, partner=partner, to_stage=payload.to_stage, reason=payload.reason,
                                  override=payload.override)
    return partner_out(partner, request.auth)


@router.get("/partners/{partner_id}/stage-changes", response={200: list[StageChangeOut], **errors(401, 403, 404)},
            summary="Stage history of a partner")
def stage_history(request, partner_id: int):
    partner = get_visible(Partner.objects, request.auth, pk=partner_id)
    require_internal(request.auth)
    return list(partner.stage_changes.all())


@router.get("/partners/{partner_id}/contacts", response={200: list[ContactOut], **errors(401, 404)},
            summary="Contacts of a partner")
def list_contacts(request, partner_id: int):
    partner = get_visible(Partner.objects, request.auth, pk=partner_id)
    return list(restrict(Contact.objects.filter(partner=partner), request.auth))


@router.post("/partners/{partner_id}/contacts", response={201: ContactOut, **errors(401, 403, 404, 422)},
             summary="Add a contact")
def add_contact(request, partner_id: int, payload: ContactIn):
    partner = get_visible(Partner.objects, request.auth, pk=partner_id)
    return 201, services.contact_add(actor=request.auth, partner=partner, **payload.dict())


@router.delete("/partners/{partner_id}/contacts/{contact_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a contact")
def delete_contact(request, partner_id: int, contact_id: int):
    partner = get_visible(Partner.objects, request.auth, pk=partner_id)
    contact = get_object_or_404(restrict(Contact.objects.filter(partner=partner), request.auth), pk=contact_id)
    services.contact_delete(actor=request.auth, contact=contact)
    return 204, None
