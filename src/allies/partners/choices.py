"""Business vocabularies of the partner registry, named as in GLOSSARY.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("潜在伙伴")
    CONTACTED = "contacted", _("初步接触")
    DUE_DILIGENCE = "due_diligence", _("尽职调查")
    PILOT = "pilot", _("试点")
    ACTIVE = "active", _("正式合作")
    PAUSED = "paused", _("暂停")
    EXITED = "exited", _("已退出")
    REJECTED = "rejected", _("未入选")


class SourceChannel(models.TextChoices):
    TRADE_SHOW = "trade_show", _("行业展会与论坛")
    ASSOCIATION = "association", _("行业协会与商会")
    REFERRAL = "referral", _("客户与供应商推荐")
    ADVISOR = "advisor", _("专业服务机构")
    ONLINE_PLATFORM = "online_platform", _("线上平台")
    COMPETITOR_ANALYSIS = "competitor_analysis", _("竞品分析")
    OTHER = "other", _("其他")


class Resource(models.TextChoices):
    TECHNOLOGY = "technology", _("技术")
    PRODUCT = "product", _("产品")
    SERVICE = "service", _("服务")
    DATA = "data", _("数据")
    CHANNEL = "channel", _("渠道")
    BRAND = "brand", _("品牌")
    CAPITAL = "capital", _("资金")
    TALENT = "talent", _("人才")
    CUSTOMER_BASE = "customer_base", _("客户群")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("微型（<10人）")
    SMALL = "small", _("小型（10-99人）")
    MEDIUM = "medium", _("中型（100-999人）")
    LARGE = "large", _("大型（1000人以上）")


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("效益型（越高越好）")
    COST = "cost", _("成本型（越低越好）")


class Method(models.TextChoices):
    WEIGHTED = "weighted", _("加权求和")
    TOPSIS = "topsis", _("TOPSIS 逼近理想解")


class WeightMode(models.TextChoices):
    DIRECT = "direct", _("直接输入")
    AHP = "ahp", _("AHP 两两比较")
