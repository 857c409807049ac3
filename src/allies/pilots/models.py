"""Pilot projects (spec 3.2): the pilot, its KPIs, their measurements over time, and closing reviews."""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_lazy as _

from allies.domain.kpi import DEFAULT_MARGIN
from allies.pilots.choices import Cadence, Decision, KpiCode, KpiDirection, PilotStatus

VALUE_DIGITS, VALUE_PLACES = 20, 4


def kpi_caption(name: str, unit: str) -> str:
    """A KPI's name with its unit, e.g. 客户获取成本（元）."""
    return gettext("{name}（{unit}）").format(name=name, unit=unit)


def default_escalation_path() -> str:
    return gettext("工作小组 → 联合管理委员会 → 第三方调解")


class Pilot(models.Model):
    """A small, low-risk joint project that proves a cooperation before a full agreement."""

    PARTNER_SCOPE = "partners"

    title = models.CharField(_("名称"), max_length=200)
    partners = models.ManyToManyField("partners.Partner", verbose_name=_("参与伙伴"), related_name="pilots")
    goal = models.TextField(_("试点目标"))
    scope = models.TextField(_("试点范围"), blank=True, default="",
                             help_text=_("例如：共同开发一个最小可行产品（MVP），或在一个区域进行联合营销。"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("我方负责人"), null=True,
                              on_delete=models.SET_NULL, related_name="owned_pilots")
    partner_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("伙伴方负责人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="partner_owned_pilots")
    partner_owner_name = models.CharField(_("伙伴方负责人（姓名）"), max_length=100, blank=True, default="")
    meeting_cadence = models.CharField(_("会议频率"), max_length=16, choices=Cadence.choices, default=Cadence.WEEKLY)
    report_template = models.TextField(_("报告模板"), blank=True, default="")
    escalation_path = models.TextField(_("问题升级路径"), default=default_escalation_path)
    status = models.CharField(_("状态"), max_length=16, choices=PilotStatus.choices, default=PilotStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    started_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("试点项目")
        verbose_name_plural = _("试点项目")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="pilot_end_after_start"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.title

    @property
    def partner_names(self) -> list[str]:
        return [p.name for p in self.partners.all()]

    @property
    def partner_owner_display(self) -> str:
        if self.partner_owner_id:
            return self.partner_owner.get_full_name() or self.partner_owner.username
        return self.partner_owner_name


class Kpi(models.Model):
    """A key performance indicator of one pilot: where it started, where it should get, which way is better."""

    PARTNER_SCOPE = "pilot__partners"

    pilot = models.ForeignKey(Pilot, verbose_name=_("试点项目"), on_delete=models.CASCADE, related_name="kpis")
    code = models.CharField(_("指标类型"), max_length=32, choices=KpiCode.choices, default=KpiCode.CUSTOM)
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    direction = models.CharField(_("方向"), max_length=8, choices=KpiDirection.choices, default=KpiDirection.HIGHER)
    baseline = models.DecimalField(_("基线值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    target = models.DecimalField(_("目标值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    margin = models.FloatField(_("预警幅度"), default=DEFAULT_MARGIN,
                               validators=[MinValueValidator(0), MaxValueValidator(0.5)],
                               help_text=_("进度落后于时间进度超过此幅度为“有风险”，超过两倍为“偏离目标”。"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("试点指标")
        verbose_name_plural = _("试点指标")
        ordering = ["pilot", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="kpi_name_unique"),
            models.UniqueConstraint(fields=["pilot", "code"], condition=~Q(code=KpiCode.CUSTOM),
                                    name="kpi_code_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def caption(self) -> str:
        return kpi_caption(self.name, self.unit)


class Measurement(models.Model):
    """One value of a KPI on one date within the pilot period."""

    PARTNER_SCOPE = "kpi__pilot__partners"

    kpi = models.ForeignKey(Kpi, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("日期"))
    value = models.DecimalField(_("数值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("测量值")
        verbose_name_plural = _("测量值")
        ordering = ["kpi", "date"]
        constraints = [models.UniqueConstraint(fields=["kpi", "date"], name="measurement_one_per_day")]


class Review(models.Model):
    """A closing review: results per KPI, what both sides learned, and the decision."""

    PARTNER_SCOPE = "pilot__partners"

    pilot = models.ForeignKey(Pilot, verbose_name=_("试点项目"), on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("决定"), max_length=16, choices=Decision.choices)
    results = models.JSONField(_("各指标结果"), default=list)
    we_learned = models.TextField(_("我方收获"), blank=True, default="")
    partner_learned = models.TextField(_("伙伴方收获"), blank=True, default="")
    previous_end_date = models.DateField(_("原结束日期"))
    new_end_date = models.DateField(_("新结束日期"), null=True, blank=True)
    stage_moves = models.JSONField(_("阶段变更"), default=list, blank=True,
                                   help_text=_("此次决定引起的伙伴阶段变更；仅内部可见。"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复盘人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("复盘时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("试点复盘")
        verbose_name_plural = _("试点复盘")
        ordering = ["-reviewed_at", "-id"]


auditlog.register(Pilot, m2m_fields={"partners"})
for _model in (Kpi, Measurement, Review):
    auditlog.register(_model)
