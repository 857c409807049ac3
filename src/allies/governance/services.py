"""Writes of governance: bodies and members, meetings from the cadence, decisions, action items
and the escalation path. The conflict services live in conflicts.py and are re-exported here
(``services.conflict_raise`` is the interface later stages call); calendar feeds are in calendar.py."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.agreements.models import Agreement
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.models import User
from allies.core.permissions import require_writer
from allies.domain import cadence as cadence_rules
from allies.governance.choices import (
    DEFAULT_CADENCE,
    ActionStatus,
    BodyKind,
    Cadence,
    MeetingStatus,
    Side,
    StepKind,
)
from allies.governance.conflicts import (  # noqa: F401 - the conflict services are part of this API
    conflict_escalate,
    conflict_raise,
    conflict_resolve,
    evidence_add,
)
from allies.governance.models import ActionItem, Body, Decision, EscalationPath, Meeting, Member
from allies.governance.selectors import may_see_agreement
from allies.governance.validation import Problems, choice, clean_text, label_of, parse_date, parse_datetime

MAX_HORIZON_DAYS = 3 * 366
MAX_STEPS = 8


def _zone(name: str, problems: Problems, label) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("time_zone", name, _("不是已知的时区（例如 Asia/Shanghai）。"), label=label)
        return None


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    return value.replace(tzinfo=zone) if timezone.is_naive(value) else value


# --------------------------------------------------------------------------- bodies


def _clean_body(data: dict, problems: Problems, current: Body | None = None) -> dict:
    cleaned: dict = {}
    kind = current.kind if current else choice(data.get("kind"), BodyKind, "kind", problems, label_of(Body, "kind"),
                                                required=True)
    if "name" in data or current is None:
        name = clean_text(data.get("name"), "name", problems, label_of(Body, "name"), limit=200)
        cleaned["name"] = name or (str(BodyKind(kind).label) if kind else "")
    if "cadence" in data or current is None:
        raw = data.get("cadence") or (DEFAULT_CADENCE.get(kind) if kind else None)
        cleaned["cadence"] = choice(raw, Cadence, "cadence", problems, label_of(Body, "cadence"), required=True)
    zone_name = data.get("time_zone") or (current.time_zone if current else timezone.get_default_timezone_name())
    zone = _zone(str(zone_name), problems, label_of(Body, "time_zone"))
    if "time_zone" in data or current is None:
        cleaned["time_zone"] = str(zone_name)
    if "first_meeting_at" in data or current is None:
        first = parse_datetime(data.get("first_meeting_at"), "first_meeting_at", problems,
                               label_of(Body, "first_meeting_at"), required=True)
        if first and zone:
            cleaned["first_meeting_at"] = _aware(first, zone)
    if "duration_minutes" in data or current is None:
        raw = data.get("duration_minutes", 60)
        try:
            minutes = int(raw)
        except (TypeError, ValueError):
            minutes = 0
        if not 0 < minutes <= 24 * 60:
            problems.add("duration_minutes", raw, _("须为 1 到 1440 之间的整数。"), label=label_of(Body, "duration_minutes"))
        cleaned["duration_minutes"] = minutes
    if "location" in data or current is None:
        cleaned["location"] = clean_text(data.get("location"), "location", problems, label_of(Body, "location"),
                                         limit=200)
    if kind and current is None:
        cleaned["kind"] = kind
    return cleaned


def body_create(*, actor, agreement: Agreement, data: dict) -> Body:
    """A body with the default cadence of its kind (committee quarterly, working group weekly)."""
    require_writer(actor)
    problems = Problems()
    cleaned = _clean_body(data, problems)
    if cleaned.get("name") and Body.objects.filter(agreement=agreement, name=cleaned["name"]).exists():
        problems.add("name", cleaned["name"], _("该联盟已有同名机构。"), ErrorCode.CONFLICT, label_of(Body, "name"))
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return Body.objects.create(agreement=agreement, created_by=actor, **cleaned)


def body_update(*, actor, body: Body, data: dict) -> Body:
    require_writer(actor)
    problems = Problems()
    cleaned = _clean_body(data, problems, current=body)
    if cleaned.get("name") and Body.objects.filter(agreement=body.agreement_id, name=cleaned["name"]) \
            .exclude(pk=body.pk).exists():
        problems.add("name", cleaned["name"], _("该联盟已有同名机构。"), ErrorCode.CONFLICT, label_of(Body, "name"))
    problems.raise_if_any()
    for field, value in cleaned.items():
        setattr(body, field, value)
    with transaction.atomic(), acting_as(actor):
        body.save(update_fields=list(cleaned))
    return body


def member_add(*, actor, body: Body, data: dict) -> Member:
    """Add a member: a user (ours, or a user of one of the alliance's partners) or a named outside person."""
    require_writer(actor)
    problems = Problems()
    agreement = body.agreement
    user_id = data.get("user_id")
    name = clean_text(data.get("name"), "name", problems, label_of(Member, "name"), limit=100)
    role = clean_text(data.get("role"), "role", problems, label_of(Member, "role"), limit=100)
    email = clean_text(data.get("email"), "email", problems, label_of(Member, "email"), limit=254)
    if email and ("@" not in email or " " in email):
        problems.add("email", email, _("不是有效的邮箱地址。"), label=label_of(Member, "email"))
    fields: dict = {"name": name, "role": role, "email": email, "is_chair": bool(data.get("is_chair"))}
    if user_id:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None or not may_see_agreement(user, agreement):
            problems.add("user_id", user_id, _("须为我方成员或该联盟伙伴方的在职用户。"), label=label_of(Member, "user"))
        else:
            if body.members.filter(user=user).exists():
                problems.add("user_id", user_id, _("此人已是该机构成员。"), ErrorCode.CONFLICT, label_of(Member, "user"))
            fields.update(user=user, side=Side.INTERNAL if user.is_internal else Side.PARTNER,
                          partner_id=None if user.is_internal else user.partner_id)
    else:
        if not name:
            problems.add("name", "", _("请选择用户，或填写外部人员的姓名。"), label=label_of(Member, "name"))
        partner_id = data.get("partner_id")
        if partner_id:
            if not agreement.partners.filter(pk=partner_id).exists():
                problems.add("partner_id", partner_id, _("不是该联盟的伙伴方。"), label=label_of(Member, "partner"))
            fields.update(side=Side.PARTNER, partner_id=partner_id)
        else:
            side = choice(data.get("side") or Side.EXTERNAL, Side, "side", problems, label_of(Member, "side"))
            if side == Side.PARTNER:
                problems.add("partner_id", "", _("伙伴方成员须指明所属伙伴。"), label=label_of(Member, "partner"))
            fields["side"] = side
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        if fields["is_chair"]:
            for old in body.members.filter(is_chair=True):
                old.is_chair = False
                old.save(update_fields=["is_chair"])
        return Member.objects.create(body=body, **fields)


def member_remove(*, actor, member: Member) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        member.delete()


# --------------------------------------------------------------------------- meetings


def _title_for(body: Body, index: int) -> str:
    return _("{body} 第 {n} 次会议").format(body=body.name, n=index + 1)


def meetings_generate(*, actor, body: Body, until: date) -> list[Meeting]:
    """Schedule the body's meetings from its cadence up to ``until`` (inclusive).

    Idempotent: a slot that already has its meeting (even moved, edited or cancelled) is
    left alone, so running it again creates only the slots not yet scheduled.
    """
    require_writer(actor)
    zone = ZoneInfo(body.time_zone)
    first_local = body.first_meeting_at.astimezone(zone).replace(tzinfo=None)
    if not isinstance(until, date):
        problems = Problems()
        problems.add("until", until, _("不是有效日期（格式：YYYY-MM-DD）。"), label=_("排期截止日期"))
        problems.raise_if_any()
    limit = timezone.localdate() + timedelta(days=MAX_HORIZON_DAYS)
    if until > limit:
        problems = Problems()
        problems.add("until", until.isoformat(), _("最多排到 {date}。").format(date=limit.isoformat()),
                     label=_("排期截止日期"))
        problems.raise_if_any()
    horizon = datetime.combine(until, time.max)
    slots = cadence_rules.occurrences(first_local, body.cadence, horizon)
    duration = timedelta(minutes=body.duration_minutes)
    created = []
    with transaction.atomic(), acting_as(actor):
        taken = set(Meeting.objects.select_for_update().filter(body=body, occurrence__isnull=False)
                    .values_list("occurrence", flat=True))
        for index, local in slots:
            if index in taken:
                continue
            start = local.replace(tzinfo=zone).astimezone(UTC)
            created.append(Meeting.objects.create(body=body, occurrence=index, title=_title_for(body, index),
                                                  starts_at=start, ends_at=start + duration,
                                                  location=body.location))
    return created


MEETING_TEXT = {"title": 200, "location": 200, "agenda": 20000, "minutes": 50000}


def _clean_meeting(data: dict, problems: Problems, body: Body, current: Meeting | None = None) -> dict:
    cleaned: dict = {}
    zone = ZoneInfo(body.time_zone)
    for field, limit in MEETING_TEXT.items():
        if field in data:
            cleaned[field] = clean_text(data.get(field), field, problems, label_of(Meeting, field), limit=limit,
                                        required=field == "title", multiline=field in ("agenda", "minutes"))
    for field in ("starts_at", "ends_at"):
        if field in data or current is None:
            value = parse_datetime(data.get(field), field, problems, label_of(Meeting, field), required=True)
            if value:
                cleaned[field] = _aware(value, zone)
    if "status" in data:
        cleaned["status"] = choice(data.get("status"), MeetingStatus, "status", problems, label_of(Meeting, "status"),
                                   required=True)
    start = cleaned.get("starts_at", current.starts_at if current else None)
    end = cleaned.get("ends_at", current.ends_at if current else None)
    if start and end and end <= start:
        problems.add("ends_at", end.isoformat(), _("结束时间必须晚于开始时间。"), ErrorCode.INVALID_DATES,
                     label_of(Meeting, "ends_at"))
    return cleaned


def _attendees(body: Body, ids, problems: Problems) -> list[Member]:
    ids = [i for i in ids or []]
    members = list(body.members.filter(pk__in=[i for i in ids if isinstance(i, int)]))
    unknown = sorted(set(ids) - {m.pk for m in members}, key=str)
    if unknown:
        problems.add("attendee_ids", ",".join(map(str, unknown)), _("不是该机构的成员。"), label=label_of(Meeting, "attendees"))
    return members


def meeting_create(*, actor, body: Body, data: dict) -> Meeting:
    """An extra meeting outside the cadence."""
    require_writer(actor)
    problems = Problems()
    data = dict(data)
    if not data.get("title"):
        data["title"] = _("{body} 临时会议").format(body=body.name)
    cleaned = _clean_meeting(data, problems, body)
    attendees = _attendees(body, data.get("attendee_ids"), problems)
    cleaned.setdefault("location", body.location)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        meeting = Meeting.objects.create(body=body, **cleaned)
        meeting.attendees.set(attendees)
    return meeting


CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "location", "status")


def meeting_update(*, actor, meeting: Meeting, data: dict) -> Meeting:
    """Edit a meeting: time, place, status, agenda, minutes and attendees. A meeting ending
    before it starts is refused and nothing changes."""
    require_writer(actor)
    problems = Problems()
    cleaned = _clean_meeting(data, problems, meeting.body, current=meeting)
    attendees = _attendees(meeting.body, data["attendee_ids"], problems) if data.get("attendee_ids") is not None \
        else None
    problems.raise_if_any()
    changed = [f for f, v in cleaned.items() if getattr(meeting, f) != v]
    for field in changed:
        setattr(meeting, field, cleaned[field])
    if set(changed) & set(CALENDAR_FIELDS):
        meeting.sequence += 1
        changed.append("sequence")
    with transaction.atomic(), acting_as(actor):
        if changed:
            meeting.save(update_fields=[*changed, "updated_at"])
        if attendees is not None:
            meeting.attendees.set(attendees)
    return meeting


# --------------------------------------------------------------------------- decisions and action items


def _meeting_of(agreement: Agreement, meeting_id, problems: Problems) -> Meeting | None:
    if not meeting_id:
        return None
    meeting = Meeting.objects.filter(pk=meeting_id, body__agreement=agreement).first() \
        if isinstance(meeting_id, int) else None
    if meeting is None:
        problems.add("meeting_id", meeting_id, _("不是该联盟的会议。"), label=label_of(Decision, "meeting"))
    return meeting


def decision_record(*, actor, agreement: Agreement, data: dict) -> Decision:
    require_writer(actor)
    problems = Problems()
    text = clean_text(data.get("text"), "text", problems, label_of(Decision, "text"), limit=5000, required=True,
                      multiline=True)
    meeting = _meeting_of(agreement, data.get("meeting_id"), problems)
    decided_on = parse_date(data.get("decided_on"), "decided_on", problems, label_of(Decision, "decided_on"))
    if decided_on is None and not problems:
        decided_on = timezone.localdate(meeting.starts_at) if meeting else timezone.localdate()
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return Decision.objects.create(agreement=agreement, meeting=meeting, text=text, decided_on=decided_on,
                                       created_by=actor)


def _owner(agreement: Agreement, owner_id, problems: Problems) -> User | None:
    label = label_of(ActionItem, "owner")
    if not owner_id:
        problems.add("owner_id", "", _("每个待办事项都必须有负责人。"), label=label)
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first() if isinstance(owner_id, int) else None
    if owner is None or not may_see_agreement(owner, agreement):
        problems.add("owner_id", owner_id, _("负责人须为我方成员或该联盟伙伴方的在职用户。"), label=label)
        return None
    return owner


def action_item_create(*, actor, agreement: Agreement, data: dict) -> ActionItem:
    """An action item; an item without an owner or a due date is refused and nothing is written."""
    require_writer(actor)
    problems = Problems()
    title = clean_text(data.get("title"), "title", problems, label_of(ActionItem, "title"), limit=300, required=True)
    owner = _owner(agreement, data.get("owner_id"), problems)
    due = parse_date(data.get("due_date"), "due_date", problems, label_of(ActionItem, "due_date"), required=True)
    meeting = _meeting_of(agreement, data.get("meeting_id"), problems)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        return ActionItem.objects.create(agreement=agreement, meeting=meeting, title=title, owner=owner,
                                         due_date=due, created_by=actor)


def action_item_update(*, actor, item: ActionItem, data: dict) -> ActionItem:
    """Writers change anything; the owner (a partner user, say) may only change the status."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active):
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    if not actor.can_write:
        if actor.pk != item.owner_id or set(data) - {"status"}:
            raise DomainError(ErrorCode.PERMISSION_DENIED, _("只有负责人可以更新自己待办事项的状态。"))
    problems = Problems()
    cleaned: dict = {}
    if "title" in data:
        cleaned["title"] = clean_text(data["title"], "title", problems, label_of(ActionItem, "title"), limit=300,
                                      required=True)
    if "owner_id" in data:
        owner = _owner(item.agreement, data["owner_id"], problems)
        if owner:
            cleaned["owner"] = owner
    if "due_date" in data:
        cleaned["due_date"] = parse_date(data["due_date"], "due_date", problems, label_of(ActionItem, "due_date"),
                                         required=True)
    if "status" in data:
        cleaned["status"] = choice(data["status"], ActionStatus, "status", problems, label_of(ActionItem, "status"),
                                   required=True)
    problems.raise_if_any()
    if "status" in cleaned and cleaned["status"] != item.status:
        cleaned["completed_at"] = timezone.now() if cleaned["status"] == ActionStatus.DONE else None
    for field, value in cleaned.items():
        setattr(item, field, value)
    if cleaned:
        with transaction.atomic(), acting_as(actor):
            item.save(update_fields=list(cleaned))
    return item


# --------------------------------------------------------------------------- escalation path


def escalation_path_set(*, actor, agreement: Agreement, steps: list[dict]) -> EscalationPath:
    """Replace an alliance's escalation path. Conflicts already raised keep the path they started with."""
    require_writer(actor)
    problems = Problems()
    label = label_of(EscalationPath, "steps")
    cleaned = []
    if not steps:
        problems.add("steps", "", _("至少需要一个步骤。"), label=label)
    if len(steps) > MAX_STEPS:
        problems.add("steps", len(steps), _("最多 {n} 个步骤。").format(n=MAX_STEPS), label=label)
    for i, raw in enumerate(steps[:MAX_STEPS]):
        kind = choice(raw.get("kind"), StepKind, f"steps.{i}.kind", problems, label, required=True)
        name = clean_text(raw.get("name"), f"steps.{i}.name", problems, label, limit=200)
        if kind == StepKind.OTHER and not name:
            problems.add(f"steps.{i}.name", "", _("“其他”步骤须填写名称。"), label=label)
        cleaned.append({"kind": kind, "name": name})
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        path, _created = EscalationPath.objects.update_or_create(agreement=agreement,
                                                                 defaults={"steps": cleaned, "updated_by": actor})
    return path
