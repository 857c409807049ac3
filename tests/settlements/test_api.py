"""The settlements API: validation answers with the one error shape and writes nothing; partners see their own."""

import json

from allies.settlements.checks import sharing_rule_problems
from allies.settlements.models import Settlement, SharingRule


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_percentages_not_summing_to_100_are_refused(client_for, manager, agreement, partner_a):
    client = client_for(manager)
    response = _post(client, f"/api/v1/settlements/agreements/{agreement.pk}/rules", {
        "name": "错误规则", "shares": [{"party": 0, "percent": "30"}, {"party": partner_a.pk, "percent": 60}]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_sharing_rule" and "不是100%" in body["message"]
    assert body["details"]["errors"][0]["field"] == "shares"
    assert not SharingRule.objects.exists()


def test_overlapping_tiers_are_refused(client_for, manager, agreement, partner_a):
    response = _post(client_for(manager), f"/api/v1/settlements/agreements/{agreement.pk}/rules", {
        "name": "阶梯", "shares": [{"percent": "30"}, {"party": partner_a.pk, "percent": "70"}],
        "tiers": [{"lower": 100, "upper": 500, "percents": ["20", "80"]},
                  {"lower": 400, "percents": ["10", "90"]}]})
    assert response.status_code == 422 and "阶梯重叠" in response.json()["message"]


def test_compute_validation_and_partner_scope(client_for, manager, agreement, rule, partner_a, partner_b, make_user,
                                              write_sales):
    client = client_for(manager)
    url = f"/api/v1/settlements/agreements/{agreement.pk}/settlements"
    response = _post(client, url, {"period": "2030Q1"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_period"
    write_sales(partner_a, [("2026-07-05", "海外版", 100, 0, "USD")])
    response = _post(client, url, {"period": "2026Q3"})
    assert response.status_code == 422 and response.json()["code"] == "currency_mismatch"
    assert not Settlement.objects.exists()
    write_sales(partner_a, [("2026-07-05", "海外版", 100, 0, "CNY")])  # the same external id, corrected
    response = _post(client, url, {"period": "2026Q3"})
    assert response.status_code == 201
    settlement = response.json()
    assert [s["share"] for s in settlement["statements"]] == [30, 70]
    # a partner user: its own statement only; another partner: nothing at all
    own = client_for(make_user("pa", "partner", partner=partner_a))
    detail = own.get(f"/api/v1/settlements/{settlement['id']}").json()
    assert [s["party"] for s in detail["statements"]] == [partner_a.pk]
    other = client_for(make_user("pb", "partner", partner=partner_b))
    assert other.get("/api/v1/settlements/agreements").json()["count"] == 0
    assert other.get(f"/api/v1/settlements/{settlement['id']}").status_code == 404


def test_completeness_check_names_rules_not_summing_to_100(agreement, rule):
    assert sharing_rule_problems(agreement) == []
    SharingRule.objects.filter(pk=rule.pk).update(shares=[{"party": None, "percent": "30"}])
    assert sharing_rule_problems(agreement) == ["收益分配规则“联合销售分成”各方比例之和不是100%。"]
