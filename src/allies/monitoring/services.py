"""Writes of monitoring: evaluations (KPIs pulled from pilots and shared sales, decisions),
health surveys and their answers, alert handling, and webhook endpoints."""

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.domain import kpi as kpi_math
from allies.monitoring.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    Alert,
    AlertStatus,
    DecisionKind,
    Evaluation,
    EvaluationDecision,
    EvaluationKpi,
    KpiSource,
    PeriodType,
    Severity,
    Side,
    Survey,
    SurveyAnswer,
    SurveyRecipient,
    WebhookEndpoint,
    WebhookKind,
)

MAX_VALUE = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES) - 1


def _invalid(code: ErrorCode, field: str, value, reason: str) -> DomainError:
    return DomainError(code, reason, {"errors": [{"field": field, "value": value, "reason": reason}]})


def _choice(value: str, choices, field: str, code=ErrorCode.VALIDATION) -> str:
    values = [c[0] for c in choices]
    if value not in values:
        raise _invalid(code, field, value, _("“{value}”不是有效的取值，可选：{options}。").format(
            value=value, options="、".join(values)))
    return value


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _invalid(ErrorCode.VALIDATION, field, str(value), _("请输入数字。")) from exc
    if not number.is_finite() or abs(number) > MAX_VALUE:
        raise _invalid(ErrorCode.VALIDATION, field, str(value), _("数值超出范围。"))
    return number.quantize(Decimal(1).scaleb(-VALUE_PLACES))


# --------------------------------------------------------------------------- evaluations


def _sales_actual(partner, agreement, start: date, end: date) -> Decimal | None:
    from allies.sharing.models import SalesMonthly

    rows = SalesMonthly.objects.filter(partner=partner, currency=agreement.currency,
                                       month__gte=start.replace(day=1), month__lte=end)
    if not rows.exists():
        return None
    return Decimal(rows.aggregate(total=Sum("amount"))["total"] or 0) / 100


def _sourced_kpis(evaluation: Evaluation) -> list[dict]:
    """KPI rows the data can fill: each partner's shared sales, and the KPIs of pilots with the alliance's
    partners that ran during the period (latest measurement up to the period's end)."""
    from allies.pilots.models import Measurement, Pilot

    agreement = evaluation.agreement
    start, end = evaluation.period_start, evaluation.period_end
    rows: list[dict] = []
    previous = {k.name: k.target for k in EvaluationKpi.objects.filter(
        evaluation__agreement=agreement, evaluation__period_start__lt=start, target__isnull=False,
    ).order_by("evaluation__period_start")}
    for partner in agreement.partners.order_by("name"):
        actual = _sales_actual(partner, agreement, start, end)
        if actual is None:
            continue
        name = _("{partner}销售额").format(partner=partner.name)[:100]
        rows.append({"name": name, "unit": agreement.currency, "direction": kpi_math.HIGHER, "actual": actual,
                     "target": previous.get(name), "source": KpiSource.SALES, "source_ref": f"partner:{partner.pk}"})
    pilots = Pilot.objects.filter(partners__in=agreement.partners.all(), start_date__lte=end,
                                  end_date__gte=start).distinct().order_by("start_date", "id")
    for pilot in pilots:
        for kpi in pilot.kpis.all():
            latest = Measurement.objects.filter(kpi=kpi, date__lte=end).order_by("-date").first()
            rows.append({"name": f"{pilot.title}·{kpi.name}"[:100], "unit": kpi.unit, "direction": kpi.direction,
                         "target": kpi.target, "actual": latest.value if latest else None, "margin": kpi.margin,
                         "source": KpiSource.PILOT, "source_ref": f"pilot_kpi:{kpi.pk}"})
    return rows


def evaluation_create(*, actor, agreement, period_type: str, year: int, number: int) -> Evaluation:
    """Open the evaluation of an alliance for one period, with the KPIs its data can fill."""
    require_writer(actor)
    _choice(period_type, PeriodType.choices, "period_type", ErrorCode.INVALID_PERIOD)
    try:
        start, end = kpi_math.period_bounds(period_type, year, number)
    except ValueError as exc:
        raise _invalid(ErrorCode.INVALID_PERIOD, "number", number,
                       _("季度为 1 到 4，半年为 1 到 2；年份须在 1 到 9998 之间。")) from exc
    if Evaluation.objects.filter(agreement=agreement, period_type=period_type, year=year, number=number).exists():
        raise DomainError(ErrorCode.CONFLICT, _("该联盟这一期的评估已经存在。"),
                          {"errors": [{"field": "number", "value": number, "reason": _("已存在")}]})
    try:
        with transaction.atomic(), acting_as(actor):
            evaluation = Evaluation.objects.create(agreement=agreement, period_type=period_type, year=year,
                                                   number=number, period_start=start, period_end=end,
                                                   created_by=actor)
            for position, row in enumerate(_sourced_kpis(evaluation)):
                EvaluationKpi.objects.create(evaluation=evaluation, position=position, **row)
    except IntegrityError as exc:
        raise DomainError(ErrorCode.CONFLICT, _("该联盟这一期的评估已经存在。")) from exc
    return evaluation


def evaluation_refresh(*, actor, evaluation: Evaluation) -> Evaluation:
    """Pull the actuals again from pilots and shared sales (targets and explanations are kept)."""
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        existing = {k.source_ref: k for k in evaluation.kpis.exclude(source=KpiSource.MANUAL)}
        position = evaluation.kpis.count()
        for row in _sourced_kpis(evaluation):
            kpi = existing.get(row["source_ref"])
            if kpi is None:
                if evaluation.kpis.filter(name=row["name"]).exists():
                    continue
                EvaluationKpi.objects.create(evaluation=evaluation, position=position, **row)
                position += 1
            elif kpi.actual != row["actual"]:
                kpi.actual = row["actual"]
                kpi.save(update_fields=["actual"])
        evaluation.save(update_fields=["updated_at"])
    return evaluation


def evaluation_update(*, actor, evaluation: Evaluation, summary: str) -> Evaluation:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        evaluation.summary = summary
        evaluation.save(update_fields=["summary", "updated_at"])
    return evaluation


def _clean_kpi(data: dict, *, partial: bool) -> dict:
    out = {}
    for field in ("name", "unit"):
        if field in data:
            value = (data[field] or "").strip()
            if not value:
                raise _invalid(ErrorCode.INVALID_KPI, field, data[field], _("此项不能为空。"))
            out[field] = value[:100 if field == "name" else 20]
        elif not partial:
            raise _invalid(ErrorCode.INVALID_KPI, field, None, _("此项不能为空。"))
    if "direction" in data and data["direction"] is not None:
        if data["direction"] not in kpi_math.DIRECTIONS:
            raise _invalid(ErrorCode.INVALID_KPI, "direction", data["direction"], _("方向只能是 higher 或 lower。"))
        out["direction"] = data["direction"]
    for field in ("target", "actual"):
        if field in data:
            out[field] = _decimal(data[field], field)
    if "margin" in data and data["margin"] is not None:
        margin = float(data["margin"])
        if not 0 <= margin <= 0.5:
            raise _invalid(ErrorCode.INVALID_KPI, "margin", data["margin"], _("预警幅度须在 0 到 0.5 之间。"))
        out["margin"] = margin
    if "explanation" in data and data["explanation"] is not None:
        out["explanation"] = data["explanation"]
    return out


def evaluation_kpi_add(*, actor, evaluation: Evaluation, data: dict) -> EvaluationKpi:
    """A KPI entered by hand (no pilot or sales data for it)."""
    require_writer(actor)
    cleaned = _clean_kpi(data, partial=False)
    if evaluation.kpis.filter(name=cleaned["name"]).exists():
        raise _invalid(ErrorCode.CONFLICT, "name", cleaned["name"], _("本次评估已有同名指标。"))
    with transaction.atomic(), acting_as(actor):
        return EvaluationKpi.objects.create(evaluation=evaluation, source=KpiSource.MANUAL,
                                            position=evaluation.kpis.count(), **cleaned)


def evaluation_kpi_update(*, actor, kpi: EvaluationKpi, data: dict) -> EvaluationKpi:
    """Set a target, an actual (a sourced actual is overwritten only by refresh), or the deviation's explanation."""
    require_writer(actor)
    cleaned = _clean_kpi(data, partial=True)
    if "name" in cleaned and kpi.evaluation.kpis.exclude(pk=kpi.pk).filter(name=cleaned["name"]).exists():
        raise _invalid(ErrorCode.CONFLICT, "name", cleaned["name"], _("本次评估已有同名指标。"))
    if kpi.source != KpiSource.MANUAL and "actual" in cleaned and cleaned["actual"] != kpi.actual:
        raise _invalid(ErrorCode.INVALID_KPI, "actual", data.get("actual"),
                       _("实际值来自{source}，请用“重新取数”更新。").format(source=kpi.get_source_display()))
    if not cleaned:
        return kpi
    with transaction.atomic(), acting_as(actor):
        for field, value in cleaned.items():
            setattr(kpi, field, value)
        kpi.save(update_fields=list(cleaned))
    return kpi


def evaluation_decision_add(*, actor, evaluation: Evaluation, kind: str, text: str) -> EvaluationDecision:
    require_writer(actor)
    _choice(kind, DecisionKind.choices, "kind")
    if not (text or "").strip():
        raise _invalid(ErrorCode.VALIDATION, "text", text, _("请填写决定内容。"))
    with transaction.atomic(), acting_as(actor):
        return EvaluationDecision.objects.create(evaluation=evaluation, kind=kind, text=text.strip(),
                                                 decided_by=actor)


# --------------------------------------------------------------------------- health survey


def survey_send(*, actor, evaluation: Evaluation, recipients, anonymous: bool = True,
                closes_on: date | None = None) -> Survey:
    """Send the health survey to people on both sides (our staff, the alliance's partner users)."""
    require_writer(actor)
    party_ids = set(evaluation.agreement.partners.values_list("pk", flat=True))
    rows = []
    for user in recipients:
        if user.is_internal:
            rows.append((user, Side.OURS))
        elif user.is_partner_user and user.partner_id in party_ids:
            rows.append((user, Side.PARTNER))
        else:
            raise _invalid(ErrorCode.VALIDATION, "recipient_ids", user.pk,
                           _("“{user}”既不是我方成员，也不属于该联盟的伙伴方。").format(user=user.username))
    if closes_on is not None and closes_on < timezone.localdate():
        raise _invalid(ErrorCode.INVALID_DATES, "closes_on", closes_on.isoformat(), _("截止日期不能早于今天。"))
    if Survey.objects.filter(evaluation=evaluation).exists():
        raise DomainError(ErrorCode.CONFLICT, _("本次评估的问卷已经发出。"))
    with transaction.atomic(), acting_as(actor):
        survey = Survey.objects.create(evaluation=evaluation, anonymous=anonymous, closes_on=closes_on,
                                       sent_by=actor)
        for user, side in rows:
            SurveyRecipient.objects.get_or_create(survey=survey, user=user, defaults={"side": side})
    emails = sorted({u.email for u, _side in rows if u.email})
    if emails:
        # After the commit: a mail server that is down must not undo the survey.
        subject = _("请填写合作健康度问卷：{alliance} {period}").format(alliance=evaluation.agreement.title,
                                                                     period=evaluation.period_label)
        send_mail(subject, _("请登录盟友系统，在“评估与预警”中作答（1-5 分，约 3 分钟）。"), None, emails,
                  fail_silently=True)
    return survey


def survey_answer(*, actor, survey: Survey, scores: dict, comment: str = "") -> tuple[SurveyAnswer, bool]:
    """Record (or replace) the actor's answer; every score must be a whole number from 1 to 5."""
    if not getattr(actor, "is_authenticated", False):
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    problems = []
    for dim in kpi_math.SURVEY_DIMENSIONS:
        value = scores.get(dim)
        try:
            kpi_math.check_score(value)
        except ValueError:
            problems.append({"field": dim, "value": value, "reason": _("请选择 1 到 5 之间的整数分。")})
    if problems:
        raise DomainError(ErrorCode.INVALID_SURVEY_ANSWER,
                          _("问卷答案须为 1 到 5 分：{fields}。").format(
                              fields="、".join(str(p["field"]) for p in problems)), {"errors": problems})
    if survey.closes_on and timezone.localdate() > survey.closes_on:
        raise DomainError(ErrorCode.CONFLICT, _("问卷已于 {date} 截止。").format(date=survey.closes_on))
    if actor.is_internal:
        side, partner = Side.OURS, None
    elif actor.is_partner_user and survey.evaluation.agreement.partners.filter(pk=actor.partner_id).exists():
        side, partner = Side.PARTNER, actor.partner
    else:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("你不是该联盟的成员。"))
    values = {d: scores[d] for d in kpi_math.SURVEY_DIMENSIONS}
    with transaction.atomic(), acting_as(actor):
        answer, created = SurveyAnswer.objects.update_or_create(
            survey=survey, respondent=actor,
            defaults={**values, "side": side, "partner": partner, "comment": (comment or "")[:4000]})
    return answer, created


# --------------------------------------------------------------------------- alerts


def alert_acknowledge(*, actor, alert: Alert) -> Alert:
    require_writer(actor)
    if alert.status == AlertStatus.RESOLVED:
        raise DomainError(ErrorCode.CONFLICT, _("预警已解决，不能再确认。"))
    with transaction.atomic(), acting_as(actor):
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
        if alert.owner_id is None:
            alert.owner = actor
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "owner"])
    return alert


def alert_resolve(*, actor, alert: Alert, resolution: str = "") -> Alert:
    require_writer(actor)
    if alert.status == AlertStatus.RESOLVED:
        return alert
    with transaction.atomic(), acting_as(actor):
        alert.status = AlertStatus.RESOLVED
        alert.resolved_by, alert.resolved_at = actor, timezone.now()
        alert.resolution = resolution or ""
        alert.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    return alert


def alert_assign(*, actor, alert: Alert, owner) -> Alert:
    require_writer(actor)
    if owner is not None and not owner.is_internal:
        raise _invalid(ErrorCode.VALIDATION, "owner_id", owner.pk, _("负责人须为我方成员。"))
    with transaction.atomic(), acting_as(actor):
        alert.owner = owner
        alert.save(update_fields=["owner"])
    return alert


CONFLICT_KIND_FOR_RULE = {
    "kpi_below_target": "underperformance",
    "metric_drop": "underperformance",
    "sales_missing": "poor_communication",
    "action_overdue": "underperformance",
    "agreement_deadline": "goal_misalignment",
    "survey_low": "poor_communication",
    "survey_divergence": "goal_misalignment",
}


def alert_to_conflict(*, actor, alert: Alert, kind: str = "", url: str = ""):
    """Open a conflict in governance with this alert as its evidence; the alert is acknowledged."""
    require_writer(actor)
    from allies.governance.services import conflict_raise

    if alert.conflict_id:
        raise DomainError(ErrorCode.CONFLICT, _("该预警已转为冲突。"), {"conflict_id": alert.conflict_id})
    kind = kind or CONFLICT_KIND_FOR_RULE.get(alert.rule, "underperformance")
    description = alert.evidence.get("summary", "") or alert.title
    with transaction.atomic(), acting_as(actor):
        conflict = conflict_raise(actor=actor, agreement=alert.agreement, kind=kind, title=alert.title[:200],
                                  description=description, evidence=[("alert", alert.pk, alert.title, url)])
        alert.conflict_id = conflict.pk
        fields = ["conflict_id"]
        if alert.status == AlertStatus.OPEN:
            alert.status = AlertStatus.ACKNOWLEDGED
            alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
            fields += ["status", "acknowledged_by", "acknowledged_at"]
        alert.save(update_fields=fields)
    return conflict


# --------------------------------------------------------------------------- webhook endpoints


def _clean_webhook(data: dict, *, partial: bool) -> dict:
    out = {}
    if "name" in data or not partial:
        name = (data.get("name") or "").strip()
        if not name:
            raise _invalid(ErrorCode.INVALID_WEBHOOK, "name", data.get("name"), _("请填写名称。"))
        out["name"] = name[:100]
    if "kind" in data or not partial:
        out["kind"] = _choice(data.get("kind") or "", WebhookKind.choices, "kind", ErrorCode.INVALID_WEBHOOK)
    if "url" in data or not partial:
        url = (data.get("url") or "").strip()
        parts = urlsplit(url) if len(url) <= 500 else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise _invalid(ErrorCode.INVALID_WEBHOOK, "url", url[:200],
                           _("Webhook 地址须以 http:// 或 https:// 开头，并包含主机名。"))
        out["url"] = url
    if data.get("secret") is not None:
        out["secret"] = data["secret"].strip()[:200]
    if data.get("min_severity") is not None:
        out["min_severity"] = _choice(data["min_severity"], Severity.choices, "min_severity",
                                      ErrorCode.INVALID_WEBHOOK)
    if data.get("enabled") is not None:
        out["enabled"] = bool(data["enabled"])
    return out


def webhook_create(*, actor, data: dict) -> WebhookEndpoint:
    require_writer(actor)
    cleaned = _clean_webhook(data, partial=False)
    with transaction.atomic(), acting_as(actor):
        return WebhookEndpoint.objects.create(**cleaned, created_by=actor)


def webhook_update(*, actor, endpoint: WebhookEndpoint, data: dict) -> WebhookEndpoint:
    require_writer(actor)
    cleaned = _clean_webhook(data, partial=True)
    if cleaned:
        with transaction.atomic(), acting_as(actor):
            for field, value in cleaned.items():
                setattr(endpoint, field, value)
            endpoint.save(update_fields=list(cleaned))
    return endpoint


def webhook_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        endpoint.delete()
