"""Users and roles: internal staff (admin, alliance manager, viewer) and partner users."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    MANAGER = "manager", _("联盟经理")
    VIEWER = "viewer", _("只读成员")
    PARTNER = "partner", _("伙伴用户")


INTERNAL_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.VIEWER})
WRITER_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


class User(AbstractUser):
    """A person who logs in. Partner users belong to exactly one partner company."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("所属伙伴"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    is_demo = models.BooleanField(
        _("演示账号"), default=False, help_text=_("由 allies demo 创建；生产环境拒绝在存在演示账号时启动。")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self):
        super().clean()
        if self.role == Role.PARTNER and not self.partner_id:
            raise ValidationError({"partner": _("伙伴用户必须属于一个伙伴公司。")})
        if self.role != Role.PARTNER and self.partner_id:
            raise ValidationError({"partner": _("只有伙伴用户可以关联伙伴公司。")})

    @property
    def is_internal(self) -> bool:
        return self.is_active and (self.role in INTERNAL_ROLES or self.is_superuser)

    @property
    def can_write(self) -> bool:
        return self.is_active and (self.role in WRITER_ROLES or self.is_superuser)

    @property
    def is_partner_user(self) -> bool:
        return self.role == Role.PARTNER and self.partner_id is not None
