"""The ecosystem graph: derived relations, filters, and what a partner user may see."""

import json

from allies.ecosystem import selectors, services
from allies.sharing.models import SharingGrant, SharingLevel


def _edges(net):
    return {(e["source"], e["target"], e["type"]) for e in net.edges}


def test_multilateral_agreement_links_its_partners_to_each_other(manager, multilateral, partner_a, partner_b):
    net = selectors.network(user=manager)
    a, b = f"p{partner_a.pk}", f"p{partner_b.pk}"
    assert {tuple(sorted((a, "us"))) + ("agreement",), tuple(sorted((b, "us"))) + ("agreement",),
            tuple(sorted((a, b))) + ("agreement",)} <= _edges(net)
    edge = next(e for e in net.edges if {e["source"], e["target"]} == {a, b})
    assert edge["strength"] == 1.0 and "ML-1 三方联盟" in edge["labels"]


def test_shared_customers_are_counted_once_per_customer(manager, partner_a, partner_b, upload):
    upload(None, range(1, 31))
    upload(partner_a, [*range(1, 11), *range(100, 110)])
    upload(partner_b, [*range(5, 11), *range(105, 108), 500])
    shared, sizes = selectors.customer_overlaps()
    a, b = f"p{partner_a.pk}", f"p{partner_b.pk}"
    assert shared[frozenset((a, "us"))] == 10
    assert shared[frozenset((a, b))] == 9
    assert shared[frozenset((b, "us"))] == 6
    assert sizes[a] == 20


def test_referrals_manual_relations_and_initiatives_become_edges(manager, partner_a, partner_b, partner_c):
    services.referral_set(actor=manager, data={"partner_id": partner_c.pk, "referred_by_id": partner_a.pk})
    services.relation_create(actor=manager, data={"kind": "supply", "source_id": partner_a.pk,
                                                  "target_id": partner_b.pk, "strength": 5})
    services.cobranding_create(actor=manager, data={"title": "联合品牌", "partner_ids": [partner_b.pk, partner_c.pk],
                                                    "start_date": "2026-01-01", "end_date": "2026-12-31"})
    edges = _edges(selectors.network(user=manager))
    a, b, c = f"p{partner_a.pk}", f"p{partner_b.pk}", f"p{partner_c.pk}"
    assert (a, c, "referral") in edges
    assert (a, b, "business") in edges
    assert (b, c, "initiative") in edges and (b, "us", "initiative") in edges
    only = selectors.network(user=manager, types=["referral"])
    assert {e["type"] for e in only.edges} == {"referral"}


def test_stage_filter_keeps_us_and_drops_other_stages(manager, multilateral, partner_a, partner_b):
    partner_a.stage = "active"
    partner_a.save()
    net = selectors.network(user=manager, stages=["active"])
    assert {n["id"] for n in net.nodes} == {"us", f"p{partner_a.pk}"}
    assert all(partner_b.pk != n.get("partner_id") for n in net.nodes)


def test_partner_sees_only_its_own_part(manager, partner_user, partner_a, partner_b, partner_c, upload):
    """partner_a's user: its agreement, its customers with us, nothing between b and c."""
    from allies.agreements.models import Agreement, AgreementParty

    ag = Agreement.objects.create(code="BC-1", title="B 与 C 的联盟", status="signed")
    AgreementParty.objects.create(agreement=ag, partner=partner_b)
    AgreementParty.objects.create(agreement=ag, partner=partner_c)
    services.relation_create(actor=manager, data={"kind": "supply", "source_id": partner_a.pk, "target_id": None})
    upload(None, range(1, 21))
    upload(partner_a, range(1, 11))
    upload(partner_b, range(5, 15))
    a, b = f"p{partner_a.pk}", f"p{partner_b.pk}"
    net = selectors.network(user=partner_user)
    ids = {n["id"] for n in net.nodes}
    assert ids == {"us", a}
    assert _edges(net) == {(a, "us", "business"), (a, "us", "customers")}
    # the grant from b lets a see the count of customers it shares with b, still nothing of b and c
    SharingGrant.objects.create(grantor=partner_b, grantee=partner_a, level=SharingLevel.AGGREGATES)
    net = selectors.network(user=partner_user)
    assert (a, b, "customers") in _edges(net)
    other = next(n for n in net.nodes if n["id"] == b)
    assert other["stage"] is None and other["resources"] == [] and other["url"] == ""
    assert not any({e["source"], e["target"]} == {b, f"p{partner_c.pk}"} for e in net.edges)


def test_network_api_for_a_partner_matches_the_selector(client_for, partner_user, manager, partner_a, partner_b):
    services.relation_create(actor=manager, data={"kind": "supply", "source_id": partner_b.pk, "target_id": None})
    body = client_for(partner_user).get("/api/v1/ecosystem/network").json()
    assert [n["id"] for n in body["nodes"]] == ["us", f"p{partner_a.pk}"]
    assert body["edges"] == []
    staff = client_for(manager).get("/api/v1/ecosystem/network?types=business").json()
    assert [(e["source"], e["target"]) for e in staff["edges"]] == [(f"p{partner_b.pk}", "us")]


def test_suggestion_names_two_partners_with_evidence(client_for, manager, partner_a, partner_b, upload):
    from allies.partners.models import SelfAssessment

    SelfAssessment.objects.create(assessed_on="2026-01-01", gaps=["channel", "data"])
    partner_a.stage, partner_a.resources = "active", ["channel", "brand"]
    partner_a.save()
    partner_b.stage, partner_b.resources = "pilot", ["data"]
    partner_b.save()
    upload(None, range(1, 41))
    upload(partner_a, range(1, 31))
    upload(partner_b, range(11, 41))
    body = client_for(manager).get("/api/v1/ecosystem/suggestions").json()
    assert set(body[0]["partner_ids"]) == {partner_a.pk, partner_b.pk}
    assert body[0]["shared_customers"] == 20
    text = json.dumps(body[0]["evidence"], ensure_ascii=False)
    assert "共同客户 20 家" in text and "渠道" in text and "数据" in text
    coverage = client_for(manager).get("/api/v1/ecosystem/coverage").json()
    assert coverage["gaps"] == ["channel", "data"] and coverage["uncovered"] == []


def test_partner_sees_only_its_own_investment_figures(client_for, manager, partner_user, partner_a, partner_b):
    inv = services.investment_create(actor=manager, data={
        "target_company": "芯途科技", "invested_on": "2026-01-10", "valuation": 1_000_000, "parties": [
            {"partner_id": None, "amount": 10_000, "stake_bp": 1000},
            {"partner_id": partner_a.pk, "amount": 20_000, "stake_bp": 1000},
            {"partner_id": partner_b.pk, "amount": 30_000, "stake_bp": 1000}]})
    body = client_for(partner_user).get(f"/api/v1/ecosystem/investments/{inv.pk}").json()
    mine = [p for p in body["parties"] if p["partner_id"] == partner_a.pk][0]
    assert (mine["amount"], mine["stake_bp"], mine["value"], mine["gain"]) == (20_000, 1000, 100_000, 80_000)
    others = [p for p in body["parties"] if p["partner_id"] != partner_a.pk]
    assert all(p["amount"] is None and p["gain"] is None for p in others)
    assert body["total_amount"] is None
    staff = client_for(manager).get(f"/api/v1/ecosystem/investments/{inv.pk}").json()
    assert staff["total_value"] == 300_000 and staff["total_gain"] == 240_000


def test_api_bad_stake_is_a_clear_422_and_writes_nothing(client_for, manager, partner_a):
    from allies.ecosystem.models import JointInvestment

    response = client_for(manager).post("/api/v1/ecosystem/investments", data=json.dumps({
        "target_company": "X", "invested_on": "2026-01-10", "parties": [
            {"partner_id": None, "amount": 1, "stake_bp": 7000}, {"partner_id": partner_a.pk, "amount": 1,
                                                                 "stake_bp": 4000}]}),
        content_type="application/json")
    assert response.status_code == 422
    assert "100%" in response.json()["message"]
    assert not JointInvestment.objects.exists()
    response = client_for(manager).post("/api/v1/ecosystem/relations", data=json.dumps({
        "kind": "supply", "source_id": partner_a.pk, "target_id": partner_a.pk}), content_type="application/json")
    assert response.status_code == 422 and response.json()["details"]["errors"][0]["field"] == "target_id"
