"""Web pages of monitoring: evaluations with their scorecard and health survey, alerts, webhooks.

Staff and partner users share the evaluation and alert pages; every object is found
through ``get_visible`` (another partner's alliance is a 404); writes are staff-only,
except a partner user's own survey answer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.agreements.models import Agreement
from allies.core.errors import DomainError
from allies.core.scoping import get_visible
from allies.domain import kpi as kpi_math
from allies.monitoring import charts, forms, selectors, services
from allies.monitoring.delivery import alert_url
from allies.monitoring.models import (
    Alert,
    AlertRule,
    AlertStatus,
    Evaluation,
    EvaluationKpi,
    Severity,
    Survey,
    SurveyAnswer,
    WebhookEndpoint,
)
from allies.monitoring.watch import describe, describe_method
from allies.web.decorators import internal_required, writer_required


def _require_writer(request) -> None:
    if not request.user.can_write:
        raise PermissionDenied


def _evaluation(request, pk: int) -> Evaluation:
    return get_visible(Evaluation.objects.select_related("agreement", "created_by"), request.user, pk=pk)


def _alert(request, pk: int) -> Alert:
    return get_visible(Alert.objects.select_related("agreement", "owner", "partner"), request.user, pk=pk)


@login_required
def evaluation_index(request):
    user = request.user
    agreements = selectors.agreement_list(user=user)
    form = None
    if user.can_write:
        last_year, last_quarter = kpi_math.previous_period(kpi_math.QUARTER, timezone.localdate())
        form = forms.EvaluationForm(agreements=agreements, initial={
            "period_type": kpi_math.QUARTER, "year": last_year, "number": last_quarter})
    page = Paginator(selectors.evaluation_list(user=user), 25).get_page(request.GET.get("page"))
    return render(request, "monitoring/list.html", {
        "page": page, "form": form, "cards": selectors.alliances_by_health(user=user)})


@login_required
@require_POST
def evaluation_create(request):
    _require_writer(request)
    agreements = selectors.agreement_list(user=request.user)
    form = forms.EvaluationForm(request.POST, agreements=agreements)
    if form.is_valid():
        d = form.cleaned_data
        try:
            evaluation = services.evaluation_create(actor=request.user, agreement=d["agreement"],
                                                    period_type=d["period_type"], year=d["year"], number=d["number"])
        except DomainError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已创建评估：{name}。").format(name=evaluation))
            return redirect("monitoring:evaluation", pk=evaluation.pk)
    page = Paginator(selectors.evaluation_list(user=request.user), 25).get_page(1)
    return render(request, "monitoring/list.html", {
        "page": page, "form": form, "cards": selectors.alliances_by_health(user=request.user)}, status=422)


def _survey_context(request, evaluation: Evaluation, answer_form=None, send_form=None) -> dict:
    user = request.user
    survey = Survey.objects.filter(evaluation=evaluation).first()
    context = {"survey": survey}
    if survey is None:
        if user.can_write:
            context["send_form"] = send_form or forms.SurveySendForm(agreement=evaluation.agreement)
        return context
    results = selectors.survey_results(survey)
    context["results"] = results
    context["side_chart"] = charts.survey_sides(results)
    trend = selectors.survey_trend(user=user, agreement=evaluation.agreement)
    context["trend_chart"] = charts.survey_trend(trend) if len(trend) > 1 else ""
    mine = SurveyAnswer.objects.filter(survey=survey, respondent=user).first()
    context["my_answer"] = mine
    initial = {**mine.scores(), "comment": mine.comment} if mine else {}
    context["answer_form"] = answer_form or forms.AnswerForm(initial=initial)
    return context


def _detail(request, evaluation: Evaluation, status: int = 200, **bound):
    card = selectors.scorecard(evaluation)
    kpis = list(evaluation.kpis.all())
    context = {
        "evaluation": evaluation,
        "kpis": kpis,
        "card": card,
        "formula": selectors.health_formula(card.health),
        "decisions": list(evaluation.decisions.select_related("decided_by")),
        "can_write": request.user.can_write,
        "kpi_form": bound.get("kpi_form") or forms.KpiForm(),
        "decision_form": bound.get("decision_form") or forms.DecisionForm(),
        "summary_form": bound.get("summary_form") or forms.SummaryForm(initial={"summary": evaluation.summary}),
        "kpi_errors": bound.get("kpi_errors") or {},
        "alerts": list(selectors.alert_list(user=request.user, agreement_id=evaluation.agreement_id,
                                            status="active")[:10]),
        **_survey_context(request, evaluation, bound.get("answer_form"), bound.get("send_form")),
    }
    return render(request, "monitoring/detail.html", context, status=status)


@login_required
def evaluation_detail(request, pk: int):
    return _detail(request, _evaluation(request, pk))


@login_required
@require_POST
def evaluation_refresh(request, pk: int):
    evaluation = _evaluation(request, pk)
    _require_writer(request)
    services.evaluation_refresh(actor=request.user, evaluation=evaluation)
    messages.success(request, _("已从试点和共享销售数据重新取数。"))
    return redirect("monitoring:evaluation", pk=pk)


@login_required
@require_POST
def kpi_add(request, pk: int):
    evaluation = _evaluation(request, pk)
    _require_writer(request)
    form = forms.KpiForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_kpi_add(actor=request.user, evaluation=evaluation, data=form.cleaned_data)
        except DomainError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已添加指标。"))
            return redirect("monitoring:evaluation", pk=pk)
    return _detail(request, evaluation, 422, kpi_form=form)


@login_required
@require_POST
def kpi_edit(request, pk: int, kpi_id: int):
    evaluation = _evaluation(request, pk)
    _require_writer(request)
    kpi = get_object_or_404(EvaluationKpi, evaluation=evaluation, pk=kpi_id)
    form = forms.KpiEditForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in request.POST}
        if kpi.source != "manual":
            data.pop("actual", None)
        try:
            services.evaluation_kpi_update(actor=request.user, kpi=kpi, data=data)
        except DomainError as exc:
            return _detail(request, evaluation, 422, kpi_errors={kpi.pk: exc.message})
        messages.success(request, _("已保存。"))
        return redirect("monitoring:evaluation", pk=pk)
    errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
    return _detail(request, evaluation, 422, kpi_errors={kpi.pk: errors})


@login_required
@require_POST
def decision_add(request, pk: int):
    evaluation = _evaluation(request, pk)
    _require_writer(request)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_decision_add(actor=request.user, evaluation=evaluation, **form.cleaned_data)
        except DomainError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已记录决定。"))
            return redirect("monitoring:evaluation", pk=pk)
    return _detail(request, evaluation, 422, decision_form=form)


@login_required
@require_POST
def summary_edit(request, pk: int):
    evaluation = _evaluation(request, pk)
    _require_writer(request)
    form = forms.SummaryForm(request.POST)
    if form.is_valid():
        services.evaluation_update(actor=request.user, evaluation=evaluation, summary=form.cleaned_data["summary"])
        messages.success(request, _("已保存。"))
        return redirect("monitoring:evaluation", pk=pk)
    return _detail(request, evaluation, 422, summary_form=form)


@login_required
@require_POST
def survey_send(request, pk: int):
    evaluation = _evaluation(request, pk)
    _require_writer(request)
    form = forms.SurveySendForm(request.POST, agreement=evaluation.agreement)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.survey_send(actor=request.user, evaluation=evaluation, recipients=list(d["recipients"]),
                                 anonymous=d["anonymous"], closes_on=d["closes_on"])
        except DomainError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("问卷已发出。"))
            return redirect("monitoring:evaluation", pk=pk)
    return _detail(request, evaluation, 422, send_form=form)


@login_required
@require_POST
def survey_answer(request, pk: int):
    evaluation = _evaluation(request, pk)
    survey = get_object_or_404(Survey, evaluation=evaluation)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        scores = {d: form.cleaned_data[d] for d in kpi_math.SURVEY_DIMENSIONS}
        try:
            services.survey_answer(actor=request.user, survey=survey, scores=scores,
                                   comment=form.cleaned_data["comment"])
        except DomainError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("谢谢，已收到你的答卷。"))
            return redirect("monitoring:evaluation", pk=pk)
    return _detail(request, evaluation, 422, answer_form=form)


@login_required
def alliance_detail(request, agreement_id: int):
    agreement = get_visible(Agreement.objects, request.user, pk=agreement_id)
    evaluations = list(selectors.evaluation_list(user=request.user, agreement_id=agreement.pk))
    cards = [selectors.scorecard(e) for e in evaluations]
    trend = selectors.survey_trend(user=request.user, agreement=agreement)
    return render(request, "monitoring/alliance.html", {
        "agreement": agreement, "cards": cards,
        "trend_chart": charts.survey_trend(trend) if trend else "",
        "health_chart": charts.health_trend(list(reversed(cards))) if cards else "",
        "alerts": list(selectors.alert_list(user=request.user, agreement_id=agreement.pk)[:20]),
    })


def alert_view(alert: Alert) -> dict:
    title, summary = describe(alert.rule, alert.evidence.get("params", {}))
    return {"alert": alert, "title": title, "summary": summary}


@login_required
def alert_index(request):
    status = request.GET.get("status", "active")
    severity = request.GET.get("severity", "")
    qs = selectors.alert_list(user=request.user, status=status if status in {
        "active", *AlertStatus.values} else "", severity=severity if severity in Severity.values else "")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "monitoring/alerts.html", {
        "page": page, "rows": [alert_view(a) for a in page], "status": status, "severity": severity,
        "statuses": AlertStatus.choices, "severities": Severity.choices,
        "rules": [(label, describe_method(value)) for value, label in AlertRule.choices],
    })


def _alert_page(request, alert: Alert, status: int = 200, **bound):
    user = request.user
    return render(request, "monitoring/alert.html", {
        **alert_view(alert),
        "method": describe_method(alert.rule),
        "chart": charts.alert_chart(alert),
        "numbers": charts.alert_numbers(alert),
        "can_write": user.can_write,
        "can_convert": user.can_write and not alert.conflict_id,
        "assign_form": bound.get("assign_form") or forms.AssignForm(initial={"owner": alert.owner_id}),
        "resolve_form": bound.get("resolve_form") or forms.ResolveForm(),
        "deliveries": list(alert.deliveries.select_related("endpoint")) if user.is_internal else [],
    }, status=status)


@login_required
def alert_detail(request, pk: int):
    return _alert_page(request, _alert(request, pk))


def _alert_action(request, pk: int, action):
    alert = _alert(request, pk)
    _require_writer(request)
    try:
        action(alert)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("monitoring:alert", pk=pk)


@login_required
@require_POST
def alert_acknowledge(request, pk: int):
    return _alert_action(request, pk, lambda a: services.alert_acknowledge(actor=request.user, alert=a))


@login_required
@require_POST
def alert_resolve(request, pk: int):
    form = forms.ResolveForm(request.POST)
    form.is_valid()
    return _alert_action(request, pk, lambda a: services.alert_resolve(
        actor=request.user, alert=a, resolution=form.cleaned_data.get("resolution", "")))


@login_required
@require_POST
def alert_assign(request, pk: int):
    alert = _alert(request, pk)
    _require_writer(request)
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return _alert_page(request, alert, 422, assign_form=form)
    services.alert_assign(actor=request.user, alert=alert, owner=form.cleaned_data["owner"])
    messages.success(request, _("已保存。"))
    return redirect("monitoring:alert", pk=pk)


@login_required
@require_POST
def alert_conflict(request, pk: int):
    alert = _alert(request, pk)
    _require_writer(request)
    try:
        conflict = services.alert_to_conflict(actor=request.user, alert=alert,
                                              url=request.build_absolute_uri(alert_url(alert)))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:alert", pk=pk)
    messages.success(request, _("已转为冲突：{title}。").format(title=conflict.title))
    url = getattr(conflict, "get_absolute_url", None)
    return redirect(url() if url else "monitoring:alert", **({} if url else {"pk": pk}))


@internal_required
def webhook_index(request):
    form = forms.WebhookForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.webhook_create(actor=request.user, data=form.cleaned_data)
            except DomainError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(request, _("已添加推送地址。"))
                return redirect("monitoring:webhooks")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "monitoring/webhooks.html", {
        "endpoints": WebhookEndpoint.objects.all(), "form": form}, status=status)


@writer_required
def webhook_edit(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    initial = {f: getattr(endpoint, f) for f in ("name", "kind", "url", "min_severity", "enabled")}
    form = forms.WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("secret"):
            data.pop("secret", None)
        try:
            services.webhook_update(actor=request.user, endpoint=endpoint, data=data)
        except DomainError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("monitoring:webhooks")
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "monitoring/webhook_form.html", {"endpoint": endpoint, "form": form}, status=status)


@writer_required
@require_POST
def webhook_delete(request, pk: int):
    services.webhook_delete(actor=request.user, endpoint=get_object_or_404(WebhookEndpoint, pk=pk))
    messages.success(request, _("已删除。"))
    return redirect("monitoring:webhooks")
