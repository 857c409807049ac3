"""REST endpoints for screening (/api/v1/screening): models, AHP, ratings, rankings, sensitivity.

Screening is internal work: partner users get 403 on every operation here.
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from allies.core.text import join_list
from allies.api.paging import page_slice
from allies.api.schemas import DbId, StrictIn, errors
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_internal
from allies.core.scoping import get_visible, restrict
from allies.domain import scoring
from allies.partners import screening
from allies.partners.screening import ahp_error_message
from allies.partners.models import ModelVersion, Partner, Rating, ScreeningModel, ScreeningRun
from allies.partners.selectors import ranking_compute, sensitivity_compute

router = Router(tags=["screening"])


class CriterionSchema(Schema):
    code: str
    label_zh: str
    label_en: str = ""
    indicators: str = ""
    direction: str = "benefit"
    weight: float | None = None
    knockout_min: float | None = None


class CriterionIn(CriterionSchema, StrictIn):
    code: str = Field(..., max_length=64)
    label_zh: str = Field(..., max_length=100)
    label_en: str = Field("", max_length=100)
    indicators: str = Field("", max_length=300)


class VersionOut(Schema):
    id: int
    number: int
    weight_mode: str
    ahp_matrix: list[list[float]] | None
    consistency_ratio: float | None
    note: str
    created_at: datetime
    criteria: list[CriterionSchema]
    normalised_weights: dict[str, float]


class ModelOut(Schema):
    id: int
    name: str
    description: str
    is_default: bool
    disagreement_threshold: float
    current_version: VersionOut | None


class ModelIn(StrictIn):
    name: str = Field(..., max_length=120)
    description: str = ""
    disagreement_threshold: float = 3.0
    weight_mode: str = "direct"
    ahp_matrix: list[list[float]] | None = None
    criteria: list[CriterionIn]


class VersionIn(StrictIn):
    weight_mode: str = "direct"
    ahp_matrix: list[list[float]] | None = None
    note: str = ""
    criteria: list[CriterionIn]


class AhpIn(StrictIn):
    criteria: list[str] = Field(default_factory=list, description="names of the rows/columns, in order")
    matrix: list[list[float]]


class JudgementOut(Schema):
    row: str
    col: str
    value: float
    implied: float
    contribution: float


class AhpOut(Schema):
    weights: dict[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    consistent: bool
    worst_judgements: list[JudgementOut]


class RatingIn(StrictIn):
    partner_id: int
    criterion_code: str
    score: float
    note: str = ""


class RatingOut(Schema):
    id: int
    partner_id: int
    criterion_code: str
    rater_id: int
    score: float
    note: str
    updated_at: datetime


class RatingFilters(Schema):
    partner_id: DbId | None = None
    criterion_code: str = ""
    rater_id: DbId | None = None
    limit: int = 100
    offset: int = 0


class RatingPage(Schema):
    count: int
    items: list[RatingOut]


class RankingRowOut(Schema):
    partner_id: int
    name: str
    stage: str
    status: str
    score: float | None
    rank: int | None
    reason: str
    values: list[float | None]
    missing: list[str]
    disagreements: list[str]


class RankingQuery(Schema):
    model_id: int | None = None
    method: str = "weighted"
    stages: list[str] = Field(default_factory=list)
    limit: int = 50
    offset: int = 0


class RankingOut(Schema):
    model_id: int
    version: int
    method: str
    weights: dict[str, float]
    counts: dict[str, int]
    count: int
    rows: list[RankingRowOut]


class RunIn(StrictIn):
    model_id: int | None = None
    method: str = "weighted"
    stages: list[str] = Field(default_factory=list)
    title: str = ""


class RunOut(Schema):
    id: int
    model_id: int
    version: int
    method: str
    title: str
    weights: dict[str, float]
    candidate_count: int
    created_by_id: int | None
    created_at: datetime


class RunDetailOut(RunOut):
    rows: list[RankingRowOut]


class SensitivityIn(StrictIn):
    model_id: int | None = None
    method: str = "weighted"
    stages: list[str] = Field(default_factory=list)
    samples: int = Field(1000, ge=10, le=20000)
    seed: int = Field(20261127, ge=0, le=2**63 - 1)
    concentration: float = Field(100.0, gt=0, le=100000)


class ThresholdOut(Schema):
    code: str
    label: str
    current: float
    lower: float | None
    lower_top: str | None
    upper: float | None
    upper_top: str | None


class McRowOut(Schema):
    partner_id: int
    name: str
    rank: int | None
    p_first: float
    rank_min: int
    rank_max: int
    rank_mean: float


class SensitivityOut(Schema):
    samples: int
    seed: int
    concentration: float
    thresholds: list[ThresholdOut]
    monte_carlo: list[McRowOut]


def version_out(version: ModelVersion) -> dict:
    criteria = list(version.criteria.all())
    total = sum(c.weight for c in criteria) or 1.0
    return {
        "id": version.pk,
        "number": version.number,
        "weight_mode": version.weight_mode,
        "ahp_matrix": version.ahp_matrix,
        "consistency_ratio": version.consistency_ratio,
        "note": version.note,
        "created_at": version.created_at,
        "criteria": criteria,
        "normalised_weights": {c.code: c.weight / total for c in criteria},
    }


def model_out(model: ScreeningModel) -> dict:
    version = model.current_version
    return {
        "id": model.pk,
        "name": model.name,
        "description": model.description,
        "is_default": model.is_default,
        "disagreement_threshold": model.disagreement_threshold,
        "current_version": version_out(version) if version else None,
    }


def _model(user, model_id: int | None) -> ScreeningModel:
    require_internal(user)
    if model_id is None:
        model = ScreeningModel.objects.filter(is_default=True).first()
        if model is None:
            raise DomainError(ErrorCode.NOT_FOUND, _("还没有默认筛选模型。"))
        return model
    return get_object_or_404(ScreeningModel, pk=model_id)


def _method(method: str) -> str:
    if method not in scoring.METHODS:
        raise DomainError(ErrorCode.VALIDATION, _("未知的排名方法：{method}").format(method=method),
                          {"field": "method", "value": method})
    return method


@router.get("/models", response={200: list[ModelOut], **errors(401, 403)}, summary="Screening models")
def list_models(request):
    require_internal(request.auth)
    return [model_out(m) for m in ScreeningModel.objects.all()]


@router.post("/models", response={201: ModelOut, **errors(401, 403, 422)}, summary="Create a screening model")
def create_model(request, payload: ModelIn):
    data = payload.dict()
    model = screening.model_create(
        actor=request.auth, name=data["name"], description=data["description"], criteria=data["criteria"],
        weight_mode=data["weight_mode"], ahp_matrix=data["ahp_matrix"],
        disagreement_threshold=data["disagreement_threshold"],
    )
    return 201, model_out(model)


@router.get("/models/{model_id}", response={200: ModelOut, **errors(401, 403, 404)}, summary="One screening model")
def get_model(request, model_id: int):
    return model_out(_model(request.auth, model_id))


@router.get("/models/{model_id}/versions", response={200: list[VersionOut], **errors(401, 403, 404)},
            summary="All versions of a model")
def list_versions(request, model_id: int):
    model = _model(request.auth, model_id)
    return [version_out(v) for v in model.versions.order_by("-number")]


@router.post("/models/{model_id}/versions", response={201: VersionOut, **errors(401, 403, 404, 422)},
             summary="Save new criteria and weights as the next version")
def create_version(request, model_id: int, payload: VersionIn):
    model = _model(request.auth, model_id)
    data = payload.dict()
    version = screening.model_version_create(
        actor=request.auth, model=model, criteria=data["criteria"], weight_mode=data["weight_mode"],
        ahp_matrix=data["ahp_matrix"], note=data["note"],
    )
    return 201, version_out(version)


@router.post("/ahp", response={200: AhpOut, **errors(401, 403, 422)},
             summary="Weights and consistency ratio from a pairwise matrix (nothing saved)")
def ahp(request, payload: AhpIn):
    require_internal(request.auth)
    names = payload.criteria or [str(i + 1) for i in range(len(payload.matrix))]
    if len(set(names)) != len(names):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        raise DomainError(ErrorCode.INVALID_AHP, _("指标名称重复：{names}").format(names=join_list(duplicates)),
                          {"duplicates": duplicates})
    try:
        result = scoring.ahp_weights(payload.matrix)
    except scoring.ScoringError as exc:
        raise DomainError(ErrorCode.INVALID_AHP, ahp_error_message(exc, names),
                          {"code": exc.code, **exc.details}) from exc
    if len(names) != len(result.weights):
        raise DomainError(ErrorCode.INVALID_AHP, _("名称数量与矩阵大小不一致。"), {"criteria": len(names)})
    return {
        "weights": dict(zip(names, map(float, result.weights))),
        "lambda_max": result.lambda_max,
        "consistency_index": result.consistency_index,
        "random_index": result.random_index,
        "consistency_ratio": result.consistency_ratio,
        "consistent": result.consistent,
        "worst_judgements": [
            {"row": names[j.row], "col": names[j.col], "value": j.value, "implied": j.implied,
             "contribution": j.contribution}
            for j in result.worst_judgements()
        ],
    }


@router.get("/ratings", response={200: RatingPage, **errors(401, 403, 422)}, summary="Ratings")
def list_ratings(request, filters: Query[RatingFilters]):
    require_internal(request.auth)
    qs = restrict(Rating.objects.all(), request.auth).order_by("partner_id", "criterion_code", "rater_id")
    if filters.partner_id is not None:
        qs = qs.filter(partner_id=filters.partner_id)
    if filters.criterion_code:
        qs = qs.filter(criterion_code=filters.criterion_code)
    if filters.rater_id is not None:
        qs = qs.filter(rater_id=filters.rater_id)
    return {"count": qs.count(), "items": list(qs[page_slice(filters.limit, filters.offset)])}


@router.put("/ratings", response={200: RatingOut, **errors(401, 403, 404, 422)},
            summary="Set your own rating of a partner on one criterion")
def set_rating(request, payload: RatingIn):
    require_internal(request.auth)
    partner = get_visible(Partner.objects, request.auth, pk=payload.partner_id)
    return screening.rating_set(actor=request.auth, partner=partner, criterion_code=payload.criterion_code,
                                score=payload.score, note=payload.note)


@router.delete("/ratings/{rating_id}", response={204: None, **errors(401, 403, 404)}, summary="Delete a rating")
def delete_rating(request, rating_id: int):
    require_internal(request.auth)
    rating = get_visible(Rating.objects, request.auth, pk=rating_id)
    screening.rating_delete(actor=request.auth, rating=rating)
    return 204, None


def _ranking_dict(model: ScreeningModel, view, limit: int, offset: int) -> dict:
    return {
        "model_id": model.pk,
        "version": view.version.number,
        "method": view.method,
        "weights": view.weights,
        "counts": view.counts,
        "count": len(view.rows),
        "rows": [r.as_dict() for r in view.rows[page_slice(limit, offset)]],
    }


@router.get("/ranking", response={200: RankingOut, **errors(401, 403, 404, 422)},
            summary="The current ranking (computed live, not saved)")
def current_ranking(request, query: Query[RankingQuery]):
    model = _model(request.auth, query.model_id)
    view = ranking_compute(version=model.current_version, method=_method(query.method), stages=query.stages or None)
    return _ranking_dict(model, view, query.limit, query.offset)


def run_out(run: ScreeningRun, rows: bool = False) -> dict:
    data = {
        "id": run.pk, "model_id": run.version.model_id, "version": run.version.number, "method": run.method,
        "title": run.title, "weights": run.weights, "candidate_count": run.candidate_count,
        "created_by_id": run.created_by_id, "created_at": run.created_at,
    }
    if rows:
        data["rows"] = run.result.get("rows", [])
    return data


@router.get("/runs", response={200: list[RunOut], **errors(401, 403)}, summary="Saved screening runs")
def list_runs(request, limit: int = 50, offset: int = 0):
    require_internal(request.auth)
    runs = ScreeningRun.objects.select_related("version").defer("result")[page_slice(limit, offset)]
    return [run_out(r) for r in runs]


@router.post("/runs", response={201: RunOut, **errors(401, 403, 404, 422)},
             summary="Rank the candidates and save the run (model version, method, weights, result)")
def create_run(request, payload: RunIn):
    model = _model(request.auth, payload.model_id)
    run = screening.screening_run_create(actor=request.auth, version=model.current_version,
                                         method=_method(payload.method), title=payload.title,
                                         stages=payload.stages or None)
    return 201, run_out(run)


@router.get("/runs/{run_id}", response={200: RunDetailOut, **errors(401, 403, 404)}, summary="One saved run")
def get_run(request, run_id: int):
    require_internal(request.auth)
    return run_out(get_object_or_404(ScreeningRun.objects.select_related("version"), pk=run_id), rows=True)


@router.post("/sensitivity", response={200: SensitivityOut, **errors(401, 403, 404, 422)},
             summary="Weight thresholds and Monte-Carlo rank stability (nothing saved)")
def sensitivity(request, payload: SensitivityIn):
    model = _model(request.auth, payload.model_id)
    view = ranking_compute(version=model.current_version, method=_method(payload.method),
                           stages=payload.stages or None)
    result = sensitivity_compute(view, samples=payload.samples, seed=payload.seed,
                                 concentration=payload.concentration)
    return {"samples": result.samples, "seed": result.seed, "concentration": result.concentration,
            "thresholds": result.thresholds, "monte_carlo": result.monte_carlo}
