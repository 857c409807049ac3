"""Web forms for pilots. They collect input; the services validate and write.

Numbers are collected as text so that the services can report every problem in one go
(a non-numeric target next to a missing unit), with the field named.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from allies.core.errors import DomainError
from allies.core.models import WRITER_ROLES, Role, User
from allies.partners.choices import Stage
from allies.partners.models import Partner
from allies.pilots.choices import SPEC_KPIS, Cadence, Decision, KpiCode, KpiDirection
from allies.pilots.models import default_escalation_path

# Partners offered in the create form: those past first screening. Others (e.g. a prospect
# opened from its partner page with ?partner=<id>) are added by id.
OFFERED_STAGES = (Stage.CONTACTED, Stage.DUE_DILIGENCE, Stage.PILOT, Stage.ACTIVE, Stage.PAUSED)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "decimal", "class": "form-control form-control-sm"}


def apply_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str]) -> None:
    """Put a service's field problems next to the form's fields; the rest (and the summary) on top."""
    placed = False
    for err in exc.details.get("errors", []):
        name = field_map.get(err.get("field"), err.get("field"))
        if name in form.fields:
            form.add_error(name, err["reason"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _partner_user_label(user) -> str:
    return f"{user.partner.name} · {user.get_full_name() or user.username}"


class PilotForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    partners = forms.ModelMultipleChoiceField(label=_("参与伙伴"), queryset=Partner.objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 6}),
                                              help_text=_("列出已初步接触及之后阶段的伙伴；可多选。"))
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    goal = forms.CharField(label=_("试点目标"), widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.CharField(label=_("试点范围"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("例如：共同开发一个最小可行产品（MVP），或在一个区域进行联合营销。"))
    owner = forms.ModelChoiceField(label=_("我方负责人"), queryset=User.objects.none())
    partner_owner = forms.ModelChoiceField(label=_("伙伴方负责人"), queryset=User.objects.none(), required=False,
                                           help_text=_("参与伙伴的用户；对方没有账号时填写下面的姓名。"))
    partner_owner_name = forms.CharField(label=_("伙伴方负责人（姓名）"), max_length=100, required=False)
    meeting_cadence = forms.ChoiceField(label=_("会议频率"), choices=Cadence.choices)
    report_template = forms.CharField(label=_("报告模板"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    escalation_path = forms.CharField(label=_("问题升级路径"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    PILOT_FIELDS = ("title", "start_date", "end_date", "goal", "scope", "partner_owner_name", "meeting_cadence",
                    "report_template", "escalation_path")
    FIELD_MAP = {"partner_ids": "partners", "owner_id": "owner", "partner_owner_id": "partner_owner"}

    def __init__(self, *args, with_kpis: bool = True, extra_partner_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        chosen = [int(i) for i in (self.data.getlist("partners") if self.data else []) if str(i).isdigit()]
        extra = {int(i) for i in extra_partner_ids} | set(chosen)
        self.fields["partners"].queryset = Partner.objects.filter(
            Q(stage__in=OFFERED_STAGES) | Q(pk__in=extra)).order_by("name")
        self.fields["owner"].queryset = User.objects.filter(is_active=True, role__in=WRITER_ROLES).order_by("username")
        self.fields["partner_owner"].queryset = User.objects.filter(
            is_active=True, role=Role.PARTNER, partner__in=self.fields["partners"].queryset,
        ).select_related("partner").order_by("partner__name", "username")
        self.fields["partner_owner"].label_from_instance = _partner_user_label
        self.fields["escalation_path"].initial = default_escalation_path()
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.kpi_rows = []
        if with_kpis:
            for code, direction, unit in SPEC_KPIS:
                prefix = f"kpi_{code}_"
                self.fields[prefix + "include"] = forms.BooleanField(label=KpiCode(code).label, required=False,
                                                                     initial=True)
                self.fields[prefix + "unit"] = forms.CharField(label=_("单位"), required=False, initial=str(unit),
                                                               widget=forms.TextInput(attrs=NUMBER))
                self.fields[prefix + "baseline"] = forms.CharField(label=_("基线值"), required=False,
                                                                   widget=forms.TextInput(attrs=NUMBER))
                self.fields[prefix + "target"] = forms.CharField(label=_("目标值"), required=False,
                                                                 widget=forms.TextInput(attrs=NUMBER))
                self.kpi_rows.append({"code": code, "label": KpiCode(code).label,
                                      "direction": KpiDirection(direction).label, "prefix": prefix})

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("kpi_")]

    def kpi_bound_rows(self):
        return [{**row, **{f: self[row["prefix"] + f] for f in ("include", "unit", "baseline", "target")}}
                for row in self.kpi_rows]

    def pilot_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.PILOT_FIELDS}
        data["partner_ids"] = [p.pk for p in self.cleaned_data["partners"]]
        data["owner_id"] = self.cleaned_data["owner"].pk
        partner_owner = self.cleaned_data.get("partner_owner")
        data["partner_owner_id"] = partner_owner.pk if partner_owner else None
        return data

    def kpis(self) -> tuple[list[dict], dict[str, str]]:
        """The ticked default KPIs, and the map from the service's field names to this form's."""
        rows, field_map = [], {}
        for code, direction, _unit in SPEC_KPIS:
            prefix = f"kpi_{code}_"
            if not self.cleaned_data.get(prefix + "include"):
                continue
            index = len(rows)
            rows.append({"code": code, "direction": direction, **{
                f: self.cleaned_data.get(prefix + f, "") for f in ("unit", "baseline", "target")}})
            field_map.update({f"kpis.{index}.{f}": prefix + f for f in ("unit", "baseline", "target")})
        return rows, {**self.FIELD_MAP, **field_map}


class KpiForm(forms.Form):
    code = forms.ChoiceField(label=_("指标类型"), choices=KpiCode.choices, initial=KpiCode.CUSTOM)
    name = forms.CharField(label=_("指标名称"), max_length=100, required=False,
                           help_text=_("自定义指标必填；规范中的三个指标默认使用其名称。"))
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)
    direction = forms.ChoiceField(label=_("方向"), choices=KpiDirection.choices)
    baseline = forms.CharField(label=_("基线值"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    target = forms.CharField(label=_("目标值"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    margin_percent = forms.CharField(label=_("预警幅度（百分点）"), required=False, initial="10",
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                     help_text=_("进度落后于时间进度超过此幅度为“有风险”，超过两倍为“偏离目标”。"))

    FIELD_MAP = {"margin": "margin_percent"}

    def kpi_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in ("code", "name", "unit", "direction", "baseline", "target")}
        percent = self.cleaned_data["margin_percent"].strip()
        try:
            data["margin"] = Decimal(percent) / 100 if percent else None
        except InvalidOperation:
            data["margin"] = percent  # the service names it as not a number
        return data


class MeasurementForm(forms.Form):
    kpi = forms.TypedChoiceField(label=_("指标"), coerce=int, choices=())
    date = forms.DateField(label=_("日期"), widget=DATE)
    value = forms.CharField(label=_("数值"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, kpis=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [(k.pk, k.caption) for k in kpis]


class StartForm(forms.Form):
    override = forms.BooleanField(label=_("越过规则"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=1000, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("决定"), choices=Decision.choices, widget=forms.RadioSelect)
    we_learned = forms.CharField(label=_("我方收获"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    partner_learned = forms.CharField(label=_("伙伴方收获"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    new_end_date = forms.DateField(label=_("新结束日期"), required=False, widget=DATE,
                                   help_text=_("仅“调整后延长”需要，须晚于当前结束日期。"))
