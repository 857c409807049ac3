"""Demo data for `make run`: logins for every role and partners at several stages.

Only ever loaded into a development database; every demo user is flagged ``is_demo`` so
a production start refuses while one exists.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allies.core.models import Role, User
from allies.diligence import services as diligence
from allies.partners import screening, services
from allies.partners.models import Partner
from allies.partners.selectors import default_model
from allies.pilots import services as pilot_services
from allies.sharing import sales
from allies.agreements import demo as agreements_demo
from allies.settlements import demo as settlements_demo
from allies.governance import demo as governance_demo
from allies.monitoring import demo as monitoring_demo
from allies.ecosystem import demo as ecosystem_demo
from allies.knowledge import demo as knowledge_demo

# The later stages' demo data, in lifecycle order; each module's load() adds its own rows.
STAGE_DEMOS = [agreements_demo, settlements_demo, governance_demo, monitoring_demo, ecosystem_demo, knowledge_demo]

DEMO_PASSWORD = "allies-demo"
DEMO_USERS = [
    # username, role, display name, partner name
    ("admin", Role.ADMIN, "系统管理员", None),
    ("manager", Role.MANAGER, "王经理", None),
    ("analyst", Role.MANAGER, "李分析师", None),
    ("viewer", Role.VIEWER, "赵观察", None),
    ("partner_b", Role.PARTNER, "伙伴B 对接人", "伙伴B"),
    ("partner_c", Role.PARTNER, "伙伴C 对接人", "伙伴C"),
    ("partner_h", Role.PARTNER, "华联集成 对接人", "华联集成"),
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
    ("锦程物流", "物流", "武汉", "trade_show", ["channel", "service"], "paused",
     (6, 6, 7, 6, 6, 5), None),
    ("海川软件", "软件", "南京", "referral", ["technology", "product"], "exited",
     (7, 7, 6, 7, 6, 6), None),
]
FUNNEL = ["prospect", "contacted", "due_diligence", "pilot", "active"]
PATH_TO = {
    "prospect": [], "contacted": ["contacted"], "due_diligence": ["contacted", "due_diligence"],
    "pilot": ["contacted", "due_diligence", "pilot"], "active": ["contacted", "due_diligence", "pilot", "active"],
    "rejected": ["contacted", "rejected"], "paused": ["contacted", "due_diligence", "pilot", "active", "paused"],
    "exited": ["contacted", "due_diligence", "pilot", "active", "exited"],
}
REASONS = {"contacted": "行业展会初次会面", "due_diligence": "意向明确，启动尽职调查", "pilot": "尽调通过，启动试点",
           "active": "试点达标，签署全国合作", "rejected": "战略方向不一致", "paused": "对方业务调整，暂停合作",
           "exited": "合作期满，按协议退出"}


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
            _walk(manager, partner, PATH_TO[stage])
        _demo_sales(manager)
        for username, role, name, partner_name in DEMO_USERS:
            if role == Role.PARTNER:
                User.objects.create_user(
                    username=username, password=DEMO_PASSWORD, first_name=name, role=role, is_demo=True,
                    partner=Partner.objects.get(name=partner_name),
                )
        partners = {p.name: p for p in Partner.objects.all()}
        for stage_demo in STAGE_DEMOS:
            stage_demo.load(manager=manager, partners=partners)


def _walk(manager, partner, path: list[str]) -> None:
    """Move a demo partner along its path the way a team would: due diligence before the pilot."""
    for stage in path:
        if stage == "due_diligence":
            services.partner_change_stage(actor=manager, partner=partner, to_stage=stage, reason=REASONS[stage])
            case = diligence.case_open(actor=manager, partner=partner)
            if path[-1] == "due_diligence":
                item = case.items.filter(area="legal").first()
                diligence.item_update(actor=manager, item=item, data={
                    "status": "concern", "risk_level": "high", "finding": "存在一起未决的合同纠纷，需法务确认影响"})
            else:
                diligence.case_conclude(actor=manager, case=case, verdict="go", summary="财务、法律、市场、技术均无重大问题")
            continue
        if stage == "pilot":
            if "active" in path:  # the stage gate: into active only with a signed agreement
                agreements_demo.signed_agreement(manager=manager, partner=partner)
            _demo_pilot(manager, partner)
            continue
        partner.refresh_from_db()
        if partner.stage != stage:  # an "expand" review already made the partner active
            services.partner_change_stage(actor=manager, partner=partner, to_stage=stage, reason=REASONS[stage])


def _demo_pilot(manager, partner) -> None:
    """A running pilot with the spec's three KPIs and a few weeks of measurements."""
    today = timezone.localdate()
    start = today - timedelta(days=42)
    pilot = pilot_services.pilot_create(actor=manager, data={
        "title": f"{partner.name} 华东区域联合营销试点", "goal": "验证联合营销的获客效率",
        "scope": "华东一个区域的联合营销与联合销售", "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=90)).isoformat(), "partner_ids": [partner.pk],
        "meeting_cadence": "weekly", "report_template": "每周：进展、指标、问题、下周计划",
    }, kpis=[
        {"code": "customer_acquisition_cost", "name": "客户获取成本", "unit": "元", "baseline": 1200, "target": 800},
        {"code": "conversion_rate", "name": "转化率", "unit": "%", "baseline": 2, "target": 5},
        {"code": "revenue_share", "name": "收入分成", "unit": "万元", "baseline": 0, "target": 60},
    ])
    pilot_services.pilot_start(actor=manager, pilot=pilot, reason=REASONS["pilot"])
    series = {"customer_acquisition_cost": (1150, 1020, 930), "conversion_rate": (2.4, 3.1, 3.3),
              "revenue_share": (8, 15, 19)}
    for kpi in pilot.kpis.all():
        for week, value in enumerate(series.get(kpi.code, ()), start=1):
            pilot_services.measurement_record(actor=manager, kpi=kpi, date=start + timedelta(days=14 * week),
                                              value=value)
    if partner.name != "华联集成":
        pilot_services.review_close(actor=manager, pilot=pilot, decision="expand",
                                    we_learned="联合营销获客成本下降明显", partner_learned="需要更早介入方案设计")


def _demo_sales(manager) -> None:
    """A year of monthly sales for the partners in a pilot or active, so the portal and summaries show data."""
    today = timezone.localdate()
    products = {"华联集成": ("智能网关", "行业解决方案"), "远景资本": ("联合投资服务",), "伙伴B": ("软件A", "硬件B")}
    for name, items in products.items():
        partner = Partner.objects.get(name=name)
        rows = []
        for months_ago in range(12):
            day = (today.replace(day=1) - timedelta(days=30 * months_ago)).replace(day=15)
            for i, product in enumerate(items):
                units = 20 + 3 * (11 - months_ago) + 5 * i
                rows.append({"external_id": f"DEMO-{day:%Y%m}-{i}", "date": day.isoformat(), "product": product,
                             "customer": f"客户{months_ago % 4 + 1}", "quantity": units,
                             "amount": units * 150000, "cost": units * 90000, "currency": "CNY",
                             "channel": "联合销售"})
        sales.sales_rows_write(actor=manager, partner=partner, rows=rows)


def print_logins() -> None:
    users = list(User.objects.filter(is_demo=True).order_by("id"))
    if not users:
        return
    print("\nDemo logins / 演示账号 (password / 密码: %s)" % DEMO_PASSWORD)
    for user in users:
        extra = f" · {user.partner.name}" if user.partner_id else ""
        print(f"  {user.username:<10} {user.get_role_display()}{extra}")
    print()
