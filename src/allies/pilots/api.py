"""REST endpoints for pilot projects (/api/v1/pilots).

Partner users reach the pilots their company takes part in (read, and record
measurements); another partner's pilot is a 404, and staff-only operations are a 403.
"""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from allies.api.paging import page_slice
from allies.api.schemas import DbId, errors
from allies.core.scoping import get_visible, restrict
from allies.pilots import services
from allies.pilots.models import Kpi, Pilot, Review
from allies.pilots.schemas import (
    KpiIn,
    KpiOut,
    KpiPatch,
    MeasurementIn,
    MeasurementOut,
    PilotDetailOut,
    PilotIn,
    PilotPage,
    PilotPatch,
    ReviewIn,
    ReviewOut,
    StartIn,
)
from allies.pilots.selectors import assessment_date, kpi_statuses, measurement_list, pilot_list

router = Router(tags=["pilots"])


def pilot_out(pilot: Pilot) -> dict:
    data = {f: getattr(pilot, f) for f in (
        "id", "title", "status", "goal", "scope", "start_date", "end_date", "owner_id", "partner_owner_id",
        "meeting_cadence", "report_template", "escalation_path", "started_at", "closed_at", "created_at",
        "updated_at")}
    data["partners"] = [{"id": p.pk, "name": p.name} for p in pilot.partners.all()]
    data["owner_name"] = (pilot.owner.get_full_name() or pilot.owner.username) if pilot.owner else ""
    data["partner_owner_name"] = pilot.partner_owner_display
    return data


def review_out(review: Review, user) -> dict:
    data = {f: getattr(review, f) for f in (
        "id", "pilot_id", "decision", "results", "we_learned", "partner_learned", "previous_end_date",
        "new_end_date", "stage_moves", "reviewed_by_id", "reviewed_at")}
    if not user.is_internal:
        data["stage_moves"] = None
    data["pilot_status"] = review.pilot.status
    return data


def pilot_detail_out(pilot: Pilot, user) -> dict:
    on = assessment_date(pilot)
    kpis = []
    for row in kpi_statuses(pilot, on=on):
        latest = row.latest
        kpis.append({
            **{f: getattr(row.kpi, f) for f in ("id", "pilot_id", "code", "name", "unit", "direction", "baseline",
                                                "target", "margin")},
            "latest_value": latest.value if latest else None,
            "latest_date": latest.date if latest else None,
            "progress": row.result.progress, "elapsed": row.result.elapsed, "status": row.result.status,
            "reached": row.result.reached,
        })
    reviews = [review_out(r, user) for r in pilot.reviews.select_related("pilot")]
    return {**pilot_out(pilot), "assessed_on": on, "kpis": kpis, "reviews": reviews}


def _pilot(request, pilot_id: int) -> Pilot:
    return get_visible(Pilot.objects.select_related("owner", "partner_owner"), request.auth, pk=pilot_id)


def _kpi(request, pilot: Pilot, kpi_id: int) -> Kpi:
    return get_object_or_404(restrict(Kpi.objects.filter(pilot=pilot), request.auth).select_related("pilot"),
                             pk=kpi_id)


class PilotFilters(Schema):
    q: str = ""
    status: str = ""
    partner_id: DbId | None = None
    limit: int = 50
    offset: int = 0


@router.get("", response={200: PilotPage, **errors(401, 422)}, summary="List pilots")
def list_pilots(request, filters: Query[PilotFilters]):
    qs = pilot_list(user=request.auth, q=filters.q, status=filters.status, partner_id=filters.partner_id)
    return {"count": qs.count(), "items": [pilot_out(p) for p in qs[page_slice(filters.limit, filters.offset)]]}


@router.post("", response={201: PilotDetailOut, **errors(401, 403, 422)},
             summary="Create a pilot (planned) with its KPIs")
def create_pilot(request, payload: PilotIn):
    data = payload.dict()
    kpis = data.pop("kpis")
    pilot = services.pilot_create(actor=request.auth, data=data, kpis=kpis)
    return 201, pilot_detail_out(pilot, request.auth)


@router.get("/{pilot_id}", response={200: PilotDetailOut, **errors(401, 404)},
            summary="One pilot with its KPIs, their latest values and status, and its reviews")
def get_pilot(request, pilot_id: int):
    return pilot_detail_out(_pilot(request, pilot_id), request.auth)


@router.patch("/{pilot_id}", response={200: PilotDetailOut, **errors(401, 403, 404, 409, 422)},
              summary="Change a pilot's plan")
def update_pilot(request, pilot_id: int, payload: PilotPatch):
    pilot = _pilot(request, pilot_id)
    services.pilot_update(actor=request.auth, pilot=pilot, data=payload.dict(exclude_unset=True))
    return pilot_detail_out(_pilot(request, pilot_id), request.auth)


@router.post("/{pilot_id}/start", response={200: PilotDetailOut, **errors(401, 403, 404, 409, 422)},
             summary="Start a pilot: its partners move into the pilot stage (stage gates apply)")
def start_pilot(request, pilot_id: int, payload: StartIn):
    pilot = _pilot(request, pilot_id)
    services.pilot_start(actor=request.auth, pilot=pilot, override=payload.override, reason=payload.reason)
    return pilot_detail_out(pilot, request.auth)


@router.post("/{pilot_id}/kpis", response={201: KpiOut, **errors(401, 403, 404, 409, 422)}, summary="Add a KPI")
def add_kpi(request, pilot_id: int, payload: KpiIn):
    pilot = _pilot(request, pilot_id)
    return 201, services.kpi_add(actor=request.auth, pilot=pilot, data=payload.dict())


@router.patch("/{pilot_id}/kpis/{kpi_id}", response={200: KpiOut, **errors(401, 403, 404, 409, 422)},
              summary="Change a KPI")
def update_kpi(request, pilot_id: int, kpi_id: int, payload: KpiPatch):
    kpi = _kpi(request, _pilot(request, pilot_id), kpi_id)
    return services.kpi_update(actor=request.auth, kpi=kpi, data=payload.dict(exclude_unset=True))


@router.delete("/{pilot_id}/kpis/{kpi_id}", response={204: None, **errors(401, 403, 404, 409)},
               summary="Remove a KPI that has no measurements")
def delete_kpi(request, pilot_id: int, kpi_id: int):
    kpi = _kpi(request, _pilot(request, pilot_id), kpi_id)
    services.kpi_delete(actor=request.auth, kpi=kpi)
    return 204, None


@router.get("/{pilot_id}/measurements", response={200: list[MeasurementOut], **errors(401, 404, 422)},
            summary="Measurements of a pilot's KPIs, oldest first")
def list_measurements(request, pilot_id: int, kpi_id: DbId | None = None):
    return list(measurement_list(user=request.auth, pilot=_pilot(request, pilot_id), kpi_id=kpi_id))


@router.post("/{pilot_id}/measurements",
             response={200: MeasurementOut, 201: MeasurementOut, **errors(401, 403, 404, 409, 422)},
             summary="Record a KPI value (201; 200 when the same value was already recorded for that date)")
def add_measurement(request, pilot_id: int, payload: MeasurementIn):
    pilot = _pilot(request, pilot_id)
    kpi = _kpi(request, pilot, payload.kpi_id)
    measurement, created = services.measurement_record(actor=request.auth, kpi=kpi, date=payload.date,
                                                       value=payload.value, note=payload.note)
    return (201 if created else 200), measurement


@router.post("/{pilot_id}/reviews", response={201: ReviewOut, **errors(401, 403, 404, 409, 422)},
             summary="Close a pilot with its review: expand, extend (new end date) or stop; moves partner stages")
def close_pilot(request, pilot_id: int, payload: ReviewIn):
    pilot = _pilot(request, pilot_id)
    review = services.review_close(actor=request.auth, pilot=pilot, **payload.dict())
    return 201, review_out(review, request.auth)

