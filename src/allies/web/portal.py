"""The partner portal: what a partner user sees of its own company, and nothing of any other."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from allies.core.scoping import get_visible, restrict
from allies.partners.models import Contact, Partner


@login_required
def portal_home(request):
    if not request.user.is_partner_user:
        raise Http404
    partner = get_visible(Partner.objects, request.user, pk=request.user.partner_id)
    contacts = restrict(Contact.objects.filter(partner=partner), request.user)
    return render(request, "web/portal.html", {"partner": partner, "contacts": contacts})
