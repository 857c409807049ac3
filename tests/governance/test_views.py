"""Governance web pages for staff and partner users, in Chinese and English."""

from datetime import date

import pytest
from django.utils import translation

from allies.governance import services
from allies.governance.models import ActionItem, Conflict, Meeting


@pytest.fixture
def world(alliance, other_alliance, manager, partner_user):
    body = services.body_create(actor=manager, agreement=alliance, data={
        "kind": "steering_committee", "first_meeting_at": "2026-01-15T14:00"})
    services.member_add(actor=manager, body=body, data={"user_id": partner_user.pk, "is_chair": True})
    meeting = services.meetings_generate(actor=manager, body=body, until=date(2026, 3, 1))[0]
    item = services.action_item_create(actor=manager, agreement=alliance, data={
        "title": "提交渠道数据", "owner_id": partner_user.pk, "due_date": "2026-02-01", "meeting_id": meeting.pk})
    conflict = services.conflict_raise(actor=manager, agreement=alliance, kind="underperformance", title="转化率下滑",
                                       description="连续两月低于目标")
    other_body = services.body_create(actor=manager, agreement=other_alliance, data={
        "kind": "working_group", "first_meeting_at": "2026-01-05T10:00"})
    other_conflict = services.conflict_raise(actor=manager, agreement=other_alliance, kind="cultural_conflict",
                                             title="B 方冲突", description="x")
    return {"body": body, "meeting": meeting, "item": item, "conflict": conflict, "other_body": other_body,
            "other_conflict": other_conflict}


def test_staff_pages_render(client, manager, world, alliance):
    client.force_login(manager)
    for url in ("/governance/", f"/governance/alliances/{alliance.pk}/", f"/governance/bodies/{world['body'].pk}/",
                f"/governance/meetings/{world['meeting'].pk}/", "/governance/conflicts/",
                f"/governance/conflicts/{world['conflict'].pk}/", "/governance/action-items/mine/",
                "/governance/calendar/", "/governance/conflicts/new/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/governance/alliances/{alliance.pk}/").content.decode()
    assert "联合管理委员会" in page and "提交渠道数据" in page and "逾期" in page


def test_partner_pages_show_only_their_alliance(client, partner_user, world, alliance, other_alliance):
    client.force_login(partner_user)
    index = client.get("/governance/").content.decode()
    assert alliance.title in index and other_alliance.title not in index
    for url in (f"/governance/alliances/{other_alliance.pk}/", f"/governance/bodies/{world['other_body'].pk}/",
                f"/governance/conflicts/{world['other_conflict'].pk}/"):
        assert client.get(url).status_code == 404, url
    conflicts = client.get("/governance/conflicts/").content.decode()
    assert "转化率下滑" in conflicts and "B 方冲突" not in conflicts
    # partners follow but do not escalate
    detail = client.get(f"/governance/conflicts/{world['conflict'].pk}/").content.decode()
    assert "escalate-card" not in detail
    assert client.post(f"/governance/conflicts/{world['conflict'].pk}/escalate/", {"reason": "x"}).status_code == 403
    # the owner closes their action item from their list
    mine = client.get("/governance/action-items/mine/").content.decode()
    assert "提交渠道数据" in mine
    client.post(f"/governance/action-items/{world['item'].pk}/status/", {"status": "done"})
    assert ActionItem.objects.get(pk=world["item"].pk).status == "done"


def test_a_meeting_ending_before_it_starts_shows_the_error_by_the_field(client, manager, world):
    client.force_login(manager)
    meeting = world["meeting"]
    response = client.post(f"/governance/meetings/{meeting.pk}/", {
        "title": meeting.title, "starts_at": "2026-01-15T14:00", "ends_at": "2026-01-15T13:00", "status": "held",
        "minutes": "不应保存"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="ends_at">结束时间必须晚于开始时间' in page
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""


def test_an_action_item_without_an_owner_shows_the_error(client, manager, world, alliance):
    client.force_login(manager)
    response = client.post(f"/governance/alliances/{alliance.pk}/action-items/", {"title": "无人负责", "due_date": "2026-03-01"})
    assert response.status_code == 422
    assert 'data-field="owner_id">每个待办事项都必须有负责人' in response.content.decode()
    assert not ActionItem.objects.filter(title="无人负责").exists()


def test_a_partner_raises_a_conflict_in_the_portal(client, partner_user, world, alliance, other_alliance):
    client.force_login(partner_user)
    form = client.get("/governance/conflicts/new/").content.decode()
    assert alliance.title in form and other_alliance.title not in form
    response = client.post("/governance/conflicts/new/", {"agreement": other_alliance.pk, "kind": "goal_misalignment",
                                                           "title": "越权", "description": "x"})
    assert response.status_code == 422
    response = client.post("/governance/conflicts/new/", {"agreement": alliance.pk, "kind": "goal_misalignment",
                                                           "title": "年度目标不一致", "description": "双方目标口径不同"})
    conflict = Conflict.objects.get(title="年度目标不一致")
    assert response.status_code == 302 and response["Location"] == f"/governance/conflicts/{conflict.pk}/"
    assert conflict.raised_side == "partner"


def test_pages_in_english(client, manager, world, alliance):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    # the locale middleware leaves the request's language active in this thread: restore it after
    with translation.override(translation.get_language()):
        page = client.get(f"/governance/conflicts/{world['conflict'].pk}/").content.decode()
        assert "Escalation path" in page and "Internal discussion" in page
        page = client.get(f"/governance/alliances/{alliance.pk}/").content.decode()
        assert "Joint steering committee" in page and "Decision log" in page
