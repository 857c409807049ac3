"""The home page's figures at a glance: alliances by health, open alerts by severity, overdue
actions and upcoming meetings (from governance), deadlines and the pipeline."""

from datetime import timedelta

from django.utils import timezone

from allies.governance.choices import MeetingStatus
from allies.governance.selectors import meeting_list, overdue_action_items
from allies.monitoring import selectors

DEADLINE_DAYS = 90
MEETING_DAYS = 30


def overdue_actions(*, user, today, limit: int = 8) -> list:
    """Overdue action items the user may see."""
    return list(overdue_action_items(today=today, user=user)[:limit])


def upcoming_meetings(*, user, today, limit: int = 8) -> list:
    """Meetings in the next MEETING_DAYS days that the user may see, with their start times."""
    now = timezone.now()
    meetings = meeting_list(user=user, since=now, until=now + timedelta(days=MEETING_DAYS)).exclude(
        status=MeetingStatus.CANCELLED).order_by("starts_at")[:limit]
    return [(m, m.starts_at) for m in meetings]


def dashboard(*, user) -> dict:
    from allies.agreements.selectors import upcoming_deadlines

    today = timezone.localdate()
    return {
        "health_cards": selectors.alliances_by_health(user=user, limit=8),
        "alert_counts": selectors.open_alerts_by_severity(user=user),
        "recent_alerts": list(selectors.alert_list(user=user, status="active")[:5]),
        "overdue_actions": overdue_actions(user=user, today=today),
        "upcoming_meetings": upcoming_meetings(user=user, today=today),
        "deadlines": upcoming_deadlines(today=today, within_days=DEADLINE_DAYS)[:8],
    }
