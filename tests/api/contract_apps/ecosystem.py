"""Contract tables for the ecosystem stage.

Partner users read the network (their own part) and the joint initiatives they take part
in; everything else (analytics, suggestions, coverage, relations, referrals, writes,
the portfolio report) is staff-only.
"""

# The paths this module's objects serve: the contract world builds them only for these.
PREFIXES = ("/api/v1/ecosystem",)

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/ecosystem/network"),
    ("GET", "/api/v1/ecosystem/labs"),
    ("GET", "/api/v1/ecosystem/labs/{lab_id}"),
    ("GET", "/api/v1/ecosystem/investments"),
    ("GET", "/api/v1/ecosystem/investments/{investment_id}"),
    ("GET", "/api/v1/ecosystem/cobranding"),
    ("GET", "/api/v1/ecosystem/cobranding/{cobranding_id}"),
}
PARTNER_SCOPED_PARAMS = {"lab_id", "investment_id", "cobranding_id", "milestone_id"}


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/ecosystem/relations"): lambda w: {
            "kind": "business", "source_id": w.partner_id, "target_id": None, "strength": 4,
            "start_date": "2026-01-01", "end_date": "2026-12-31", "note": "契约测试"},
        ("PATCH", "/api/v1/ecosystem/relations/{relation_id}"): lambda w: {"strength": 2},
        ("POST", "/api/v1/ecosystem/referrals"): lambda w: {
            "partner_id": w.own["referred_partner_id"], "referred_by_id": w.partner_id, "note": "契约测试"},
        ("POST", "/api/v1/ecosystem/labs"): lambda w: {
            "title": "契约实验室", "goal": "验证", "budget": 1000, "start_date": "2026-01-01",
            "parties": [{"partner_id": None, "share": 600}, {"partner_id": w.partner_id, "share": 400}]},
        ("PATCH", "/api/v1/ecosystem/labs/{lab_id}"): lambda w: {"outcome": "原型完成"},
        ("POST", "/api/v1/ecosystem/labs/{lab_id}/milestones"): lambda w: {"title": "评审", "due_date": "2026-06-30"},
        ("PATCH", "/api/v1/ecosystem/labs/{lab_id}/milestones/{milestone_id}"): lambda w: {"done_on": "2026-07-01"},
        ("POST", "/api/v1/ecosystem/investments"): lambda w: {
            "target_company": "契约科技", "invested_on": "2026-01-01", "valuation": 1_000_000,
            "parties": [{"partner_id": None, "amount": 50_000, "stake_bp": 500},
                        {"partner_id": w.partner_id, "amount": 50_000, "stake_bp": 500}]},
        ("PATCH", "/api/v1/ecosystem/investments/{investment_id}"): lambda w: {"valuation": 2_000_000,
                                                                              "valued_on": "2026-06-30"},
        ("POST", "/api/v1/ecosystem/cobranding"): lambda w: {
            "title": "契约品牌", "partner_ids": [w.partner_id], "markets": ["华东"], "start_date": "2026-01-01",
            "end_date": "2026-12-31"},
        ("PATCH", "/api/v1/ecosystem/cobranding/{cobranding_id}"): lambda w: {"terms": "双方标识并列"},
    }


def objects(manager, partner_a, partner_b):
    from allies.ecosystem import services
    from allies.partners.models import Partner

    referred = Partner.objects.create(name="被推荐伙伴", source_channel="referral")
    relation = services.relation_create(actor=manager, data={"kind": "supply", "source_id": partner_a.pk,
                                                             "target_id": partner_b.pk})
    referral = services.referral_set(actor=manager, data={"partner_id": referred.pk, "referrer_name": "行业协会"})

    def of(partner):
        lab = services.lab_create(actor=manager, data={
            "title": f"{partner.name} 实验室", "goal": "联合研发", "budget": 1000, "start_date": "2026-01-01",
            "parties": [{"partner_id": None, "share": 500}, {"partner_id": partner.pk, "share": 500}]})
        milestone = services.milestone_add(actor=manager, project=lab, data={"title": "原型", "due_date": "2026-03-31"})
        investment = services.investment_create(actor=manager, data={
            "target_company": f"{partner.name} 被投企业", "invested_on": "2026-01-01", "valuation": 1_000_000,
            "parties": [{"partner_id": None, "amount": 1000, "stake_bp": 100},
                        {"partner_id": partner.pk, "amount": 1000, "stake_bp": 100}]})
        cobranding = services.cobranding_create(actor=manager, data={
            "title": f"{partner.name} 联合品牌", "partner_ids": [partner.pk], "start_date": "2026-01-01",
            "end_date": "2026-12-31"})
        return {"lab_id": lab.pk, "milestone_id": milestone.pk, "investment_id": investment.pk,
                "cobranding_id": cobranding.pk, "relation_id": relation.pk, "referral_id": referral.pk,
                "referred_partner_id": referred.pk}

    return of(partner_a), of(partner_b)
