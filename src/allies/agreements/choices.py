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


class ClauseArea(models.TextChoices):
    """The spec's six clause areas (4.3), GLOSSARY codes."""

    SCOPE = "scope", _("合作范围与目标")
    RIGHTS_OBLIGATIONS = "rights_obligations", _("双方的权利与义务")
    REVENUE_COST = "revenue_cost", _("收益分配与成本分摊")
    IP = "ip", _("知识产权条款")
    EXIT = "exit", _("退出机制")
    DISPUTE = "dispute", _("争议解决")


class DisputeMethod(models.TextChoices):
    NEGOTIATION = "negotiation", _("协商")
    MEDIATION = "mediation", _("调解")
    ARBITRATION = "arbitration", _("仲裁")
    LITIGATION = "litigation", _("诉讼")


class IpKind(models.TextChoices):
    PATENT = "patent", _("专利")
    TRADEMARK = "trademark", _("商标")
    COPYRIGHT = "copyright", _("著作权")
    SOFTWARE = "software", _("软件")
    TRADE_SECRET = "trade_secret", _("商业秘密")
    DATA = "data", _("数据")
    OTHER = "other", _("其他")


class IpOwner(models.TextChoices):
    US = "us", _("我方")
    PARTNER = "partner", _("伙伴方")
    JOINT = "joint", _("共有")


class UsageRight(models.TextChoices):
    NONE = "none", _("无权使用")
    INTERNAL = "internal", _("仅限本合作内使用")
    NON_EXCLUSIVE = "non_exclusive", _("非独占许可")
    EXCLUSIVE = "exclusive", _("独占许可")
    FULL = "full", _("完全权利")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("公开")
    INTERNAL = "internal", _("内部")
    CONFIDENTIAL = "confidential", _("保密")
    SECRET = "secret", _("机密")


class VersionKind(models.TextChoices):
    CREATED = "created", _("创建")
    EDIT = "edit", _("修改")
    SIGNED = "signed", _("签署")
    AMENDMENT = "amendment", _("签署后修订")


# Moves of the status workflow: from -> the statuses it may go to.
TRANSITIONS = {
    AgreementStatus.DRAFT: (AgreementStatus.IN_REVIEW,),
    AgreementStatus.IN_REVIEW: (AgreementStatus.DRAFT, AgreementStatus.SIGNED),
    AgreementStatus.SIGNED: (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED),
    AgreementStatus.EXPIRED: (),
    AgreementStatus.TERMINATED: (),
}
EDITABLE = (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW)
