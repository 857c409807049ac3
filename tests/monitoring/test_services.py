"""Evaluations (KPIs pulled from pilots and shared sales, entered otherwise), decisions, the health
survey with its anonymity rule, the scorecard, and webhook endpoint validation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from allies.core.errors import DomainError
from allies.domain import kpi as kpi_math
from allies.monitoring import selectors, services
from allies.monitoring.models import Evaluation, EvaluationKpi, Survey, SurveyAnswer, WebhookEndpoint

from .conftest import write_monthly_sales


def _last_quarter():
    return kpi_math.previous_period(kpi_math.QUARTER, timezone.localdate())


def test_evaluation_pulls_sales_and_pilot_kpis_for_the_period(alliance, partner_a, partner_b, manager):
    from allies.pilots import services as pilot_services

    # given: six months of shared sales (fen) and a pilot with a measured KPI, and another partner's data
    write_monthly_sales(manager, partner_a, [100_00] * 6)
    write_monthly_sales(manager, partner_b, [999_00] * 6, prefix="B")
    year, number = _last_quarter()
    start, end = kpi_math.period_bounds("quarter", year, number)
    pilot = pilot_services.pilot_create(actor=manager, data={
        "title": "华东试点", "partner_ids": [partner_a.pk], "goal": "验证", "start_date": start - timedelta(days=30),
        "end_date": end}, kpis=[{"code": "conversion_rate", "unit": "%", "baseline": 2, "target": 5}])
    kpi = pilot.kpis.get()
    pilot_services.measurement_record(actor=manager, kpi=kpi, date=start + timedelta(days=10), value=3.2)

    # when
    evaluation = services.evaluation_create(actor=manager, agreement=alliance, period_type="quarter", year=year,
                                            number=number)

    # then: partner A's three months of the quarter, not partner B's; the pilot KPI's latest value
    rows = {k.source: k for k in evaluation.kpis.all()}
    assert rows["sales"].actual == Decimal("300.0000") and rows["sales"].unit == "CNY"
    assert "伙伴A" in rows["sales"].name
    assert rows["pilot"].target == Decimal("5") and rows["pilot"].actual == Decimal("3.2")
    assert (evaluation.period_start, evaluation.period_end) == (start, end)


def test_bad_period_and_duplicate_are_refused_without_writing(alliance, manager):
    with pytest.raises(DomainError) as err:
        services.evaluation_create(actor=manager, agreement=alliance, period_type="half_year", year=2026, number=3)
    assert err.value.code == "invalid_period"
    assert err.value.details["errors"][0]["field"] == "number"
    with pytest.raises(DomainError):
        services.evaluation_create(actor=manager, agreement=alliance, period_type="month", year=2026, number=1)
    services.evaluation_create(actor=manager, agreement=alliance, period_type="quarter", year=2026, number=1)
    with pytest.raises(DomainError) as err:
        services.evaluation_create(actor=manager, agreement=alliance, period_type="quarter", year=2026, number=1)
    assert err.value.code == "conflict"
    assert Evaluation.objects.count() == 1


def test_viewer_cannot_open_an_evaluation(alliance, viewer):
    with pytest.raises(DomainError) as err:
        services.evaluation_create(actor=viewer, agreement=alliance, period_type="quarter", year=2026, number=1)
    assert err.value.code == "permission_denied"


def test_manual_kpi_deviation_decision_and_refresh_keeps_targets(alliance, partner_a, manager):
    year, number = _last_quarter()
    evaluation = services.evaluation_create(actor=manager, agreement=alliance, period_type="quarter", year=year,
                                            number=number)
    kpi = services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "联合活动场次", "unit": "场", "direction": "higher", "target": 6, "actual": 4})
    assert kpi.deviation == -2 and kpi.attainment == pytest.approx(4 / 6)
    services.evaluation_kpi_update(actor=manager, kpi=kpi, data={"explanation": "两场活动延期"})
    services.evaluation_decision_add(actor=manager, evaluation=evaluation, kind="sharing_rules", text="分成比例调整为 6:4")
    with pytest.raises(DomainError):
        services.evaluation_decision_add(actor=manager, evaluation=evaluation, kind="budget", text="x")

    # sales arrive later: refresh adds the sales KPI; a target set on it survives the next refresh
    write_monthly_sales(manager, partner_a, [50_00] * 6)
    services.evaluation_refresh(actor=manager, evaluation=evaluation)
    sales_kpi = evaluation.kpis.get(source="sales")
    services.evaluation_kpi_update(actor=manager, kpi=sales_kpi, data={"target": 200})
    with pytest.raises(DomainError) as err:  # a pulled actual is not typed over
        services.evaluation_kpi_update(actor=manager, kpi=sales_kpi, data={"actual": 1})
    assert err.value.details["errors"][0]["field"] == "actual"
    services.evaluation_refresh(actor=manager, evaluation=evaluation)
    sales_kpi.refresh_from_db()
    assert sales_kpi.target == 200 and sales_kpi.actual == Decimal("150")
    assert evaluation.decisions.get().kind == "sharing_rules"


def _survey(alliance, manager, recipients=(), anonymous=True):
    evaluation = services.evaluation_create(actor=manager, agreement=alliance, period_type="half_year", year=2026,
                                            number=1)
    return services.survey_send(actor=manager, evaluation=evaluation, recipients=list(recipients),
                                anonymous=anonymous)


def test_survey_is_sent_to_both_sides_by_mail(alliance, manager, partner_user, other_partner_user, make_user):
    partner_user.email = "pa@example.com"
    partner_user.save()
    manager.email = "wang@example.com"
    manager.save()
    with pytest.raises(DomainError) as err:  # another partner's user is not on either side of this alliance
        _survey(alliance, manager, [manager, other_partner_user])
    assert err.value.details["errors"][0]["field"] == "recipient_ids"
    with pytest.raises(DomainError) as err:
        services.survey_send(actor=manager, evaluation=Evaluation.objects.get(), recipients=[manager],
                             closes_on=timezone.localdate() - timedelta(days=1))
    assert err.value.details["errors"][0]["field"] == "closes_on"
    assert not Survey.objects.exists()
    survey = services.survey_send(actor=manager, evaluation=Evaluation.objects.get(),
                                  recipients=[manager, partner_user])
    assert sorted(survey.recipients.values_list("side", flat=True)) == ["ours", "partner"]
    assert sorted(mail.outbox[0].to) == ["pa@example.com", "wang@example.com"]


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, None, "5"])
def test_an_answer_outside_1_to_5_is_refused_with_a_clear_message_and_nothing_written(alliance, manager, partner_user,
                                                                                        scores, bad):
    survey = _survey(alliance, manager)
    with pytest.raises(DomainError) as err:
        services.survey_answer(actor=partner_user, survey=survey, scores=scores(4, fairness=bad))
    assert err.value.code == "invalid_survey_answer"
    assert "1 到 5" in err.value.message and "fairness" in err.value.message
    assert err.value.details["errors"] == [{"field": "fairness", "value": bad, "reason": "请选择 1 到 5 之间的整数分。"}]
    assert not SurveyAnswer.objects.exists()


def test_another_partners_user_cannot_answer(alliance, manager, other_partner_user, scores):
    survey = _survey(alliance, manager)
    with pytest.raises(DomainError) as err:
        services.survey_answer(actor=other_partner_user, survey=survey, scores=scores())
    assert err.value.code == "permission_denied"


def test_results_by_side_gap_and_the_three_answer_anonymity_rule(alliance, manager, partner_a, make_user, scores):
    survey = _survey(alliance, manager)
    staff = [manager, make_user("s2", "manager"), make_user("s3", "viewer")]
    theirs = [make_user(f"p{i}", "partner", partner=partner_a) for i in range(3)]
    for user in staff:
        services.survey_answer(actor=user, survey=survey, scores=scores(4), comment="我方意见")
    for user in theirs[:2]:
        services.survey_answer(actor=user, survey=survey, scores=scores(4, fairness=2), comment="分成不公平")

    results = selectors.survey_results(survey)
    ours, partner = results.sides
    assert ours.visible and ours.means["fairness"] == 4
    assert not partner.visible and partner.answered == 2  # only two partner answers: hidden
    assert partner.means["fairness"] is None and partner.comments == []
    assert results.gaps["fairness"] is None
    assert results.overall["fairness"] == pytest.approx((4 * 3 + 2 * 2) / 5)  # still counted overall

    answer, created = services.survey_answer(actor=theirs[2], survey=survey, scores=scores(4, fairness=1))
    assert created
    results = selectors.survey_results(survey)
    partner = results.sides[1]
    assert partner.visible and partner.means["fairness"] == pytest.approx(5 / 3)
    assert results.gaps["fairness"] == pytest.approx(4 - 5 / 3)
    assert partner.comments == ["分成不公平", "分成不公平"]  # no names when anonymous

    # answering again replaces the earlier answer
    _answer, created = services.survey_answer(actor=theirs[2], survey=survey, scores=scores(5))
    assert not created and SurveyAnswer.objects.filter(survey=survey).count() == 6


def test_an_answer_leaves_no_audit_entry_that_names_the_respondent(alliance, manager, partner_user, scores):
    """Anonymity within a side holds for administrators too: the audit log does not say who answered what."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    survey = _survey(alliance, manager)
    before = LogEntry.objects.count()
    answer, _created = services.survey_answer(actor=partner_user, survey=survey, scores=scores(2), comment="不公平")
    services.survey_answer(actor=partner_user, survey=survey, scores=scores(3))
    new_entries = LogEntry.objects.order_by("pk")[before:]
    assert not [e for e in new_entries if e.actor_id == partner_user.pk]
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(SurveyAnswer)).exists()
    assert SurveyAnswer.objects.get(pk=answer.pk).fairness == 3


def test_non_anonymous_results_show_each_side_and_names(alliance, manager, partner_user, scores):
    survey = _survey(alliance, manager, anonymous=False)
    services.survey_answer(actor=partner_user, survey=survey, scores=scores(3), comment="需要更多沟通")
    partner = selectors.survey_results(survey).sides[1]
    assert partner.visible and partner.means["trust"] == 3
    assert partner.comments == ["pa：需要更多沟通"]


def test_scorecard_combines_kpi_attainment_and_survey_health(alliance, manager, make_user, scores):
    survey = _survey(alliance, manager)
    evaluation = survey.evaluation
    services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "销售额", "unit": "万元", "target": 100, "actual": 80})
    services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "获客成本", "unit": "元", "direction": "lower", "target": 150, "actual": 120})  # beats target
    services.survey_answer(actor=manager, survey=survey, scores=scores(4))
    card = selectors.scorecard(evaluation)
    assert card.health.kpi_part == pytest.approx(90)  # (0.8 + 1.0 capped) / 2
    assert card.health.survey_part == pytest.approx(75)
    assert card.health.index == pytest.approx(0.6 * 90 + 0.4 * 75)
    formula = selectors.health_formula(card.health)
    assert "0.6 × 指标达成（90.0）" in formula and "= 84.0" in formula


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "javascript:alert(1)", "example.com/hook", "http://",
                                 "", "https:///nohost"])
def test_a_webhook_url_that_is_not_http_is_refused(manager, url):
    with pytest.raises(DomainError) as err:
        services.webhook_create(actor=manager, data={"name": "群", "kind": "wecom", "url": url})
    assert err.value.code == "invalid_webhook"
    assert err.value.details["errors"][0]["field"] == "url"
    assert "http://" in err.value.message
    assert not WebhookEndpoint.objects.exists()


def test_webhook_secret_is_stored_but_never_in_the_audit_log(manager):
    from auditlog.models import LogEntry

    endpoint = services.webhook_create(actor=manager, data={
        "name": "钉钉群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
        "secret": "SEC123"})
    assert WebhookEndpoint.objects.get().secret == "SEC123"
    entry = LogEntry.objects.get_for_object(endpoint).get()
    assert "SEC123" not in str(entry.changes)
    assert EvaluationKpi.objects.count() == 0
