"""A partner's timeline: everything that happened to it, across all lifecycle stages, newest first.

Each stage app offers an ``events_for_partner``-style selector; this page only merges them.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from allies.core.scoping import get_visible
from allies.diligence.selectors import events_for_partner as diligence_events
from allies.partners.models import Partner
from allies.partners.selectors import stage_events
from allies.pilots.selectors import events_for_partner as pilot_events
from allies.web.decorators import internal_required

EVENT_SOURCES = [stage_events, diligence_events, pilot_events]
KIND_LABELS = {
    "stage": _("合作阶段"),
    "rating": _("筛选评分"),
    "pilot_created": _("试点项目"),
    "pilot_started": _("试点项目"),
    "pilot_reviewed": _("试点复盘"),
    "measurement": _("试点指标"),
    "diligence_opened": _("尽职调查"),
    "diligence_item": _("尽调事项"),
    "diligence_concluded": _("尽调结论"),
}


@internal_required
def partner_timeline(request, pk: int):
    partner = get_visible(Partner.objects, request.user, pk=pk)
    events = [e for source in EVENT_SOURCES for e in source(partner)]
    events = [e for e in events if e.get("at")]
    for e in events:
        e.setdefault("label", KIND_LABELS.get(e["kind"], e["kind"]))
    events.sort(key=lambda e: e["at"], reverse=True)
    return render(request, "web/timeline.html", {"partner": partner, "events": events})
