"""Web forms of the ecosystem stage. They only parse; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allies.agreements.models import IpAsset
from allies.ecosystem.models import (
    STRENGTH_MAX,
    STRENGTH_MIN,
    InitiativeStatus,
    InvestmentStatus,
    RelationKind,
)
from allies.partners.models import Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
US = "us"
PARTY_ROWS = 5


def org_choices(*, blank_label=None, include_us=True) -> list[tuple[str, str]]:
    choices = [("", blank_label or "—")]
    if include_us:
        choices.append((US, str(_("我方"))))
    choices += [(str(p.pk), p.name) for p in Partner.objects.order_by("name").only("pk", "name")]
    return choices


def org_id(value: str) -> int | None:
    return None if value in ("", US, None) else int(value)


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("关系类型"), choices=RelationKind.choices)
    source = forms.ChoiceField(label=_("一方"), help_text=_("推荐关系中为推荐人。"))
    target = forms.ChoiceField(label=_("另一方"), help_text=_("推荐关系中为被推荐方。"))
    strength = forms.IntegerField(label=_("强度"), min_value=STRENGTH_MIN, max_value=STRENGTH_MAX, initial=3,
                                  help_text=_("1（弱）到 5（强）。"))
    start_date = forms.DateField(label=_("开始日期"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = org_choices()[1:]
        self.fields["source"].choices = choices
        self.fields["target"].choices = choices
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f, forms.ChoiceField) else "form-control")

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        return {"kind": d["kind"], "source_id": org_id(d["source"]), "target_id": org_id(d["target"]),
                "strength": d["strength"], "start_date": d["start_date"], "end_date": d["end_date"],
                "note": d["note"]}


class ReferralForm(forms.Form):
    partner = forms.ChoiceField(label=_("被推荐伙伴"), help_text=_("只列出寻找渠道为“客户与供应商推荐”的伙伴。"))
    referred_by = forms.ChoiceField(label=_("推荐方"), required=False)
    referrer_name = forms.CharField(label=_("推荐方（非伙伴）"), required=False, max_length=200)
    referred_on = forms.DateField(label=_("推荐日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "—")] + [
            (str(p.pk), p.name) for p in Partner.objects.filter(source_channel="referral").order_by("name")]
        self.fields["referred_by"].choices = org_choices(include_us=False)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f, forms.ChoiceField) else "form-control")

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        return {"partner_id": org_id(d["partner"]), "referred_by_id": org_id(d["referred_by"]),
                "referrer_name": d["referrer_name"], "referred_on": d["referred_on"], "note": d["note"]}


class PartiesMixin:
    """Up to PARTY_ROWS rows of (organisation, amount[, stake]); an empty organisation skips the row."""

    money_label = _("金额（分）")
    with_stake = False
    with_role = False

    def add_party_fields(self, initial_rows: list[dict]):
        choices = org_choices()
        rows = max(PARTY_ROWS, len(initial_rows) + 1)
        self.party_count = rows
        for i in range(rows):
            init = initial_rows[i] if i < len(initial_rows) else {}
            self.fields[f"party_{i}"] = forms.ChoiceField(label=_("参与方"), choices=choices, required=False,
                                                          initial=init.get("org", ""))
            self.fields[f"amount_{i}"] = forms.IntegerField(label=self.money_label, required=False,
                                                            initial=init.get("amount"))
            if self.with_stake:
                self.fields[f"stake_{i}"] = forms.DecimalField(label=_("持股比例（%）"), required=False,
                                                               max_digits=7, decimal_places=2,
                                                               initial=init.get("stake"))
            if self.with_role:
                self.fields[f"role_{i}"] = forms.CharField(label=_("分工"), required=False, max_length=200,
                                                           initial=init.get("role", ""))

    def party_rows(self):
        for i in range(self.party_count):
            yield [self[f"party_{i}"], self[f"amount_{i}"]] + (
                [self[f"stake_{i}"]] if self.with_stake else []) + ([self[f"role_{i}"]] if self.with_role else [])

    def parties(self, money_field: str) -> tuple[list[dict], dict[str, str]]:
        """The filled rows for the service, and a map of service field names to form field names."""
        out, field_map = [], {}
        for i in range(self.party_count):
            org = self.cleaned_data.get(f"party_{i}")
            if not org:
                continue
            n = len(out)
            row = {"partner_id": org_id(org), money_field: self.cleaned_data.get(f"amount_{i}")}
            field_map[f"parties[{n}].partner_id"] = f"party_{i}"
            field_map[f"parties[{n}].{money_field}"] = f"amount_{i}"
            if self.with_stake:
                stake = self.cleaned_data.get(f"stake_{i}")
                row["stake_bp"] = int(stake * 100) if stake is not None else None
                field_map[f"parties[{n}].stake_bp"] = f"stake_{i}"
            if self.with_role:
                row["role"] = self.cleaned_data.get(f"role_{i}", "")
            out.append(row)
        return out, field_map


class LabForm(PartiesMixin, forms.Form):
    money_label = _("出资（分）")
    with_role = True
    title = forms.CharField(label=_("名称"), max_length=200)
    goal = forms.CharField(label=_("目标"), widget=forms.Textarea(attrs={"rows": 2}))
    currency = forms.CharField(label=_("币种"), max_length=3, initial="CNY")
    budget = forms.IntegerField(label=_("预算（分）"), min_value=0, help_text=_("各方出资合计须等于预算。"))
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("状态"), choices=InitiativeStatus.choices)
    outcome = forms.CharField(label=_("成果"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    resulting_ip = forms.CharField(label=_("形成的知识产权"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("补充说明；已登记的知识产权请在下方关联。"))
    ip_assets = forms.MultipleChoiceField(
        label=_("关联的知识产权资产"), required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("协议知识产权登记表中的资产，按协议分组；所属协议的协议方须包括本项目的至少一个伙伴参与方。"))
    MAIN = ("title", "goal", "currency", "budget", "start_date", "end_date", "status", "outcome", "resulting_ip")

    def __init__(self, *args, party_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ip_assets"].choices = ip_asset_choices()
        self.add_party_fields(list(party_rows))
        _style(self)

    def main_fields(self):
        return [self[f] for f in (*self.MAIN, "ip_assets")]


def ip_asset_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """IP assets grouped by agreement (staff writers only reach this form: every agreement)."""
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for asset in IpAsset.objects.select_related("agreement").order_by("agreement__code", "agreement_id", "id"):
        groups.setdefault(asset.agreement_id, (str(asset.agreement), []))[1].append(
            (str(asset.pk), f"{asset.name} · {asset.get_kind_display()}"))
    return list(groups.values())


class InvestmentForm(PartiesMixin, forms.Form):
    money_label = _("投资额（分）")
    with_stake = True
    target_company = forms.CharField(label=_("被投企业"), max_length=200)
    currency = forms.CharField(label=_("币种"), max_length=3, initial="CNY")
    invested_on = forms.DateField(label=_("投资日期"), widget=DATE)
    status = forms.ChoiceField(label=_("状态"), choices=InvestmentStatus.choices, initial=InvestmentStatus.HELD)
    valuation = forms.IntegerField(label=_("最新估值（分）"), required=False, min_value=0,
                                   help_text=_("被投企业整体的最新估值。"))
    valued_on = forms.DateField(label=_("估值日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    MAIN = ("target_company", "currency", "invested_on", "status", "valuation", "valued_on", "note")

    def __init__(self, *args, party_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_party_fields(list(party_rows))
        _style(self)

    def main_fields(self):
        return [self[f] for f in self.MAIN]


class CoBrandingForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    partners = forms.MultipleChoiceField(label=_("合作伙伴"), widget=forms.SelectMultiple(attrs={"size": 6}))
    brand_assets = forms.CharField(label=_("品牌资产"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("共同使用的商标、标识、口号等。"))
    markets = forms.CharField(label=_("市场"), required=False, help_text=_("多个市场用逗号或顿号分隔。"))
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    terms = forms.CharField(label=_("条款"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("状态"), choices=InitiativeStatus.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].choices = org_choices(include_us=False)[1:]
        _style(self)

    def main_fields(self):
        return [self[f] for f in self.fields]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("里程碑"), max_length=200)
    due_date = forms.DateField(label=_("计划日期"), widget=DATE)
    done_on = forms.DateField(label=_("完成日期"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        css = "form-select" if isinstance(f, forms.ChoiceField) else "form-control"
        f.widget.attrs.setdefault("class", css + " form-control-sm" if css == "form-control" else css + " form-select-sm")
