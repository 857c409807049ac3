"""Vocabularies of pilot projects, named as in GLOSSARY.md (Pilot KPIs, spec 3.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from allies.domain import kpi


class PilotStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    RUNNING = "running", _("进行中")
    CLOSED = "closed", _("已结束")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    BIWEEKLY = "biweekly", _("每两周")
    MONTHLY = "monthly", _("每月")


class KpiCode(models.TextChoices):
    CUSTOMER_ACQUISITION_COST = "customer_acquisition_cost", _("客户获取成本")
    CONVERSION_RATE = "conversion_rate", _("转化率")
    REVENUE_SHARE = "revenue_share", _("收入分成")
    CUSTOM = "custom", _("自定义")


class KpiDirection(models.TextChoices):
    HIGHER = kpi.HIGHER, _("越高越好")
    LOWER = kpi.LOWER, _("越低越好")


class Decision(models.TextChoices):
    EXPAND = "expand", _("扩大为正式合作")
    EXTEND = "extend", _("调整后延长")
    STOP = "stop", _("终止")


STATUS_LABELS = {
    kpi.ON_TRACK: _("进展正常"),
    kpi.AT_RISK: _("有风险"),
    kpi.OFF_TRACK: _("偏离目标"),
    None: _("暂无数据"),
}
STATUS_BADGES = {kpi.ON_TRACK: "success", kpi.AT_RISK: "warning", kpi.OFF_TRACK: "danger", None: "secondary"}

# The spec's three KPIs (3.2), offered pre-selected when a pilot is created.
SPEC_KPIS = (
    (KpiCode.CUSTOMER_ACQUISITION_COST, KpiDirection.LOWER, _("元")),
    (KpiCode.CONVERSION_RATE, KpiDirection.HIGHER, "%"),
    (KpiCode.REVENUE_SHARE, KpiDirection.HIGHER, _("万元")),
)
