"""Writes for screening: models and their versions, ratings, saved screening runs."""

import math
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from allies.core.text import join_clauses, labelled
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_writer
from allies.domain import scoring
from allies.partners.choices import Direction, Method, WeightMode
from allies.partners.messages import scoring_error_message
from allies.partners.models import (
    RATING_MAX,
    RATING_MIN,
    Criterion,
    ModelVersion,
    Partner,
    Rating,
    ScreeningModel,
    ScreeningRun,
)

MAX_WEIGHT = 1_000_000
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def ahp_error_message(exc: scoring.ScoringError, names: list[str]) -> str:
    """An AHP matrix problem named by the two criteria of the judgement, for the editor and the API."""
    d = exc.details
    reasons = {
        "ahp_not_positive": _("须为正数"),
        "ahp_out_of_scale": _("须在 1/9 到 9 之间（Saaty 标度）"),
        "ahp_not_reciprocal": _("与反向判断不互为倒数"),
        "ahp_diagonal": _("指标与自身比较必须为 1"),
    }
    row, col = d.get("row"), d.get("col")
    if exc.code in reasons and isinstance(row, int) and isinstance(col, int) and max(row, col) < len(names):
        return _("“{a}”相对“{b}”的判断 {value}：{reason}。").format(
            a=names[row], b=names[col], value=round(float(d.get("value", 0)), 4), reason=reasons[exc.code])
    return scoring_error_message(exc)


def _model_error(errors: list[dict]) -> DomainError:
    lines = join_clauses(
        labelled(_("第 {n} 个指标").format(n=e["index"] + 1), e["reason"]) if e.get("index") is not None else e["reason"]
        for e in errors
    )
    return DomainError(ErrorCode.INVALID_MODEL, _("筛选模型有误：{problems}").format(problems=lines), {"errors": errors})


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def clean_criteria(criteria: list[dict], weight_mode: str, ahp_matrix) -> tuple[list[dict], float | None]:
    """Validate criteria rows; with AHP, derive the weights. Returns (rows, consistency ratio)."""
    errors: list[dict] = []
    rows: list[dict] = []
    if weight_mode not in WeightMode.values:
        errors.append({"index": None, "field": "weight_mode", "value": str(weight_mode), "reason": _("未知的权重方式。")})
    if not criteria:
        errors.append({"index": None, "field": "criteria", "value": "", "reason": _("至少需要一个指标。")})
    seen: set[str] = set()
    for i, raw in enumerate(criteria):
        code = str(raw.get("code") or "").strip()
        label_zh = str(raw.get("label_zh") or "").strip()
        label_en = str(raw.get("label_en") or "").strip() or label_zh
        direction = str(raw.get("direction") or Direction.BENEFIT)
        weight = _number(raw.get("weight"))
        knockout = _number(raw.get("knockout_min"))

        def bad(field, value, reason):
            errors.append({"index": i, "field": field, "value": "" if value is None else str(value), "reason": reason})

        if not CODE_PATTERN.match(code):
            bad("code", code, _("代码须以小写字母开头，只含小写字母、数字和下划线。"))
        elif code in seen:
            bad("code", code, _("代码重复。"))
        seen.add(code)
        if not label_zh:
            bad("label_zh", label_zh, _("中文名称不能为空。"))
        if direction not in Direction.values:
            bad("direction", direction, _("方向须为效益型或成本型。"))
        if weight_mode == WeightMode.DIRECT and (weight is None or not math.isfinite(weight) or weight <= 0):
            bad("weight", raw.get("weight"), _("权重须为正数。"))
        elif weight_mode == WeightMode.DIRECT and weight > MAX_WEIGHT:
            bad("weight", raw.get("weight"), _("权重不能大于 {max}（只看相对大小，可按比例缩小）。").format(max=MAX_WEIGHT))
        if knockout is not None and (not math.isfinite(knockout) or not RATING_MIN <= knockout <= RATING_MAX):
            bad("knockout_min", raw.get("knockout_min"), _("淘汰线须在 0 到 10 之间。"))
        rows.append(
            {
                "code": code,
                "label_zh": label_zh,
                "label_en": label_en,
                "indicators": str(raw.get("indicators") or "").strip(),
                "direction": direction,
                "weight": weight,
                "knockout_min": knockout,
            }
        )
    if errors:
        raise _model_error(errors)
    ratio = None
    if weight_mode == WeightMode.AHP:
        try:
            result = scoring.ahp_weights(ahp_matrix)
        except scoring.ScoringError as exc:
            labels = [r["label_zh"] for r in rows]
            raise DomainError(ErrorCode.INVALID_AHP, ahp_error_message(exc, labels),
                              {"code": exc.code, **exc.details}) from exc
        if len(result.weights) != len(rows):
            raise DomainError(
                ErrorCode.INVALID_AHP,
                _("判断矩阵为 {n}×{n}，但模型有 {m} 个指标。").format(n=len(result.weights), m=len(rows)),
                {"size": len(result.weights), "criteria": len(rows)},
            )
        for row, w in zip(rows, result.weights):
            row["weight"] = float(w)
        ratio = result.consistency_ratio
    return rows, ratio


def model_version_create(*, actor, model: ScreeningModel, criteria: list[dict], weight_mode: str = WeightMode.DIRECT,
                         ahp_matrix=None, note: str = "") -> ModelVersion:
    """Freeze a new version of ``model``; earlier versions and the runs made on them stay as they were."""
    require_writer(actor)
    rows, ratio = clean_criteria(criteria, weight_mode, ahp_matrix)
    with transaction.atomic(), acting_as(actor):
        ScreeningModel.objects.select_for_update().filter(pk=model.pk).exists()
        number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ModelVersion.objects.create(
            model=model,
            number=number,
            weight_mode=weight_mode,
            ahp_matrix=ahp_matrix if weight_mode == WeightMode.AHP else None,
            consistency_ratio=ratio,
            note=note[:300],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Criterion.objects.bulk_create(Criterion(version=version, position=i, **row) for i, row in enumerate(rows))
    return version


def model_create(*, actor, name: str, description: str = "", criteria: list[dict], weight_mode: str = WeightMode.DIRECT,
                 ahp_matrix=None, disagreement_threshold: float = 3.0) -> ScreeningModel:
    require_writer(actor)
    name = (name or "").strip()
    if not name:
        raise _model_error([{"index": None, "field": "name", "value": "", "reason": _("模型名称不能为空。")}])
    if ScreeningModel.objects.filter(name=name).exists():
        raise _model_error([{"index": None, "field": "name", "value": name, "reason": _("已有同名模型。")}])
    threshold = _number(disagreement_threshold)
    if threshold is None or not math.isfinite(threshold) or not 0 <= threshold <= RATING_MAX:
        raise _model_error([{"index": None, "field": "disagreement_threshold", "value": str(disagreement_threshold),
                             "reason": _("分歧阈值须在 0 到 10 之间。")}])
    with transaction.atomic(), acting_as(actor):
        model = ScreeningModel.objects.create(name=name, description=description, disagreement_threshold=threshold)
        model_version_create(actor=actor, model=model, criteria=criteria, weight_mode=weight_mode,
                             ahp_matrix=ahp_matrix, note=_("初始版本"))
    return model


def model_update(*, actor, model: ScreeningModel, description: str | None = None,
                 disagreement_threshold: float | None = None, is_default: bool | None = None) -> ScreeningModel:
    require_writer(actor)
    with transaction.atomic(), acting_as(actor):
        if description is not None:
            model.description = description
        if disagreement_threshold is not None:
            threshold = _number(disagreement_threshold)
            if threshold is None or not math.isfinite(threshold) or not 0 <= threshold <= RATING_MAX:
                raise _model_error([{"index": None, "field": "disagreement_threshold",
                                     "value": str(disagreement_threshold), "reason": _("分歧阈值须在 0 到 10 之间。")}])
            model.disagreement_threshold = threshold
        if is_default:
            ScreeningModel.objects.exclude(pk=model.pk).filter(is_default=True).update(is_default=False)
            model.is_default = True
        model.save()
    return model


def parse_rating(value) -> Decimal:
    """A 0-10 rating with at most two decimals, or a DomainError naming the value."""
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        score = None
    if score is None or not score.is_finite() or not RATING_MIN <= score <= RATING_MAX:
        raise DomainError(ErrorCode.INVALID_RATING, _("评分“{value}”无效：须为 0 到 10 之间的数。").format(value=value),
                          {"field": "score", "value": str(value)})
    return score.quantize(Decimal("0.01"))


def rating_set(*, actor, partner: Partner, criterion_code: str, score, note: str = "") -> Rating:
    """Record the actor's own rating of a partner on one criterion (replacing an earlier one)."""
    require_writer(actor)
    value = parse_rating(score)
    if not Criterion.objects.filter(code=criterion_code).exists():
        raise DomainError(ErrorCode.INVALID_RATING, _("没有代码为“{code}”的筛选指标。").format(code=criterion_code),
                          {"field": "criterion_code", "value": criterion_code})
    with transaction.atomic(), acting_as(actor):
        rating, _created = Rating.objects.update_or_create(
            partner=partner, criterion_code=criterion_code, rater=actor,
            defaults={"score": value, "note": (note or "")[:500]},
        )
    return rating


def rating_delete(*, actor, rating: Rating) -> None:
    require_writer(actor)
    if rating.rater_id != actor.pk and not actor.role == "admin" and not actor.is_superuser:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("只能删除自己的评分。"))
    with acting_as(actor):
        rating.delete()


def screening_run_create(*, actor, version: ModelVersion, method: str, title: str = "",
                         stages: list[str] | None = None) -> ScreeningRun:
    """Compute a ranking and keep it, with its model version, weights and method, for later explanation."""
    from allies.partners.selectors import ranking_compute

    require_writer(actor)
    if method not in Method.values:
        raise DomainError(ErrorCode.VALIDATION, _("未知的排名方法：{method}").format(method=method),
                          {"field": "method", "value": method})
    view = ranking_compute(version=version, method=method, stages=stages)
    with acting_as(actor):
        return ScreeningRun.objects.create(
            version=version,
            method=method,
            weights=view.weights,
            result={"stages": view.stages, "rows": [row.as_dict() for row in view.rows],
                    "labels": {c.code: c.label_zh for c in view.criteria}},
            title=(title or "")[:200],
            candidate_count=len(view.rows),
            created_by=actor,
        )
