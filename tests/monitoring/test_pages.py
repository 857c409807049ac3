"""The monitoring pages and the dashboard as staff and partner users see them."""

import pytest

from allies.monitoring import services
from allies.monitoring.models import Alert, SurveyAnswer, WebhookEndpoint
from allies.monitoring.watch import watch_run

from .conftest import write_monthly_sales


@pytest.fixture
def evaluation(alliance, manager):
    evaluation = services.evaluation_create(actor=manager, agreement=alliance, period_type="quarter", year=2026,
                                            number=1)
    services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
        "name": "联合活动场次", "unit": "场", "target": 10, "actual": 7})
    services.survey_send(actor=manager, evaluation=evaluation, recipients=[])
    return evaluation


@pytest.fixture
def other_evaluation(other_alliance, manager):
    return services.evaluation_create(actor=manager, agreement=other_alliance, period_type="quarter", year=2026,
                                      number=1)


def test_staff_see_the_scorecard_formula_kpis_and_survey(client_for, manager, evaluation):
    page = client_for(manager).get(f"/monitoring/evaluations/{evaluation.pk}/").content.decode()
    assert "健康指数 = 1.0 × 指标达成（70.0）" in page
    assert "联合活动场次" in page and "70%" in page
    assert 'id="answer-form"' in page
    english = client_for(manager)
    english.cookies["django_language"] = "en"
    assert "Health index" in english.get(f"/monitoring/evaluations/{evaluation.pk}/").content.decode()


def test_create_an_evaluation_from_the_page_and_errors_beside_the_field(client_for, manager, alliance):
    client = client_for(manager)
    response = client.post("/monitoring/evaluations/new/", {"agreement": alliance.pk, "period_type": "half_year",
                                                           "year": 2026, "number": 3})
    assert response.status_code == 422
    assert 'data-field="number"' in response.content.decode()
    response = client.post("/monitoring/evaluations/new/", {"agreement": alliance.pk, "period_type": "half_year",
                                                           "year": 2026, "number": 1})
    assert response.status_code == 302


def test_partner_answers_the_survey_in_the_portal_and_bad_scores_write_nothing(client_for, partner_user, evaluation):
    client = client_for(partner_user)
    url = f"/monitoring/evaluations/{evaluation.pk}/survey/"
    good = {"trust": 4, "communication": 4, "value_created": 3, "fairness": 2, "strategic_alignment": 4,
            "execution": 3, "comment": "希望分成更透明"}
    response = client.post(url, {**good, "fairness": 7})
    assert response.status_code == 422
    assert 'data-field="fairness"' in response.content.decode()
    assert not SurveyAnswer.objects.exists()
    assert client.post(url, good).status_code == 302
    answer = SurveyAnswer.objects.get()
    assert (answer.side, answer.fairness, answer.partner_id) == ("partner", 2, partner_user.partner_id)
    page = client.get(f"/monitoring/evaluations/{evaluation.pk}/").content.decode()
    assert "作答不足三人" in page  # anonymous: one answer on the partner side is not shown
    assert "<li>希望分成更透明</li>" not in page  # the comment shows only in the answerer's own form
    assert 'action="/monitoring/evaluations/%d/refresh/"' % evaluation.pk not in page  # no staff actions


def test_partner_sees_only_its_own_alliances(client_for, partner_user, evaluation, other_evaluation, manager,
                                             other_alliance, partner_b):
    write_monthly_sales(manager, partner_b, [100_00, 100_00, 100_00, 100_00, 10_00])
    watch_run(deliver=False)
    other_alert = Alert.objects.get(agreement=other_alliance)
    client = client_for(partner_user)
    assert client.get(f"/monitoring/evaluations/{other_evaluation.pk}/").status_code == 404
    assert client.get(f"/monitoring/alerts/{other_alert.pk}/").status_code == 404
    assert client.get(f"/monitoring/alliances/{other_alliance.pk}/").status_code == 404
    listing = client.get("/monitoring/").content.decode()
    assert "伙伴A联盟" in listing and "伙伴B联盟" not in listing
    alerts = client.get("/monitoring/alerts/").content.decode()
    assert "伙伴B" not in alerts
    assert client.get("/monitoring/webhooks/").status_code == 404
    assert client.post(f"/monitoring/alerts/{other_alert.pk}/acknowledge/").status_code == 404


def test_alert_page_shows_evidence_chart_method_and_actions(client_for, manager, alliance, partner_a, viewer):
    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00, 100_00, 10_00])
    watch_run(deliver=False)
    alert = Alert.objects.get()
    client = client_for(manager)
    page = client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert "<svg" in page and "近期均值" in page and "EWMA" in page
    assert "-90.0%" in page
    assert 'id="to-conflict"' in page
    assert client.post(f"/monitoring/alerts/{alert.pk}/acknowledge/").status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.owner == manager
    assert client_for(viewer).post(f"/monitoring/alerts/{alert.pk}/resolve/").status_code == 403
    client_for(manager).post(f"/monitoring/alerts/{alert.pk}/resolve/", {"resolution": "已沟通，平台切换完成"})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution == "已沟通，平台切换完成"


def test_dashboard_shows_health_alerts_by_severity_and_pipeline(client_for, manager, evaluation, partner_a):
    write_monthly_sales(manager, partner_a, [100_00, 100_00, 100_00, 100_00, 10_00])
    watch_run(deliver=False)
    page = client_for(manager).get("/").content.decode()
    assert 'id="dash-health"' in page and "伙伴A联盟" in page
    assert f'href="/monitoring/evaluations/{evaluation.pk}/"' in page
    assert 'data-severity="critical"' in page and "伙伴A销售额下滑" in page
    assert 'id="pipeline"' in page and 'id="dash-deadlines"' in page


def test_webhook_form_refuses_a_non_http_url_beside_the_field(client_for, manager, viewer):
    client = client_for(manager)
    response = client.post("/monitoring/webhooks/", {"name": "群", "kind": "dingtalk", "url": "ftp://x/hook",
                                                     "min_severity": "warning", "enabled": "on"})
    assert response.status_code == 422
    assert 'data-field="url"' in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    response = client.post("/monitoring/webhooks/", {"name": "群", "kind": "dingtalk", "secret": "SEC1",
                                                     "url": "https://oapi.dingtalk.com/robot/send?access_token=a",
                                                     "min_severity": "warning", "enabled": "on"})
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == "SEC1"
    assert "SEC1" not in client.get(f"/monitoring/webhooks/{endpoint.pk}/").content.decode()
    assert client_for(viewer).post(f"/monitoring/webhooks/{endpoint.pk}/delete/").status_code == 403
