"""Forms of the monitoring pages; the services check the rules, the forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allies.core.errors import DomainError
from allies.core.models import User
from allies.domain import kpi as kpi_math
from allies.monitoring.models import DecisionKind, Dimension, PeriodType, Severity, WebhookKind

SCORES = [(i, str(i)) for i in range(kpi_math.SCALE_MIN, kpi_math.SCALE_MAX + 1)]


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """A service's field problems beside the form's fields; anything else on top."""
    placed = False
    for err in exc.details.get("errors", []):
        if err.get("field") in form.fields:
            form.add_error(err["field"], err["reason"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class Styled(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class EvaluationForm(Styled):
    agreement = forms.ModelChoiceField(label=_("联盟"), queryset=None)
    period_type = forms.ChoiceField(label=_("评估周期"), choices=PeriodType.choices)
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("期数"), min_value=1, max_value=4, help_text=_("季度 1-4，半年 1-2。"))

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements


class KpiForm(Styled):
    name = forms.CharField(label=_("指标名称"), max_length=100)
    unit = forms.CharField(label=_("单位"), max_length=20)
    direction = forms.ChoiceField(label=_("方向"), choices=[(kpi_math.HIGHER, _("越高越好")),
                                                          (kpi_math.LOWER, _("越低越好"))])
    target = forms.DecimalField(label=_("目标值"), required=False, max_digits=20, decimal_places=4)
    actual = forms.DecimalField(label=_("实际值"), required=False, max_digits=20, decimal_places=4)
    explanation = forms.CharField(label=_("偏差说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class KpiEditForm(Styled):
    target = forms.DecimalField(label=_("目标值"), required=False, max_digits=20, decimal_places=4)
    actual = forms.DecimalField(label=_("实际值"), required=False, max_digits=20, decimal_places=4)
    explanation = forms.CharField(label=_("偏差说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(Styled):
    kind = forms.ChoiceField(label=_("决定类型"), choices=DecisionKind.choices)
    text = forms.CharField(label=_("决定内容"), widget=forms.Textarea(attrs={"rows": 2}))


class SummaryForm(Styled):
    summary = forms.CharField(label=_("评估结论"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SurveySendForm(Styled):
    recipients = forms.ModelMultipleChoiceField(label=_("发送给"), queryset=None,
                                                widget=forms.SelectMultiple(attrs={"size": 8}),
                                                help_text=_("我方成员和该联盟伙伴方的用户；可多选。"))
    anonymous = forms.BooleanField(label=_("匿名（一方至少三人作答后才显示该方结果）"), required=False, initial=True)
    closes_on = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        qs = User.objects.filter(is_active=True).filter(
            Q(role__in=["admin", "manager", "viewer"]) | Q(partner__in=agreement.partners.all()))
        self.fields["recipients"].queryset = qs.select_related("partner").order_by("partner__name", "username")
        self.fields["recipients"].label_from_instance = (
            lambda u: f"{u.partner.name if u.partner_id else _('我方')} · {u.get_full_name() or u.username}")


class AnswerForm(Styled):
    comment = forms.CharField(label=_("意见与建议"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Dimension.choices:
            self.fields[value] = forms.TypedChoiceField(label=label, choices=SCORES, coerce=int,
                                                        widget=forms.RadioSelect)
        self.order_fields([*kpi_math.SURVEY_DIMENSIONS, "comment"])
        self.style()


class AssignForm(Styled):
    owner = forms.ModelChoiceField(label=_("负责人"), required=False,
                                   queryset=User.objects.filter(is_active=True, role__in=["admin", "manager"]))


class ResolveForm(Styled):
    resolution = forms.CharField(label=_("处理说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WebhookForm(Styled):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=WebhookKind.choices)
    url = forms.CharField(label=_("地址"), max_length=500, help_text=_("机器人的 Webhook 地址，须以 http:// 或 https:// 开头。"))
    secret = forms.CharField(label=_("签名密钥"), required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=_("钉钉、飞书的加签密钥；编辑时留空表示不修改。"))
    min_severity = forms.ChoiceField(label=_("最低严重程度"), choices=Severity.choices, initial=Severity.WARNING)
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
