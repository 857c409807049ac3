"""Vocabularies of governance and conflicts, named as in GLOSSARY.md (spec 5.1, 6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BodyKind(models.TextChoices):
    STEERING_COMMITTEE = "steering_committee", _("联合管理委员会")
    WORKING_GROUP = "working_group", _("联合工作小组")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    BIWEEKLY = "biweekly", _("每两周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


DEFAULT_CADENCE = {BodyKind.STEERING_COMMITTEE: Cadence.QUARTERLY, BodyKind.WORKING_GROUP: Cadence.WEEKLY}


class Side(models.TextChoices):
    INTERNAL = "internal", _("我方")
    PARTNER = "partner", _("伙伴方")
    EXTERNAL = "external", _("外部人员")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排期")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ConflictKind(models.TextChoices):
    GOAL_MISALIGNMENT = "goal_misalignment", _("目标不一致")
    POOR_COMMUNICATION = "poor_communication", _("沟通不畅")
    RESOURCE_CONTENTION = "resource_contention", _("资源争夺")
    UNDERPERFORMANCE = "underperformance", _("绩效不佳")
    CULTURAL_CONFLICT = "cultural_conflict", _("文化冲突")


class ConflictStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("conflict status", "处理中")
    RESOLVED = "resolved", _("已解决")


class StepKind(models.TextChoices):
    """A step of the escalation path (问题升级路径); ``agreement`` is where the dispute clause applies."""

    INTERNAL = "internal", _("内部协商")
    COMMITTEE = "committee", _("联合管理委员会")
    MEDIATION = "mediation", _("第三方调解")
    AGREEMENT = "agreement", _("依协议（协议审查/仲裁）")
    OTHER = "other", _("其他")


DEFAULT_PATH = (StepKind.INTERNAL, StepKind.COMMITTEE, StepKind.MEDIATION, StepKind.AGREEMENT)


class EvidenceKind(models.TextChoices):
    ALERT = "alert", _("预警")
    KPI = "kpi", _("关键指标")
    SETTLEMENT = "settlement", _("结算单")
    CLAUSE = "clause", _("协议条款")
    OTHER = "other", _("其他")


class ConflictAction(models.TextChoices):
    RAISED = "raised", _("已提出")
    ESCALATED = "escalated", _("已升级")
    RESOLVED = "resolved", _("已解决")
