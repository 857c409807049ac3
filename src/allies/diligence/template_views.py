"""The checklist-template editor: the default items a new case starts with."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError
from allies.diligence import services
from allies.diligence.choices import Area
from allies.diligence.forms import TemplateForm
from allies.diligence.models import ChecklistTemplate
from allies.web.decorators import internal_required, writer_required


def _page(request, form=None, status=200):
    templates = list(ChecklistTemplate.objects.all())
    areas = [(code, label, [t for t in templates if t.area == code]) for code, label in Area.choices]
    return render(request, "diligence/templates.html", {
        "areas": areas, "form": form or TemplateForm(initial={"active": True}), "area_choices": Area.choices,
    }, status=status)


@internal_required
def template_index(request):
    return _page(request)


@writer_required
@require_POST
def template_add(request):
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            template = services.template_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已添加模板“{title}”。").format(title=template.title))
            return redirect("diligence:templates")
    return _page(request, form, status=422)


@writer_required
@require_POST
def template_update(request, pk: int):
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    form = TemplateForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if data["position"] is None:
            data.pop("position")
        try:
            services.template_update(actor=request.user, template=template, data=data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存模板“{title}”。").format(title=template.title))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items()))
    return redirect("diligence:templates")


@writer_required
@require_POST
def template_delete(request, pk: int):
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    services.template_delete(actor=request.user, template=template)
    messages.success(request, _("已删除模板“{title}”；已开始的尽职调查不受影响。").format(title=template.title))
    return redirect("diligence:templates")
