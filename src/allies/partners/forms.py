"""Web forms for the registry and screening. They collect input; services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allies.partners.choices import CompanySize, Method, Resource, SourceChannel, Stage


def _blank(choices):
    return [("", "—")] + list(choices)


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=40, required=False,
                           help_text=_("可选；填写时校验第 18 位校验码。"))
    industry = forms.CharField(label=_("行业"), max_length=100, required=False)
    region = forms.CharField(label=_("地区"), max_length=100, required=False)
    size = forms.ChoiceField(label=_("规模"), choices=_blank(CompanySize.choices), required=False)
    website = forms.CharField(label=_("网站"), max_length=200, required=False)
    source_channel = forms.ChoiceField(label=_("寻找渠道"), choices=_blank(SourceChannel.choices), required=False)
    resources = forms.MultipleChoiceField(label=_("提供的资源"), choices=Resource.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("新阶段"), choices=Stage.choices)
    reason = forms.CharField(label=_("原因"), max_length=1000, widget=forms.TextInput)
    override = forms.BooleanField(label=_("越过规则"), required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=100)
    title = forms.CharField(label=_("职务"), max_length=100, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    phone = forms.CharField(label=_("电话"), max_length=40, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


class RankingForm(forms.Form):
    model = forms.IntegerField(required=False, widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("方法"), choices=Method.choices, required=False)
    stages = forms.MultipleChoiceField(label=_("阶段"), choices=Stage.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
