"""Demo data of ecosystem, loaded by `allies demo` after the earlier stages' demo data.

Customer lists (ours and four partners', with realistic overlaps) so that the network has
shared-customer links and the suggestions have evidence; a self-assessment with gaps if
none exists; referrals and manual relations; a sharing grant; one lab project, one joint
investment and one co-branding programme.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from allies.domain import matching
from allies.ecosystem import services
from allies.sharing.accounts import matching_key
from allies.sharing.models import Account, AccountList, SharingGrant, SharingLevel

# list owner (None = us) -> customer numbers on its list (a shared number is a shared customer)
CUSTOMER_LISTS = {
    None: range(1, 81),
    "华联集成": [*range(1, 31), *range(101, 121)],
    "远景资本": [*range(11, 31), *range(121, 131), *range(201, 211)],
    "伙伴B": [*range(41, 61), *range(301, 331)],
    "锦程物流": [*range(61, 66), *range(401, 421)],
}
CITIES = ["上海", "北京", "深圳", "杭州", "成都", "武汉", "南京", "苏州", "广州", "重庆"]
TRADES = ["零售", "制造", "物流", "医疗", "教育", "餐饮", "能源", "金融"]


def _customer_name(n: int) -> str:
    return f"{CITIES[n % len(CITIES)]}{TRADES[n % len(TRADES)]}客户{n:03d}有限公司"


def _upload_list(owner, numbers, manager) -> None:
    key = matching_key()
    AccountList.objects.filter(partner=owner).delete()
    account_list = AccountList.objects.create(partner=owner, uploaded_by=manager, filename="demo-customers.xlsx",
                                              account_count=len(numbers))
    rows = []
    for n in numbers:
        name = _customer_name(n)
        ids, _problems = matching.normalise_account(name, "", "")
        h = matching.account_hashes(key, ids)
        rows.append(Account(account_list=account_list, partner=owner, display_name=name, name_hash=h[0],
                            uscc_hash=h[1], domain_hash=h[2]))
    Account.objects.bulk_create(rows)


def _assessment(manager) -> None:
    from allies.partners import readiness  # noqa: PLC0415
    from allies.partners.models import SelfAssessment  # noqa: PLC0415

    if SelfAssessment.objects.exists():
        return
    answers = {q.code: 4 for q in readiness.QUESTIONS}
    answers.update({"n_agreed": 3, "i_incentive": 2})
    readiness.assessment_create(actor=manager, answers=answers, strengths=["product", "technology"],
                                gaps=["channel", "data", "capital", "brand"],
                                notes="演示：渠道和数据是最紧迫的短板")


def load(*, manager, partners: dict) -> None:
    """Add this stage's demo rows. ``partners`` maps a partner's name to the Partner."""
    today = timezone.localdate()
    p = partners
    with transaction.atomic():
        _assessment(manager)
        for owner_name, numbers in CUSTOMER_LISTS.items():
            owner = p.get(owner_name) if owner_name else None
            if owner_name and owner is None:
                continue
            _upload_list(owner, list(numbers), manager)
        if "远景资本" in p and "华联集成" in p:
            SharingGrant.objects.update_or_create(grantor=p["远景资本"], grantee=p["华联集成"],
                                                  defaults={"level": SharingLevel.AGGREGATES, "set_by": manager})
        # who introduced whom (both are "referral" partners in the registry demo)
        if "伙伴C" in p and "华联集成" in p:
            services.referral_set(actor=manager, data={
                "partner_id": p["伙伴C"].pk, "referred_by_id": p["华联集成"].pk,
                "referred_on": today - timedelta(days=200), "note": "华联集成在西南区域项目中引荐"})
        if "华联集成" in p and "远景资本" in p:
            services.referral_set(actor=manager, data={
                "partner_id": p["华联集成"].pk, "referred_by_id": p["远景资本"].pk,
                "referred_on": today - timedelta(days=400), "note": "远景资本投后企业介绍"})
        if "海川软件" in p:
            services.referral_set(actor=manager, data={
                "partner_id": p["海川软件"].pk, "referrer_name": "省软件行业协会秘书处",
                "referred_on": today - timedelta(days=700)})
        if "锦程物流" in p and "伙伴B" in p:
            services.relation_create(actor=manager, data={
                "kind": "supply", "source_id": p["锦程物流"].pk, "target_id": p["伙伴B"].pk, "strength": 4,
                "start_date": today - timedelta(days=365), "note": "锦程物流为伙伴B提供华中仓配"})
        if "星河智造" in p and "青松数据" in p:
            services.relation_create(actor=manager, data={
                "kind": "referral", "source_id": p["青松数据"].pk, "target_id": p["星河智造"].pk, "strength": 2,
                "start_date": today - timedelta(days=60), "note": "青松数据推荐星河智造参加联合展会"})
        if "远景资本" in p:
            services.relation_create(actor=manager, data={
                "kind": "business", "source_id": None, "target_id": p["远景资本"].pk, "strength": 5,
                "start_date": today - timedelta(days=500), "note": "远景资本为我方 B 轮领投方"})
        if "华联集成" in p and "远景资本" in p:
            services.lab_create(actor=manager, data={
                "title": "智能仓储联合创新实验室", "goal": "联合研发仓储机器人调度算法，并在两个客户现场验证",
                "currency": "CNY", "budget": 300_000_000, "start_date": today - timedelta(days=120),
                "end_date": today + timedelta(days=245), "status": "running",
                "resulting_ip": "预计申请 2 项发明专利（调度算法、异常检测），归属按协议约定",
                "parties": [{"partner_id": None, "share": 150_000_000, "role": "算法与产品"},
                            {"partner_id": p["华联集成"].pk, "share": 100_000_000, "role": "现场集成与实施"},
                            {"partner_id": p["远景资本"].pk, "share": 50_000_000, "role": "资金与投后资源"}]})
            from allies.ecosystem.models import LabProject  # noqa: PLC0415

            lab = LabProject.objects.get(title="智能仓储联合创新实验室")
            from allies.agreements.models import IpAsset  # noqa: PLC0415

            asset = (IpAsset.objects.filter(agreement__status="signed",
                                            agreement__partners__in=[p["华联集成"], p["远景资本"]])
                     .order_by("agreement_id", "id").first())
            if asset is not None:
                services.lab_update(actor=manager, project=lab, data={"ip_asset_ids": [asset.pk]})
            for title, offset, done in (("需求与场景确认", -90, True), ("算法原型", -20, True),
                                        ("客户现场试运行", 60, False), ("结项评审", 240, False)):
                services.milestone_add(actor=manager, project=lab, data={
                    "title": title, "due_date": today + timedelta(days=offset),
                    "done_on": today + timedelta(days=offset + 3) if done else None})
            services.investment_create(actor=manager, data={
                "target_company": "芯途科技", "currency": "CNY", "invested_on": today - timedelta(days=300),
                "status": "held", "valuation": 26_000_000_000, "valued_on": today - timedelta(days=30),
                "note": "A+ 轮联合投资，约定优先合作权",
                "parties": [{"partner_id": None, "amount": 1_200_000_000, "stake_bp": 600},
                            {"partner_id": p["远景资本"].pk, "amount": 2_000_000_000, "stake_bp": 1000},
                            {"partner_id": p["华联集成"].pk, "amount": 400_000_000, "stake_bp": 200}]})
        if "华联集成" in p and "伙伴B" in p:
            services.cobranding_create(actor=manager, data={
                "title": "“智享零售”联合品牌", "partner_ids": [p["华联集成"].pk, p["伙伴B"].pk],
                "brand_assets": "“智享零售”标识、联合解决方案白皮书、联合案例库",
                "markets": ["华东", "西南"], "start_date": today - timedelta(days=30),
                "end_date": today + timedelta(days=335), "status": "running",
                "terms": "双方标识并列展示；对外宣传需经三方书面确认；品牌使用费为零，费用各自承担"})
