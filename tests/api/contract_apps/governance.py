"""Contract tables for governance and conflicts (/api/v1/governance/...).

Partner users read their alliances' bodies, meetings, decisions, action items and
conflicts, and raise conflicts. Calendar feeds belong to users (like API tokens): "own" is
the manager's feed, "other" the feed of a partner_b user, so ``feed_id`` is scoped like a
partner-owned row. Changing an action item is staff-only except for its owner's status
change, covered in tests/governance/test_api.py.
"""

# The paths this module's objects serve: the contract world builds them only for these.
PREFIXES = ("/api/v1/governance",)

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/governance/alliances/{agreement_id}"),
    ("GET", "/api/v1/governance/bodies"),
    ("GET", "/api/v1/governance/bodies/{body_id}"),
    ("GET", "/api/v1/governance/meetings"),
    ("GET", "/api/v1/governance/meetings/{meeting_id}"),
    ("GET", "/api/v1/governance/decisions"),
    ("GET", "/api/v1/governance/action-items"),
    ("GET", "/api/v1/governance/my-action-items"),
    ("GET", "/api/v1/governance/calendar-feeds"),
    ("POST", "/api/v1/governance/calendar-feeds"),
    ("POST", "/api/v1/governance/calendar-feeds/{feed_id}/regenerate"),
    ("DELETE", "/api/v1/governance/calendar-feeds/{feed_id}"),
    ("GET", "/api/v1/governance/conflicts"),
    ("POST", "/api/v1/governance/conflicts"),
    ("GET", "/api/v1/governance/conflicts/{conflict_id}"),
}
SELF_SERVICE = {
    ("POST", "/api/v1/governance/calendar-feeds"),
    ("POST", "/api/v1/governance/calendar-feeds/{feed_id}/regenerate"),
    ("DELETE", "/api/v1/governance/calendar-feeds/{feed_id}"),
}
PARTNER_SCOPED_PARAMS = {"agreement_id", "body_id", "member_id", "meeting_id", "action_item_id", "conflict_id",
                         "feed_id"}


def sample_bodies(csv_upload):
    return {
        ("PUT", "/api/v1/governance/alliances/{agreement_id}/escalation-path"): lambda w: {
            "steps": [{"kind": "internal"}, {"kind": "committee"}, {"kind": "agreement", "name": "仲裁"}]},
        ("POST", "/api/v1/governance/bodies"): lambda w: {
            "agreement_id": w.own["agreement_id"], "kind": "working_group", "first_meeting_at": "2026-03-02T10:00:00"},
        ("PATCH", "/api/v1/governance/bodies/{body_id}"): lambda w: {"location": "线上会议"},
        ("POST", "/api/v1/governance/bodies/{body_id}/members"): lambda w: {"name": "王律师", "role": "独立观察员"},
        ("POST", "/api/v1/governance/bodies/{body_id}/meetings/generate"): lambda w: {"until": "2026-12-31"},
        ("POST", "/api/v1/governance/meetings"): lambda w: {
            "body_id": w.own["body_id"], "starts_at": "2026-05-06T10:00:00", "ends_at": "2026-05-06T11:00:00"},
        ("PATCH", "/api/v1/governance/meetings/{meeting_id}"): lambda w: {"minutes": "契约纪要"},
        ("POST", "/api/v1/governance/decisions"): lambda w: {"agreement_id": w.own["agreement_id"], "text": "契约决议"},
        ("POST", "/api/v1/governance/action-items"): lambda w: {
            "agreement_id": w.own["agreement_id"], "title": "契约待办", "owner_id": w.own["manager_id"],
            "due_date": "2026-06-30"},
        ("PATCH", "/api/v1/governance/action-items/{action_item_id}"): lambda w: {"status": "done"},
        ("POST", "/api/v1/governance/calendar-feeds"): lambda w: {},
        ("POST", "/api/v1/governance/conflicts"): lambda w: {
            "agreement_id": w.own["agreement_id"], "kind": "poor_communication", "title": "契约冲突",
            "description": "周报延迟", "evidence": [{"kind": "other", "label": "周报记录"}]},
        ("POST", "/api/v1/governance/conflicts/{conflict_id}/escalate"): lambda w: {"reason": "契约升级"},
        ("POST", "/api/v1/governance/conflicts/{conflict_id}/resolve"): lambda w: {"resolution": "契约解决"},
        ("POST", "/api/v1/governance/conflicts/{conflict_id}/evidence"): lambda w: {"kind": "alert", "label": "预警"},
    }


def objects(manager, partner_a, partner_b):
    from datetime import date

    from allies.agreements.models import Agreement, AgreementParty
    from allies.core.models import User
    from allies.governance import calendar, services

    def alliance_of(partner, code, feed_owner):
        agreement = Agreement.objects.create(code=code, title=f"{partner.name} 联盟", status="signed")
        AgreementParty.objects.create(agreement=agreement, partner=partner)
        body = services.body_create(actor=manager, agreement=agreement, data={
            "kind": "steering_committee", "first_meeting_at": "2026-01-15T14:00:00"})
        member = services.member_add(actor=manager, body=body, data={"name": "赵总", "partner_id": partner.pk})
        meeting = services.meetings_generate(actor=manager, body=body, until=date(2026, 2, 1))[0]
        item = services.action_item_create(actor=manager, agreement=agreement, data={
            "title": "提交数据", "owner_id": manager.pk, "due_date": "2026-02-01", "meeting_id": meeting.pk})
        conflict = services.conflict_raise(actor=manager, agreement=agreement, kind="underperformance",
                                           title="转化率下滑", description="连续两月低于目标")
        feed = calendar.feed_create(actor=feed_owner, body=None).feed
        return {"agreement_id": agreement.pk, "body_id": body.pk, "member_id": member.pk, "meeting_id": meeting.pk,
                "action_item_id": item.pk, "conflict_id": conflict.pk, "feed_id": feed.pk, "manager_id": manager.pk}

    owner_b = User.objects.create_user(username="contract-feed-owner-b", role="partner", partner=partner_b)
    return alliance_of(partner_a, "CT-A", manager), alliance_of(partner_b, "CT-B", owner_b)
