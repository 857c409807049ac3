"""Business vocabularies of due diligence, named as in GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    FINANCIAL = "financial", _("财务审计")
    LEGAL = "legal", _("法律审查")
    MARKET = "market", _("市场调研")
    TECHNICAL = "technical", _("技术评估")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CONCLUDED = "concluded", _("已结束")


class Verdict(models.TextChoices):
    GO = "go", _("通过")
    GO_WITH_CONDITIONS = "go_with_conditions", _("有条件通过")
    NO_GO = "no_go", _("不通过")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("进行中")
    PASSED = "passed", _("通过")
    CONCERN = "concern", _("存疑")
    FAILED = "failed", _("不通过")


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


POSITIVE_VERDICTS = frozenset({Verdict.GO, Verdict.GO_WITH_CONDITIONS})
