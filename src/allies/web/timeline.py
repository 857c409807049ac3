"""A partner's timeline: everything that happened to it, across all lifecycle stages, newest first.

Each stage app offers an ``events_for_partner``-style selector; this page only merges them.
"""

from django.shortcuts import render

from allies.core.scoping import get_visible
from allies.partners.models import Partner
from allies.partners.selectors import stage_events
from allies.web.decorators import internal_required

EVENT_SOURCES = [stage_events]


@internal_required
def partner_timeline(request, pk: int):
    partner = get_visible(Partner.objects, request.user, pk=pk)
    events = [e for source in EVENT_SOURCES for e in source(partner)]
    events.sort(key=lambda e: e["at"], reverse=True)
    return render(request, "web/timeline.html", {"partner": partner, "events": events})
