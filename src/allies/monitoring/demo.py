"""Demo data of monitoring, loaded by `allies demo` after the earlier stages' demo data:
last quarter's evaluation of the alliance with 远景资本, its health survey answered by both
sides, a disabled WeCom webhook example, and one `allies watch` run."""

from datetime import timedelta

from django.utils import timezone

from allies.domain import kpi as kpi_math


def _alliance(manager, partner):
    """The demo's signed agreement with 远景资本 (created here when the agreements demo has none)."""
    from allies.agreements.choices import AgreementStatus
    from allies.agreements.models import Agreement, AgreementParty

    agreement = Agreement.objects.filter(status=AgreementStatus.SIGNED, partners=partner).order_by("pk").first()
    if agreement:
        return agreement
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    agreement = Agreement.objects.create(
        code="AL-2026-DEMO", title="远景资本联合投资服务联盟", cooperation_models=["joint_sales", "channel"],
        status=AgreementStatus.SIGNED, start_date=start,
        end_date=start.replace(year=start.year + 2) - timedelta(days=1),
        notice_days=90, currency="CNY", signed_at=timezone.now(), created_by=manager)
    AgreementParty.objects.create(agreement=agreement, partner=partner, role="联合投资与渠道")
    return agreement


def load(*, manager, partners: dict) -> None:
    """Add this stage's demo rows. ``partners`` maps a partner's name to the Partner."""
    from allies.core.models import User
    from allies.monitoring import services
    from allies.monitoring.models import KpiSource
    from allies.monitoring.watch import watch_run

    partner = partners.get("远景资本")
    if partner is None:
        return
    agreement = _alliance(manager, partner)
    year, number = kpi_math.previous_period(kpi_math.QUARTER, timezone.localdate())
    evaluation = services.evaluation_create(actor=manager, agreement=agreement, period_type=kpi_math.QUARTER,
                                            year=year, number=number)
    for kpi in evaluation.kpis.filter(source=KpiSource.SALES):
        # A target 15 % above what was sold: the scorecard shows a shortfall, and watch raises it.
        services.evaluation_kpi_update(actor=manager, kpi=kpi, data={
            "target": (kpi.actual * 115 / 100).quantize(kpi.actual), "explanation": "三季度渠道切换，部分订单顺延到下季度"})
    services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "联合投资项目数", "unit": "个", "direction": "higher", "target": 6, "actual": 4,
        "explanation": "两个项目尽调延期"})
    services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "客户满意度", "unit": "分", "direction": "higher", "target": 4.5, "actual": 4.6})
    services.evaluation_decision_add(actor=manager, evaluation=evaluation, kind="resources",
                                     text="下季度增派一名投后经理，专门跟进联合项目")
    services.evaluation_update(actor=manager, evaluation=evaluation,
                               summary="整体合作稳定，销售额略低于目标；双方对分成公平性的看法存在差距，需在下次委员会讨论。")
    ours = [u for u in User.objects.filter(username__in=["manager", "analyst", "viewer"]).order_by("pk")]
    from allies.cli.demo import DEMO_PASSWORD

    # The partner side: a demo login (shown by `allies demo`) and two colleagues without one.
    theirs = [User.objects.create_user(username="partner_y", password=DEMO_PASSWORD, first_name="远景资本 对接人",
                                       role="partner", partner=partner, is_demo=True)]
    for i, name in enumerate(("刘经理", "周助理"), start=2):
        user = User.objects.create_user(username=f"yj_{i}", first_name=name, role="partner", partner=partner)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        theirs.append(user)
    survey = services.survey_send(actor=manager, evaluation=evaluation, recipients=ours + theirs, anonymous=True)
    our_scores = [(5, 4, 4, 4, 5, 4, "合作顺畅，期待扩大投资规模"), (4, 4, 4, 5, 4, 3, ""),
                  (4, 3, 4, 4, 4, 4, "月度报告可以更及时")]
    their_scores = [(4, 3, 4, 2, 4, 4, "分成比例需要重新讨论"), (4, 4, 3, 3, 4, 3, "希望获得更多渠道资源"),
                    (3, 3, 4, 2, 4, 4, "")]
    for user, row in zip(ours + theirs, our_scores + their_scores, strict=True):
        scores = dict(zip(kpi_math.SURVEY_DIMENSIONS, row[:6], strict=True))
        services.survey_answer(actor=user, survey=survey, scores=scores, comment=row[6])
    services.webhook_create(actor=manager, data={
        "name": "联盟运营群（企业微信，示例）", "kind": "wecom",
        "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000000",
        "min_severity": "warning", "enabled": False})
    watch_run(deliver=False)
