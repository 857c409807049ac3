"""The home page: a dashboard for staff; partner users go to their portal."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render

from allies.monitoring.dashboard import dashboard
from allies.partners.choices import Stage
from allies.partners.models import Partner, StageChange
from allies.partners.selectors import default_model, ranking_compute


@login_required
def home(request):
    if not request.user.is_internal:
        return redirect("portal:home")
    counts = dict(Partner.objects.values_list("stage").annotate(n=Count("*")))
    pipeline = [(value, label, counts.get(value, 0)) for value, label in Stage.choices]
    model = default_model()
    top = []
    if model and model.current_version:
        view = ranking_compute(version=model.current_version)
        top = [r for r in view.rows if r.status == "ranked"][:5]
    return render(request, "web/home.html", {
        "pipeline": pipeline,
        "total": sum(counts.values()),
        "recent": StageChange.objects.select_related("partner", "changed_by")[:8],
        "top": top,
        "model": model,
        **dashboard(user=request.user),
    })
