"""The home page's figures at a glance: alliances by health, open alerts by severity, overdue
actions and upcoming meetings (from governance, when installed), deadlines and the pipeline."""

from datetime import timedelta

from django.utils import timezone

from allies.monitoring import selectors

DEADLINE_DAYS = 90
MEETING_DAYS = 30


def overdue_actions(*, user, today, limit: int = 8) -> list | None:
    """Overdue action items, or None when governance does not provide them yet."""
    # Integration point with the governance stage (built in parallel).
    try:
        from allies.governance.selectors import overdue_action_items
    except ImportError:
        return None
    return list(overdue_action_items(today=today).select_related("agreement", "owner")[:limit])


def upcoming_meetings(*, user, today, limit: int = 8) -> list | None:
    """Meetings in the next MEETING_DAYS days, or None when governance does not provide them yet."""
    # Integration point with the governance stage (built in parallel).
    try:
        from allies.governance.models import Meeting
    except ImportError:
        return None
    start_field = next((f for f in ("starts_at", "start", "scheduled_at") if hasattr(Meeting, f)), None)
    if start_field is None:
        return None
    since = timezone.now()
    qs = Meeting.objects.filter(**{f"{start_field}__gte": since,
                                   f"{start_field}__lte": since + timedelta(days=MEETING_DAYS)})
    return [(m, getattr(m, start_field)) for m in qs.order_by(start_field)[:limit]]


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
