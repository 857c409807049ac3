"""Governance bodies, meetings from the cadence, decisions and action items (real database)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry

from allies.core.errors import DomainError
from allies.governance import selectors, services
from allies.governance.models import ActionItem, Body, Meeting

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def committee(alliance, manager):
    return services.body_create(actor=manager, agreement=alliance, data={
        "kind": "steering_committee", "first_meeting_at": "2026-01-15T14:00", "duration_minutes": 120,
        "location": "上海总部 3 楼"})


def test_bodies_default_to_the_glossary_cadence(alliance, manager):
    # when
    committee = services.body_create(actor=manager, agreement=alliance, data={
        "kind": "steering_committee", "first_meeting_at": "2026-01-15T14:00"})
    group = services.body_create(actor=manager, agreement=alliance, data={
        "kind": "working_group", "first_meeting_at": "2026-01-05T10:00"})
    # then
    assert (committee.name, committee.cadence) == ("联合管理委员会", "quarterly")
    assert (group.name, group.cadence) == ("联合工作小组", "weekly")
    # naive times are read in the body's zone and stored in UTC
    assert committee.first_meeting_at == datetime(2026, 1, 15, 6, 0, tzinfo=ZoneInfo("UTC"))


def test_members_from_each_side_and_one_chair(committee, manager, make_user, partner_a, partner_b):
    # given
    ours = make_user("lin", "manager")
    theirs = make_user("a-user", "partner", partner=partner_a)
    stranger = make_user("b-user", "partner", partner=partner_b)
    # when
    services.member_add(actor=manager, body=committee, data={"user_id": ours.pk, "is_chair": True})
    services.member_add(actor=manager, body=committee, data={"user_id": theirs.pk, "role": "副总裁"})
    outside = services.member_add(actor=manager, body=committee, data={"name": "王律师", "role": "独立观察员"})
    new_chair = services.member_add(actor=manager, body=committee, data={"name": "赵总", "partner_id": partner_a.pk,
                                                                         "is_chair": True})
    # then
    sides = {m.display_name: m.side for m in committee.members.all()}
    assert sides == {"lin": "internal", "a-user": "partner", "王律师": "external", "赵总": "partner"}
    assert [m.pk for m in committee.members.filter(is_chair=True)] == [new_chair.pk]
    assert outside.partner_id is None
    with pytest.raises(DomainError) as exc:
        services.member_add(actor=manager, body=committee, data={"user_id": stranger.pk})
    assert exc.value.details["errors"][0]["field"] == "user_id"
    with pytest.raises(DomainError):
        services.member_add(actor=manager, body=committee, data={"name": ""})


def test_meetings_generated_from_the_cadence_are_idempotent(committee, manager):
    # when
    first = services.meetings_generate(actor=manager, body=committee, until=date(2026, 12, 31))
    again = services.meetings_generate(actor=manager, body=committee, until=date(2026, 12, 31))
    # then
    assert [m.starts_at.astimezone(SHANGHAI).date() for m in first] == [
        date(2026, 1, 15), date(2026, 4, 15), date(2026, 7, 15), date(2026, 10, 15)]
    assert again == []
    assert Meeting.objects.filter(body=committee).count() == 4
    assert all(m.ends_at - m.starts_at == timedelta(hours=2) for m in first)
    assert first[0].location == "上海总部 3 楼"
    # a moved or cancelled meeting keeps its slot; extending the horizon adds only new slots
    moved = first[1]
    services.meeting_update(actor=manager, meeting=moved, data={"status": "cancelled"})
    later = services.meetings_generate(actor=manager, body=committee, until=date(2027, 6, 30))
    assert [m.occurrence for m in later] == [4, 5]
    assert Meeting.objects.get(pk=moved.pk).status == "cancelled"


def test_a_meeting_ending_before_it_starts_is_refused_and_nothing_changes(committee, manager):
    # given
    meeting = services.meetings_generate(actor=manager, body=committee, until=date(2026, 2, 1))[0]
    before = (meeting.starts_at, meeting.ends_at, meeting.minutes)
    audit_before = LogEntry.objects.count()
    # when
    with pytest.raises(DomainError) as exc:
        services.meeting_update(actor=manager, meeting=meeting, data={
            "starts_at": "2026-01-15T16:00", "ends_at": "2026-01-15T15:00", "minutes": "不应保存"})
    # then
    assert exc.value.code == "invalid_dates"
    assert exc.value.details["errors"][0]["field"] == "ends_at"
    assert "结束时间必须晚于开始时间" in exc.value.message
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.starts_at, fresh.ends_at, fresh.minutes) == before
    assert LogEntry.objects.count() == audit_before


def test_editing_a_meeting_records_minutes_attendees_and_bumps_the_calendar_sequence(committee, manager):
    member = services.member_add(actor=manager, body=committee, data={"name": "王律师"})
    meeting = services.meetings_generate(actor=manager, body=committee, until=date(2026, 2, 1))[0]
    services.meeting_update(actor=manager, meeting=meeting, data={"minutes": "确认二季度目标", "attendee_ids": [member.pk]})
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0  # minutes do not move the calendar entry
    services.meeting_update(actor=manager, meeting=meeting, data={"location": "线上会议"})
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.minutes, fresh.location, fresh.sequence) == ("确认二季度目标", "线上会议", 1)
    assert list(fresh.attendees.all()) == [member]


def test_an_action_item_without_an_owner_is_refused(alliance, manager):
    with pytest.raises(DomainError) as exc:
        services.action_item_create(actor=manager, agreement=alliance, data={
            "title": "提交渠道数据", "due_date": "2026-02-01"})
    assert exc.value.details["errors"][0]["field"] == "owner_id"
    assert "必须有负责人" in exc.value.message
    assert not ActionItem.objects.exists()


def test_an_owner_must_belong_to_the_alliance(alliance, manager, other_partner_user):
    with pytest.raises(DomainError) as exc:
        services.action_item_create(actor=manager, agreement=alliance, data={
            "title": "x", "owner_id": other_partner_user.pk, "due_date": "2026-02-01"})
    assert exc.value.details["errors"][0]["field"] == "owner_id"


def test_overdue_action_items_and_the_owners_list(alliance, other_alliance, manager, partner_user, make_user,
                                                  partner_b):
    # given
    today = date(2026, 3, 10)
    late = services.action_item_create(actor=manager, agreement=alliance, data={
        "title": "提交渠道数据", "owner_id": partner_user.pk, "due_date": "2026-03-01"})
    services.action_item_create(actor=manager, agreement=alliance, data={
        "title": "准备季度复盘", "owner_id": manager.pk, "due_date": "2026-03-20"})
    done = services.action_item_create(actor=manager, agreement=alliance, data={
        "title": "签署会议纪要", "owner_id": manager.pk, "due_date": "2026-02-01"})
    services.action_item_update(actor=manager, item=done, data={"status": "done"})
    b_user = make_user("b-owner", "partner", partner=partner_b)
    theirs = services.action_item_create(actor=manager, agreement=other_alliance, data={
        "title": "B 方事项", "owner_id": b_user.pk, "due_date": "2026-03-01"})
    # then
    assert list(selectors.overdue_action_items(today=today)) == [late, theirs]
    assert list(selectors.overdue_action_items(today=today, user=partner_user)) == [late]
    assert list(selectors.overdue_action_items(today=today, user=manager)) == [late, theirs]
    assert [i.title for i in selectors.my_action_items(user=partner_user)] == ["提交渠道数据"]
    # the owner may close their item, but change nothing else
    services.action_item_update(actor=partner_user, item=late, data={"status": "done"})
    assert ActionItem.objects.get(pk=late.pk).completed_at is not None
    with pytest.raises(DomainError) as exc:
        services.action_item_update(actor=partner_user, item=late, data={"due_date": "2026-04-01"})
    assert exc.value.status == 403


def test_decision_log(alliance, manager, committee):
    meeting = services.meetings_generate(actor=manager, body=committee, until=date(2026, 2, 1))[0]
    decision = services.decision_record(actor=manager, agreement=alliance, data={
        "text": "二季度联合营销预算提高到 80 万元", "meeting_id": meeting.pk})
    assert decision.decided_on == date(2026, 1, 15)
    with pytest.raises(DomainError):
        services.decision_record(actor=manager, agreement=alliance, data={"text": " "})


def test_viewers_and_partner_users_cannot_change_governance(alliance, viewer, partner_user):
    for actor in (viewer, partner_user):
        with pytest.raises(DomainError) as exc:
            services.body_create(actor=actor, agreement=alliance, data={
                "kind": "working_group", "first_meeting_at": "2026-01-05T10:00"})
        assert exc.value.status == 403
    assert not Body.objects.exists()


def test_bad_body_input_names_every_field(alliance, manager):
    with pytest.raises(DomainError) as exc:
        services.body_create(actor=manager, agreement=alliance, data={
            "kind": "board", "first_meeting_at": "soon", "duration_minutes": 0, "time_zone": "Mars/Base"})
    fields = {e["field"] for e in exc.value.details["errors"]}
    assert {"kind", "first_meeting_at", "duration_minutes", "time_zone"} <= fields
    assert not Body.objects.exists()


def test_partner_users_see_only_their_alliances(alliance, other_alliance, manager, partner_user):
    services.body_create(actor=manager, agreement=alliance, data={"kind": "working_group",
                                                                  "first_meeting_at": "2026-01-05T10:00"})
    services.body_create(actor=manager, agreement=other_alliance, data={"kind": "working_group",
                                                                        "first_meeting_at": "2026-01-05T10:00"})
    assert [b.agreement_id for b in selectors.body_list(user=partner_user)] == [alliance.pk]
    assert [a.pk for a in selectors.alliance_list(user=partner_user)] == [alliance.pk]
    assert selectors.body_list(user=manager).count() == 2
