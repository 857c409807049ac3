"""Web pages for API tokens (every user, their own; administrators, everyone's) and the staff access log."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError
from allies.partners.models import Partner
from allies.sharing import tokens
from allies.sharing.models import AccessLog
from allies.web.decorators import internal_required

PAGE_SIZE = 50
SELECT = {"class": "form-select form-select-sm"}


class TokenForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False,
                                  help_text=gettext_lazy("例如用途或调用方系统，方便以后辨认。"))
    expires_at = forms.DateTimeField(
        label=gettext_lazy("过期时间"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("可选；留空表示不过期。"))
    read_only = forms.BooleanField(label=gettext_lazy("只读"), required=False,
                                   help_text=gettext_lazy("只读令牌只能查询，不能新增、修改或删除数据。"))
    allowed_ips = forms.CharField(
        label=gettext_lazy("允许的 IP 范围"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一个 IPv4/IPv6 地址或 CIDR 网段，例如 203.0.113.0/24；留空表示不限来源。"))

    def ranges(self) -> list[str]:
        text = self.cleaned_data.get("allowed_ips", "")
        return [part for line in text.splitlines() for part in line.replace("，", ",").split(",") if part.strip()]


class AccessLogFilter(forms.Form):
    partner = forms.ModelChoiceField(Partner.objects.order_by("name"), label=gettext_lazy("伙伴"), required=False,
                                     empty_label=gettext_lazy("全部伙伴"), widget=forms.Select(attrs=SELECT))
    action = forms.ChoiceField(label=gettext_lazy("动作"), required=False, widget=forms.Select(attrs=SELECT),
                               choices=[("", gettext_lazy("全部动作")), (AccessLog.READ, gettext_lazy("读取")),
                                        (AccessLog.WRITE, gettext_lazy("写入"))])
    day_from = forms.DateField(label=gettext_lazy("起始日期"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    day_to = forms.DateField(label=gettext_lazy("截止日期"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))


def _fragment(request) -> bool:
    # a history-restore request (back button after hx-push-url, cache miss) needs the whole page
    return bool(request.htmx and not request.htmx.history_restore_request)


@login_required
def token_index(request):
    everyone = tokens.is_admin(request.user) and request.GET.get("scope", "all") == "all"
    qs = tokens.token_list(user=request.user, everyone=everyone)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for token in page.object_list:
        token.status = tokens.token_status(token, now)
        token.status_label = tokens.Status(token.status).label
        token.shown = tokens.display(token)
    context = {"page": page, "everyone": everyone, "is_admin": tokens.is_admin(request.user)}
    return render(request, "sharing/tokens/_table.html" if _fragment(request) else "sharing/tokens/list.html", context)


@never_cache
@login_required
def token_create(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.token_create(actor=request.user, description=form.cleaned_data["description"],
                                         expires_at=form.cleaned_data["expires_at"],
                                         read_only=form.cleaned_data["read_only"], allowed_ips=form.ranges())
        except DomainError as exc:
            for err in exc.details.get("errors", []) or [{}]:
                form.add_error(err.get("field") if err.get("field") in form.fields else None,
                               err.get("reason") or exc.message)
        else:
            # Rendered, not redirected: the plaintext must not pass through a session, cookie or URL.
            return render(request, "sharing/tokens/created.html",
                          {"token": issued.token, "plaintext": issued.plaintext})
    return render(request, "sharing/tokens/form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = tokens.token_get(user=request.user, token_id=pk)
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌 {token} 已吊销。").format(token=tokens.display(token)))
    return redirect("tokens:list")


@internal_required
def access_log(request):
    form = AccessLogFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    partner = filters.get("partner")
    qs = tokens.access_log_list(user=request.user, partner_id=partner.pk if partner else None,
                                action=filters.get("action", ""), day_from=filters.get("day_from"),
                                day_to=filters.get("day_to"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "form": form, "query": query.urlencode()}
    template = "sharing/tokens/_access_table.html" if _fragment(request) else "sharing/tokens/access_log.html"
    return render(request, template, context)
