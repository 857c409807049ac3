"""Value sharing and settlements (收益分配与结算, spec 4.2): rules per agreement, costs, statements.

Parties of an agreement are our own company ("us", stored as a null partner) and the
agreement's partners. Percentages are stored as decimal text in JSON lists in the order of
``shares``; money is integer minor units in the agreement's currency.

A settlement keeps the per partner / product / month aggregates of the sales rows that
counted (:class:`StatementLine`), never a row per sale: the rows themselves, each with the
rule and tier applied, are exported on demand (see services.settlement_rows_csv).
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from allies.agreements.models import Agreement
from allies.partners.models import Partner


class Basis(models.TextChoices):
    REVENUE = "revenue", _("销售收入")
    GROSS_PROFIT = "gross_profit", _("毛利")


class TierMethod(models.TextChoices):
    MARGINAL = "marginal", _("超额累进")
    WHOLE = "whole", _("全额累进")


class KpiMetric(models.TextChoices):
    REVENUE = "revenue", _("销售额")
    GROSS_PROFIT = "gross_profit", _("毛利")
    QUANTITY = "quantity", _("销量")
    ORDERS = "orders", _("订单数")
    CUSTOMERS = "customers", _("客户数")


class SettlementStatus(models.TextChoices):
    DRAFT = "draft", _("待确认")
    DISPUTED = "disputed", _("有异议")
    CONFIRMED = "confirmed", _("各方已确认")
    PAID = "paid", _("已支付")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("有异议")


class ProductCategory(models.Model):
    """A product category used by sharing rules (e.g. 软件订阅); products are mapped to it by name."""

    name = models.CharField(_("品类"), max_length=100, unique=True)
    description = models.CharField(_("说明"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("产品品类")
        verbose_name_plural = _("产品品类")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CategoryProduct(models.Model):
    """Product name (as partners report it in their sales rows) -> category."""

    category = models.ForeignKey(ProductCategory, on_delete=models.CASCADE, related_name="products")
    product = models.CharField(_("产品"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("产品归类")
        verbose_name_plural = _("产品归类")
        ordering = ["product"]


class SharingRule(models.Model):
    """Which sales count, on what basis, and how they are split (with a tier ladder, limits)."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="sharing_rules",
                                  verbose_name=_("协议"))
    position = models.PositiveIntegerField(_("顺序"), default=0)
    name = models.CharField(_("名称"), max_length=100)
    partners = models.ManyToManyField(Partner, blank=True, related_name="+", verbose_name=_("计入哪些伙伴的销售"))
    products = models.JSONField(_("产品"), default=list, blank=True)
    categories = models.ManyToManyField(ProductCategory, blank=True, related_name="rules", verbose_name=_("品类"))
    valid_from = models.DateField(_("起始月份"), null=True, blank=True)
    valid_to = models.DateField(_("截止月份"), null=True, blank=True)
    basis = models.CharField(_("分成基数"), max_length=16, choices=Basis.choices, default=Basis.REVENUE)
    # [{"party": null (us) | partner id, "percent": "30"}]
    shares = models.JSONField(_("各方比例"), default=list)
    # [{"lower": 100000000, "upper": null, "percents": ["25", "75"]}], percents in the order of shares
    tiers = models.JSONField(_("阶梯"), default=list, blank=True)
    tier_method = models.CharField(_("阶梯计算方式"), max_length=16, choices=TierMethod.choices,
                                   default=TierMethod.MARGINAL)
    min_payout = models.BigIntegerField(_("伙伴最低分成（分）"), null=True, blank=True)
    max_payout = models.BigIntegerField(_("伙伴最高分成（分）"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("收益分配规则")
        verbose_name_plural = _("收益分配规则")
        ordering = ["agreement", "position", "id"]

    def __str__(self) -> str:
        return self.name


class PerformanceBonus(models.Model):
    """A bonus we pay a partner when its KPI for the period reaches the target (绩效激励)."""

    PARTNER_SCOPE = "partner"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="bonuses")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("伙伴"))
    metric = models.CharField(_("指标"), max_length=16, choices=KpiMetric.choices)
    target = models.DecimalField(_("目标值"), max_digits=20, decimal_places=3)
    higher_is_better = models.BooleanField(_("越高越好"), default=True)
    amount = models.BigIntegerField(_("固定奖励（分）"), default=0)
    percent = models.DecimalField(_("按分成基数的比例（%）"), max_digits=7, decimal_places=4, default=0)
    description = models.CharField(_("说明"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("绩效激励")
        verbose_name_plural = _("绩效激励")
        ordering = ["agreement", "id"]


class CostRule(models.Model):
    """A cost category (e.g. 联合营销活动) shared by ratio between the parties (成本分摊)."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="cost_rules")
    category = models.CharField(_("成本类别"), max_length=100)
    # [{"party": null | partner id, "percent": "50"}]
    shares = models.JSONField(_("分摊比例"), default=list)

    class Meta:
        verbose_name = _("成本分摊规则")
        verbose_name_plural = _("成本分摊规则")
        ordering = ["agreement", "category"]
        constraints = [models.UniqueConstraint(fields=["agreement", "category"], name="cost_rule_unique")]

    def __str__(self) -> str:
        return self.category


class CostEntry(models.Model):
    """A shared cost that one party paid (e.g. a joint marketing event), split by its category's rule."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="cost_entries")
    rule = models.ForeignKey(CostRule, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("成本类别"))
    date = models.DateField(_("日期"))
    amount = models.BigIntegerField(_("金额（分）"))
    currency = models.CharField(_("币种"), max_length=3)
    paid_by = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("垫付方"))
    description = models.CharField(_("说明"), max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("共担成本")
        verbose_name_plural = _("共担成本")
        ordering = ["-date", "-id"]


class CoalitionValue(models.Model):
    """The value a coalition of parties could create alone in a year (for the Shapley fair-split advisor).

    ``members`` is the sorted list of party ids, with 0 for our own company.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="coalition_values")
    members = models.JSONField()
    key = models.CharField(max_length=200)
    value = models.BigIntegerField(_("价值（分）"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "key"], name="coalition_value_unique")]


class Settlement(models.Model):
    """One computation of an agreement's period: a statement per party, and the aggregates that counted."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="settlements",
                                  verbose_name=_("协议"))
    period = models.CharField(_("结算期"), max_length=7)
    version = models.PositiveIntegerField(_("版本"), default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=SettlementStatus.choices,
                              default=SettlementStatus.DRAFT)
    currency = models.CharField(_("币种"), max_length=3)
    date_from = models.DateField(_("起始日期"))
    date_to = models.DateField(_("截止日期"))
    rows_counted = models.BigIntegerField(_("计入行数"), default=0)
    rows_uncounted = models.BigIntegerField(_("未计入行数"), default=0)
    revenue = models.BigIntegerField(_("销售收入（分）"), default=0)
    distributable = models.BigIntegerField(_("可分配金额（分）"), default=0)
    details = models.JSONField(default=dict)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    payment_reference = models.CharField(_("付款凭证号"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("结算")
        verbose_name_plural = _("结算")
        ordering = ["-period", "-version"]
        constraints = [models.UniqueConstraint(fields=["agreement", "period", "version"],
                                               name="settlement_version_unique")]

    def __str__(self) -> str:
        return f"{self.agreement.code} {self.period} v{self.version}"


class Statement(models.Model):
    """结算单: one party's figures in a settlement. ``net`` > 0: the party receives; < 0: it pays."""

    PARTNER_SCOPE = "partner"

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="statements")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("协议方"))
    revenue = models.BigIntegerField(_("销售收入（分）"), default=0)
    collected = models.BigIntegerField(_("已收取（分）"), default=0)
    share = models.BigIntegerField(_("应得分成（分）"), default=0)
    bonus = models.BigIntegerField(_("绩效激励（分）"), default=0)
    cost_share = models.BigIntegerField(_("应担成本（分）"), default=0)
    cost_paid = models.BigIntegerField(_("已垫付成本（分）"), default=0)
    net = models.BigIntegerField(_("净应收/应付（分）"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=StatementStatus.choices,
                              default=StatementStatus.PENDING)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.CharField(_("异议理由"), max_length=1000, blank=True, default="")
    disputed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    disputed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("结算单")
        verbose_name_plural = _("结算单")
        ordering = ["settlement", "partner_id"]
        constraints = [models.UniqueConstraint(fields=["settlement", "partner"], name="statement_party_unique")]


class StatementLine(models.Model):
    """Sales that counted, aggregated per rule, seller, product and month."""

    PARTNER_SCOPE = "partner"

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="lines")
    rule = models.ForeignKey(SharingRule, null=True, on_delete=models.SET_NULL, related_name="+")
    rule_name = models.CharField(max_length=100)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    product = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True, default="")
    month = models.DateField()
    rows = models.PositiveIntegerField(default=0)
    revenue = models.BigIntegerField(default=0)
    cost = models.BigIntegerField(default=0)
    basis = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["settlement", "partner_id", "month", "product"]


for _model in (ProductCategory, CategoryProduct, SharingRule, PerformanceBonus, CostRule, CostEntry, CoalitionValue,
               Settlement, Statement):
    auditlog.register(_model)
