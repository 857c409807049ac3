"""Template context shared by every page: the navigation for the user's role."""

from django.utils.translation import gettext_lazy as _


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        if user.is_internal:
            items = [
                ("home", _("概览")),
                ("readiness:list", _("自我评估")),
                ("partners:list", _("伙伴")),
                ("partners:pipeline", _("合作阶段")),
                ("screening:ranking", _("筛选排名")),
                ("screening:models", _("筛选模型")),
                ("screening:runs", _("筛选记录")),
            ]
        elif user.is_partner_user:
            items = [("portal:home", _("我的公司"))]
    return {"nav_items": items}
