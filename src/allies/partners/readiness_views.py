"""Web pages of the self-assessment (spec 1.3): the questionnaire, its advice, and its history."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from allies.core.errors import DomainError
from allies.domain.readiness import AREAS
from allies.partners import readiness
from allies.partners.choices import Resource
from allies.partners.models import SelfAssessment
from allies.web import charts
from allies.web.decorators import internal_required, writer_required


@internal_required
def assessment_list(request):
    assessments = list(SelfAssessment.objects.select_related("created_by")[:24])
    history = list(reversed(assessments))
    chart = ""
    if len(history) >= 2:
        chart = charts.lines(
            [a.assessed_on.isoformat() for a in history],
            [(str(readiness.AREA_LABELS[area]), [a.scores.get(area) for a in history]) for area in AREAS],
            title=_("准备度变化（0-100）"),
        )
    resource_label = dict(Resource.choices)
    rows = [{"assessment": a, "scores": [a.scores.get(area) for area in AREAS],
             "gaps": [resource_label.get(g, g) for g in a.gaps]} for a in assessments]
    return render(request, "readiness/list.html", {
        "rows": rows, "areas": [readiness.AREA_LABELS[a] for a in AREAS], "chart": chart,
    })


@writer_required
def assessment_new(request):
    previous = readiness.latest_assessment()
    answers = dict(previous.answers) if previous else {}
    strengths = list(previous.strengths) if previous else []
    gaps = list(previous.gaps) if previous else []
    errors = {}
    if request.method == "POST":
        answers = {q.code: request.POST.get(q.code, "") for q in readiness.QUESTIONS}
        strengths = request.POST.getlist("strengths")
        gaps = [g for g in (request.POST.get(f"gap{i}", "") for i in range(readiness.MAX_GAPS)) if g]
        try:
            assessment = readiness.assessment_create(actor=request.user, answers=answers, strengths=strengths,
                                                     gaps=gaps, notes=request.POST.get("notes", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
            errors = {e.get("field"): e.get("reason") for e in exc.details.get("errors", [])}
        else:
            messages.success(request, _("已保存自我评估。"))
            return redirect("readiness:detail", pk=assessment.pk)
    questions = [{"q": q, "value": str(answers.get(q.code, "")), "error": errors.get(q.code)}
                 for q in readiness.QUESTIONS]
    return render(request, "readiness/form.html", {
        "questions": questions, "areas": readiness.AREA_LABELS, "resources": Resource.choices,
        "strengths": strengths, "gap_slots": [gaps[i] if i < len(gaps) else "" for i in range(readiness.MAX_GAPS)],
        "scale": range(1, 6),
    }, status=422 if errors else 200)


@internal_required
def assessment_detail(request, pk: int):
    assessment = get_object_or_404(SelfAssessment, pk=pk)
    resource_label = dict(Resource.choices)
    return render(request, "readiness/detail.html", {
        "assessment": assessment,
        "areas": readiness.advice(assessment),
        "strengths": [resource_label.get(s, s) for s in assessment.strengths],
        "gaps": [resource_label.get(g, g) for g in assessment.gaps],
    })
