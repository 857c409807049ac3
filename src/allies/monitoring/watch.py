"""Early warning: the rules `allies watch` evaluates over the data, and the one place alerts are raised.

Each detector turns data into findings; a finding names its condition with a stable
``dedupe_key`` (e.g. ``metric_drop:sales:<agreement>:<partner>:2026-10``). Raising inserts
the alert under a unique constraint, so the same condition never raises a second alert,
also when two runs (two cron machines) evaluate it at the same moment.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allies.domain import kpi as kpi_math
from allies.monitoring.models import Alert, AlertRule, Dimension, Evaluation, Severity, Survey, period_label

# The rules' parameters, shown to users beside each alert (see describe_method).
DROP_WINDOW = 3  # months in the trailing mean
DROP_SHARE = 0.20  # a fall of 20 % or more against the trailing mean
EWMA_ALPHA, EWMA_WIDTH = 0.3, 3.0
SALES_GRACE_DAYS = 10  # a month's sales are due by the 10th of the next month
DEADLINE_DAYS = 60
SURVEY_FLOOR = 3.0  # a dimension's mean under 3 of 5
SURVEY_GAP = 1.0  # the two sides' means one point or more apart
SURVEY_MIN_ANSWERS = 3


@dataclass
class Finding:
    rule: str
    key: str
    agreement: object
    severity: str
    params: dict
    partner: object = None
    owner: object = None
    series: dict | None = None


@dataclass
class WatchSummary:
    checked: dict[str, int] = field(default_factory=dict)
    raised: list[Alert] = field(default_factory=list)
    already_known: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def _signed_agreements():
    from allies.agreements.choices import AgreementStatus
    from allies.agreements.models import Agreement

    return Agreement.objects.filter(status=AgreementStatus.SIGNED).prefetch_related("partners").order_by("pk")


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _previous_month(day: date) -> date:
    return _month_start(_month_start(day) - timedelta(days=1))


# --------------------------------------------------------------------------- detectors


def detect_kpi_below_target(today: date) -> Iterator[Finding]:
    """Latest evaluation of each signed alliance: a KPI whose attainment is under 1 - margin."""
    seen = set()
    for evaluation in Evaluation.objects.filter(agreement__in=_signed_agreements()).select_related(
            "agreement").order_by("agreement_id", "-period_start"):
        if evaluation.agreement_id in seen:
            continue
        seen.add(evaluation.agreement_id)
        for kpi in evaluation.kpis.all():
            if kpi.target is None or kpi.actual is None:
                continue
            target, actual = float(kpi.target), float(kpi.actual)
            if not kpi_math.below_target(target, actual, kpi.direction, kpi.margin):
                continue
            share = kpi_math.attainment(target, actual, kpi.direction)
            severity = Severity.CRITICAL if share < 1 - 2 * kpi.margin else Severity.WARNING
            yield Finding(AlertRule.KPI_BELOW_TARGET, f"kpi_below_target:{kpi.pk}", evaluation.agreement, severity,
                          {"kpi": kpi.name, "unit": kpi.unit, "target": target, "actual": actual,
                           "attainment": share, "margin": kpi.margin, "period": evaluation.period_key,
                           "evaluation_id": evaluation.pk},
                          owner=evaluation.agreement.created_by,
                          series={"labels": [_("目标"), _("实际")], "values": [target, actual]})


def _monthly_sales(partner_ids: list[int], currency: str, before: date) -> dict[int, list[tuple[date, float]]]:
    from allies.sharing.models import SalesMonthly

    rows = (SalesMonthly.objects.filter(partner_id__in=partner_ids, currency=currency, month__lt=before)
            .values("partner_id", "month").annotate(total=Sum("amount")).order_by("partner_id", "month"))
    out: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for row in rows:
        out[row["partner_id"]].append((row["month"], row["total"] / 100))
    return out


def detect_sales(today: date) -> Iterator[Finding]:
    """Per partner of a signed alliance, monthly shared sales up to the last complete month:
    a drop against the trailing mean (with the EWMA limit for severity), and a month not received."""
    this_month = _month_start(today)
    due = _previous_month(today)
    for agreement in _signed_agreements():
        partners = list(agreement.partners.all())
        series = _monthly_sales([p.pk for p in partners], agreement.currency, this_month)
        for partner in partners:
            points = series.get(partner.pk, [])
            if not points:
                continue
            last_month = points[-1][0]
            if last_month < due and today.day > SALES_GRACE_DAYS:
                yield Finding(AlertRule.SALES_MISSING, f"sales_missing:{agreement.pk}:{partner.pk}:{due:%Y-%m}",
                              agreement, Severity.WARNING,
                              {"partner": partner.name, "month": f"{due:%Y-%m}", "last_month": f"{last_month:%Y-%m}"},
                              partner=partner, owner=agreement.created_by)
            values = [v for _m, v in points]
            change = kpi_math.change_vs_trailing_mean(values, DROP_WINDOW)
            if change is None or not kpi_math.drop_detected(values, DROP_WINDOW, DROP_SHARE):
                continue
            ewma = kpi_math.ewma_lower_limit_check(values[-(DROP_WINDOW * 4):], EWMA_ALPHA, EWMA_WIDTH)
            severity = Severity.CRITICAL if ewma and ewma.breached else Severity.WARNING
            mean = kpi_math.trailing_mean(values, DROP_WINDOW)
            recent = points[-12:]
            yield Finding(
                AlertRule.METRIC_DROP, f"metric_drop:sales:{agreement.pk}:{partner.pk}:{last_month:%Y-%m}",
                agreement, severity,
                {"metric": "sales", "partner": partner.name, "month": f"{last_month:%Y-%m}", "value": values[-1],
                 "trailing_mean": mean, "change": change, "window": DROP_WINDOW, "drop": DROP_SHARE,
                 "currency": agreement.currency,
                 "ewma": ewma.ewma if ewma else None, "ewma_limit": ewma.lower_limit if ewma else None},
                partner=partner, owner=agreement.created_by,
                series={"labels": [f"{m:%Y-%m}" for m, _v in recent], "values": [v for _m, v in recent],
                        "reference": mean})


def detect_overdue_actions(today: date) -> Iterator[Finding]:
    """Overdue action items of the governance stage."""
    from allies.governance.selectors import overdue_action_items

    for item in overdue_action_items(today=today).select_related("agreement", "owner"):
        days = (today - item.due_date).days
        yield Finding(AlertRule.ACTION_OVERDUE, f"action_overdue:{item.pk}", item.agreement,
                      Severity.CRITICAL if days > 14 else Severity.WARNING,
                      {"action": item.title, "due_date": item.due_date.isoformat(), "days": days,
                       "owner": item.owner.get_full_name() or item.owner.username},
                      owner=item.owner)


def detect_deadlines(today: date) -> Iterator[Finding]:
    """An agreement's end of term or notice date within the next DEADLINE_DAYS days."""
    from allies.agreements.selectors import upcoming_deadlines

    for deadline in upcoming_deadlines(today=today, within_days=DEADLINE_DAYS):
        days = (deadline.date - today).days
        agreement = deadline.agreement
        yield Finding(AlertRule.AGREEMENT_DEADLINE,
                      f"agreement_deadline:{agreement.pk}:{deadline.kind}:{deadline.date.isoformat()}", agreement,
                      Severity.CRITICAL if days <= 14 else Severity.WARNING,
                      {"kind": deadline.kind, "date": deadline.date.isoformat(), "days": days},
                      owner=agreement.created_by)


def detect_survey(today: date) -> Iterator[Finding]:
    """Latest survey of each signed alliance: a dimension under SURVEY_FLOOR, or sides SURVEY_GAP apart."""
    from allies.monitoring.selectors import survey_results

    seen = set()
    for survey in Survey.objects.filter(evaluation__agreement__in=_signed_agreements()).select_related(
            "evaluation__agreement").order_by("evaluation__agreement_id", "-evaluation__period_start"):
        agreement = survey.evaluation.agreement
        if agreement.pk in seen:
            continue
        seen.add(agreement.pk)
        results = survey_results(survey)
        if results.answered < SURVEY_MIN_ANSWERS:
            continue
        period = survey.evaluation.period_key
        for dim in kpi_math.SURVEY_DIMENSIONS:
            mean = results.overall[dim]
            if mean is not None and mean < SURVEY_FLOOR:
                yield Finding(AlertRule.SURVEY_LOW, f"survey_low:{survey.pk}:{dim}", agreement, Severity.WARNING,
                              {"dimension": dim, "mean": mean, "floor": SURVEY_FLOOR, "period": period,
                               "evaluation_id": survey.evaluation_id},
                              owner=agreement.created_by)
            gap = results.gaps[dim]
            if gap is not None and gap >= SURVEY_GAP - kpi_math.TOLERANCE:
                ours, theirs = (s.means[dim] for s in results.sides)
                yield Finding(AlertRule.SURVEY_DIVERGENCE, f"survey_divergence:{survey.pk}:{dim}", agreement,
                              Severity.WARNING,
                              {"dimension": dim, "ours": ours, "partner": theirs, "gap": gap, "limit": SURVEY_GAP,
                               "period": period, "evaluation_id": survey.evaluation_id},
                              owner=agreement.created_by,
                              series={"labels": [_("我方"), _("伙伴方")], "values": [ours, theirs]})


DETECTORS: list[tuple[str, Callable[[date], Iterator[Finding]]]] = [
    (AlertRule.KPI_BELOW_TARGET, detect_kpi_below_target),
    (AlertRule.METRIC_DROP, detect_sales),
    (AlertRule.ACTION_OVERDUE, detect_overdue_actions),
    (AlertRule.AGREEMENT_DEADLINE, detect_deadlines),
    (AlertRule.SURVEY_LOW, detect_survey),
]


# --------------------------------------------------------------------------- readable texts


def _pct(x) -> str:
    return f"{x * 100:.0f}%" if x is not None else "—"


def _num(x) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if isinstance(x, float | int) else "—"


def describe(rule: str, p: dict) -> tuple[str, str]:
    """The alert's title and a sentence with its numbers, in the active language."""
    if isinstance(p.get("period"), list):
        p = {**p, "period": period_label(*p["period"])}
    dim = dict(Dimension.choices).get(p.get("dimension", ""), p.get("dimension", ""))
    if rule == AlertRule.KPI_BELOW_TARGET:
        return (_("{kpi}低于目标（{period}）").format(**p),
                _("目标 {target}{unit}，实际 {actual}{unit}，达成率 {att}，低于预警线 {line}。").format(
                    target=_num(p["target"]), actual=_num(p["actual"]), unit=p["unit"], att=_pct(p["attainment"]),
                    line=_pct(1 - p["margin"])))
    if rule == AlertRule.METRIC_DROP:
        text = _("{partner} {month} 销售额 {value} {currency}，较前 {window} 个月均值 {mean} 变化 {change}"
                 "（预警线 -{drop}）。").format(
            partner=p["partner"], month=p["month"], value=_num(p["value"]), currency=p["currency"],
            window=p["window"], mean=_num(p["trailing_mean"]), change=_pct(p["change"]), drop=_pct(p["drop"]))
        if p.get("ewma_limit") is not None:
            text += " " + _("EWMA {ewma}，控制下限 {limit}。").format(ewma=_num(p["ewma"]), limit=_num(p["ewma_limit"]))
        return _("{partner}销售额下滑 {change}（{month}）").format(
            partner=p["partner"], change=_pct(-p["change"]), month=p["month"]), text
    if rule == AlertRule.SALES_MISSING:
        return (_("未收到{partner} {month} 的销售数据").format(**p),
                _("最近一次数据为 {last_month}；每月数据应在次月 {days} 日前上传。").format(
                    last_month=p["last_month"], days=SALES_GRACE_DAYS))
    if rule == AlertRule.ACTION_OVERDUE:
        return (_("行动项逾期：{action}").format(**p),
                _("截止 {due_date}，已逾期 {days} 天，负责人 {owner}。").format(**p))
    if rule == AlertRule.AGREEMENT_DEADLINE:
        kind = _("到期日") if p["kind"] == "end" else _("续约通知截止日")
        return (_("协议{kind}临近：{date}").format(kind=kind, date=p["date"]),
                _("距{kind}还有 {days} 天。").format(kind=kind, days=p["days"]))
    if rule == AlertRule.SURVEY_LOW:
        return (_("健康度“{dim}”偏低（{period}）").format(dim=dim, period=p["period"]),
                _("平均 {mean} 分（满分 5 分），低于 {floor} 分。").format(mean=_num(p["mean"]), floor=_num(p["floor"])))
    if rule == AlertRule.SURVEY_DIVERGENCE:
        return (_("双方对“{dim}”看法分歧（{period}）").format(dim=dim, period=p["period"]),
                _("我方 {ours} 分，伙伴方 {partner} 分，相差 {gap} 分（预警线 {limit} 分）。").format(
                    ours=_num(p["ours"]), partner=_num(p["partner"]), gap=_num(p["gap"]), limit=_num(p["limit"])))
    return rule, ""


def describe_method(rule: str) -> str:
    """How the rule decides, in words a user can check against the numbers."""
    return {
        AlertRule.KPI_BELOW_TARGET: _("阈值法：达成率（越高越好为 实际÷目标，越低越好为 目标÷实际）低于 1 − 预警幅度；"
                                      "低于 1 − 2×预警幅度为严重。"),
        AlertRule.METRIC_DROP: _("较近期均值变化：最近一个月与前 {n} 个月均值相比下降 {drop} 或更多即预警；"
                                 "若指数加权移动平均（EWMA，α={alpha}）同时跌破控制下限（均值 − {width}σ·√(α/(2−α))），"
                                 "为严重。").format(n=DROP_WINDOW, drop=_pct(DROP_SHARE), alpha=EWMA_ALPHA,
                                                  width=_num(EWMA_WIDTH)),
        AlertRule.SALES_MISSING: _("阈值法：上个月没有销售数据，且已过次月 {days} 日。").format(days=SALES_GRACE_DAYS),
        AlertRule.ACTION_OVERDUE: _("行动项过了截止日仍未完成；逾期超过 14 天为严重。"),
        AlertRule.AGREEMENT_DEADLINE: _("协议到期日或续约通知截止日在 {days} 天内；14 天内为严重。").format(
            days=DEADLINE_DAYS),
        AlertRule.SURVEY_LOW: _("阈值法：至少 {n} 人作答后，某维度平均分低于 {floor} 分。").format(
            n=SURVEY_MIN_ANSWERS, floor=_num(SURVEY_FLOOR)),
        AlertRule.SURVEY_DIVERGENCE: _("双方某维度平均分相差 {gap} 分或以上（双方结果均可显示时）。").format(
            gap=_num(SURVEY_GAP)),
    }.get(rule, "")


# --------------------------------------------------------------------------- raising


def _owner(user):
    return user if user is not None and user.is_active and user.is_internal else None


def raise_finding(finding: Finding) -> tuple[Alert, bool]:
    """Insert the alert for a finding, or find the one already raised for the same condition."""
    with translation.override(settings.LANGUAGE_CODE):
        title, summary = describe(finding.rule, finding.params)
    evidence = {"params": finding.params, "summary": summary}
    if finding.series:
        evidence["series"] = finding.series
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                agreement=finding.agreement, partner=finding.partner, rule=finding.rule, dedupe_key=finding.key,
                severity=finding.severity, title=title[:300], evidence=evidence, owner=_owner(finding.owner))
    except IntegrityError:
        Alert.objects.filter(dedupe_key=finding.key).update(last_seen_at=timezone.now())
        return Alert.objects.get(dedupe_key=finding.key), False
    return alert, True


def watch_run(*, today: date | None = None, deliver: bool = True,
              progress: Callable[[str, int], None] | None = None) -> WatchSummary:
    """Evaluate every rule once; raise new alerts and send them. A rule that fails is reported,
    the others still run."""
    from allies.monitoring.delivery import deliveries_create

    today = today or timezone.localdate()
    summary = WatchSummary()
    for name, detector in DETECTORS:
        count = 0
        try:
            for finding in detector(today):
                count += 1
                alert, created = raise_finding(finding)
                if created:
                    summary.raised.append(alert)
                    if deliver:
                        deliveries_create(alert)
                else:
                    summary.already_known += 1
        except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others; reported, exit != 0
            summary.failures.append((str(name), f"{type(exc).__name__}: {exc}"))
        summary.checked[str(name)] = count
        if progress:
            progress(str(name), count)
    return summary
