"""Reads of monitoring: evaluations, survey results (with the anonymity rule), scorecards, alerts."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from allies.core.scoping import restrict
from allies.domain import kpi as kpi_math
from allies.monitoring.models import (
    SEVERITY_RANK,
    Alert,
    AlertStatus,
    Dimension,
    Evaluation,
    Severity,
    Side,
    Survey,
)

# Anonymous answers of a side are shown only when at least this many people of that side answered.
ANONYMITY_MIN = 3


def evaluation_list(*, user, agreement_id: int | None = None) -> QuerySet:
    qs = restrict(Evaluation.objects.select_related("agreement"), user)
    if agreement_id:
        qs = qs.filter(agreement_id=agreement_id)
    return qs.order_by("-period_start", "-id")


def agreement_list(*, user) -> QuerySet:
    from allies.agreements.models import Agreement

    return restrict(Agreement.objects.all(), user).order_by("code")


@dataclass
class SideResult:
    side: str
    label: str
    answered: int
    visible: bool
    means: dict[str, float | None]
    comments: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    answered: int
    asked: int
    sides: list[SideResult]
    overall: dict[str, float | None]
    gaps: dict[str, float | None]
    health: float | None

    @property
    def rows(self) -> list[dict]:
        """One row per dimension: label, overall mean, each side's mean (None when hidden), the gap."""
        out = []
        for value, label in Dimension.choices:
            out.append({"dimension": value, "label": label, "overall": self.overall[value],
                        "sides": [s.means[value] if s.visible else None for s in self.sides],
                        "gap": self.gaps[value]})
        return out


def survey_results(survey: Survey) -> SurveyResults:
    """Results by dimension and by side. With anonymous answers a side with fewer than three answers
    shows no figures and no comments (its answers still count in the overall means)."""
    answers = list(survey.answers.all())
    sides = []
    for side, label in Side.choices:
        mine = [a for a in answers if a.side == side]
        visible = not survey.anonymous or len(mine) >= ANONYMITY_MIN
        means = kpi_math.dimension_means([a.scores() for a in mine])
        comments = []
        for a in mine:
            if a.comment.strip():
                comments.append(a.comment.strip() if survey.anonymous else
                                f"{a.respondent.get_full_name() or a.respondent.username}：{a.comment.strip()}")
        sides.append(SideResult(side, label, len(mine), visible and bool(mine),
                                means if visible else {d: None for d in kpi_math.SURVEY_DIMENSIONS},
                                comments if visible else []))
    overall = kpi_math.dimension_means([a.scores() for a in answers])
    gaps = kpi_math.side_gaps(sides[0].means, sides[1].means) if all(s.visible for s in sides) else {
        d: None for d in kpi_math.SURVEY_DIMENSIONS}
    return SurveyResults(survey, len(answers), survey.recipients.count(), sides, overall, gaps,
                         kpi_math.survey_health(overall))


@dataclass
class Scorecard:
    evaluation: Evaluation
    health: kpi_math.HealthIndex
    attainments: list[tuple[str, float]]
    survey: SurveyResults | None


def scorecard(evaluation: Evaluation) -> Scorecard:
    attainments = [(k.name, a) for k in evaluation.kpis.all() if (a := k.attainment) is not None]
    survey = Survey.objects.filter(evaluation=evaluation).first()
    results = survey_results(survey) if survey else None
    means = results.overall if results else {d: None for d in kpi_math.SURVEY_DIMENSIONS}
    return Scorecard(evaluation, kpi_math.health_index([a for _n, a in attainments], means), attainments, results)


def survey_trend(*, user, agreement) -> list[tuple[str, dict[str, float | None]]]:
    """Each evaluation's overall dimension means, oldest first: the survey trend over periods."""
    out = []
    for evaluation in evaluation_list(user=user, agreement_id=agreement.pk).reverse():
        survey = Survey.objects.filter(evaluation=evaluation).first()
        if survey is None:
            continue
        out.append((str(evaluation.period_label), survey_results(survey).overall))
    return out


def alliances_by_health(*, user, limit: int = 20) -> list[Scorecard]:
    """The latest evaluation of each alliance the user may see, least healthy first."""
    latest = {}
    for evaluation in evaluation_list(user=user).prefetch_related("kpis"):
        latest.setdefault(evaluation.agreement_id, evaluation)
    cards = [scorecard(e) for e in latest.values()]
    cards.sort(key=lambda c: (c.health.index is None, c.health.index or 0))
    return cards[:limit]


def alert_list(*, user, status: str = "", severity: str = "", agreement_id: int | None = None,
               rule: str = "") -> QuerySet:
    qs = restrict(Alert.objects.select_related("agreement", "owner", "partner"), user)
    if status == "active":
        qs = qs.exclude(status=AlertStatus.RESOLVED)
    elif status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if agreement_id:
        qs = qs.filter(agreement_id=agreement_id)
    if rule:
        qs = qs.filter(rule=rule)
    return qs.order_by("-raised_at", "-id")


def open_alerts_by_severity(*, user) -> list[tuple[str, str, int]]:
    counts = dict(alert_list(user=user, status="active").values_list("severity").annotate(n=Count("*")))
    order = sorted(Severity.choices, key=lambda c: -SEVERITY_RANK[c[0]])
    return [(value, label, counts.get(value, 0)) for value, label in order]


def health_formula(health: kpi_math.HealthIndex) -> str:
    """The scorecard's formula with this alliance's numbers, as shown on the page."""
    from django.utils.translation import gettext as _

    def num(x):
        return "—" if x is None else f"{x:.1f}"

    return _("健康指数 = {wk} × 指标达成（{k}）+ {ws} × 问卷健康度（{s}）= {index}。指标达成为各指标达成率"
             "（封顶 100%）的平均；问卷健康度为六个维度平均分由 1-5 分换算到 0-100（(均分 − 1) ÷ 4 × 100）；"
             "缺一部分时只用另一部分。").format(
        wk=f"{health.kpi_weight:.1f}", ws=f"{health.survey_weight:.1f}", k=num(health.kpi_part),
        s=num(health.survey_part), index=num(health.index))
