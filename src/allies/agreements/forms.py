"""Web forms for agreements. They collect input; the services validate and write.

Party rows and dispute-path rows are numbered fields (``party_0_partner`` ...), a few empty
rows more than the agreement has, so that no script is needed to add one.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from allies.agreements.choices import (
    Confidentiality,
    CooperationModel,
    DisputeMethod,
    IpKind,
    IpOwner,
    RoundingMode,
    UsageRight,
)
from allies.agreements.validation import CLAUSE_TEXTS
from allies.partners.models import Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PARTY_FIELDS = ("partner", "role", "rights", "obligations")
STEP_FIELDS = ("method", "body", "days")


def _textarea(rows: int = 2):
    return forms.Textarea(attrs={"rows": rows})


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    code = forms.CharField(label=_("协议编号"), max_length=40, required=False, help_text=_("留空则自动编号。"))
    cooperation_models = forms.MultipleChoiceField(label=_("合作模式"), choices=CooperationModel.choices,
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(label=_("生效日期"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("到期日期"), required=False, widget=DATE)
    auto_renew = forms.BooleanField(label=_("自动续约"), required=False)
    renewal_months = forms.CharField(label=_("续约期限（月）"), required=False)
    notice_days = forms.CharField(label=_("通知期（天）"), initial="90")
    currency = forms.CharField(label=_("币种"), max_length=3, initial="CNY")
    rounding = forms.ChoiceField(label=_("舍入方式"), choices=RoundingMode.choices)
    scope = forms.CharField(label=_("合作范围"), required=False, widget=_textarea(3))
    goals = forms.CharField(label=_("合作目标"), required=False, widget=_textarea(3))
    our_rights = forms.CharField(label=_("我方权利"), required=False, widget=_textarea())
    our_obligations = forms.CharField(label=_("我方义务"), required=False, widget=_textarea())
    revenue_cost_terms = forms.CharField(label=_("收益分配与成本分摊（概述）"), required=False, widget=_textarea(3),
                                         help_text=_("文字概述；具体的分成规则在结算模块中设置。"))
    ip_terms = forms.CharField(label=_("知识产权（总体约定）"), required=False, widget=_textarea())
    termination_conditions = forms.CharField(label=_("终止条件"), required=False, widget=_textarea())
    customer_handover = forms.CharField(label=_("客户交接"), required=False, widget=_textarea())
    data_migration = forms.CharField(label=_("数据迁移"), required=False, widget=_textarea())
    reason = forms.CharField(label=_("修订原因"), required=False, max_length=2000,
                             help_text=_("协议已签署：本次修改将作为修订记录，须说明原因。"))

    TERM_FIELDS = ("title", "code", "cooperation_models", "start_date", "end_date", "auto_renew", "renewal_months",
                   "notice_days", "currency", "rounding")
    SECTIONS = (
        ("scope", _("合作范围与目标"), ("scope", "goals")),
        ("rights_obligations", _("双方的权利与义务"), ("our_rights", "our_obligations")),
        ("revenue_cost", _("收益分配与成本分摊"), ("revenue_cost_terms",)),
        ("ip", _("知识产权条款"), ("ip_terms",)),
        ("exit", _("退出机制"), ("termination_conditions", "customer_handover", "data_migration")),
    )

    def __init__(self, *args, party_rows: int = 3, step_rows: int = 4, amendment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.amendment = amendment
        if not amendment:
            del self.fields["reason"]
        partners = Partner.objects.order_by("name")
        self.party_count, self.step_count = party_rows, step_rows
        for i in range(party_rows):
            self.fields[f"party_{i}_partner"] = forms.ModelChoiceField(label=_("伙伴"), queryset=partners,
                                                                       required=False)
            self.fields[f"party_{i}_role"] = forms.CharField(label=_("角色"), max_length=100, required=False)
            self.fields[f"party_{i}_rights"] = forms.CharField(label=_("权利"), required=False, widget=_textarea())
            self.fields[f"party_{i}_obligations"] = forms.CharField(label=_("义务"), required=False,
                                                                    widget=_textarea())
        for i in range(step_rows):
            self.fields[f"step_{i}_method"] = forms.ChoiceField(
                label=_("方式"), required=False, choices=[("", "—"), *DisputeMethod.choices])
            self.fields[f"step_{i}_body"] = forms.CharField(label=_("机构或法院"), max_length=200, required=False)
            self.fields[f"step_{i}_days"] = forms.CharField(label=_("期限（天）"), required=False)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self._field_map: dict[str, str] = {}

    def term_fields(self):
        return [self[n] for n in self.TERM_FIELDS]

    def sections(self):
        return [{"area": area, "label": label, "fields": [self[n] for n in names]}
                for area, label, names in self.SECTIONS]

    def party_rows(self):
        return [{f: self[f"party_{i}_{f}"] for f in PARTY_FIELDS} for i in range(self.party_count)]

    def step_rows(self):
        return [{f: self[f"step_{i}_{f}"] for f in STEP_FIELDS} for i in range(self.step_count)]

    @staticmethod
    def initial_for(agreement) -> dict:
        initial = {f: getattr(agreement, f) for f in AgreementForm.TERM_FIELDS + CLAUSE_TEXTS}
        initial["renewal_months"] = agreement.renewal_months or ""
        for i, link in enumerate(agreement.party_links.order_by("id")):
            initial.update({f"party_{i}_partner": link.partner_id, f"party_{i}_role": link.role,
                            f"party_{i}_rights": link.rights, f"party_{i}_obligations": link.obligations})
        for i, step in enumerate(agreement.dispute_steps.all()):
            initial.update({f"step_{i}_method": step.method, f"step_{i}_body": step.body,
                            f"step_{i}_days": step.days or ""})
        return initial

    def agreement_data(self) -> dict:
        cd = self.cleaned_data
        data = {f: cd[f] for f in self.TERM_FIELDS + CLAUSE_TEXTS}
        self._field_map = {}
        parties = []
        for i in range(self.party_count):
            partner = cd.get(f"party_{i}_partner")
            if partner is None:
                continue
            for f, name in (("partner_id", "partner"), ("role", "role"), ("rights", "rights"),
                            ("obligations", "obligations")):
                self._field_map[f"parties.{len(parties)}.{f}"] = f"party_{i}_{name}"
            parties.append({"partner_id": partner.pk, "role": cd[f"party_{i}_role"],
                            "rights": cd[f"party_{i}_rights"], "obligations": cd[f"party_{i}_obligations"]})
        steps = []
        for i in range(self.step_count):
            if not cd.get(f"step_{i}_method"):
                continue
            for f in STEP_FIELDS:
                self._field_map[f"dispute_steps.{len(steps)}.{f}"] = f"step_{i}_{f}"
            steps.append({f: cd[f"step_{i}_{f}"] for f in STEP_FIELDS})
        data["parties"], data["dispute_steps"] = parties, steps
        return data

    @property
    def field_map(self) -> dict[str, str]:
        return {**{f"cooperation_models.{i}": "cooperation_models" for i in range(10)}, **self._field_map}


class IpAssetForm(forms.Form):
    name = forms.CharField(label=_("资产名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=IpKind.choices)
    owner = forms.ChoiceField(label=_("权属"), choices=[("", _("（未写明）")), *IpOwner.choices], required=False)
    owner_partner = forms.TypedChoiceField(label=_("权属伙伴"), coerce=int, required=False, empty_value=None,
                                           help_text=_("权属为“伙伴方”时选择。"))
    confidentiality = forms.ChoiceField(label=_("保密级别"), choices=Confidentiality.choices,
                                        initial=Confidentiality.CONFIDENTIAL)
    note = forms.CharField(label=_("说明"), required=False, widget=_textarea())
    reason = forms.CharField(label=_("修订原因"), required=False, max_length=2000)

    FIELD_MAP = {"owner_partner_id": "owner_partner"}

    def __init__(self, *args, parties=(), amendment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not amendment:
            del self.fields["reason"]
        self.parties = [("us", str(_("我方")))] + [(str(p.pk), p.name) for p in parties]
        self.fields["owner_partner"].choices = [("", "—")] + [(p.pk, p.name) for p in parties]
        for key, name in self.parties:
            self.fields[f"usage_{key}"] = forms.ChoiceField(label=name, required=False,
                                                            choices=[("", "—"), *UsageRight.choices])
            self.FIELD_MAP = {**self.FIELD_MAP, f"usage.{key}": f"usage_{key}"}
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def main_fields(self):
        return [self[n] for n in ("name", "kind", "owner", "owner_partner", "confidentiality", "note")]

    def usage_fields(self):
        return [self[f"usage_{key}"] for key, _name in self.parties]

    @staticmethod
    def initial_for(asset) -> dict:
        initial = {f: getattr(asset, f) for f in ("name", "kind", "owner", "confidentiality", "note")}
        initial["owner_partner"] = asset.owner_partner_id
        initial.update({f"usage_{k}": v for k, v in (asset.usage or {}).items()})
        return initial

    def asset_data(self) -> dict:
        cd = self.cleaned_data
        data = {f: cd[f] for f in ("name", "kind", "owner", "confidentiality", "note")}
        data["owner_partner_id"] = cd.get("owner_partner")
        data["usage"] = {key: cd[f"usage_{key}"] for key, _name in self.parties if cd.get(f"usage_{key}")}
        return data


class TransitionForm(forms.Form):
    to_status = forms.CharField()
    reason = forms.CharField(required=False, max_length=2000)


class ScanForm(forms.Form):
    file = forms.FileField(label=_("签署扫描件"))
