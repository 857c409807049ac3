"""The article form (web): the same fields as the API, checked by the service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allies.agreements.models import Agreement
from allies.core.models import INTERNAL_ROLES, User
from allies.knowledge.models import Language, Visibility
from allies.partners.models import Partner

# Service field names -> form field names, so a service problem lands next to its field.
FIELD_MAP = {"partner_ids": "partners", "agreement_ids": "agreements", "author_ids": "authors",
             "shared_with_ids": "shared_with"}


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文（Markdown）"), widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
                           help_text=_("支持 Markdown：标题、列表、表格、“- [ ]”清单、链接（http、https、mailto）。"
                                       "HTML 标签按原文显示，不会执行。"))
    language = forms.ChoiceField(label=_("语言"), choices=Language.choices, initial=Language.ZH)
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("用逗号分隔，例如：试点, 模板"))
    partners = forms.ModelMultipleChoiceField(label=_("相关伙伴"), required=False, queryset=Partner.objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 5}))
    agreements = forms.ModelMultipleChoiceField(label=_("相关联盟"), required=False,
                                                queryset=Agreement.objects.none(),
                                                widget=forms.SelectMultiple(attrs={"size": 4}))
    authors = forms.ModelMultipleChoiceField(label=_("作者"), required=False, queryset=User.objects.none(),
                                             widget=forms.SelectMultiple(attrs={"size": 4}),
                                             help_text=_("不选则为你本人；修改文章的人会自动加入作者。"))
    visibility = forms.ChoiceField(label=_("可见范围"), choices=Visibility.choices, initial=Visibility.INTERNAL,
                                   widget=forms.RadioSelect)
    shared_with = forms.ModelMultipleChoiceField(label=_("共享给"), required=False, queryset=Partner.objects.none(),
                                                 widget=forms.SelectMultiple(attrs={"size": 5}),
                                                 help_text=_("这些伙伴的用户可在伙伴门户中阅读本文（只读）。"))
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Partner.objects.order_by("name")
        self.fields["partners"].queryset = partners
        self.fields["shared_with"].queryset = partners
        self.fields["agreements"].queryset = Agreement.objects.order_by("code", "title")
        self.fields["authors"].queryset = User.objects.filter(role__in=INTERNAL_ROLES, is_active=True).order_by(
            "username")
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " form-control").strip()

    @property
    def main_fields(self):
        return [self[n] for n in ("title", "language", "tags", "body")]

    @property
    def link_fields(self):
        return [self[n] for n in ("partners", "agreements", "authors")]

    def article_data(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"], "body": d["body"], "language": d["language"],
            "tags": [t for t in (d.get("tags") or "").replace("，", ",").split(",") if t.strip()],
            "partner_ids": [p.pk for p in d["partners"]], "agreement_ids": [a.pk for a in d["agreements"]],
            "author_ids": [u.pk for u in d["authors"]], "visibility": d["visibility"],
            "shared_with_ids": [p.pk for p in d["shared_with"]], "note": d.get("note", ""),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
