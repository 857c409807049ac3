"""Role checks shared by the web, API and services."""

from django.utils.translation import gettext as _

from allies.core.errors import DomainError, ErrorCode


def require_internal(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.UNAUTHENTICATED, _("请先登录。"))
    if not user.is_internal:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("只有内部成员可以执行此操作。"))


def require_writer(user) -> None:
    require_internal(user)
    if not user.can_write:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("你的角色是只读成员，不能修改数据。"))
