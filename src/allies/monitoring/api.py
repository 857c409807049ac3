"""REST endpoints of monitoring (mounted under /api/v1/ by allies.api.main).

Partner users read their own alliances' evaluations, survey results and alerts, and answer
the health survey; another partner's alliance is a 404; everything else is staff-only.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from allies.api.paging import page_slice
from allies.api.schemas import DbId, errors
from allies.core.errors import DomainError, ErrorCode
from allies.core.models import User
from allies.core.permissions import require_internal, require_writer
from allies.core.scoping import get_visible, restrict
from allies.domain.kpi import SURVEY_DIMENSIONS
from allies.monitoring import selectors, services
from allies.monitoring.delivery import alert_url
from allies.monitoring.models import Alert, Evaluation, EvaluationKpi, Survey, WebhookEndpoint
from allies.monitoring.schemas import (
    AlertOut,
    AlertPage,
    AnswerIn,
    AnswerOut,
    AssignIn,
    AlertConflictIn,
    AlertConflictOut,
    EvaluationDecisionIn,
    EvaluationDecisionOut,
    DeliveryOut,
    EvaluationDetailOut,
    EvaluationIn,
    EvaluationPage,
    EvaluationPatch,
    EvaluationKpiIn,
    EvaluationKpiOut,
    EvaluationKpiPatch,
    AlertResolveIn,
    SurveyIn,
    SurveyResultsOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)
from allies.monitoring.watch import describe, describe_method

router = Router(tags=["monitoring"])


def kpi_out(kpi: EvaluationKpi) -> dict:
    return {"id": kpi.pk, "name": kpi.name, "unit": kpi.unit, "direction": kpi.direction,
            "target": None if kpi.target is None else float(kpi.target),
            "actual": None if kpi.actual is None else float(kpi.actual), "deviation": kpi.deviation,
            "attainment": kpi.attainment, "source": kpi.source, "margin": kpi.margin, "explanation": kpi.explanation}


def evaluation_out(e: Evaluation) -> dict:
    survey = Survey.objects.filter(evaluation=e).values_list("pk", flat=True).first()
    return {"id": e.pk, "agreement_id": e.agreement_id, "agreement_code": e.agreement.code,
            "agreement_title": e.agreement.title, "period_type": e.period_type, "year": e.year, "number": e.number,
            "period_label": str(e.period_label), "period_start": e.period_start, "period_end": e.period_end,
            "summary": e.summary, "survey_id": survey, "created_at": e.created_at}


def evaluation_detail_out(e: Evaluation) -> dict:
    card = selectors.scorecard(e)
    h = card.health
    return {**evaluation_out(e), "kpis": [kpi_out(k) for k in e.kpis.all()],
            "decisions": list(e.decisions.all()),
            "health": {"index": h.index, "kpi_part": h.kpi_part, "survey_part": h.survey_part,
                       "kpi_weight": h.kpi_weight, "survey_weight": h.survey_weight,
                       "formula": selectors.health_formula(h)}}


def alert_out(a: Alert) -> dict:
    title, summary = describe(a.rule, a.evidence.get("params", {}))
    return {"id": a.pk, "agreement_id": a.agreement_id, "rule": a.rule, "severity": a.severity, "status": a.status,
            "title": title, "summary": summary, "method": describe_method(a.rule), "evidence": a.evidence,
            "owner_id": a.owner_id, "conflict_id": a.conflict_id, "raised_at": a.raised_at,
            "last_seen_at": a.last_seen_at, "resolution": a.resolution}


def results_out(survey: Survey) -> dict:
    r = selectors.survey_results(survey)
    return {"id": survey.pk, "evaluation_id": survey.evaluation_id, "anonymous": survey.anonymous,
            "closes_on": survey.closes_on, "asked": r.asked, "answered": r.answered, "overall": r.overall,
            "sides": [{"side": s.side, "answered": s.answered, "visible": s.visible, "means": s.means,
                       "comments": s.comments} for s in r.sides],
            "gaps": r.gaps, "health": r.health}


def webhook_out(w: WebhookEndpoint) -> dict:
    return {"id": w.pk, "name": w.name, "kind": w.kind, "url": w.url, "has_secret": bool(w.secret),
            "min_severity": w.min_severity, "enabled": w.enabled, "created_at": w.created_at}


def _evaluation(request, evaluation_id: int) -> Evaluation:
    return get_visible(Evaluation.objects.select_related("agreement"), request.auth, pk=evaluation_id)


def _alert(request, alert_id: int) -> Alert:
    return get_visible(Alert.objects.select_related("agreement", "owner"), request.auth, pk=alert_id)


def _survey(request, survey_id: int) -> Survey:
    return get_visible(Survey.objects.select_related("evaluation__agreement"), request.auth, pk=survey_id)


def _webhook(request, webhook_id: int) -> WebhookEndpoint:
    require_internal(request.auth)
    return get_object_or_404(WebhookEndpoint, pk=webhook_id)


class EvaluationFilters(Schema):
    agreement_id: DbId | None = None
    limit: int = 50
    offset: int = 0


@router.get("/evaluations", response={200: EvaluationPage, **errors(401)}, summary="List evaluations")
def list_evaluations(request, filters: Query[EvaluationFilters]):
    qs = selectors.evaluation_list(user=request.auth, agreement_id=filters.agreement_id)
    return {"count": qs.count(), "items": [evaluation_out(e) for e in qs[page_slice(filters.limit, filters.offset)]]}


@router.post("/evaluations", response={201: EvaluationDetailOut, **errors(401, 403, 404, 409)},
             summary="Open an alliance's evaluation for a quarter or half-year (KPIs pulled from pilots and sales)")
def create_evaluation(request, payload: EvaluationIn):
    require_writer(request.auth)
    from allies.agreements.models import Agreement

    agreement = get_visible(Agreement.objects, request.auth, pk=payload.agreement_id)
    evaluation = services.evaluation_create(actor=request.auth, agreement=agreement, period_type=payload.period_type,
                                            year=payload.year, number=payload.number)
    return 201, evaluation_detail_out(evaluation)


@router.get("/evaluations/{evaluation_id}", response={200: EvaluationDetailOut, **errors(401, 404)},
            summary="One evaluation: KPIs with deviation, decisions and the health index with its formula")
def get_evaluation(request, evaluation_id: int):
    return evaluation_detail_out(_evaluation(request, evaluation_id))


@router.patch("/evaluations/{evaluation_id}", response={200: EvaluationDetailOut, **errors(401, 403, 404)},
              summary="Set the evaluation's conclusion")
def update_evaluation(request, evaluation_id: int, payload: EvaluationPatch):
    evaluation = _evaluation(request, evaluation_id)
    services.evaluation_update(actor=request.auth, evaluation=evaluation, summary=payload.summary)
    return evaluation_detail_out(evaluation)


@router.post("/evaluations/{evaluation_id}/refresh", response={200: EvaluationDetailOut, **errors(401, 403, 404)},
             summary="Pull the KPI actuals again from pilots and shared sales")
def refresh_evaluation(request, evaluation_id: int):
    evaluation = _evaluation(request, evaluation_id)
    services.evaluation_refresh(actor=request.auth, evaluation=evaluation)
    return evaluation_detail_out(evaluation)


@router.post("/evaluations/{evaluation_id}/kpis", response={201: EvaluationKpiOut, **errors(401, 403, 404, 409)},
             summary="Add a KPI entered by hand")
def add_kpi(request, evaluation_id: int, payload: EvaluationKpiIn):
    evaluation = _evaluation(request, evaluation_id)
    return 201, kpi_out(services.evaluation_kpi_add(actor=request.auth, evaluation=evaluation, data=payload.dict()))


@router.patch("/evaluations/{evaluation_id}/kpis/{evaluation_kpi_id}",
              response={200: EvaluationKpiOut, **errors(401, 403, 404, 409)},
              summary="Set a KPI's target, actual (hand-entered KPIs) or the deviation's explanation")
def update_kpi(request, evaluation_id: int, evaluation_kpi_id: int, payload: EvaluationKpiPatch):
    evaluation = _evaluation(request, evaluation_id)
    kpi = get_object_or_404(restrict(EvaluationKpi.objects.filter(evaluation=evaluation), request.auth),
                            pk=evaluation_kpi_id)
    data = payload.dict(exclude_unset=True)
    return kpi_out(services.evaluation_kpi_update(actor=request.auth, kpi=kpi, data=data))


@router.post("/evaluations/{evaluation_id}/decisions", response={201: EvaluationDecisionOut, **errors(401, 403, 404)},
             summary="Record a decision: adjust the cooperation model, the sharing rules or the resources")
def add_decision(request, evaluation_id: int, payload: EvaluationDecisionIn):
    evaluation = _evaluation(request, evaluation_id)
    return 201, services.evaluation_decision_add(actor=request.auth, evaluation=evaluation, kind=payload.kind,
                                                 text=payload.text)


@router.post("/evaluations/{evaluation_id}/survey", response={201: SurveyResultsOut, **errors(401, 403, 404, 409)},
             summary="Send the health survey to people on both sides")
def send_survey(request, evaluation_id: int, payload: SurveyIn):
    evaluation = _evaluation(request, evaluation_id)
    require_writer(request.auth)
    users = list(User.objects.filter(pk__in=payload.recipient_ids, is_active=True))
    missing = set(payload.recipient_ids) - {u.pk for u in users}
    if missing:
        raise DomainError(ErrorCode.VALIDATION, _("找不到这些用户：{ids}。").format(ids=sorted(missing)), {"errors": [
            {"field": "recipient_ids", "value": sorted(missing), "reason": _("用户不存在")}]})
    survey = services.survey_send(actor=request.auth, evaluation=evaluation, recipients=users,
                                  anonymous=payload.anonymous, closes_on=payload.closes_on)
    return 201, results_out(survey)


@router.get("/surveys/{survey_id}", response={200: SurveyResultsOut, **errors(401, 404)},
            summary="Survey results by dimension and side, with the gap (a side's anonymous answers need 3 people)")
def get_survey(request, survey_id: int):
    return results_out(_survey(request, survey_id))


@router.post("/surveys/{survey_id}/answers", response={200: AnswerOut, 201: AnswerOut, **errors(401, 403, 404, 409)},
             summary="Answer the health survey (1-5 per dimension); answering again replaces your answer (200)")
def answer_survey(request, survey_id: int, payload: AnswerIn):
    survey = _survey(request, survey_id)
    data = payload.dict()
    comment = data.pop("comment")
    answer, created = services.survey_answer(actor=request.auth, survey=survey, scores=data, comment=comment)
    return (201 if created else 200), {"survey_id": survey.pk, "side": answer.side, "comment": answer.comment,
                                       "scores": {d: getattr(answer, d) for d in SURVEY_DIMENSIONS}}


class AlertFilters(Schema):
    status: str = ""
    severity: str = ""
    agreement_id: DbId | None = None
    limit: int = 50
    offset: int = 0


@router.get("/alerts", response={200: AlertPage, **errors(401)}, summary="List alerts (status: open, acknowledged, "
                                                                          "resolved or active)")
def list_alerts(request, filters: Query[AlertFilters]):
    qs = selectors.alert_list(user=request.auth, status=filters.status, severity=filters.severity,
                              agreement_id=filters.agreement_id)
    return {"count": qs.count(), "items": [alert_out(a) for a in qs[page_slice(filters.limit, filters.offset)]]}


@router.get("/alerts/{alert_id}", response={200: AlertOut, **errors(401, 404)},
            summary="One alert with its evidence and the method that raised it")
def get_alert(request, alert_id: int):
    return alert_out(_alert(request, alert_id))


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, **errors(401, 403, 404, 409)},
             summary="Acknowledge an alert")
def acknowledge_alert(request, alert_id: int):
    return alert_out(services.alert_acknowledge(actor=request.auth, alert=_alert(request, alert_id)))


@router.post("/alerts/{alert_id}/resolve", response={200: AlertOut, **errors(401, 403, 404)},
             summary="Resolve an alert")
def resolve_alert(request, alert_id: int, payload: AlertResolveIn):
    alert = _alert(request, alert_id)
    return alert_out(services.alert_resolve(actor=request.auth, alert=alert, resolution=payload.resolution))


@router.post("/alerts/{alert_id}/owner", response={200: AlertOut, **errors(401, 403, 404)},
             summary="Assign the alert's owner (one of our staff; null: nobody)")
def assign_alert(request, alert_id: int, payload: AssignIn):
    alert = _alert(request, alert_id)
    require_writer(request.auth)
    owner = None
    if payload.owner_id is not None:
        owner = User.objects.filter(pk=payload.owner_id, is_active=True).first()
        if owner is None:
            raise DomainError(ErrorCode.VALIDATION, _("找不到该用户。"), {"errors": [
                {"field": "owner_id", "value": payload.owner_id, "reason": _("用户不存在")}]})
    return alert_out(services.alert_assign(actor=request.auth, alert=alert, owner=owner))


@router.post("/alerts/{alert_id}/conflict", response={201: AlertConflictOut, **errors(401, 403, 404, 409)},
             summary="Turn the alert into a conflict (governance) with the alert as evidence")
def alert_conflict(request, alert_id: int, payload: AlertConflictIn):
    alert = _alert(request, alert_id)
    conflict = services.alert_to_conflict(actor=request.auth, alert=alert, kind=payload.kind,
                                          url=alert_url(alert))
    return 201, {"conflict_id": conflict.pk, "alert": alert_out(alert)}


@router.get("/alerts/{alert_id}/deliveries", response={200: list[DeliveryOut], **errors(401, 403, 404)},
            summary="The alert's e-mail and webhook deliveries with attempts, response codes and errors")
def list_deliveries(request, alert_id: int):
    alert = _alert(request, alert_id)
    require_internal(request.auth)
    return list(alert.deliveries.all()[:200])


@router.get("/webhooks", response={200: list[WebhookOut], **errors(401, 403)}, summary="List webhook endpoints")
def list_webhooks(request):
    require_internal(request.auth)
    return [webhook_out(w) for w in WebhookEndpoint.objects.all()[:200]]


@router.post("/webhooks", response={201: WebhookOut, **errors(401, 403)},
             summary="Add a WeCom, DingTalk, Feishu or Slack robot (http(s) URL; optional signing secret)")
def create_webhook(request, payload: WebhookIn):
    return 201, webhook_out(services.webhook_create(actor=request.auth, data=payload.dict()))


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **errors(401, 403, 404)},
              summary="Change a webhook endpoint")
def update_webhook(request, webhook_id: int, payload: WebhookPatch):
    endpoint = _webhook(request, webhook_id)
    return webhook_out(services.webhook_update(actor=request.auth, endpoint=endpoint,
                                               data=payload.dict(exclude_unset=True)))


@router.delete("/webhooks/{webhook_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove a webhook endpoint (its delivery records go with it)")
def delete_webhook(request, webhook_id: int):
    services.webhook_delete(actor=request.auth, endpoint=_webhook(request, webhook_id))
    return 204, None
