"""Choices of the agreements stage; labels come from GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    IN_REVIEW = "in_review", _("审核中")
    SIGNED = "signed", _("已签署")
    EXPIRED = "expired", _("已到期")
    TERMINATED = "terminated", _("已终止")


class CooperationModel(models.TextChoices):
    JOINT_SALES = "joint_sales", _("联合销售")
    JOINT_MARKETING = "joint_marketing", _("联合营销")
    JOINT_RND = "joint_rnd", _("联合研发")
    SUPPLY_CHAIN = "supply_chain", _("供应链整合")
    CHANNEL = "channel", _("渠道合作")


class RoundingMode(models.TextChoices):
    """How a money split rounds before the remainder is handed out (see domain.sharing)."""

    HALF_UP = "half_up", _("四舍五入")
    HALF_EVEN = "half_even", _("银行家舍入（四舍六入五成双）")
    DOWN = "down", _("向下取整")
