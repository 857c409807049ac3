"""iCalendar (RFC 5545) feeds of meetings, reached by a secret URL.

A feed URL ends in ``<key>-<secret>.ics``. As with the API tokens, the key is public, the
secret is never stored (only an HMAC-SHA256 of it, compared in constant time), and the URL
is shown once; regenerating a feed gives a new secret and the old URL stops working.
Calendar apps (Outlook, Apple Calendar, WeCom, DingTalk) poll it without a login.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.scoping import restrict
from allies.governance.choices import MeetingStatus
from allies.governance.models import Body, CalendarFeed, Meeting
from allies.governance.selectors import feed_meetings

KEY_BYTES = 6
SECRET_LENGTH = 32
TOKEN_PATTERN = re.compile(r"([0-9a-f]{12})-([A-Za-z0-9_-]{32})")
# Past meetings stay in the calendar for a while; older ones are dropped to keep feeds small.
HISTORY = timedelta(days=180)
MAX_FEEDS_PER_USER = 20
LAST_USED_RESOLUTION = timedelta(minutes=5)
# The UID is the meeting's own UUID, so it stays the same whichever host name serves the feed.
UID_DOMAIN = "allies.governance"
PRODID = "-//Allies//Governance meetings//ZH"
STATUS = {MeetingStatus.SCHEDULED: "CONFIRMED", MeetingStatus.HELD: "CONFIRMED", MeetingStatus.CANCELLED: "CANCELLED"}


@dataclass(frozen=True)
class IssuedFeed:
    feed: CalendarFeed
    path: str  # the feed's URL path with its secret; shown once


def _derived_key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"allies.governance.calendar-feed.v1", hashlib.sha256).digest()


def secret_digest(secret: str) -> str:
    return hmac.new(_derived_key(), secret.encode(), hashlib.sha256).hexdigest()


def feed_path(feed: CalendarFeed, secret: str) -> str:
    return reverse("governance:calendar_feed", kwargs={"token": f"{feed.key}-{secret}"})


def _new_secret() -> str:
    return secrets.token_urlsafe(SECRET_LENGTH)[:SECRET_LENGTH]


def _require_user(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))


def feed_create(*, actor, body: Body | None = None) -> IssuedFeed:
    """A new feed of the actor's meetings (``body`` None) or of one body the actor can see."""
    _require_user(actor)
    if CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_FEEDS_PER_USER:
        raise DomainError(ErrorCode.CONFLICT, _("每人最多 {n} 个有效的日历订阅，请先吊销不用的。").format(
            n=MAX_FEEDS_PER_USER))
    secret = _new_secret()
    with transaction.atomic(), acting_as(actor):
        feed = CalendarFeed.objects.create(user=actor, body=body, key=secrets.token_hex(KEY_BYTES),
                                           digest=secret_digest(secret), hint=secret[-4:])
    return IssuedFeed(feed, feed_path(feed, secret))


def _require_own_active(actor, feed: CalendarFeed) -> None:
    _require_user(actor)
    if feed.user_id != actor.pk:
        raise DomainError(ErrorCode.NOT_FOUND, _("找不到该对象。"))
    if feed.revoked_at is not None:
        raise DomainError(ErrorCode.CONFLICT, _("该日历订阅已吊销。"))


def feed_regenerate(*, actor, feed: CalendarFeed) -> IssuedFeed:
    """A new secret for the same feed; the old URL stops working at once."""
    _require_own_active(actor, feed)
    secret = _new_secret()
    feed.digest, feed.hint = secret_digest(secret), secret[-4:]
    with transaction.atomic(), acting_as(actor):
        feed.save(update_fields=["digest", "hint"])
    return IssuedFeed(feed, feed_path(feed, secret))


def feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    _require_own_active(actor, feed)
    feed.revoked_at = timezone.now()
    with transaction.atomic(), acting_as(actor):
        feed.save(update_fields=["revoked_at"])
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed a URL token names, or None (unknown key, wrong secret, revoked, or the
    user can no longer see the body): all look the same to the caller."""
    match = TOKEN_PATTERN.fullmatch(token or "")
    if not match:
        return None
    key, secret = match.groups()
    feed = CalendarFeed.objects.select_related("user", "body").filter(key=key).first()
    expected = feed.digest if feed else secret_digest("no such feed")
    if not hmac.compare_digest(expected, secret_digest(secret)) or feed is None:
        return None
    if feed.revoked_at is not None or not feed.user.is_active:
        return None
    if feed.body_id and not restrict(Body.objects.filter(pk=feed.body_id), feed.user).exists():
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_RESOLUTION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed


def _event(meeting: Meeting, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@{UID_DOMAIN}")
    event.add("dtstamp", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("status", STATUS[meeting.status])
    if meeting.location:
        event.add("location", meeting.location)
    lines = [f"{meeting.body.agreement.code} {meeting.body.agreement.title}", meeting.body.name]
    if meeting.agenda:
        lines += ["", _("议程"), meeting.agenda]
    event.add("description", "\n".join(lines))
    event.add("categories", [str(meeting.body.get_kind_display())])
    return event


def render_feed(feed: CalendarFeed, *, now: datetime | None = None) -> bytes:
    """The feed as an iCalendar file: one VEVENT per meeting, times in the body's zone with its VTIMEZONE."""
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = feed.body.name if feed.body_id else _("我的治理会议")
    cal.add("x-wr-calname", name)
    meetings = feed_meetings(feed, since=now - HISTORY).select_related("body__agreement")
    for meeting in meetings:
        cal.add_component(_event(meeting, ZoneInfo(meeting.body.time_zone)))
    cal.add_missing_timezones()
    return cal.to_ical()
