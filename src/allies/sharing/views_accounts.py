"""Web pages for joint customers (/customers/): account lists, overlap, registrations (客户报备).

Partner users and staff share the pages; what each sees is decided by
:mod:`allies.sharing.accounts`. Staff-only pages (conflicts, decisions) answer 404 to
partner users, like every internal page.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError
from allies.core.scoping import get_visible
from allies.partners.models import Partner
from allies.partners.transfer import read_upload
from allies.sharing import accounts
from allies.sharing.models import CustomerRegistration
from allies.sharing.tokens import log_access
from allies.web.decorators import internal_required, writer_required

PAGE_SIZE = 50


def member_required(view):
    """Staff and partner users; anyone else gets the same 404 as a page that does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_internal or request.user.is_partner_user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- forms


def _styled(form: forms.Form) -> None:
    """Bootstrap classes on every widget (radio buttons are laid out by the template)."""
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（.xlsx 或 .csv）"))


class OverlapForm(forms.Form):
    partner = forms.TypedChoiceField(label=gettext_lazy("伙伴名单"), coerce=int, required=False)
    other = forms.CharField(label=gettext_lazy("与谁比较"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        partners = accounts.overlap_partners(user=user)
        choices = [(str(p.pk), p.name) for p in partners]
        self.fields["other"].widget = forms.Select(choices=[("us", _("我方客户名单")), *choices])
        if user.is_internal:
            self.fields["partner"].choices = choices
            self.fields["partner"].required = True
        else:
            del self.fields["partner"]
        _styled(self)

    def query_arguments(self) -> dict:
        other = self.cleaned_data["other"]
        return {"partner_id": self.cleaned_data.get("partner"), "with_us": other == "us",
                "other_partner_id": None if other == "us" else int(other) if other.isdigit() else 0}


class RegistrationForm(forms.Form):
    partner = forms.TypedChoiceField(label=gettext_lazy("伙伴"), coerce=int, required=False)
    customer_name = forms.CharField(label=gettext_lazy("客户名称"), max_length=200, required=False)
    customer_uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=40, required=False)
    customer_domain = forms.CharField(label=gettext_lazy("网站域名"), max_length=300, required=False)
    value = forms.DecimalField(label=gettext_lazy("商机金额（元）"), min_value=0, max_digits=18, decimal_places=2,
                               initial=0)
    currency = forms.CharField(label=gettext_lazy("币种"), max_length=3, initial="CNY")
    stage = forms.ChoiceField(label=gettext_lazy("商机阶段"), choices=CustomerRegistration.STAGES)
    expected_close = forms.DateField(label=gettext_lazy("预计成交日期"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_internal:
            self.fields["partner"].choices = [(str(p.pk), p.name) for p in Partner.objects.order_by("name")]
            self.fields["partner"].required = True
        else:
            del self.fields["partner"]
        _styled(self)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["partner_id"] = data.pop("partner", None)
        data["value"] = int(data["value"] * 100)  # yuan on the form, fen (minor units) in the database
        return data


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class StageForm(StyledForm):
    stage = forms.ChoiceField(label=gettext_lazy("商机阶段"), choices=CustomerRegistration.STAGES)
    expected_close = forms.DateField(label=gettext_lazy("预计成交日期"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))


class DecisionForm(StyledForm):
    winner = forms.ChoiceField(label=gettext_lazy("裁定"), widget=forms.RadioSelect, choices=[
        ("existing", gettext_lazy("保留先报备的一方，驳回本条")), ("new", gettext_lazy("批准本条，驳回先报备的一方"))])
    note = forms.CharField(label=gettext_lazy("裁定说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=gettext_lazy("双方伙伴都会看到这段说明，请不要写入另一方伙伴的名称。"))


def _with_money(reg: CustomerRegistration) -> CustomerRegistration:
    """``reg.money``: the value as people read it (minor units in the database)."""
    reg.money = f"{reg.currency} {reg.value // 100:,}.{reg.value % 100:02d}"
    return reg


def _field_errors(form, exc: DomainError) -> None:
    placed = False
    for err in exc.details.get("errors", []):
        field = {"partner_id": "partner", "other_partner_id": "other"}.get(err.get("field"), err.get("field"))
        if field in form.fields:
            form.add_error(field, err["reason"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


# --------------------------------------------------------------------------- account lists


@member_required
def home(request):
    user = request.user
    context = {"own_list": accounts.own_account_list(user=user),
               "registrations": accounts.registrations(user=user)[:5]}
    if user.is_internal:
        context["lists"] = accounts.account_lists(user=user).exclude(partner=None)
        context["conflict_count"] = accounts.registration_conflicts(user=user).count()
    else:
        context["queries_left"] = accounts.overlap_queries_left_today(partner=user.partner)
        log_access(request, partner=user.partner, action="read", resource="account_list", rows=1)
    context["queries"] = accounts.overlap_queries(user=user)[:5]
    return render(request, "sharing/accounts/index.html", context)


@member_required
def upload(request):
    if not request.user.is_partner_user and not request.user.can_write:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            result = accounts.account_list_upload(actor=request.user, data=read_upload(file), filename=file.name,
                                                  request=request)
        except DomainError as exc:
            report = exc
        else:
            messages.success(request, _("已上传客户名单：{count} 个客户（合并重复行 {duplicates} 个）。").format(
                count=result.account_list.account_count, duplicates=result.duplicates))
            return redirect("accounts:accounts")
    return render(request, "sharing/accounts/upload.html", {"form": form, "report": report})


@member_required
def account_list(request):
    own = accounts.own_account_list(user=request.user)
    q = request.GET.get("q", "").strip()
    page = None
    if own is not None:
        qs = accounts.list_accounts(user=request.user, account_list=own, q=q)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        log_access(request, partner=own.partner, action="read", resource="account_list",
                   rows=len(page.object_list), detail=f"list={own.pk}")
    context = {"own_list": own, "page": page, "q": q}
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "sharing/accounts/_accounts_table.html" if fragment else "sharing/accounts/accounts.html"
    return render(request, template, context)


# --------------------------------------------------------------------------- overlap


@member_required
def overlap(request):
    form = OverlapForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if request.user.is_internal and not request.user.can_write:
            raise Http404
        if form.is_valid():
            try:
                query = accounts.overlap_run(actor=request.user, request=request, **form.query_arguments())
            except DomainError as exc:
                _field_errors(form, exc)
                status = exc.status if exc.status in (403, 429) else 200
            else:
                return redirect("accounts:overlap_result", pk=query.pk)
    context = {"form": form, "queries": accounts.overlap_queries(user=request.user)[:20]}
    if request.user.is_partner_user:
        context["queries_left"] = accounts.overlap_queries_left_today(partner=request.user.partner)
    return render(request, "sharing/accounts/overlap.html", context, status=status)


@member_required
def overlap_result(request, pk: int):
    try:
        page_no = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_no = 1
    page = accounts.overlap_query_page(user=request.user, query_id=pk, limit=PAGE_SIZE,
                                       offset=(page_no - 1) * PAGE_SIZE, request=request)
    return render(request, "sharing/accounts/overlap_result.html", {
        "result": page, "query": page.query, "page_no": page_no, "pages": max(1, -(-page.total_items // PAGE_SIZE)),
        "staff_result": page.query.partner_id is None and request.user.is_internal,
    })


# --------------------------------------------------------------------------- registrations


@member_required
def registration_list(request):
    status = request.GET.get("status", "")
    qs = accounts.registrations(user=request.user, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for reg in page.object_list:
        reg.effective_status = accounts.registration_status(reg)
        _with_money(reg)
    log_access(request, partner=request.user.partner, action="read", resource="registration",
               rows=len(page.object_list))
    return render(request, "sharing/accounts/registrations.html", {
        "page": page, "status": status, "statuses": CustomerRegistration.STATUSES})


@member_required
def registration_create(request):
    if request.user.is_internal and not request.user.can_write:
        raise Http404
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            reg = accounts.registration_create(actor=request.user, request=request, **form.service_arguments())
        except DomainError as exc:
            _field_errors(form, exc)
        else:
            if reg.status == CustomerRegistration.CONFLICT:
                messages.warning(request, accounts.conflict_notice())
            else:
                messages.success(request, _("已报备，保护期至 {date}。").format(date=reg.protected_until))
            return redirect("accounts:registration_detail", pk=reg.pk)
    return render(request, "sharing/accounts/registration_form.html", {"form": form})


@member_required
def registration_detail(request, pk: int):
    reg = accounts.registration_get(user=request.user, registration_id=pk, request=request)
    return render(request, "sharing/accounts/registration_detail.html", {
        "reg": _with_money(reg), "status": accounts.registration_status(reg),
        "stage_form": StageForm(initial={"stage": reg.stage, "expected_close": reg.expected_close}),
        "decision_form": DecisionForm(),
        "can_update": request.user.is_partner_user or request.user.can_write,
        "notice": accounts.conflict_notice() if reg.status == CustomerRegistration.CONFLICT else "",
    })


@member_required
@require_POST
def registration_update(request, pk: int):
    reg = accounts.registration_get(user=request.user, registration_id=pk)
    if request.user.is_internal and not request.user.can_write:
        raise Http404
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            accounts.registration_update(actor=request.user, registration=reg, data=form.cleaned_data,
                                         request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
    else:
        messages.error(request, _("请选择商机阶段。"))
    return redirect("accounts:registration_detail", pk=reg.pk)


@internal_required
def conflicts(request):
    items = []
    for reg in accounts.registration_conflicts(user=request.user):
        _with_money(reg)
        if reg.conflict_with:
            _with_money(reg.conflict_with)
        items.append((reg, DecisionForm(auto_id=f"c{reg.pk}_%s")))
    return render(request, "sharing/accounts/conflicts.html", {"items": items})


@writer_required
@require_POST
def registration_decide(request, pk: int):
    reg = get_visible(CustomerRegistration.objects, request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            accounts.registration_decide(actor=request.user, registration=reg, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已裁定。"))
    else:
        messages.error(request, _("请选择保留哪一方并填写裁定说明。"))
    if request.POST.get("next") == "conflicts":
        return redirect("accounts:conflicts")
    return redirect("accounts:registration_detail", pk=reg.pk)
