"""iCalendar feeds: fetched over HTTP by their secret URL and parsed back as RFC 5545."""

import json
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from allies.governance import calendar, services
from allies.governance.models import CalendarFeed

FIRST_DAY = timezone.localdate() - timedelta(days=200)
TRICKY = "季度会议, 议题; 预算\\复盘"


@pytest.fixture
def committee(alliance, manager, partner_user):
    # quarterly meetings from about seven months ago to a year ahead: past and future ones
    today = timezone.localdate()
    body = services.body_create(actor=manager, agreement=alliance, data={
        "kind": "steering_committee", "first_meeting_at": f"{FIRST_DAY.isoformat()}T14:00", "duration_minutes": 90,
        "location": "上海, 浦东"})
    services.member_add(actor=manager, body=body, data={"user_id": partner_user.pk})
    services.meetings_generate(actor=manager, body=body, until=today + timedelta(days=365))
    return body


def _issue(client, user, body=None) -> str:
    client.force_login(user)
    response = client.post("/api/v1/governance/calendar-feeds", data=json.dumps({"body_id": body.pk if body else None}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return urlsplit(response.json()["url"]).path


def _fetch(client, path):
    client.logout()
    return client.get(path)


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_a_feed_is_valid_icalendar_with_stable_uids_and_time_zones(client, committee, partner_user, manager,
                                                                   monkeypatch):
    monkeypatch.setattr(calendar, "HISTORY", timedelta(days=400))
    path = _issue(client, partner_user)
    first = committee.meetings.order_by("starts_at").first()
    services.meeting_update(actor=manager, meeting=first, data={"title": TRICKY, "agenda": "一、回顾\n二、计划"})

    # when
    cal = _parse(_fetch(client, path))

    # then
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert len(events) == committee.meetings.count() >= 6
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events)
    edited = by_uid[f"{first.uid}@allies.governance"]
    assert str(edited["SUMMARY"]) == TRICKY
    assert str(edited["LOCATION"]) == "上海, 浦东"
    assert "二、计划" in str(edited["DESCRIPTION"])
    assert int(edited["SEQUENCE"]) == 1
    start = edited.decoded("DTSTART")
    assert start == datetime.combine(FIRST_DAY, datetime.min.time().replace(hour=14), ZoneInfo("Asia/Shanghai"))
    assert edited["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert edited.decoded("DTEND") - start == timedelta(minutes=90)
    # RFC 5545 escaping of commas, semicolons and backslashes in text values
    assert "季度会议\\, 议题\\; 预算\\\\复盘" in _fetch(client, path).content.decode()
    # the same meetings keep their UIDs on the next fetch
    assert set(by_uid) == {str(e["UID"]) for e in _parse(_fetch(client, path)).walk("VEVENT")}


def test_cancelled_meetings_stay_in_the_feed_as_cancelled(client, committee, partner_user, manager):
    path = _issue(client, partner_user, committee)
    future = committee.meetings.filter(starts_at__gte=timezone.now()).first()
    services.meeting_update(actor=manager, meeting=future, data={"status": "cancelled"})
    events = {str(e["UID"]).split("@")[0]: e for e in _parse(_fetch(client, path)).walk("VEVENT")}
    assert str(events[str(future.uid)]["STATUS"]) == "CANCELLED"


def test_regenerate_and_revoke_kill_the_old_url(client, committee, partner_user):
    path = _issue(client, partner_user)
    feed = CalendarFeed.objects.get()
    assert feed.digest not in path  # only the digest is stored, never the secret
    client.force_login(partner_user)
    new = urlsplit(client.post(f"/api/v1/governance/calendar-feeds/{feed.pk}/regenerate").json()["url"]).path
    assert _fetch(client, path).status_code == 404
    assert _fetch(client, new).status_code == 200
    client.force_login(partner_user)
    assert client.delete(f"/api/v1/governance/calendar-feeds/{feed.pk}").status_code == 204
    assert _fetch(client, new).status_code == 404


def test_wrong_secrets_and_lost_access_answer_404(client, committee, partner_user):
    path = _issue(client, partner_user, committee)
    key = path.rsplit("/", 1)[1].split("-")[0]
    assert _fetch(client, f"/governance/calendar/{key}-{'x' * 32}.ics").status_code == 404
    assert _fetch(client, "/governance/calendar/nonsense.ics").status_code == 404
    partner_user.is_active = False
    partner_user.save()
    assert _fetch(client, path).status_code == 404


def test_a_partner_cannot_subscribe_to_another_partners_body(client, other_alliance, manager, partner_user):
    body = services.body_create(actor=manager, agreement=other_alliance, data={
        "kind": "working_group", "first_meeting_at": "2026-01-05T10:00"})
    client.force_login(partner_user)
    response = client.post("/api/v1/governance/calendar-feeds", data=json.dumps({"body_id": body.pk}),
                           content_type="application/json")
    assert response.status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_users_feed_lists_the_bodies_they_sit_on_only(client, committee, alliance, manager, partner_user):
    other = services.body_create(actor=manager, agreement=alliance, data={
        "kind": "working_group", "first_meeting_at": f"{FIRST_DAY.isoformat()}T10:00"})
    assert services.meetings_generate(actor=manager, body=other, until=timezone.localdate() + timedelta(days=30))
    cal = _parse(_fetch(client, _issue(client, partner_user)))
    assert {str(e["CATEGORIES"].cats[0]) for e in cal.walk("VEVENT")} == {"联合管理委员会"}
