"""Due diligence (spec 2.3): checklist templates, cases with items, evidence files, financial figures.

All of it is internal: no model here has PARTNER_SCOPE, so partner users see none of it.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from allies.diligence.choices import Area, CaseStatus, ItemStatus, RiskLevel, Verdict


class ChecklistTemplate(models.Model):
    """A default checklist entry; opening a case copies the active ones into its items."""

    area = models.CharField(_("调查领域"), max_length=16, choices=Area.choices)
    title = models.CharField(_("检查项"), max_length=200)
    guidance = models.TextField(_("检查要点"), blank=True, default="")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查清单模板")
        verbose_name_plural = _("检查清单模板")
        ordering = ["area", "position", "id"]

    def __str__(self):
        return f"{self.get_area_display()} · {self.title}"


class Case(models.Model):
    """One due-diligence investigation of a partner. Concluded cases are read-only."""

    partner = models.ForeignKey("partners.Partner", verbose_name=_("伙伴"), on_delete=models.PROTECT,
                                related_name="diligence_cases")
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    verdict = models.CharField(_("结论"), max_length=24, choices=Verdict.choices, blank=True, default="")
    conditions = models.TextField(_("附加条件"), blank=True, default="")
    summary = models.TextField(_("总结"), blank=True, default="")
    override_reason = models.TextField(
        _("越过原因"), blank=True, default="",
        help_text=_("存在未通过的高风险检查项时仍给出“通过”结论的原因。"))
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结论人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    concluded_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("尽职调查")
        verbose_name_plural = _("尽职调查")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner"], condition=Q(status=CaseStatus.OPEN),
                                    name="diligence_one_open_case_per_partner"),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN, verdict="") | (Q(status=CaseStatus.CONCLUDED) & ~Q(verdict="")),
                name="diligence_verdict_iff_concluded"),
        ]

    def __str__(self):
        return f"{self.partner} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class Item(models.Model):
    """One checklist item of a case: what was checked, what was found, how risky."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    area = models.CharField(_("调查领域"), max_length=16, choices=Area.choices)
    title = models.CharField(_("检查项"), max_length=200)
    guidance = models.TextField(_("检查要点"), blank=True, default="")
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    finding = models.TextField(_("发现"), blank=True, default="")
    risk_level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["case", "area", "position", "id"]

    def __str__(self):
        return self.title

    @property
    def blocks_go(self) -> bool:
        """A high-risk item that has not passed blocks a positive verdict."""
        return self.risk_level == RiskLevel.HIGH and self.status != ItemStatus.PASSED


class ItemStatusChange(models.Model):
    """One change of an item's status: the case's history, read by the partner timeline."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=16, choices=ItemStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ItemStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查项状态变更")
        verbose_name_plural = _("检查项状态变更")
        ordering = ["-changed_at", "-id"]


class Evidence(models.Model):
    """A file attached to an item, kept under MEDIA_ROOT/evidence/<case id>/ with a random name."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="evidence")
    stored_path = models.CharField(_("存储路径"), max_length=300, unique=True,
                                   help_text=_("相对 MEDIA_ROOT 的路径。"))
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=120)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class FinancialYear(models.Model):
    """One year of a partner's figures. Money in integer minor units of ``currency``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="financial_years")
    year = models.PositiveSmallIntegerField(_("年度"))
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    revenue = models.BigIntegerField(_("营业收入"))
    profit = models.BigIntegerField(_("净利润"))
    operating_cash_flow = models.BigIntegerField(_("经营现金流"))
    debt_ratio = models.DecimalField(_("资产负债率（%）"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("年度财务数据")
        verbose_name_plural = _("年度财务数据")
        ordering = ["case", "year"]
        constraints = [
            models.UniqueConstraint(fields=["case", "year"], name="diligence_financial_year_unique"),
            models.CheckConstraint(condition=Q(debt_ratio__gte=0) & Q(debt_ratio__lte=100),
                                   name="diligence_debt_ratio_range"),
        ]

    def __str__(self):
        return str(self.year)


for _model in (ChecklistTemplate, Case, Item, Evidence, FinancialYear):
    auditlog.register(_model)
