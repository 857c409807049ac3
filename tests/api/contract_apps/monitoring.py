"""Contract tables for monitoring (/api/v1/evaluations, /surveys, /alerts, /webhooks).

Partner users read their own alliances' evaluations, survey results and alerts, and answer
the health survey. Answering is SELF_SERVICE: any user (viewers included) answers for its
own side, and answering again replaces the answer (200). Everything else is staff-only.
"""

# The paths this module's objects serve: the contract world builds them only for these.
PREFIXES = ("/api/v1/alerts", "/api/v1/evaluations", "/api/v1/surveys", "/api/v1/webhooks")

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/evaluations"),
    ("GET", "/api/v1/evaluations/{evaluation_id}"),
    ("GET", "/api/v1/surveys/{survey_id}"),
    ("POST", "/api/v1/surveys/{survey_id}/answers"),
    ("GET", "/api/v1/alerts"),
    ("GET", "/api/v1/alerts/{alert_id}"),
}
SELF_SERVICE = {("POST", "/api/v1/surveys/{survey_id}/answers")}
PARTNER_SCOPED_PARAMS = {"evaluation_id", "evaluation_kpi_id", "survey_id", "alert_id"}

SCORES = {"trust": 4, "communication": 3, "value_created": 4, "fairness": 2, "strategic_alignment": 4, "execution": 3}


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/evaluations"): lambda w: {
            "agreement_id": w.own["monitoring_agreement_id"], "period_type": "half_year", "year": 2025, "number": 2},
        ("PATCH", "/api/v1/evaluations/{evaluation_id}"): lambda w: {"summary": "整体稳定"},
        ("POST", "/api/v1/evaluations/{evaluation_id}/kpis"): lambda w: {
            "name": "联合活动场次", "unit": "场", "target": 6, "actual": 4},
        ("PATCH", "/api/v1/evaluations/{evaluation_id}/kpis/{evaluation_kpi_id}"): lambda w: {"explanation": "延期"},
        ("POST", "/api/v1/evaluations/{evaluation_id}/decisions"): lambda w: {
            "kind": "resources", "text": "增派一名客户经理"},
        ("POST", "/api/v1/evaluations/{evaluation_id}/survey"): lambda w: {"recipient_ids": [], "anonymous": True},
        ("POST", "/api/v1/surveys/{survey_id}/answers"): lambda w: {**SCORES, "comment": "需要更多沟通"},
        ("POST", "/api/v1/alerts/{alert_id}/resolve"): lambda w: {"resolution": "已沟通"},
        ("POST", "/api/v1/alerts/{alert_id}/owner"): lambda w: {"owner_id": None},
        ("POST", "/api/v1/webhooks"): lambda w: {"name": "运营群", "kind": "wecom",
                                                 "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
        ("PATCH", "/api/v1/webhooks/{webhook_id}"): lambda w: {"enabled": False},
    }


def objects(manager, partner_a, partner_b):
    from datetime import timedelta

    from django.utils import timezone

    from allies.agreements.models import Agreement, AgreementParty
    from allies.monitoring import services
    from allies.monitoring.models import Alert

    today = timezone.localdate()

    def world_of(partner, code):
        agreement = Agreement.objects.create(code=code, title=f"{partner.name}联盟", status="signed",
                                             start_date=today - timedelta(days=100),
                                             end_date=today + timedelta(days=300))
        AgreementParty.objects.create(agreement=agreement, partner=partner)
        evaluation = services.evaluation_create(actor=manager, agreement=agreement, period_type="quarter", year=2026,
                                                number=1)
        kpi = services.evaluation_kpi_add(actor=manager, evaluation=evaluation, data={
            "name": "销售额", "unit": "万元", "target": 100, "actual": 70})
        # The survey hangs off another period's evaluation, so sending one for evaluation_id is allowed.
        surveyed = services.evaluation_create(actor=manager, agreement=agreement, period_type="quarter", year=2025,
                                              number=4)
        survey = services.survey_send(actor=manager, evaluation=surveyed, recipients=[])
        alert = Alert.objects.create(agreement=agreement, partner=partner, rule="kpi_below_target",
                                     dedupe_key=f"kpi_below_target:{kpi.pk}", severity="warning", title="销售额低于目标",
                                     evidence={"params": {"kpi": "销售额", "unit": "万元", "target": 100.0,
                                                          "actual": 70.0, "attainment": 0.7, "margin": 0.1,
                                                          "period": ["quarter", 2026, 1]}})
        return {"monitoring_agreement_id": agreement.pk, "evaluation_id": evaluation.pk, "evaluation_kpi_id": kpi.pk,
                "survey_id": survey.pk, "alert_id": alert.pk}

    own = world_of(partner_a, "AL-CONTRACT-A")
    other = world_of(partner_b, "AL-CONTRACT-B")
    endpoint = services.webhook_create(actor=manager, data={"name": "飞书群", "kind": "feishu",
                                                            "url": "https://open.feishu.cn/open-apis/bot/v2/hook/x"})
    own["webhook_id"] = other["webhook_id"] = endpoint.pk
    return own, other
