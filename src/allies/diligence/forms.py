"""Web forms for due diligence. They collect input; services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allies.diligence.choices import Area, ItemStatus, RiskLevel, Verdict


def owner_choices():
    from allies.core.models import INTERNAL_ROLES, User

    users = User.objects.filter(is_active=True, role__in=INTERNAL_ROLES).order_by("username")
    return [("", "—")] + [(str(u.pk), u.get_full_name() or u.username) for u in users]


class TemplateForm(forms.Form):
    area = forms.ChoiceField(label=_("调查领域"), choices=Area.choices)
    title = forms.CharField(label=_("检查项"), max_length=200)
    guidance = forms.CharField(label=_("检查要点"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    position = forms.IntegerField(label=_("顺序"), required=False, min_value=0, max_value=32767)
    active = forms.BooleanField(label=_("启用"), required=False)


class ItemForm(forms.Form):
    """The inline edit of one item."""

    status = forms.ChoiceField(label=_("状态"), choices=ItemStatus.choices)
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    finding = forms.CharField(label=_("发现"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_id = forms.ChoiceField(label=_("负责人"), required=False)
    due_date = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = owners if owners is not None else owner_choices()


class ItemAddForm(ItemForm):
    area = forms.ChoiceField(label=_("调查领域"), choices=Area.choices)
    title = forms.CharField(label=_("检查项"), max_length=200)
    status = forms.ChoiceField(label=_("状态"), choices=ItemStatus.choices, initial=ItemStatus.OPEN)
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("证据文件"))


class FinancialYearForm(forms.Form):
    """One year of figures, money typed in major units (yuan); the view converts to minor units."""

    year = forms.IntegerField(label=_("年度"), min_value=1900, max_value=2100)
    currency = forms.CharField(label=_("币种"), max_length=3, initial="CNY")
    revenue = forms.CharField(label=_("营业收入"), max_length=30)
    profit = forms.CharField(label=_("净利润"), max_length=30)
    operating_cash_flow = forms.CharField(label=_("经营现金流"), max_length=30)
    debt_ratio = forms.CharField(label=_("资产负债率（%）"), max_length=12)


class FinancialRatingForm(forms.Form):
    score = forms.CharField(label=_("我的评分（0-10）"), required=False, max_length=10)


class ConcludeForm(forms.Form):
    verdict = forms.ChoiceField(label=_("结论"), choices=Verdict.choices)
    summary = forms.CharField(label=_("总结"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=_("附加条件"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("“有条件通过”时必填。"))
    override_reason = forms.CharField(label=_("越过原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("仍有未通过的高风险检查项却给出“通过”或“有条件通过”结论时必填，会被记录。"))
