"""Reads for pilots: lists, each KPI's latest value and status, and a partner's pilot events."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.core.scoping import restrict
from allies.domain import kpi as kpi_rules
from allies.pilots.choices import STATUS_BADGES, STATUS_LABELS, PilotStatus
from allies.pilots.models import Kpi, Measurement, Pilot, Review
from allies.pilots.validation import plain_number


def pilot_list(*, user, q: str = "", status: str = "", partner_id: int | None = None) -> QuerySet:
    qs = restrict(Pilot.objects.select_related("owner", "partner_owner").prefetch_related("partners"), user)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(goal__icontains=q) | Q(scope__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if partner_id:
        qs = qs.filter(pk__in=Pilot.objects.filter(partners=partner_id).values("pk"))
    return qs


def pilots_for_partner(partner) -> QuerySet:
    """The pilots a partner company takes part in, newest first."""
    return Pilot.objects.filter(partners=partner).prefetch_related("partners").order_by("-start_date", "-id")


def assessment_date(pilot: Pilot, today: date | None = None) -> date:
    """The day a pilot's KPIs are judged on: today while it runs, the closing day once closed."""
    if pilot.status == PilotStatus.CLOSED and pilot.closed_at:
        return timezone.localdate(pilot.closed_at)
    return today or timezone.localdate()


@dataclass
class KpiStatus:
    kpi: Kpi
    measurements: list[Measurement]
    result: kpi_rules.KpiProgress

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def status(self) -> str | None:
        return self.result.status

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.result.status])

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.result.status]

    @property
    def at_risk_below(self) -> float:
        """Progress under which the KPI stops being on track (for the rule shown beside it)."""
        return self.result.elapsed - self.kpi.margin

    @property
    def off_track_below(self) -> float:
        return self.result.elapsed - 2 * self.kpi.margin

    def as_result(self) -> dict:
        """The KPI's result as kept in a closing review (values as exact decimal text)."""
        latest = self.latest
        return {
            "kpi_id": self.kpi.pk, "code": self.kpi.code, "name": self.kpi.name, "unit": self.kpi.unit,
            "direction": self.kpi.direction, "baseline": plain_number(self.kpi.baseline),
            "target": plain_number(self.kpi.target),
            "latest": plain_number(latest.value) if latest else None,
            "latest_date": latest.date.isoformat() if latest else None,
            "progress": None if self.result.progress is None else round(self.result.progress, 6),
            "status": self.result.status,
        }


def kpi_statuses(pilot: Pilot, on: date | None = None) -> list[KpiStatus]:
    """Every KPI of the pilot with its measurements (oldest first) and its status on ``on``."""
    on = on or assessment_date(pilot)
    kpis = pilot.kpis.prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.select_related("recorded_by").order_by("date", "id")))
    rows = []
    for k in kpis:
        measurements = list(k.measurements.all())
        actual = float(measurements[-1].value) if measurements else None
        result = kpi_rules.assess(float(k.baseline), float(k.target), k.direction, actual, pilot.start_date,
                                  pilot.end_date, on, margin=k.margin)
        rows.append(KpiStatus(k, measurements, result))
    return rows


def measurement_list(*, user, pilot: Pilot, kpi_id: int | None = None) -> QuerySet:
    qs = restrict(Measurement.objects.filter(kpi__pilot=pilot), user).select_related("kpi")
    if kpi_id:
        qs = qs.filter(kpi_id=kpi_id)
    return qs.order_by("kpi__position", "kpi_id", "date", "id")


def events_for_partner(partner) -> list[dict]:
    """What happened in the partner's pilots, newest first: {at, kind, text, url}.

    Kinds: ``pilot_created``, ``pilot_started``, ``measurement``, ``pilot_reviewed``.
    The caller decides who may see the timeline; every url is a page that checks it again.
    """
    events = []
    for pilot in Pilot.objects.filter(partners=partner):
        url = reverse("pilots:detail", args=[pilot.pk])
        events.append({"at": pilot.created_at, "kind": "pilot_created", "url": url,
                       "text": _("创建试点“{title}”").format(title=pilot.title)})
        if pilot.started_at:
            events.append({"at": pilot.started_at, "kind": "pilot_started", "url": url,
                           "text": _("启动试点“{title}”").format(title=pilot.title)})
    measurements = Measurement.objects.filter(kpi__pilot__partners=partner).select_related("kpi__pilot")
    for m in measurements:
        events.append({
            "at": m.recorded_at, "kind": "measurement", "url": reverse("pilots:detail", args=[m.kpi.pilot_id]),
            "text": _("试点“{title}”：{kpi} {date} 为 {value} {unit}").format(
                title=m.kpi.pilot.title, kpi=m.kpi.name, date=m.date.isoformat(), value=plain_number(m.value),
                unit=m.kpi.unit),
        })
    for review in Review.objects.filter(pilot__partners=partner).select_related("pilot"):
        events.append({
            "at": review.reviewed_at, "kind": "pilot_reviewed",
            "url": reverse("pilots:review", args=[review.pilot_id, review.pk]),
            "text": _("试点“{title}”复盘决定：{decision}").format(title=review.pilot.title,
                                                           decision=review.get_decision_display()),
        })
    events.sort(key=lambda e: e["at"], reverse=True)
    return events
