"""Web pages for sales data: the staff sales page (filters, table, monthly chart, export), the upload
page with live progress and the report of bad rows (staff and partner users), uploads, sharing levels.
"""

import pygal
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allies.core.errors import DomainError
from allies.partners.models import Partner
from allies.sharing import sales
from allies.sharing.models import SalesImport, SharingLevel
from allies.sharing.tokens import log_access
from allies.web import charts
from allies.web.decorators import internal_required

PAGE_SIZE = 50
SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
ORDERINGS = [("-date", gettext_lazy("日期（新到旧）")), ("date", gettext_lazy("日期（旧到新）")),
             ("-amount", gettext_lazy("金额（高到低）")), ("amount", gettext_lazy("金额（低到高）"))]


class SalesFilterForm(forms.Form):
    partner = forms.ModelChoiceField(Partner.objects.order_by("name"), label=gettext_lazy("伙伴"), required=False,
                                     empty_label=gettext_lazy("全部伙伴"), widget=forms.Select(attrs=SELECT))
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", **INPUT}))
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", **INPUT}))
    product = forms.CharField(label=gettext_lazy("产品"), required=False, max_length=200,
                              widget=forms.TextInput(attrs=INPUT))
    customer = forms.CharField(label=gettext_lazy("客户"), required=False, max_length=200,
                               widget=forms.TextInput(attrs=INPUT))
    ordering = forms.ChoiceField(label=gettext_lazy("排序"), required=False, choices=ORDERINGS,
                                 widget=forms.Select(attrs=SELECT))

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        partner = data.get("partner")
        return {"partner_id": partner.pk if partner else None, "date_from": data.get("date_from"),
                "date_to": data.get("date_to"), "product": data.get("product", ""),
                "customer": data.get("customer", ""), "ordering": data.get("ordering") or "-date"}


class SalesUploadForm(forms.Form):
    partner = forms.ModelChoiceField(Partner.objects.order_by("name"), label=gettext_lazy("伙伴"),
                                     widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=gettext_lazy("文件（.csv、.xlsx 或 .json）"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                  "accept": ".csv,.xlsx,.json"}))

    def __init__(self, *args, partner_user: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if partner_user:
            del self.fields["partner"]


class SharingGrantForm(forms.Form):
    grantor = forms.ModelChoiceField(Partner.objects.order_by("name"), label=gettext_lazy("数据所有方"),
                                     widget=forms.Select(attrs=SELECT))
    grantee = forms.ModelChoiceField(Partner.objects.order_by("name"), label=gettext_lazy("可查看方"),
                                     widget=forms.Select(attrs=SELECT))
    level = forms.ChoiceField(label=gettext_lazy("共享级别"), choices=SharingLevel.choices,
                              widget=forms.Select(attrs=SELECT))


def _fragment(request) -> bool:
    # a history-restore request (back button after hx-push-url, cache miss) needs the whole page
    return bool(request.htmx and not request.htmx.history_restore_request)


def _may_upload(user) -> bool:
    return user.is_partner_user or user.can_write


def money(minor: int, currency: str) -> str:
    """Minor units as a readable major-unit amount with digit grouping, e.g. 1,234.50."""
    text = sales.money_text(minor, currency)
    whole, dot, frac = text.partition(".")
    return f"{int(whole):,}{dot}{frac}"


def monthly_chart(totals: list[dict]) -> str:
    """SVG bars of the monthly amount per currency (major units), for a sales or portal page."""
    months = sorted({t["month"] for t in totals})
    if not months:
        return ""
    chart = pygal.Bar(width=720, height=300, legend_at_bottom=True, title=_("每月销售额"), **charts.OPTIONS)
    chart.x_labels = [m.strftime("%Y-%m") for m in months]
    chart.value_formatter = lambda v: f"{v:,.2f}"
    for currency in sorted({t["currency"] for t in totals}):
        by_month = {t["month"]: t["amount"] for t in totals if t["currency"] == currency}
        scale = 10 ** sales.CURRENCY_DIGITS.get(currency, 2)
        chart.add(currency, [by_month[m] / scale if m in by_month else None for m in months])
    return mark_safe(chart.render(is_unicode=True))


# --------------------------------------------------------------------------- staff sales page


@internal_required
def sales_index(request):
    form = SalesFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(sales.sales_rows(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(Partner.objects.filter(pk__in={r["partner_id"] for r in page.object_list}).values_list("pk", "name"))
    for row in page.object_list:
        row["partner_name"] = names.get(row["partner_id"], "")
        row["amount_text"] = money(row["amount"], row["currency"])
        row["cost_text"] = money(row["cost"], row["currency"])
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if _fragment(request):
        return render(request, "sharing/sales/_table.html", context)
    totals = sales.monthly_totals(request.user, partner_id=filters["partner_id"], date_from=filters["date_from"],
                                  date_to=filters["date_to"], product=filters["product"])
    context["chart"] = monthly_chart(totals)
    return render(request, "sharing/sales/list.html", context)


@internal_required
def sales_export(request):
    filters = SalesFilterForm(request.GET or None).filters()
    try:
        data, content_type, filename, _count = sales.sales_export(request.user, fmt=request.GET.get("format", "csv"),
                                                                  **filters)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sales:list")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- uploads (staff and partner users)


@login_required
def upload(request):
    user = request.user
    if not (user.is_partner_user or user.is_internal):
        raise Http404
    if not _may_upload(user):
        raise PermissionDenied
    form = SalesUploadForm(request.POST or None, request.FILES or None, partner_user=user.is_partner_user)
    status = 200
    if request.method == "POST" and form.is_valid():
        partner = form.cleaned_data.get("partner")
        try:
            target = sales.sales_target_partner(actor=user, partner_id=user.partner_id if user.is_partner_user
                                                else partner.pk)
            sales_import = sales.sales_upload_create(actor=user, partner=target, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
            status = exc.status
        else:
            log_access(request, partner=target, action="write", resource="sales_upload",
                       rows=sales_import.created_count + sales_import.updated_count,
                       detail=f"upload {sales_import.pk}")
            return redirect("sales:upload_detail", pk=sales_import.pk)
    elif request.method == "POST":
        status = 422
    return render(request, "sharing/sales/upload.html",
                  {"form": form, "max_rows": settings.ALLIES_SALES_MAX_ROWS}, status=status)


def _visible_import(request, pk: int) -> SalesImport:
    if not (request.user.is_partner_user or request.user.is_internal):
        raise Http404
    return sales.sales_import_get(request.user, pk)


@login_required
def uploads(request):
    if not (request.user.is_partner_user or request.user.is_internal):
        raise Http404
    page = Paginator(sales.sales_imports(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(request, partner=request.user.partner_id, action="read", resource="sales_uploads",
               rows=len(page.object_list))
    return render(request, "sharing/sales/uploads.html", {"page": page, "may_upload": _may_upload(request.user)})


@login_required
def upload_detail(request, pk: int):
    sales_import = _visible_import(request, pk)
    log_access(request, partner=sales_import.partner_id, action="read", resource="sales_upload",
               rows=len(sales_import.errors), detail=f"upload {pk}")
    return render(request, "sharing/sales/upload_detail.html", {"imp": sales_import})


@login_required
def upload_progress(request, pk: int):
    """The progress block alone, polled by HTMX every second while the import runs."""
    return render(request, "sharing/sales/_progress.html", {"imp": _visible_import(request, pk)})


# --------------------------------------------------------------------------- sharing levels (staff)


@internal_required
def sharing(request):
    form = SharingGrantForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.can_write:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                sales.sharing_grant_set(actor=request.user, grantor_id=data["grantor"].pk,
                                        grantee_id=data["grantee"].pk, level=data["level"])
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("共享级别已保存：{grantee} 查看 {grantor} 的销售数据——{level}。").format(
                    grantee=data["grantee"].name, grantor=data["grantor"].name,
                    level=SharingLevel(data["level"]).label))
                return redirect("sales:sharing")
        else:
            status = 422
    return render(request, "sharing/sales/sharing.html", {"form": form, "grants": sales.sharing_grants()},
                  status=status)

