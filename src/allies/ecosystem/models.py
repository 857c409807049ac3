"""Ecosystem (生态, spec 7): manual relations, referrals, and joint initiatives.

Most edges of the ecosystem graph are derived from earlier stages (agreements, pilots,
joint customers); only what no earlier stage records is stored here:

- :class:`Relation`: a relation people enter by hand (a referral, a supply or business
  relation), between us (``None``) and a partner or between two partners;
- :class:`Referral`: who introduced a partner whose sourcing channel is "referral";
- joint initiatives: innovation lab projects, joint investments, co-branding programmes.

Money is in integer minor units (fen/cents) with an ISO-4217 currency. A party whose
``partner`` is empty is our own company.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RelationKind(models.TextChoices):
    """Kinds of manually entered relations."""

    REFERRAL = "referral", _("推荐")
    SUPPLY = "supply", _("供应关系")
    BUSINESS = "business", _("业务往来")
    OTHER = "other", _("其他")


class EdgeType(models.TextChoices):
    """Types of edges in the ecosystem graph (derived and manual)."""

    AGREEMENT = "agreement", _("联盟协议")
    CUSTOMERS = "customers", _("共同客户")
    REFERRAL = "referral", _("推荐")
    INITIATIVE = "initiative", _("联合创新与投资")
    PILOT = "pilot", _("试点")
    BUSINESS = "business", _("其他关系")


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    STOPPED = "stopped", _("已终止")


class InvestmentStatus(models.TextChoices):
    PLANNED = "planned", _("拟投资")
    HELD = "held", _("持有中")
    EXITED = "exited", _("已退出")
    WRITTEN_OFF = "written_off", _("已核销")


STRENGTH_MIN, STRENGTH_MAX = 1, 5
STAKE_FULL = 10_000  # basis points: 10,000 = 100 %


class Relation(models.Model):
    """A relation entered by hand between two organisations (``None`` = our company).

    Internal: partners see the relations they take part in through the network view only.
    """

    kind = models.CharField(_("关系类型"), max_length=16, choices=RelationKind.choices)
    source = models.ForeignKey("partners.Partner", verbose_name=_("一方"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+",
                               help_text=_("留空表示我方。推荐关系中为推荐人。"))
    target = models.ForeignKey("partners.Partner", verbose_name=_("另一方"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+",
                               help_text=_("留空表示我方。推荐关系中为被推荐方。"))
    strength = models.PositiveSmallIntegerField(
        _("强度"), default=3, validators=[MinValueValidator(STRENGTH_MIN), MaxValueValidator(STRENGTH_MAX)],
        help_text=_("1（弱）到 5（强）。"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("生态关系")
        verbose_name_plural = _("生态关系")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(source__isnull=True, target__isnull=True), name="relation_not_us_us"),
            models.CheckConstraint(condition=Q(source__isnull=True) | Q(target__isnull=True) | ~Q(source=F("target")),
                                   name="relation_not_self"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                                   | Q(end_date__gte=F("start_date")), name="relation_dates_in_order"),
            models.CheckConstraint(condition=Q(strength__gte=STRENGTH_MIN) & Q(strength__lte=STRENGTH_MAX),
                                   name="relation_strength_range"),
        ]


class Referral(models.Model):
    """Who introduced a partner found through the "referral" sourcing channel (``referred_by``
    empty: the referrer is not a partner, named in ``referrer_name``)."""

    PARTNER_SCOPE = "partner"

    partner = models.OneToOneField("partners.Partner", verbose_name=_("被推荐伙伴"), on_delete=models.CASCADE,
                                   related_name="ecosystem_referral")
    referred_by = models.ForeignKey("partners.Partner", verbose_name=_("推荐方"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="ecosystem_referrals_made")
    referrer_name = models.CharField(_("推荐方（非伙伴）"), max_length=200, blank=True, default="")
    referred_on = models.DateField(_("推荐日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐来源")
        verbose_name_plural = _("推荐来源")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(referred_by__isnull=True) | ~Q(referred_by=F("partner")),
                                   name="referral_not_self"),
        ]


# --------------------------------------------------------------------------- joint initiatives


class LabProject(models.Model):
    """A joint innovation lab project (联合创新实验室项目)."""

    PARTNER_SCOPE = "parties__partner"

    title = models.CharField(_("名称"), max_length=200)
    goal = models.TextField(_("目标"))
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    budget = models.BigIntegerField(_("预算（最小货币单位）"), default=0)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=InitiativeStatus.choices,
                              default=InitiativeStatus.PLANNED)
    outcome = models.TextField(_("成果"), blank=True, default="")
    resulting_ip = models.TextField(_("形成的知识产权"), blank=True, default="",
                                    help_text=_("补充说明；已登记的知识产权请在下方关联。"))
    ip_assets = models.ManyToManyField("agreements.IpAsset", verbose_name=_("关联的知识产权资产"), blank=True,
                                       related_name="lab_projects",
                                       help_text=_("协议知识产权登记表中的资产；所属协议的协议方须包括本项目的至少一个伙伴参与方。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联合创新项目")
        verbose_name_plural = _("联合创新项目")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="lab_dates_in_order"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="lab_budget_not_negative"),
        ]

    def __str__(self):
        return self.title


class LabParty(models.Model):
    """One participant of a lab project and its share of the budget (``partner`` empty: us)."""

    PARTNER_SCOPE = "partner"

    project = models.ForeignKey(LabProject, on_delete=models.CASCADE, related_name="parties")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("参与方"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    share = models.BigIntegerField(_("出资（最小货币单位）"), default=0)
    role = models.CharField(_("分工"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "partner"], name="lab_party_unique"),
            models.UniqueConstraint(fields=["project"], condition=Q(partner__isnull=True), name="lab_party_us_once"),
            models.CheckConstraint(condition=Q(share__gte=0), name="lab_share_not_negative"),
        ]


class LabMilestone(models.Model):
    PARTNER_SCOPE = "project__parties__partner"

    project = models.ForeignKey(LabProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("里程碑"), max_length=200)
    due_date = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["due_date", "id"]


class JointInvestment(models.Model):
    """A joint investment (共同投资) in a target company by us and partners."""

    PARTNER_SCOPE = "parties__partner"

    target_company = models.CharField(_("被投企业"), max_length=200)
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    invested_on = models.DateField(_("投资日期"))
    status = models.CharField(_("状态"), max_length=16, choices=InvestmentStatus.choices,
                              default=InvestmentStatus.HELD)
    valuation = models.BigIntegerField(_("最新估值（最小货币单位）"), null=True, blank=True,
                                       help_text=_("被投企业整体的最新估值。"))
    valued_on = models.DateField(_("估值日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("共同投资")
        verbose_name_plural = _("共同投资")
        ordering = ["-invested_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valuation__isnull=True) | Q(valuation__gte=0),
                                   name="investment_valuation_not_negative"),
            models.CheckConstraint(condition=Q(valued_on__isnull=True) | Q(valued_on__gte=F("invested_on")),
                                   name="investment_valued_after_invested"),
        ]

    def __str__(self):
        return self.target_company


class InvestmentParty(models.Model):
    """One investor: its amount and its stake in the target company in basis points (10,000 = 100 %)."""

    PARTNER_SCOPE = "partner"

    investment = models.ForeignKey(JointInvestment, on_delete=models.CASCADE, related_name="parties")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("投资方"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("投资额（最小货币单位）"))
    stake_bp = models.PositiveIntegerField(_("持股比例（万分比）"),
                                           validators=[MinValueValidator(1), MaxValueValidator(STAKE_FULL)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["investment", "partner"], name="investment_party_unique"),
            models.UniqueConstraint(fields=["investment"], condition=Q(partner__isnull=True),
                                    name="investment_party_us_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="investment_amount_not_negative"),
            models.CheckConstraint(condition=Q(stake_bp__gte=1) & Q(stake_bp__lte=STAKE_FULL),
                                   name="investment_stake_range"),
        ]


class CoBranding(models.Model):
    """A co-branding programme (联合品牌) between us and partners."""

    PARTNER_SCOPE = "partners"

    title = models.CharField(_("名称"), max_length=200)
    partners = models.ManyToManyField("partners.Partner", verbose_name=_("合作伙伴"), related_name="cobrandings")
    brand_assets = models.TextField(_("品牌资产"), blank=True, default="",
                                    help_text=_("共同使用的商标、标识、口号等。"))
    markets = models.JSONField(_("市场"), default=list, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    terms = models.TextField(_("条款"), blank=True, default="")
    status = models.CharField(_("状态"), max_length=16, choices=InitiativeStatus.choices,
                              default=InitiativeStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联合品牌项目")
        verbose_name_plural = _("联合品牌项目")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="cobranding_dates_in_order"),
        ]

    def __str__(self):
        return self.title


auditlog.register(LabProject, m2m_fields={"ip_assets"})
for _model in (Relation, Referral, LabParty, LabMilestone, JointInvestment, InvestmentParty, CoBranding):
    auditlog.register(_model)
