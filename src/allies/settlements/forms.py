"""Web forms of value sharing. Money is typed in major units (元) and converted to minor units (分) here;
the services check everything else and name the field that is wrong.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from allies.core.errors import DomainError
from allies.settlements.models import Basis, KpiMetric, ProductCategory, TierMethod
from allies.settlements.rules import Party

TIER_ROWS = 4
SMALL = {"class": "form-control form-control-sm"}
NUMBER = {"class": "form-control form-control-sm", "inputmode": "decimal"}
MONTH = forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"})


def to_minor(value: str, field: str, form: forms.Form) -> int | None:
    """'1,234.56' (元) -> 123456 (分); '' -> None; a bad value adds an error to ``field``."""
    text = str(value or "").replace(",", "").replace("，", "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text) * 100
    except InvalidOperation:
        form.add_error(field, _("请填写金额，例如 1000 或 1000.50（元）。"))
        return None
    if not amount.is_finite() or amount != amount.to_integral_value() or abs(amount) > 10**15:
        form.add_error(field, _("金额最多两位小数（分）。"))
        return None
    return int(amount)


def minor_text(value: int | None) -> str:
    if value is None:
        return ""
    whole, frac = divmod(abs(value), 100)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}" if frac == 0 else f"{sign}{whole}.{frac:02d}"


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """Service errors next to the fields they name (shares, tiers, payouts ...); others on top."""
    placed = False
    for err in exc.details.get("errors", []):
        field = str(err.get("field", ""))
        name = field
        if field.startswith("shares"):
            name = "share_0"
        elif field.startswith("tiers"):
            name = "tier_1_lower"
        elif field == "partner_ids":
            name = "partners"
        elif field == "category_ids":
            name = "categories"
        if name in form.fields:
            form.add_error(name, err.get("reason") or exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("规则名称"), max_length=100, widget=forms.TextInput(attrs=SMALL))
    basis = forms.ChoiceField(label=_("分成基数"), choices=Basis.choices, widget=forms.Select(attrs={
        "class": "form-select form-select-sm"}))
    tier_method = forms.ChoiceField(label=_("阶梯计算方式"), choices=TierMethod.choices, widget=forms.RadioSelect,
                                    help_text=_("超额累进：每一档只按该档比例分配落在该档的部分；全额累进：全部金额按达到的最高档比例分配。"))
    min_payout = forms.CharField(label=_("伙伴最低分成（元）"), required=False, widget=forms.TextInput(attrs=NUMBER))
    max_payout = forms.CharField(label=_("伙伴最高分成（元）"), required=False, widget=forms.TextInput(attrs=NUMBER))
    partners = forms.MultipleChoiceField(label=_("计入哪些伙伴的销售"), required=False,
                                         widget=forms.CheckboxSelectMultiple, help_text=_("不选：所有伙伴方。"))
    products = forms.CharField(label=_("产品"), required=False, widget=forms.Textarea(attrs={**SMALL, "rows": 2}),
                               help_text=_("每行一个产品名称；不填且不选品类：所有产品。"))
    categories = forms.MultipleChoiceField(label=_("品类"), required=False, widget=forms.CheckboxSelectMultiple)
    valid_from = forms.CharField(label=_("起始月份"), required=False, widget=MONTH)
    valid_to = forms.CharField(label=_("截止月份"), required=False, widget=MONTH)

    def __init__(self, *args, parties: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = parties
        self.fields["partners"].choices = [(str(p.id), p.name) for p in parties if p.id]
        self.fields["categories"].choices = [(str(c.pk), c.name) for c in ProductCategory.objects.all()]
        for i, party in enumerate(parties):
            self.fields[f"share_{i}"] = forms.CharField(label=party.name, required=False,
                                                        widget=forms.TextInput(attrs=NUMBER))
        for k in range(1, TIER_ROWS + 1):
            self.fields[f"tier_{k}_lower"] = forms.CharField(label=_("第 {k} 档下限（元）").format(k=k), required=False,
                                                             widget=forms.TextInput(attrs=NUMBER))
            self.fields[f"tier_{k}_upper"] = forms.CharField(label=_("第 {k} 档上限（元）").format(k=k), required=False,
                                                             widget=forms.TextInput(attrs=NUMBER))
            for i, party in enumerate(parties):
                self.fields[f"tier_{k}_pct_{i}"] = forms.CharField(label=party.name, required=False,
                                                                   widget=forms.TextInput(attrs=NUMBER))

    def share_fields(self):
        return [self[f"share_{i}"] for i in range(len(self.parties))]

    def tier_rows(self):
        return [{"k": k, "lower": self[f"tier_{k}_lower"], "upper": self[f"tier_{k}_upper"],
                 "pcts": [self[f"tier_{k}_pct_{i}"] for i in range(len(self.parties))]}
                for k in range(1, TIER_ROWS + 1)]

    def rule_data(self) -> dict | None:
        """The service input, or None after adding errors for amounts that are not money."""
        d = self.cleaned_data
        shares = [{"party": p.id or None, "percent": d.get(f"share_{i}", "").strip()}
                  for i, p in enumerate(self.parties) if d.get(f"share_{i}", "").strip()]
        tiers = []
        for k in range(1, TIER_ROWS + 1):
            lower = to_minor(d.get(f"tier_{k}_lower"), f"tier_{k}_lower", self)
            if lower is None:
                continue
            upper = to_minor(d.get(f"tier_{k}_upper"), f"tier_{k}_upper", self)
            percents = [d.get(f"tier_{k}_pct_{i}", "").strip() or "0" for i, p in enumerate(self.parties)
                        if d.get(f"share_{i}", "").strip()]
            tiers.append({"lower": lower, "upper": upper, "percents": percents})
        data = {
            "name": d["name"], "basis": d["basis"], "tier_method": d["tier_method"], "shares": shares,
            "tiers": tiers, "min_payout": to_minor(d.get("min_payout"), "min_payout", self),
            "max_payout": to_minor(d.get("max_payout"), "max_payout", self),
            "partner_ids": [int(p) for p in d.get("partners") or []],
            "category_ids": [int(c) for c in d.get("categories") or []],
            "products": [line.strip() for line in (d.get("products") or "").splitlines() if line.strip()],
            "valid_from": d.get("valid_from") or None, "valid_to": d.get("valid_to") or None,
        }
        return None if self.errors else data

    @classmethod
    def initial_for(cls, rule, parties: list[Party]) -> dict:
        index = {p.id: i for i, p in enumerate(parties)}
        initial = {"name": rule.name, "basis": rule.basis, "tier_method": rule.tier_method,
                   "min_payout": minor_text(rule.min_payout), "max_payout": minor_text(rule.max_payout),
                   "partners": [str(p.pk) for p in rule.partners.all()],
                   "categories": [str(c.pk) for c in rule.categories.all()],
                   "products": "\n".join(rule.products),
                   "valid_from": rule.valid_from.strftime("%Y-%m") if rule.valid_from else "",
                   "valid_to": rule.valid_to.strftime("%Y-%m") if rule.valid_to else ""}
        order = []
        for share in rule.shares:
            i = index.get(share["party"] or 0)
            if i is not None:
                initial[f"share_{i}"] = share["percent"]
                order.append(i)
        for k, tier in enumerate(rule.tiers, start=1):
            initial[f"tier_{k}_lower"] = minor_text(tier["lower"])
            initial[f"tier_{k}_upper"] = minor_text(tier["upper"])
            for i, pct in zip(order, tier["percents"]):
                initial[f"tier_{k}_pct_{i}"] = pct
        return initial


class ComputeForm(forms.Form):
    period = forms.CharField(label=_("结算期"), max_length=20, widget=forms.TextInput(attrs={
        **SMALL, "placeholder": "2026Q3"}), help_text=_("季度如 2026Q3，月份如 2026-07。"))


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), max_length=1000, widget=forms.Textarea(attrs={**SMALL, "rows": 2}))


class PaidForm(forms.Form):
    reference = forms.CharField(label=_("付款凭证号"), max_length=100, required=False,
                                widget=forms.TextInput(attrs=SMALL))


class CostRuleForm(forms.Form):
    category = forms.CharField(label=_("成本类别"), max_length=100, widget=forms.TextInput(attrs={
        **SMALL, "placeholder": _("联合营销活动")}))

    def __init__(self, *args, parties: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = parties
        for i, party in enumerate(parties):
            self.fields[f"share_{i}"] = forms.CharField(label=party.name, required=False,
                                                        widget=forms.TextInput(attrs=NUMBER))

    def share_fields(self):
        return [self[f"share_{i}"] for i in range(len(self.parties))]

    def shares(self) -> list[dict]:
        return [{"party": p.id or None, "percent": self.cleaned_data.get(f"share_{i}", "").strip()}
                for i, p in enumerate(self.parties) if self.cleaned_data.get(f"share_{i}", "").strip()]


class CostEntryForm(forms.Form):
    rule = forms.ChoiceField(label=_("成本类别"), widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={**SMALL, "type": "date"}))
    amount = forms.CharField(label=_("金额（元）"), widget=forms.TextInput(attrs=NUMBER))
    paid_by = forms.ChoiceField(label=_("垫付方"), widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    description = forms.CharField(label=_("说明"), max_length=300, required=False, widget=forms.TextInput(attrs=SMALL))

    def __init__(self, *args, parties: list[Party], cost_rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(str(r.pk), r.category) for r in cost_rules]
        self.fields["paid_by"].choices = [(str(p.id), p.name) for p in parties]

    def entry_data(self) -> dict | None:
        amount = to_minor(self.cleaned_data["amount"], "amount", self)
        if self.errors:
            return None
        return {"rule_id": int(self.cleaned_data["rule"]), "date": self.cleaned_data["date"], "amount": amount,
                "paid_by": int(self.cleaned_data["paid_by"]), "description": self.cleaned_data["description"]}


class BonusForm(forms.Form):
    partner = forms.ChoiceField(label=_("伙伴"), widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    metric = forms.ChoiceField(label=_("指标"), choices=KpiMetric.choices,
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    target = forms.CharField(label=_("目标值"), widget=forms.TextInput(attrs=NUMBER),
                             help_text=_("金额类指标按元填写。"))
    amount = forms.CharField(label=_("固定奖励（元）"), required=False, widget=forms.TextInput(attrs=NUMBER))
    percent = forms.CharField(label=_("按分成基数的比例（%）"), required=False, widget=forms.TextInput(attrs=NUMBER))
    description = forms.CharField(label=_("说明"), max_length=200, required=False, widget=forms.TextInput(attrs=SMALL))

    def __init__(self, *args, parties: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [(str(p.id), p.name) for p in parties if p.id]

    def bonus_data(self) -> dict | None:
        d = self.cleaned_data
        target = d["target"].replace(",", "").strip()
        if d["metric"] in (KpiMetric.REVENUE, KpiMetric.GROSS_PROFIT):
            minor = to_minor(target, "target", self)
            target = str(minor) if minor is not None else target
        amount = to_minor(d.get("amount"), "amount", self) or 0
        if self.errors:
            return None
        return {"partner_id": int(d["partner"]), "metric": d["metric"], "target": target, "amount": amount,
                "percent": d.get("percent") or "0", "description": d.get("description", "")}


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("品类名称"), max_length=100, widget=forms.TextInput(attrs=SMALL))
    products = forms.CharField(label=_("产品（每行一个）"), widget=forms.Textarea(attrs={**SMALL, "rows": 4}))

