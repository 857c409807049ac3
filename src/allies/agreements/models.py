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

from allies.agreements.choices import AgreementStatus, RoundingMode


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

    class Meta:
        verbose_name = _("协议方")
        verbose_name_plural = _("协议方")
        constraints = [models.UniqueConstraint(fields=["agreement", "partner"], name="agreement_party_unique")]

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.partner_id}"


auditlog.register(Agreement)
auditlog.register(AgreementParty)
