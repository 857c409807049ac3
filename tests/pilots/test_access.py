"""Who reaches which pilot page: partner users see their own pilots only; staff-only actions are 403."""

import pytest
from django.urls import reverse

from allies.pilots.models import Measurement, Pilot, Review

from .conftest import day, kpi_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilots(make_pilot, partner_a, partner_b, manager):
    from allies.pilots import services

    mine = make_pilot(partner_a, title="伙伴A 的试点")
    theirs = make_pilot(partner_b, title="伙伴B 的试点")
    services.pilot_start(actor=manager, pilot=mine)
    services.pilot_start(actor=manager, pilot=theirs)
    return mine, theirs


def measurement_post(pilot, value="3.1"):
    return {"kpi": kpi_of(pilot, "conversion_rate").pk, "date": day(20).isoformat(), "value": value, "note": "周报"}


def test_partner_user_sees_only_its_pilots_in_the_list(client_for, partner_user, pilots):
    response = client_for(partner_user).get(reverse("pilots:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "伙伴A 的试点" in body
    assert "伙伴B 的试点" not in body


def test_partner_user_views_its_pilot_and_records_a_measurement(client_for, partner_user, pilots):
    mine, _theirs = pilots
    client = client_for(partner_user)
    page = client.get(reverse("pilots:detail", args=[mine.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="measurement-card"' in html
    assert 'id="review-card"' not in html and 'id="kpi-add-card"' not in html  # staff-only forms are not offered
    response = client.post(reverse("pilots:measurement_add", args=[mine.pk]), measurement_post(mine))
    assert response.status_code == 302
    m = Measurement.objects.get()
    assert (m.kpi.pilot_id, m.date, str(m.value), m.recorded_by) == (mine.pk, day(20), "3.1000", partner_user)
    page = client.get(reverse("pilots:detail", args=[mine.pk]))
    assert "<svg" in page.content.decode()  # the chart now has a point


def test_other_partners_pilot_is_404_everywhere(client_for, partner_user, pilots, manager):
    from allies.pilots import services

    _mine, theirs = pilots
    review = services.review_close(actor=manager, pilot=theirs, decision="extend",
                                   new_end_date=theirs.end_date.replace(year=theirs.end_date.year + 1))
    client = client_for(partner_user)
    kpi = kpi_of(theirs, "conversion_rate")
    for method, url, data in [
        ("get", reverse("pilots:detail", args=[theirs.pk]), None),
        ("get", reverse("pilots:review", args=[theirs.pk, review.pk]), None),
        ("post", reverse("pilots:measurement_add", args=[theirs.pk]), measurement_post(theirs)),
        ("post", reverse("pilots:close", args=[theirs.pk]), {"decision": "stop"}),
        ("get", reverse("pilots:kpi_edit", args=[theirs.pk, kpi.pk]), None),
    ]:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 404, url
    assert Measurement.objects.count() == 0
    assert Review.objects.count() == 1


def test_partner_user_cannot_create_start_edit_or_close(client_for, partner_user, partner_a, pilots, make_pilot):
    mine, _theirs = pilots
    planned = make_pilot(partner_a, title="待启动")
    client = client_for(partner_user)
    pilots_before = Pilot.objects.count()
    for method, url, data in [
        ("get", reverse("pilots:create"), None),
        ("post", reverse("pilots:create"), {"title": "伙伴自建"}),
        ("get", reverse("pilots:edit", args=[mine.pk]), None),
        ("post", reverse("pilots:start", args=[planned.pk]), {}),
        ("post", reverse("pilots:kpi_add", args=[mine.pk]), {"code": "custom", "name": "x", "unit": "个"}),
        ("post", reverse("pilots:close", args=[mine.pk]), {"decision": "stop"}),
    ]:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 403, url
    assert Pilot.objects.count() == pilots_before
    assert Review.objects.count() == 0
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_viewer_reads_but_cannot_record_or_close(client_for, viewer, pilots):
    mine, _theirs = pilots
    client = client_for(viewer)
    page = client.get(reverse("pilots:detail", args=[mine.pk]))
    assert page.status_code == 200
    assert 'id="measurement-card"' not in page.content.decode()
    assert client.post(reverse("pilots:measurement_add", args=[mine.pk]), measurement_post(mine)).status_code == 403
    assert client.post(reverse("pilots:close", args=[mine.pk]), {"decision": "stop"}).status_code == 403
    assert Measurement.objects.count() == 0 and Review.objects.count() == 0


def test_anonymous_is_sent_to_login(client_for, pilots):
    mine, _theirs = pilots
    client = client_for(None)
    for url in (reverse("pilots:list"), reverse("pilots:detail", args=[mine.pk]), reverse("pilots:create")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
