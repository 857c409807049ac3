"""Web pages of screening: ranking, sensitivity, comparison, model editor (direct and AHP), saved runs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.text import join_list
from allies.core.errors import DomainError
from allies.domain import scoring
from allies.partners import readiness, screening
from allies.partners.choices import Direction, Method, Resource, Stage, WeightMode
from allies.partners.models import Partner, ScreeningModel, ScreeningRun
from allies.partners.selectors import (
    CANDIDATE_STAGES,
    default_model,
    ranking_compute,
    sensitivity_compute,
    version_criteria,
)
from allies.web import charts
from allies.web.decorators import internal_required, writer_required

SAATY_CHOICES = ["1/9", "1/8", "1/7", "1/6", "1/5", "1/4", "1/3", "1/2", "1", "2", "3", "4", "5", "6", "7", "8", "9"]


def _ranking_params(request):
    model_id = request.GET.get("model") or request.POST.get("model")
    model = get_object_or_404(ScreeningModel, pk=model_id) if model_id else default_model()
    method = request.GET.get("method") or request.POST.get("method") or scoring.WEIGHTED
    if method not in scoring.METHODS:
        method = scoring.WEIGHTED
    stages = [s for s in (request.GET.getlist("stages") or request.POST.getlist("stages")) if s in Stage.values]
    return model, method, stages or list(CANDIDATE_STAGES)


def _mark_gap_fills(rows) -> None:
    """Tag the shown rows whose partner offers resources that fill our declared gaps (self-assessment)."""
    gaps = readiness.current_gaps()
    if not gaps:
        return
    labels = dict(Resource.choices)
    offered = dict(Partner.objects.filter(pk__in=[r.partner_id for r in rows]).values_list("pk", "resources"))
    for row in rows:
        row.gap_fill = join_list(str(labels[g]) for g in readiness.gap_match(offered.get(row.partner_id), gaps))


@internal_required
def ranking(request):
    model, method, stages = _ranking_params(request)
    view = ranking_compute(version=model.current_version, method=method, stages=stages)
    ranked = [r for r in view.rows if r.status == "ranked"]
    page = Paginator(ranked, 50).get_page(request.GET.get("page"))
    _mark_gap_fills(page.object_list)
    context = {
        "model": model, "models": ScreeningModel.objects.all(), "view": view, "method": method,
        "methods": Method.choices, "stages": stages, "stage_choices": Stage.choices, "page": page,
        "excluded": [r for r in view.rows if r.status == "excluded"],
        "incomplete": [r for r in view.rows if r.status == "incomplete"],
        "weights": [(c, view.weights[c.code]) for c in view.criteria],
    }
    # a history-restore request (back button after hx-push-url, cache miss) needs the whole page
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "screening/_ranking_body.html" if fragment else "screening/ranking.html"
    return render(request, template, context)


@internal_required
def sensitivity(request):
    model, method, stages = _ranking_params(request)
    try:
        samples = max(10, min(int(request.GET.get("samples", 1000)), 20000))
        seed = int(request.GET.get("seed", 20261127))
    except ValueError:
        samples, seed = 1000, 20261127
    view = ranking_compute(version=model.current_version, method=method, stages=stages)
    result = sensitivity_compute(view, samples=samples, seed=seed)
    top = next((r for r in view.rows if r.status == "ranked"), None)
    thresholds_chart = charts.weight_ranges(
        [t["label"] for t in result.thresholds],
        [t["current"] for t in result.thresholds],
        [t["lower"] for t in result.thresholds],
        [t["upper"] for t in result.thresholds],
        title=_("第一名保持不变的权重区间"),
        legend=(_("低于此权重第一名改变"), _("第一名不变"), _("高于此权重第一名改变")),
    ) if top else ""
    mc_chart = charts.horizontal_bars(
        [r["name"] for r in result.monte_carlo], [r["p_first"] for r in result.monte_carlo],
        title=_("排名第一的概率"), formatter=lambda v: f"{v:.0%}",
    ) if result.monte_carlo else ""
    return render(request, "screening/sensitivity.html", {
        "model": model, "method": method, "stages": stages, "view": view, "top": top, "result": result,
        "thresholds_chart": thresholds_chart, "mc_chart": mc_chart,
    })


@internal_required
def compare(request):
    model, method, stages = _ranking_params(request)
    try:
        ids = [int(x) for x in request.GET.getlist("ids")][:4]
    except ValueError:
        ids = []
    view = ranking_compute(version=model.current_version, method=method, stages=list(Stage.values), partner_ids=ids)
    rows = view.rows
    if not 2 <= len(rows) <= 4:
        messages.error(request, _("请选择 2 到 4 个候选伙伴进行对比。"))
        return redirect("screening:ranking")
    labels = [c.label() for c in view.criteria]
    chart = charts.radar(labels, [(r.name, r.values) for r in rows])
    table = [(label, [r.values[j] for r in rows]) for j, label in enumerate(labels)]
    return render(request, "screening/compare.html", {"model": model, "view": view, "rows": rows, "chart": chart,
                                                      "table": table})


@internal_required
def model_list(request):
    return render(request, "screening/models.html", {"models": ScreeningModel.objects.prefetch_related("versions")})


def _parse_editor(post, n_hint: int):
    """Criteria rows and AHP matrix from the editor form (rows left blank are dropped)."""
    try:
        count = int(post.get("rows", n_hint) or 0)
    except ValueError:
        count = n_hint
    criteria = []
    for i in range(min(count, 30)):
        row = {f: post.get(f"c{i}-{f}", "").strip() for f in
               ("code", "label_zh", "label_en", "indicators", "direction", "weight", "knockout_min")}
        if not any(row[f] for f in ("code", "label_zh", "weight")):
            continue
        criteria.append(row)
    mode = post.get("weight_mode", WeightMode.DIRECT)
    matrix = None
    if mode == WeightMode.AHP:
        n = len(criteria)
        matrix = [[1.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                raw = post.get(f"ahp-{i}-{j}", "1")
                try:
                    num, _sep, den = raw.partition("/")
                    value = float(num) / float(den) if den else float(num)
                except (ValueError, ZeroDivisionError):
                    value = float("nan")
                matrix[i][j] = value
                matrix[j][i] = 1.0 / value if value == value and value != 0 else float("nan")
    return criteria, mode, matrix


def _ahp_selected(matrix):
    """Upper-triangle cells as the Saaty strings the editor shows."""
    if not matrix:
        return {}
    out = {}
    for i, row in enumerate(matrix):
        for j in range(i + 1, len(row)):
            v = row[j]
            if not (isinstance(v, (int, float)) and 0 < v < float("inf")):
                continue  # a crafted or broken cell: the editor shows its default
            out[f"{i}-{j}"] = str(int(round(v))) if v >= 1 else f"1/{int(round(1 / v))}"
    return out


@internal_required
def model_edit(request, pk: int):
    model = get_object_or_404(ScreeningModel, pk=pk)
    version = model.current_version
    criteria = version_criteria(version)
    ahp_result = None
    error = None
    if request.method == "POST":
        if request.POST.get("action") == "save" and not request.user.can_write:
            raise PermissionDenied  # a viewer may try AHP weights ("check") but not save a version
        rows, mode, matrix = _parse_editor(request.POST, len(criteria))
        if mode == WeightMode.AHP and matrix:
            try:
                ahp_result = scoring.ahp_weights(matrix)
            except scoring.ScoringError:
                ahp_result = None
        if request.POST.get("action") == "save":
            try:
                with transaction.atomic():  # a bad threshold must not leave the new version behind
                    screening.model_version_create(actor=request.user, model=model, criteria=rows,
                                                   weight_mode=mode, ahp_matrix=matrix,
                                                   note=request.POST.get("note", ""))
                    if request.POST.get("disagreement_threshold"):
                        screening.model_update(actor=request.user, model=model,
                                               disagreement_threshold=request.POST.get("disagreement_threshold"))
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _("已保存为新版本。"))
                return redirect("screening:model_edit", pk=model.pk)
        editor_rows = rows
        problems = error.details.get("errors", []) if isinstance(error, DomainError) else []
        for row in editor_rows:
            row["invalid"] = set()
        for problem in problems:
            index = problem.get("index")
            if isinstance(index, int) and 0 <= index < len(editor_rows):
                editor_rows[index]["invalid"].add(problem.get("field"))
        selected = _ahp_selected(matrix) if matrix else {}
    else:
        mode = version.weight_mode
        editor_rows = [
            {"code": c.code, "label_zh": c.label_zh, "label_en": c.label_en, "indicators": c.indicators,
             "direction": c.direction, "weight": c.weight, "knockout_min": c.knockout_min}
            for c in criteria
        ]
        selected = _ahp_selected(version.ahp_matrix)
        if version.weight_mode == WeightMode.AHP and version.ahp_matrix:
            ahp_result = scoring.ahp_weights(version.ahp_matrix)
    total = sum(float(r["weight"]) for r in editor_rows if _is_positive(r.get("weight"))) or 1.0
    for r in editor_rows:
        r["normalised"] = float(r["weight"]) / total if _is_positive(r.get("weight")) else None
    labels = [r.get("label_zh") or r.get("code") for r in editor_rows]
    pairs = [(i, j, labels[i], labels[j], selected.get(f"{i}-{j}", "1"))
             for i in range(len(editor_rows)) for j in range(i + 1, len(editor_rows))]
    worst = []
    if ahp_result is not None:
        worst = [{"a": labels[j.row], "b": labels[j.col], "value": j.value, "implied": j.implied}
                 for j in ahp_result.worst_judgements()]
    context = {
        "model": model, "version": version, "rows": editor_rows, "blank_rows": range(len(editor_rows),
                                                                                     len(editor_rows) + 2),
        "row_count": len(editor_rows) + 2, "mode": mode, "pairs": pairs, "saaty": SAATY_CHOICES,
        "ahp": ahp_result, "ahp_weights": list(zip(labels, ahp_result.weights)) if ahp_result is not None else [],
        "worst": worst, "error": error, "directions": Direction.choices,
        "versions": model.versions.order_by("-number")[:20],
    }
    template = "screening/_ahp_result.html" if request.htmx else "screening/model_edit.html"
    return render(request, template, context, status=422 if error and not request.htmx else 200)


def _is_positive(value) -> bool:
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


@writer_required
@require_POST
def model_make_default(request, pk: int):
    model = get_object_or_404(ScreeningModel, pk=pk)
    screening.model_update(actor=request.user, model=model, is_default=True)
    messages.success(request, _("“{name}”已设为默认模型。").format(name=model.name))
    return redirect("screening:models")


@writer_required
@require_POST
def run_create(request):
    model, method, stages = _ranking_params(request)
    run = screening.screening_run_create(actor=request.user, version=model.current_version, method=method,
                                         title=request.POST.get("title", ""), stages=stages)
    messages.success(request, _("已保存筛选记录。"))
    return redirect("screening:run_detail", pk=run.pk)


@internal_required
def run_list(request):
    runs = ScreeningRun.objects.select_related("version__model", "created_by").defer("result")
    return render(request, "screening/runs.html", {"page": Paginator(runs, 30).get_page(request.GET.get("page"))})


@internal_required
def run_detail(request, pk: int):
    run = get_object_or_404(ScreeningRun.objects.select_related("version__model", "created_by"), pk=pk)
    rows = run.result.get("rows", [])
    labels = run.result.get("labels", {})
    codes = list(run.weights)
    return render(request, "screening/run_detail.html", {
        "run": run, "rows": rows, "codes": codes, "labels": [labels.get(c, c) for c in codes],
        "weights": [(labels.get(c, c), w) for c, w in run.weights.items()],
    })
