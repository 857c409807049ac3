"""The partner portal: what a partner user sees of its own company, and nothing of any other.

Every list here goes through the stage's own selectors, which scope with core.restrict.
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.agreements.selectors import agreements_for_partner, upcoming_deadlines
from allies.core.scoping import get_visible, restrict
from allies.partners.models import Contact, Partner
from allies.pilots.selectors import pilots_for_partner
from allies.sharing import accounts, sales
from allies.sharing.models import ApiToken
from allies.web import charts


def _months_back(today: date, n: int) -> date:
    month = today.month - (n - 1)
    year = today.year
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


@login_required
def portal_home(request):
    user = request.user
    if not user.is_partner_user:
        raise Http404
    partner = get_visible(Partner.objects, user, pk=user.partner_id)
    today = timezone.localdate()
    since = _months_back(today, 12)
    totals = sales.monthly_totals(user, partner_id=partner.pk, date_from=since)
    currencies = sorted({t["currency"] for t in totals})
    months = sorted({t["month"] for t in totals})
    chart = ""
    if totals:
        series = []
        for currency in currencies:
            by_month = {t["month"]: t["amount"] / 100 for t in totals if t["currency"] == currency}
            series.append((currency, [by_month.get(m) for m in months]))
        chart = charts.bars([m.strftime("%Y-%m") for m in months], series, title=_("近 12 个月销售额"))
    return render(request, "web/portal.html", {
        "partner": partner,
        "contacts": restrict(Contact.objects.filter(partner=partner), user),
        "pilots": list(restrict(pilots_for_partner(partner), user)[:10]),
        "agreements": list(restrict(agreements_for_partner(partner), user)[:10]),
        "agreement_deadlines": [
            {"d": d, "days_left": d.days_left(today)}
            for d in upcoming_deadlines(today=today, within_days=60,
                                        agreements=restrict(agreements_for_partner(partner), user))],
        "recent_sales": list(sales.sales_rows(user, partner_id=partner.pk)[:10]),
        "sales_chart": chart,
        "uploads": list(sales.sales_imports(user)[:5]),
        "account_list": accounts.own_account_list(user=user),
        "overlaps": list(accounts.overlap_queries(user=user)[:5]),
        "registrations": list(accounts.registrations(user=user)[:5]),
        "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True).count(),
    })
