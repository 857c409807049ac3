"""The pipeline board (合作阶段): partners by stage, funnel conversion, moves with visible rules."""

from django.shortcuts import render

from allies.partners import gates
from allies.partners.choices import Stage
from allies.partners.selectors import pipeline_board
from allies.web.decorators import internal_required


@internal_required
def board(request):
    return render(request, "partners/pipeline.html", {
        "columns": pipeline_board(user=request.user),
        "stages": Stage.choices,
        "rules": gates.rules(),
    })
