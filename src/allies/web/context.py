"""Template context shared by every page: the navigation for the user's role."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (group label, [(url name, label)]); a group with one entry is a plain link.
INTERNAL_NAV = [
    (_("概览"), [("home", _("概览"))]),
    (_("伙伴"), [("partners:list", _("伙伴列表")), ("partners:pipeline", _("合作阶段")),
                ("readiness:list", _("自我评估"))]),
    (_("伙伴筛选"), [("screening:ranking", _("筛选排名")), ("screening:models", _("筛选模型")),
                ("screening:runs", _("筛选记录"))]),
    (_("尽调与试点"), [("diligence:list", _("尽职调查")), ("pilots:list", _("试点项目"))]),
    (_("数据共享"), [("sales:list", _("销售数据")), ("sales:sharing", _("共享级别")),
                    ("accounts:home", _("联合客户")), ("accounts:registrations", _("客户报备")),
                    ("tokens:access_log", _("访问记录"))]),
    (_("联盟协议"), [("agreements:list", _("联盟协议"))]),
    (_("收益分配"), [("settlements:index", _("分配规则与结算")), ("settlements:categories", _("产品品类"))]),
    (_("治理与冲突"), [("governance:list", _("联盟治理")), ("governance:conflicts", _("冲突记录")),
                  ("governance:my_actions", _("我的待办")), ("governance:calendar", _("日历订阅"))]),
    (_("评估与预警"), [("monitoring:list", _("定期评估")), ("monitoring:alerts", _("预警")),
                   ("monitoring:webhooks", _("推送设置"))]),
    (_("生态"), [("ecosystem:network", _("生态网络")), ("ecosystem:analytics", _("网络分析")),
                ("ecosystem:initiatives", _("联合创新与投资")), ("ecosystem:portfolio", _("联盟组合报告"))]),
    (_("知识库"), [("knowledge:list", _("知识库"))]),
]
PARTNER_NAV = [
    (_("我的公司"), [("portal:home", _("我的公司"))]),
    (_("试点项目"), [("pilots:list", _("试点项目"))]),
    (_("数据共享"), [("sales:upload", _("上传销售数据")), ("sales:uploads", _("上传记录")),
                    ("accounts:home", _("联合客户")), ("accounts:registrations", _("客户报备"))]),
    (_("联盟协议"), [("agreements:list", _("联盟协议"))]),
    (_("结算"), [("settlements:index", _("结算单"))]),
    (_("治理与冲突"), [("governance:list", _("联盟治理")), ("governance:conflicts", _("冲突记录")),
                  ("governance:my_actions", _("我的待办")), ("governance:calendar", _("日历订阅"))]),
    (_("评估与预警"), [("monitoring:list", _("定期评估")), ("monitoring:alerts", _("预警"))]),
    (_("生态"), [("ecosystem:network", _("生态网络")), ("ecosystem:initiatives", _("联合创新与投资"))]),
    (_("知识库"), [("knowledge:list", _("知识库"))]),
]


def _resolve(groups):
    """Only the entries whose pages exist, so a stage not yet installed leaves no dead link."""
    out = []
    for label, entries in groups:
        links = []
        for name, text in entries:
            try:
                links.append((reverse(name), text))
            except NoReverseMatch:
                continue
        if links:
            out.append((label, links))
    return out


def navigation(request):
    user = getattr(request, "user", None)
    groups = []
    if user is not None and user.is_authenticated:
        if user.is_internal:
            groups = INTERNAL_NAV
        elif user.is_partner_user:
            groups = PARTNER_NAV
    return {"nav_groups": _resolve(groups)}
