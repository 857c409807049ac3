"""Reads for the partner registry and screening: lists, rating grids, rankings, sensitivity."""

from dataclasses import asdict, dataclass, field

import numpy as np
from django.db.models import Avg, Count, FloatField, Max, Min, Q, QuerySet
from django.utils.translation import gettext as _

from allies.core.scoping import restrict
from allies.domain import scoring
from allies.partners.choices import Stage
from allies.partners.models import Criterion, ModelVersion, Partner, Rating, ScreeningModel

CANDIDATE_STAGES = [Stage.PROSPECT, Stage.CONTACTED, Stage.DUE_DILIGENCE]


def partner_list(*, user, q: str = "", stage: str = "", source_channel: str = "") -> QuerySet:
    qs = restrict(Partner.objects.select_related("owner"), user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(industry__icontains=q) | Q(region__icontains=q) | Q(uscc__icontains=q))
    if stage:
        qs = qs.filter(stage=stage)
    if source_channel:
        qs = qs.filter(source_channel=source_channel)
    return qs


def default_model() -> ScreeningModel | None:
    return ScreeningModel.objects.filter(is_default=True).first() or ScreeningModel.objects.first()


def version_criteria(version: ModelVersion) -> list[Criterion]:
    return list(version.criteria.all())


def domain_criteria(criteria: list[Criterion]) -> list[scoring.Criterion]:
    return [
        scoring.Criterion(code=c.code, weight=c.weight, direction=c.direction, knockout_min=c.knockout_min)
        for c in criteria
    ]


@dataclass
class RatingGrid:
    """Mean, spread and count of ratings per partner (rows) and criterion (columns)."""

    partner_ids: np.ndarray
    names: list[str]
    stages: list[str]
    codes: list[str]
    mean: np.ndarray
    spread: np.ndarray
    count: np.ndarray


def rating_grid(*, codes: list[str], stages: list[str] | None = None, partner_ids: list[int] | None = None) -> RatingGrid:
    """Aggregate every rater's ratings; a partner with no rating on a criterion gets NaN there."""
    partners = Partner.objects.all()
    ratings = Rating.objects.filter(criterion_code__in=codes)
    if stages:
        partners = partners.filter(stage__in=stages)
        ratings = ratings.filter(partner__stage__in=stages)
    if partner_ids is not None:
        partners = partners.filter(pk__in=partner_ids)
        ratings = ratings.filter(partner_id__in=partner_ids)
    rows = list(partners.order_by("pk").values_list("pk", "name", "stage"))
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    n, m = len(rows), len(codes)
    mean = np.full((n, m), np.nan)
    spread = np.zeros((n, m))
    count = np.zeros((n, m), dtype=np.int64)
    column = {code: j for j, code in enumerate(codes)}
    aggregates = (
        ratings.order_by()
        .values_list("partner_id", "criterion_code")
        .annotate(avg=Avg("score", output_field=FloatField()), lo=Min("score"), hi=Max("score"), n=Count("*"))
    )
    for partner_id, code, avg, lo, hi, k in aggregates:
        i = int(np.searchsorted(ids, partner_id))
        if i >= n or ids[i] != partner_id:
            continue
        j = column[code]
        mean[i, j] = avg
        spread[i, j] = float(hi) - float(lo)
        count[i, j] = k
    return RatingGrid(ids, [r[1] for r in rows], [r[2] for r in rows], list(codes), mean, spread, count)


@dataclass
class RankingRow:
    partner_id: int
    name: str
    stage: str
    status: str
    score: float | None
    rank: int | None
    reason: str
    values: list[float | None]
    missing: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    contributions: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RankingView:
    version: ModelVersion
    method: str
    criteria: list[Criterion]
    weights: dict[str, float]
    stages: list[str]
    rows: list[RankingRow]
    grid: RatingGrid | None = None

    @property
    def counts(self) -> dict[str, int]:
        out = {"ranked": 0, "excluded": 0, "incomplete": 0}
        for row in self.rows:
            out[row.status] += 1
        return out


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def ranking_compute(*, version: ModelVersion, method: str = scoring.WEIGHTED, stages: list[str] | None = None,
                    partner_ids: list[int] | None = None) -> RankingView:
    """Rank the candidates on one model version from the mean of their ratings."""
    criteria = version_criteria(version)
    stages = list(stages) if stages else list(CANDIDATE_STAGES)
    codes = [c.code for c in criteria]
    labels = {c.code: c.label() for c in criteria}
    grid = rating_grid(codes=codes, stages=stages, partner_ids=partner_ids)
    names = [f"{pid}" for pid in grid.partner_ids.tolist()]
    ranking = scoring.rank(names, grid.mean, domain_criteria(criteria), method=method)
    threshold = version.model.disagreement_threshold
    rows = []
    for cand in ranking.candidates:
        i = cand.index
        values = [None if np.isnan(v) else round(float(v), 4) for v in grid.mean[i]]
        disagreements = [codes[j] for j in np.flatnonzero(grid.spread[i] > threshold + 1e-9)]
        if cand.status == "incomplete":
            reason = _("缺少评分：{criteria}").format(criteria="、".join(labels[c] for c in cand.missing))
        elif cand.status == "excluded":
            reason = "；".join(
                _("{criterion} {value} 低于淘汰线 {minimum}").format(
                    criterion=labels[k.code], value=_fmt(k.value), minimum=_fmt(k.minimum))
                for k in cand.knockouts
            )
        else:
            reason = ""
        rows.append(
            RankingRow(
                partner_id=int(grid.partner_ids[i]),
                name=grid.names[i],
                stage=grid.stages[i],
                status=cand.status,
                score=None if cand.score is None else round(cand.score, 10),
                rank=cand.rank,
                reason=reason,
                values=values,
                missing=list(cand.missing),
                disagreements=disagreements,
                contributions=[round(v, 10) for v in cand.contributions],
            )
        )
    return RankingView(version, method, criteria, ranking.weights, stages, rows, grid)


@dataclass
class Sensitivity:
    thresholds: list[dict]
    monte_carlo: list[dict]
    samples: int
    seed: int
    concentration: float


def sensitivity_compute(view: RankingView, *, samples: int = 1000, seed: int = 20261127, concentration: float = 100.0,
                        top: int = 10) -> Sensitivity:
    """Both sensitivity analyses for a computed ranking, with labels and partner names filled in."""
    grid = view.grid
    crit = domain_criteria(view.criteria)
    names = grid.names
    thresholds = []
    for t, c in zip(scoring.weight_thresholds(grid.mean, crit, view.method), view.criteria):
        thresholds.append({
            "code": t.code,
            "label": c.label(),
            "current": t.current,
            "lower": t.lower,
            "lower_top": names[t.lower_top] if t.lower_top is not None else None,
            "upper": t.upper,
            "upper_top": names[t.upper_top] if t.upper_top is not None else None,
        })
    mc = scoring.monte_carlo(grid.mean, crit, view.method, samples=samples, seed=seed, concentration=concentration)
    ranked = [r for r in view.rows if r.status == "ranked"][:top]
    index = {int(pid): i for i, pid in enumerate(grid.partner_ids.tolist())}
    rows = []
    for r in ranked:
        i = index[r.partner_id]
        rows.append({
            "partner_id": r.partner_id,
            "name": r.name,
            "rank": r.rank,
            "p_first": float(mc.p_first[i]),
            "rank_min": int(mc.rank_min[i]),
            "rank_max": int(mc.rank_max[i]),
            "rank_mean": float(mc.rank_mean[i]),
        })
    return Sensitivity(thresholds, rows, samples, seed, concentration)
