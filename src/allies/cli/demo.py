"""Demo data for `make run`: logins for every role and partners at several stages.

Only ever loaded into a development database; every demo user is flagged ``is_demo`` so
a production start refuses while one exists.
"""

from django.db import transaction

from allies.core.models import Role, User
from allies.partners import screening, services
from allies.partners.models import Partner
from allies.partners.selectors import default_model

DEMO_PASSWORD = "allies-demo"
DEMO_USERS = [
    # username, role, display name, partner name
    ("admin", Role.ADMIN, "系统管理员", None),
    ("manager", Role.MANAGER, "王经理", None),
    ("analyst", Role.MANAGER, "李分析师", None),
    ("viewer", Role.VIEWER, "赵观察", None),
    ("partner_b", Role.PARTNER, "伙伴B 对接人", "伙伴B"),
    ("partner_c", Role.PARTNER, "伙伴C 对接人", "伙伴C"),
]

# name, industry, region, source, resources, stage, manager's ratings, analyst's ratings (six criteria)
DEMO_PARTNERS = [
    ("伙伴A", "智能硬件", "深圳", "trade_show", ["product", "channel"], "prospect",
     (8, 9, 7, 8, 6, 7), (8, 9, 7, 8, 6, 7)),
    ("伙伴B", "电商平台", "杭州", "online_platform", ["channel", "customer_base", "data"], "contacted",
     (9, 7, 9, 9, 8, 8), (9, 7, 9, 9, 8, 9)),
    ("伙伴C", "行业解决方案集成", "北京", "referral", ["service", "customer_base"], "due_diligence",
     (7, 8, 6, 7, 9, 8), (7, 8, 6, 7, 9, 8)),
    ("星河智造", "智能硬件", "苏州", "association", ["product", "technology"], "prospect",
     (6, 8, 5, 6, 7, 9), (6, 4, 5, 6, 7, 9)),
    ("云帆渠道", "分销", "广州", "advisor", ["channel"], "contacted",
     (7, 6, 8, 7, 6, 6), None),
    ("青松数据", "数据服务", "上海", "competitor_analysis", ["data", "technology"], "prospect",
     (8, 7, None, 8, 7, 7), None),
    ("华联集成", "系统集成", "成都", "referral", ["service", "talent"], "pilot",
     (8, 8, 8, 7, 8, 8), None),
    ("远景资本", "投资", "北京", "association", ["capital", "brand"], "active",
     (7, 6, 9, 9, 7, 6), None),
    ("博睿咨询", "咨询", "上海", "advisor", ["service", "talent"], "rejected",
     (4, 5, 6, 6, 5, 4), None),
]


def load_demo() -> None:
    """Create the demo users and partners; running it again changes nothing."""
    if User.objects.filter(is_demo=True).exists():
        return
    with transaction.atomic():
        staff = {}
        for username, role, name, partner_name in DEMO_USERS:
            if role == Role.PARTNER:
                continue
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, first_name=name, role=role, is_demo=True,
                is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
            )
            staff[username] = user
        manager, analyst = staff["manager"], staff["analyst"]
        codes = [c.code for c in default_model().current_version.criteria.all()]
        for name, industry, region, source, resources, stage, mine, theirs in DEMO_PARTNERS:
            partner = services.partner_create(
                actor=manager,
                data={"name": name, "industry": industry, "region": region, "source_channel": source,
                      "resources": resources, "website": ""},
            )
            for rater, scores in ((manager, mine), (analyst, theirs)):
                for code, score in zip(codes, scores or ()):
                    if score is not None:
                        screening.rating_set(actor=rater, partner=partner, criterion_code=code, score=score)
            if stage != "prospect":
                services.partner_change_stage(actor=manager, partner=partner, to_stage=stage, reason="演示数据")
        for username, role, name, partner_name in DEMO_USERS:
            if role == Role.PARTNER:
                User.objects.create_user(
                    username=username, password=DEMO_PASSWORD, first_name=name, role=role, is_demo=True,
                    partner=Partner.objects.get(name=partner_name),
                )


def print_logins() -> None:
    users = list(User.objects.filter(is_demo=True).order_by("id"))
    if not users:
        return
    print("\nDemo logins / 演示账号 (password / 密码: %s)" % DEMO_PASSWORD)
    for user in users:
        extra = f" · {user.partner.name}" if user.partner_id else ""
        print(f"  {user.username:<10} {user.get_role_display()}{extra}")
    print()
