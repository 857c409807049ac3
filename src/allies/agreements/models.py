"""Agreements (联盟协议, spec 4): the alliance between us and one or more partners.

An agreement is the unit the later stages hang off: settlements, governance bodies,
evaluations, conflicts and the ecosystem graph all refer to an ``Agreement``. In the UI
an agreement is also "the alliance" (联盟); a multilateral alliance is an agreement with
several partner parties. Our own company is always a party and is not stored as a row.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from allies.agreements.choices import (
    AgreementStatus,
    Confidentiality,
    DisputeMethod,
    IpKind,
    IpOwner,
    RoundingMode,
    VersionKind,
)


class Agreement(models.Model):
    PARTNER_SCOPE = "partners"

    code = models.CharField(_("协议编号"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    partners = models.ManyToManyField("partners.Partner", through="AgreementParty", verbose_name=_("伙伴方"),
                                      related_name="agreements")
    cooperation_models = models.JSONField(_("合作模式"), default=list, blank=True,
                                          help_text=_("CooperationModel 取值的列表，可多选。"))
    status = models.CharField(_("状态"), max_length=16, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT)
    start_date = models.DateField(_("生效日期"), null=True, blank=True)
    end_date = models.DateField(_("到期日期"), null=True, blank=True)
    auto_renew = models.BooleanField(_("自动续约"), default=False)
    renewal_months = models.PositiveIntegerField(_("续约期限（月）"), null=True, blank=True)
    notice_days = models.PositiveIntegerField(_("通知期（天）"), default=90)
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    rounding = models.CharField(_("舍入方式"), max_length=16, choices=RoundingMode.choices,
                                default=RoundingMode.HALF_UP)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签署操作人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("状态变更人"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    status_reason = models.TextField(_("状态变更原因"), blank=True, default="")
    # Clause areas (spec 4.3). Rights and obligations of each partner live on its AgreementParty;
    # the IP register and the dispute path are rows of their own.
    scope = models.TextField(_("合作范围"), blank=True, default="")
    goals = models.TextField(_("合作目标"), blank=True, default="")
    our_rights = models.TextField(_("我方权利"), blank=True, default="")
    our_obligations = models.TextField(_("我方义务"), blank=True, default="")
    revenue_cost_terms = models.TextField(_("收益分配与成本分摊（概述）"), blank=True, default="")
    ip_terms = models.TextField(_("知识产权（总体约定）"), blank=True, default="")
    termination_conditions = models.TextField(_("终止条件"), blank=True, default="")
    customer_handover = models.TextField(_("客户交接"), blank=True, default="")
    data_migration = models.TextField(_("数据迁移"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联盟协议")
        verbose_name_plural = _("联盟协议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="agreement_end_after_start"),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["end_date"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AgreementParty(models.Model):
    """A partner company that is party to an agreement, with its role in it."""

    PARTNER_SCOPE = "partner"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_links")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="agreement_links",
                                verbose_name=_("伙伴"))
    role = models.CharField(_("角色"), max_length=100, blank=True, default="")
    rights = models.TextField(_("权利"), blank=True, default="")
    obligations = models.TextField(_("义务"), blank=True, default="")

    class Meta:
        verbose_name = _("协议方")
        verbose_name_plural = _("协议方")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "partner"], name="agreement_party_unique")]

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.partner_id}"


class IpAsset(models.Model):
    """One entry of an agreement's IP register: the asset, who owns it, who may use it how."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="ip_assets")
    name = models.CharField(_("资产名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=IpKind.choices, default=IpKind.OTHER)
    owner = models.CharField(_("权属"), max_length=8, choices=IpOwner.choices, blank=True, default="",
                             help_text=_("我方、某一伙伴方或共有；未填写时完整性检查会提示。"))
    owner_partner = models.ForeignKey("partners.Partner", verbose_name=_("权属伙伴"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    usage = models.JSONField(_("各方使用权"), default=dict, blank=True,
                             help_text=_("键为 us 或伙伴 id，值为 UsageRight 取值。"))
    confidentiality = models.CharField(_("保密级别"), max_length=16, choices=Confidentiality.choices,
                                       default=Confidentiality.CONFIDENTIAL)
    note = models.TextField(_("说明"), blank=True, default="")

    class Meta:
        verbose_name = _("知识产权资产")
        verbose_name_plural = _("知识产权资产")
        ordering = ["agreement", "id"]

    def __str__(self) -> str:
        return self.name


class DisputeStep(models.Model):
    """One step of the dispute path, in order: negotiation, mediation, arbitration body or court."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="dispute_steps")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    method = models.CharField(_("方式"), max_length=16, choices=DisputeMethod.choices)
    body = models.CharField(_("机构或法院"), max_length=200, blank=True, default="",
                            help_text=_("仲裁须写明仲裁机构，诉讼须写明管辖法院。"))
    days = models.PositiveIntegerField(_("期限（天）"), null=True, blank=True)

    class Meta:
        verbose_name = _("争议解决步骤")
        verbose_name_plural = _("争议解决步骤")
        ordering = ["agreement", "position", "id"]


class AgreementVersion(models.Model):
    """A numbered snapshot of the agreement and its clauses, kept at every change of its terms."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    kind = models.CharField(_("类型"), max_length=16, choices=VersionKind.choices)
    note = models.TextField(_("说明"), blank=True, default="")
    snapshot = models.JSONField(_("快照"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协议版本")
        verbose_name_plural = _("协议版本")
        ordering = ["agreement", "-number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")]


class StatusChange(models.Model):
    """Who moved an agreement from one status to another, when, and why."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=16, choices=AgreementStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=AgreementStatus.choices)
    reason = models.TextField(_("原因"), blank=True, default="")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协议状态变更")
        verbose_name_plural = _("协议状态变更")
        ordering = ["agreement", "-changed_at", "-id"]


class SignedScan(models.Model):
    """The scanned signed agreement (PDF or image), kept outside the web root like evidence files."""

    PARTNER_SCOPE = "agreement__partners"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="scans")
    stored_path = models.CharField(max_length=500)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小"))
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签署扫描件")
        verbose_name_plural = _("签署扫描件")
        ordering = ["agreement", "-uploaded_at", "-id"]


auditlog.register(Agreement)
for _model in (AgreementParty, IpAsset, DisputeStep, AgreementVersion, StatusChange, SignedScan):
    auditlog.register(_model)
