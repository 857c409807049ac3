"""Fixtures for agreements: a complete two-party agreement ready to sign, and a staff client."""

from datetime import date

import pytest

from allies.agreements import services

START, END = date(2026, 1, 1), date(2027, 12, 31)


def complete_data(*partners, **extra) -> dict:
    """Everything a signable agreement needs, with ``partners`` as the partner parties."""
    return {
        "title": "华东联合销售协议",
        "cooperation_models": ["joint_sales", "joint_marketing"],
        "start_date": START, "end_date": END, "auto_renew": True, "renewal_months": 12, "notice_days": 90,
        "scope": "华东地区企业客户的联合销售", "goals": "第一年联合签约 30 家客户",
        "our_rights": "使用伙伴的渠道资源", "our_obligations": "提供产品培训与售前支持",
        "revenue_cost_terms": "收入按 30/70 分成，联合营销费用各担一半",
        "ip_terms": "双方既有知识产权归各自所有，合作中产生的成果按登记表约定",
        "termination_conditions": "任一方严重违约且 30 天内未纠正",
        "customer_handover": "终止后 60 天内移交客户名单",
        "data_migration": "终止后 30 天内导出并删除共享数据",
        "parties": [{"partner_id": p.pk, "role": "渠道方", "rights": "获得销售分成", "obligations": "负责客户拓展"}
                    for p in partners],
        "dispute_steps": [{"method": "negotiation", "days": 30}, {"method": "mediation", "body": "上海市商事调解中心"},
                          {"method": "arbitration", "body": "上海国际仲裁中心"}],
        **extra,
    }


def sign(manager, agreement):
    services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review")
    return services.agreement_transition(actor=manager, agreement=agreement, to_status="signed")


@pytest.fixture
def make_agreement(manager):
    def make(*partners, **extra):
        return services.agreement_create(actor=manager, data=complete_data(*partners, **extra))

    return make


@pytest.fixture
def agreement(make_agreement, partner_a):
    return make_agreement(partner_a)
