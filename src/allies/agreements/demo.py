"""Demo data of agreements, loaded by `allies demo` after the earlier stages' demo data.

The partners the demo walks into ``active`` get a signed agreement first (called from
``allies.cli.demo._walk``, since the stage gate requires one); ``load`` then adds a
multilateral draft with 伙伴B and 伙伴C, an amendment, and closes the exited partner's agreement.
"""

from datetime import timedelta

from django.utils import timezone

from allies.agreements import services
from allies.agreements.models import Agreement

DISPUTE = [{"method": "negotiation", "days": 30}, {"method": "mediation", "body": "北京市商事调解中心", "days": 60},
           {"method": "arbitration", "body": "中国国际经济贸易仲裁委员会"}]
# partner name -> (title, cooperation models, days since start, days until end, notice days)
SIGNED = {
    "远景资本": ("远景资本战略投资与联合品牌合作协议", ["joint_marketing", "channel"], 640, 75, 60),
    "锦程物流": ("锦程物流华中供应链整合协议", ["supply_chain"], 400, 330, 90),
    "海川软件": ("海川软件联合研发协议", ["joint_rnd"], 1000, -20, 90),
}


def _terms(partner, title, models, start, end, notice) -> dict:
    return {
        "title": title, "cooperation_models": models, "start_date": start, "end_date": end, "auto_renew": False,
        "notice_days": notice, "currency": "CNY", "rounding": "half_up",
        "scope": f"我方与{partner.name}在华东、华北市场的联合营销与渠道合作", "goals": "三年内联合服务 50 家重点客户，联合收入 1 亿元",
        "our_rights": "使用对方渠道与品牌资源开展联合营销\n获得联合客户的销售数据", "our_obligations": "提供产品、培训与售前支持\n按期结算分成",
        "revenue_cost_terms": "联合销售收入按 30/70 分成（我方 70%）；联合营销活动费用按 50/50 分摊；按季度结算",
        "ip_terms": "双方既有知识产权归各自所有；合作中产生的成果按知识产权登记表约定",
        "termination_conditions": "任一方严重违约且在书面通知后 30 天内未纠正；任一方破产或被吊销执照",
        "customer_handover": "终止后 60 天内，双方按客户归属清单交接在服务客户，不得恶意挖角",
        "data_migration": "终止后 30 天内导出共享数据并删除对方数据，提交删除证明",
        "parties": [{"partner_id": partner.pk, "role": "战略伙伴", "rights": "获得联合销售分成\n使用联合品牌",
                     "obligations": "开放渠道资源\n每季度提交销售数据"}],
        "dispute_steps": DISPUTE,
    }


def signed_agreement(*, manager, partner) -> Agreement:
    """A complete agreement with ``partner``, signed, so the partner may move into active."""
    title, models, since, until, notice = SIGNED.get(
        partner.name, (f"{partner.name}联盟合作协议", ["joint_sales"], 365, 365, 90))
    today = timezone.localdate()
    agreement = services.agreement_create(actor=manager, data=_terms(
        partner, title, models, today - timedelta(days=since), today + timedelta(days=until), notice))
    services.ip_asset_add(actor=manager, agreement=agreement, data={
        "name": "联合品牌标识", "kind": "trademark", "owner": "joint", "confidentiality": "internal",
        "usage": {"us": "non_exclusive", str(partner.pk): "non_exclusive"}})
    services.ip_asset_add(actor=manager, agreement=agreement, data={
        "name": f"{partner.name}客户数据接口", "kind": "software", "owner": "partner", "owner_partner_id": partner.pk,
        "confidentiality": "secret", "usage": {"us": "internal", str(partner.pk): "full"}})
    services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review", reason="提交法务审核")
    return services.agreement_transition(actor=manager, agreement=agreement, to_status="signed",
                                         reason="双方法定代表人签字盖章")


def load(*, manager, partners: dict) -> None:
    """Add this stage's demo rows. ``partners`` maps a partner's name to the Partner."""
    vision = Agreement.objects.filter(partners=partners["远景资本"]).first()
    if vision is not None:
        services.agreement_update(actor=manager, agreement=vision, reason="补充协议一：增加联合投资路演", data={
            "scope": vision.scope + "\n联合举办年度投资路演", "notice_days": 60})
    ended = Agreement.objects.filter(partners=partners["海川软件"], status="signed").first()
    if ended is not None:
        services.agreement_transition(actor=manager, agreement=ended, to_status="expired", reason="合作期满，按协议退出")
    b, c = partners["伙伴B"], partners["伙伴C"]
    today = timezone.localdate()
    draft = services.agreement_create(actor=manager, data={
        "title": "伙伴B · 伙伴C 三方联合解决方案联盟协议", "cooperation_models": ["joint_sales", "joint_rnd"],
        "start_date": today + timedelta(days=30), "end_date": today + timedelta(days=30 + 730), "auto_renew": True,
        "renewal_months": 12, "notice_days": 90,
        "scope": "伙伴B 的电商渠道 + 伙伴C 的行业集成能力 + 我方产品，面向零售行业的联合解决方案",
        "goals": "第一年落地 10 个零售客户",
        "our_rights": "解决方案的产品主导权", "our_obligations": "提供产品与技术支持",
        "revenue_cost_terms": "三方按价值贡献分成，具体比例待 Shapley 参考值确定",
        "parties": [
            {"partner_id": b.pk, "role": "渠道方", "rights": "获得渠道分成", "obligations": "提供线上渠道与流量"},
            {"partner_id": c.pk, "role": "集成方", "rights": "获得实施收入", "obligations": ""},
        ],
        "dispute_steps": [{"method": "negotiation", "days": 30}],
    })
    services.ip_asset_add(actor=manager, agreement=draft, data={
        "name": "零售联合解决方案架构", "kind": "copyright", "owner": "", "confidentiality": "confidential",
        "usage": {"us": "full"}})
