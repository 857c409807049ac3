"""Demo data of governance, loaded by `allies demo` after the earlier stages' demo data.

On the demo's signed alliance (the one with 远景资本, created here if the agreements demo
made none): a joint steering committee and a working group with members from both sides,
their meetings (past ones with minutes), a decision log, action items (one overdue) and
an open conflict already escalated once.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from allies.agreements.choices import AgreementStatus
from allies.agreements.models import Agreement, AgreementParty
from allies.core.models import Role, User
from allies.governance import services
from allies.governance.models import Meeting

DEMO_PARTNER = "远景资本"


def _signed_alliance(manager, partners: dict) -> Agreement | None:
    signed = Agreement.objects.filter(status=AgreementStatus.SIGNED)
    partner = partners.get(DEMO_PARTNER)
    agreement = (signed.filter(partners=partner).first() if partner else None) or signed.first()
    if agreement is not None or partner is None:
        return agreement
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        code="AL-2026-001", title="远景资本 联合营销与渠道合作协议", status=AgreementStatus.SIGNED,
        cooperation_models=["joint_marketing", "channel"], start_date=date(today.year, 1, 1),
        end_date=date(today.year + 2, 12, 31), signed_at=timezone.now() - timedelta(days=200), created_by=manager)
    AgreementParty.objects.create(agreement=agreement, partner=partner, role="联合营销与渠道")
    return agreement


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour, 0)).isoformat(timespec="minutes")


def load(*, manager, partners: dict) -> None:
    """Add this stage's demo rows. ``partners`` maps a partner's name to the Partner."""
    agreement = _signed_alliance(manager, partners)
    if agreement is None:
        return
    today = timezone.localdate()
    analyst = User.objects.filter(username="analyst").first() or manager
    partner = agreement.partners.order_by("name").first()
    partner_user = User.objects.filter(role=Role.PARTNER, partner__in=agreement.partners.all(), is_active=True).first()

    committee = services.body_create(actor=manager, agreement=agreement, data={
        "kind": "steering_committee", "first_meeting_at": _at(today - timedelta(days=150), 14),
        "duration_minutes": 120, "location": "北京 国贸三期 28 层会议室"})
    group = services.body_create(actor=manager, agreement=agreement, data={
        "kind": "working_group", "first_meeting_at": _at(today - timedelta(days=today.weekday() + 35), 10),
        "duration_minutes": 60, "location": "腾讯会议"})
    chair = services.member_add(actor=manager, body=committee, data={"user_id": manager.pk, "role": "联盟负责人",
                                                                     "is_chair": True})
    ours = services.member_add(actor=manager, body=committee, data={"user_id": analyst.pk, "role": "联盟分析"})
    theirs = services.member_add(actor=manager, body=committee, data={
        "name": "陈立", "partner_id": partner.pk, "role": "投资合伙人", "email": "chen.li@example.com"})
    services.member_add(actor=manager, body=committee, data={"name": "周律师", "role": "独立观察员"})
    if partner_user:
        services.member_add(actor=manager, body=committee, data={"user_id": partner_user.pk, "role": "对接人"})
    services.member_add(actor=manager, body=group, data={"user_id": analyst.pk, "role": "组长", "is_chair": True})
    services.member_add(actor=manager, body=group, data={"name": "刘经理", "partner_id": partner.pk,
                                                         "role": "渠道经理"})

    services.meetings_generate(actor=manager, body=committee, until=today + timedelta(days=200))
    services.meetings_generate(actor=manager, body=group, until=today + timedelta(days=28))

    now = timezone.now()
    held = list(Meeting.objects.filter(body=committee, ends_at__lt=now).order_by("-starts_at")[:1])
    if held:
        meeting = held[0]
        services.meeting_update(actor=manager, meeting=meeting, data={
            "status": "held", "attendee_ids": [chair.pk, ours.pk, theirs.pk],
            "agenda": "一、上季度联合营销结果复盘\n二、华东区渠道资源投入\n三、下季度目标与预算",
            "minutes": "1. 上季度联合营销带来线索 1,240 条，转化率 3.1%，低于 5% 的目标。\n"
                       "2. 远景资本确认在华东区追加两名渠道经理。\n3. 下季度预算维持 80 万元，按 6:4 分担。"})
        services.decision_record(actor=manager, agreement=agreement, data={
            "text": "下季度联合营销预算维持 80 万元，我方与远景资本按 6:4 分担。", "meeting_id": meeting.pk})
        services.decision_record(actor=manager, agreement=agreement, data={
            "text": "华东区转化率若下季度仍低于 4%，提交联合管理委员会评估调整合作模式。", "meeting_id": meeting.pk})
        services.action_item_create(actor=manager, agreement=agreement, data={
            "title": "提交华东区渠道经理到岗名单", "owner_id": (partner_user or analyst).pk,
            "due_date": (today - timedelta(days=10)).isoformat(), "meeting_id": meeting.pk})
        done = services.action_item_create(actor=manager, agreement=agreement, data={
            "title": "整理上季度线索明细并发给对方", "owner_id": analyst.pk,
            "due_date": (today - timedelta(days=20)).isoformat(), "meeting_id": meeting.pk})
        services.action_item_update(actor=manager, item=done, data={"status": "done"})
        services.action_item_create(actor=manager, agreement=agreement, data={
            "title": "准备下季度联合营销方案", "owner_id": manager.pk,
            "due_date": (today + timedelta(days=14)).isoformat(), "meeting_id": meeting.pk})
    for past in Meeting.objects.filter(body=group, ends_at__lt=now):
        services.meeting_update(actor=manager, meeting=past, data={"status": "held"})
    last_sync = Meeting.objects.filter(body=group, ends_at__lt=now).order_by("-starts_at").first()
    if last_sync:
        services.meeting_update(actor=manager, meeting=last_sync, data={
            "status": "held", "agenda": "本周线索跟进", "minutes": "本周新增线索 96 条，已分配 80 条；周五前完成回访。"})
        services.decision_record(actor=manager, agreement=agreement, data={
            "text": "线索分配后 48 小时内必须完成首次回访。", "meeting_id": last_sync.pk})

    conflict = services.conflict_raise(
        actor=partner_user or manager, agreement=agreement, kind="underperformance",
        title="华东区联合营销线索转化率连续两个月低于目标",
        description="华东区线索转化率 9 月 3.1%、10 月 2.8%，目标为 5%。双方对线索质量与跟进及时性各执一词。",
        evidence=[("kpi", "conversion_rate", "转化率 2.8%（目标 5%）", ""),
                  ("clause", "revenue_cost", "协议：收益分配与成本分摊条款", "")])
    services.conflict_escalate(actor=manager, conflict=conflict,
                               reason="工作小组两次周会未能就线索质量标准达成一致，提交联合管理委员会。")
