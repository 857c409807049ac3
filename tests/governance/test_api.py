"""Governance API: bad input gives a named field and writes nothing; partners stay in their alliances."""

import json
from datetime import date

import pytest

from allies.governance import services
from allies.governance.models import ActionItem, Conflict, Meeting


def _call(client, user, method, path, body=None):
    client.force_login(user)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(path, **kwargs)


@pytest.fixture
def meeting(alliance, manager):
    body = services.body_create(actor=manager, agreement=alliance, data={
        "kind": "working_group", "first_meeting_at": "2026-01-05T10:00"})
    return services.meetings_generate(actor=manager, body=body, until=date(2026, 1, 10))[0]


def test_a_meeting_ending_before_it_starts_is_a_422_naming_ends_at(client, manager, meeting):
    response = _call(client, manager, "patch", f"/api/v1/governance/meetings/{meeting.pk}",
                     {"starts_at": "2026-01-05T10:00:00+08:00", "ends_at": "2026-01-05T09:00:00+08:00",
                      "agenda": "不应保存"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_dates"
    assert body["details"]["errors"][0]["field"] == "ends_at"
    assert Meeting.objects.get(pk=meeting.pk).agenda == ""


def test_an_action_item_without_an_owner_is_a_422(client, manager, alliance):
    response = _call(client, manager, "post", "/api/v1/governance/action-items",
                     {"agreement_id": alliance.pk, "title": "提交数据", "due_date": "2026-02-01"})
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["field"] == "owner_id"
    assert not ActionItem.objects.exists()


def test_the_owner_closes_their_action_item_through_the_api(client, manager, alliance, partner_user):
    item = services.action_item_create(actor=manager, agreement=alliance, data={
        "title": "提交数据", "owner_id": partner_user.pk, "due_date": "2026-02-01"})
    mine = _call(client, partner_user, "get", "/api/v1/governance/my-action-items").json()
    assert [(i["id"], i["overdue"]) for i in mine["items"]] == [(item.pk, True)]
    response = _call(client, partner_user, "patch", f"/api/v1/governance/action-items/{item.pk}", {"status": "done"})
    assert response.status_code == 200 and response.json()["status"] == "done"
    response = _call(client, partner_user, "patch", f"/api/v1/governance/action-items/{item.pk}",
                     {"title": "改标题"})
    assert response.status_code == 403


def test_a_partner_raises_and_follows_a_conflict_but_not_in_another_alliance(client, alliance, other_alliance,
                                                                               partner_user, manager):
    payload = {"agreement_id": alliance.pk, "kind": "poor_communication", "title": "周报延迟",
               "description": "连续三周没有收到周报", "evidence": [{"kind": "kpi", "label": "周报及时率 40%"}]}
    response = _call(client, partner_user, "post", "/api/v1/governance/conflicts", payload)
    assert response.status_code == 201
    created = response.json()
    assert created["raised_side"] == "partner" and created["current_step_label"] == "内部协商"
    assert created["dispute_clause"] is None
    # staff escalate one step; the partner follows the history
    assert _call(client, manager, "post", f"/api/v1/governance/conflicts/{created['id']}/escalate",
                 {"reason": "内部协商无果", "to_step": 2}).status_code == 422
    assert _call(client, manager, "post", f"/api/v1/governance/conflicts/{created['id']}/escalate",
                 {"reason": "内部协商无果"}).status_code == 200
    followed = _call(client, partner_user, "get", f"/api/v1/governance/conflicts/{created['id']}").json()
    assert [(h["action"], h["step_name"], h["reason"]) for h in followed["history"]] == [
        ("raised", "内部协商", ""), ("escalated", "联合管理委员会", "内部协商无果")]
    # another partner's alliance is not found
    response = _call(client, partner_user, "post", "/api/v1/governance/conflicts",
                     {**payload, "agreement_id": other_alliance.pk})
    assert response.status_code == 404
    assert Conflict.objects.count() == 1


def test_generating_twice_over_the_api_adds_nothing_the_second_time(client, manager, alliance):
    body = _call(client, manager, "post", "/api/v1/governance/bodies", {
        "agreement_id": alliance.pk, "kind": "steering_committee", "first_meeting_at": "2026-01-15T14:00:00"}).json()
    assert body["cadence"] == "quarterly"
    path = f"/api/v1/governance/bodies/{body['id']}/meetings/generate"
    assert len(_call(client, manager, "post", path, {"until": "2026-12-31"}).json()) == 4
    assert _call(client, manager, "post", path, {"until": "2026-12-31"}).json() == []
    listed = _call(client, manager, "get", f"/api/v1/governance/meetings?body_id={body['id']}").json()
    assert listed["count"] == 4
