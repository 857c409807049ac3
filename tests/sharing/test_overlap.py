"""Overlap queries between customer lists: sharing levels, staff results, the daily limit, logging, no leaks."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from allies.partners.models import Partner
from allies.sharing.models import AccessLog, OverlapQuery

from .test_accounts_support import A_ROWS, B_ROWS, B_SECRETS, OUR_ROWS, body_text, grant, upload

pytestmark = pytest.mark.django_db

A_MATCHED = ["星火科技有限公司", "青云数据有限公司"]


@pytest.fixture
def lists(partner_user, other_partner_user, manager):
    upload(partner_user, A_ROWS)
    upload(other_partner_user, B_ROWS)
    upload(manager, OUR_ROWS)


def ask(client, **body):
    return client.post("/api/v1/overlap-queries", body, content_type="application/json")


def assert_no_secret_of_b(text: str):
    for secret in B_SECRETS:
        assert secret not in text, secret


# --------------------------------------------------------------------------- sharing levels


def test_no_grant_is_refused_without_revealing_the_other(client_for, partner_user, partner_b, lists):
    client = client_for(partner_user)
    nobody = Partner.objects.create(name="无名单伙伴")  # exists, has no list, granted nothing

    refused = [ask(client, other_partner_id=pid) for pid in (partner_b.pk, nobody.pk, partner_b.pk + 999)]

    assert [r.status_code for r in refused] == [403, 403, 403]
    assert refused[0].json() == refused[1].json() == refused[2].json()
    assert refused[0].json()["code"] == "permission_denied"
    assert_no_secret_of_b(body_text(refused[0]))
    # refusals are recorded too, with the level that applied and nothing matched
    assert list(OverlapQuery.objects.values_list("level", "matched")) == [("none", 0)] * 3


def test_a_grant_in_the_other_direction_does_not_count(client_for, partner_user, partner_a, partner_b, lists):
    grant(partner_a, partner_b, "rows")  # A lets B see A's data; B has granted A nothing
    assert ask(client_for(partner_user), other_partner_id=partner_b.pk).status_code == 403


def test_aggregates_gives_the_count_only(client_for, partner_user, partner_a, partner_b, lists):
    grant(partner_b, partner_a, "aggregates")
    client = client_for(partner_user)

    response = ask(client, other_partner_id=partner_b.pk)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["level"], body["count"], body["total_items"], body["items"]) == ("aggregates", 2, 0, [])
    assert body["other_count"] is None
    stored = client.get(f"/api/v1/overlap-queries/{body['id']}").json()
    assert (stored["count"], stored["items"]) == (2, [])
    for text in (body_text(response), str(stored)):
        assert_no_secret_of_b(text)
        assert "星火科技有限公司" not in text


def test_rows_gives_the_requesters_own_matched_names(client_for, partner_user, partner_a, partner_b, lists):
    grant(partner_b, partner_a, "rows")
    client = client_for(partner_user)

    response = ask(client, other_partner_id=partner_b.pk)

    body = response.json()
    assert (body["level"], body["count"], body["total_items"]) == ("rows", 2, 2)
    assert [i["name"] for i in body["items"]] == A_MATCHED
    assert all(i["other_account_id"] is None and i["other_name"] is None for i in body["items"])
    assert_no_secret_of_b(body_text(response))
    page = client.get(f"/api/v1/overlap-queries/{body['id']}?limit=1&offset=1").json()
    assert [i["name"] for i in page["items"]] == A_MATCHED[1:]


def test_with_our_list_partners_see_the_count(client_for, partner_user, lists):
    body = ask(client_for(partner_user), with_us=True).json()
    assert (body["with_us"], body["level"], body["count"], body["items"]) == (True, "aggregates", 1, [])
    assert "我方独有客户" not in str(body)


def test_own_list_is_needed_first_and_costs_no_query(client_for, partner_user, partner_a, partner_b,
                                                     other_partner_user):
    upload(other_partner_user, B_ROWS)
    grant(partner_b, partner_a, "rows")
    response = ask(client_for(partner_user), other_partner_id=partner_b.pk)
    assert response.status_code == 409
    assert not OverlapQuery.objects.exists()


def test_bad_requests_are_422(client_for, partner_user, partner_a, partner_b, lists):
    client = client_for(partner_user)
    assert ask(client).status_code == 422
    assert ask(client, other_partner_id=partner_b.pk, with_us=True).status_code == 422
    assert ask(client, other_partner_id=partner_a.pk).status_code == 422
    assert ask(client, with_us=True, unexpected=1).status_code == 422
    assert ask(client, partner_id=partner_b.pk, with_us=True).status_code == 403  # not on another's behalf
    assert not OverlapQuery.objects.exists()


# --------------------------------------------------------------------------- staff


def test_staff_run_any_overlap_and_see_both_names(client_for, manager, viewer, partner_a, partner_b, lists):
    response = ask(client_for(manager), partner_id=partner_a.pk, other_partner_id=partner_b.pk)

    body = response.json()
    assert (body["level"], body["count"], body["other_count"], body["partner_id"]) == ("rows", 2, 2, partner_a.pk)
    pairs = [(i["name"], i["other_name"]) for i in body["items"]]
    assert pairs == [("星火科技有限公司", "星火科技（集团）股份有限公司乙方写法"), ("青云数据有限公司", "青云数据乙方写法")]
    query = OverlapQuery.objects.get()
    assert (query.partner, query.left_partner, query.other, query.user) == (None, partner_a, partner_b, manager)
    assert not AccessLog.objects.exists()  # staff sessions are not partner access
    # read-only staff read the stored result but do not run new queries
    assert client_for(viewer).get(f"/api/v1/overlap-queries/{body['id']}").json()["items"] == body["items"]
    assert ask(client_for(viewer), partner_id=partner_a.pk, with_us=True).status_code == 403
    assert OverlapQuery.objects.count() == 1


def test_partners_do_not_see_staff_queries_about_them(client_for, manager, partner_user, partner_a, partner_b,
                                                      lists):
    staff_query = ask(client_for(manager), partner_id=partner_a.pk, other_partner_id=partner_b.pk).json()
    client = client_for(partner_user)
    assert client.get("/api/v1/overlap-queries").json() == {"count": 0, "items": []}
    response = client.get(f"/api/v1/overlap-queries/{staff_query['id']}")
    assert response.status_code == 404
    assert_no_secret_of_b(body_text(response))


def test_another_partners_query_is_404(client_for, partner_user, other_partner_user, partner_a, partner_b, lists):
    grant(partner_a, partner_b, "rows")
    theirs = ask(client_for(other_partner_user), other_partner_id=partner_a.pk).json()
    assert client_for(partner_user).get(f"/api/v1/overlap-queries/{theirs['id']}").status_code == 404


# --------------------------------------------------------------------------- daily limit and logging


@override_settings(ALLIES_OVERLAP_DAILY_LIMIT=2)
def test_daily_limit_per_partner(client_for, partner_user, other_partner_user, partner_a, partner_b, lists):
    grant(partner_b, partner_a, "aggregates")
    client = client_for(partner_user)
    assert [ask(client, with_us=True).status_code for _i in range(2)] == [200, 200]

    over = ask(client, other_partner_id=partner_b.pk)

    assert over.status_code == 429
    body = over.json()
    assert body["code"] == "throttled" and "2" in body["message"] and body["details"] == {"limit": 2}
    assert OverlapQuery.objects.filter(partner=partner_a).count() == 3
    assert OverlapQuery.objects.filter(level="refused_limit").count() == 1
    # the limit is per partner, and yesterday's queries do not count
    assert ask(client_for(other_partner_user), with_us=True).status_code == 200
    OverlapQuery.objects.filter(partner=partner_a).update(at=OverlapQuery.objects.first().at - timedelta(days=1))
    assert ask(client, with_us=True).status_code == 200


def test_every_query_is_logged(client_for, partner_user, partner_a, partner_b, lists):
    grant(partner_b, partner_a, "rows")
    client = client_for(partner_user)
    ok = ask(client, other_partner_id=partner_b.pk).json()
    ask(client, with_us=True)
    client.get(f"/api/v1/overlap-queries/{ok['id']}")

    queries = list(OverlapQuery.objects.order_by("pk").values_list(
        "user", "partner", "left_partner", "other", "with_us", "level", "matched"))
    assert queries == [(partner_user.pk, partner_a.pk, partner_a.pk, partner_b.pk, False, "rows", 2),
                       (partner_user.pk, partner_a.pk, partner_a.pk, None, True, "aggregates", 1)]
    logged = list(AccessLog.objects.filter(resource="overlap").order_by("pk").values_list(
        "user", "partner", "action", "rows"))
    assert logged == [(partner_user.pk, partner_b.pk, "read", 2), (partner_user.pk, None, "read", 1),
                      (partner_user.pk, partner_b.pk, "read", 2)]


def test_a_replaced_list_marks_old_results_stale(client_for, partner_user, partner_a, partner_b, lists):
    grant(partner_b, partner_a, "rows")
    client = client_for(partner_user)
    query = ask(client, other_partner_id=partner_b.pk).json()
    assert query["stale"] is False
    upload(partner_user, [["name"], ["全新客户"]])
    again = client.get(f"/api/v1/overlap-queries/{query['id']}").json()
    assert again["stale"] is True and again["count"] == 2
    assert again["items"] == [{"account_id": i["account_id"], "name": "", "other_account_id": None,
                               "other_name": None} for i in query["items"]]


# --------------------------------------------------------------------------- web


def test_web_partner_overlap_offers_only_granting_partners(client_for, partner_user, partner_a, partner_b, lists):
    silent = Partner.objects.create(name="未授权的丙伙伴")
    grant(silent, partner_a, "none")
    grant(partner_b, partner_a, "rows")
    client = client_for(partner_user)
    page = body_text(client.get(reverse("accounts:overlap")))
    assert "伙伴B" in page and "未授权的丙伙伴" not in page

    response = client.post(reverse("accounts:overlap"), {"other": str(partner_b.pk)})

    assert response.status_code == 302
    result = body_text(client.get(response["Location"]))
    assert all(name in result for name in A_MATCHED)
    assert_no_secret_of_b(result)
    assert "甲方独有客户" not in result


def test_web_refusal_and_limit_are_shown(client_for, partner_user, partner_b, lists):
    client = client_for(partner_user)
    refused = client.post(reverse("accounts:overlap"), {"other": str(partner_b.pk)})
    assert refused.status_code == 403 and "你无权查看与该伙伴的客户重合情况" in body_text(refused)
    with override_settings(ALLIES_OVERLAP_DAILY_LIMIT=1):
        limited = client.post(reverse("accounts:overlap"), {"other": "us"})
    assert limited.status_code == 429 and "今天的客户重合查询次数已用完" in body_text(limited)


def test_web_aggregates_result_shows_the_count_only(client_for, partner_user, partner_a, partner_b, lists):
    grant(partner_b, partner_a, "aggregates")
    client = client_for(partner_user)
    result = body_text(client.get(client.post(reverse("accounts:overlap"), {"other": str(partner_b.pk)})["Location"]))
    assert 'id="aggregates-only"' in result and "重合客户：2 个" in result
    assert "星火科技有限公司" not in result
    assert_no_secret_of_b(result)


def test_web_staff_result_has_both_names_and_partners_get_404(client_for, manager, partner_user, partner_a,
                                                              partner_b, lists):
    response = client_for(manager).post(reverse("accounts:overlap"), {"partner": partner_a.pk,
                                                                      "other": str(partner_b.pk)})
    url = response["Location"]
    page = body_text(client_for(manager).get(url))
    assert "星火科技有限公司" in page and "星火科技（集团）股份有限公司乙方写法" in page
    assert client_for(partner_user).get(url).status_code == 404


def test_no_page_or_answer_of_partner_a_shows_partner_bs_names(client_for, partner_user, partner_a, partner_b,
                                                                lists):
    grant(partner_b, partner_a, "rows")
    client = client_for(partner_user)
    query = ask(client, other_partner_id=partner_b.pk).json()
    urls = ["/api/v1/overlap-queries", f"/api/v1/overlap-queries/{query['id']}", "/api/v1/account-lists",
            reverse("accounts:home"), reverse("accounts:accounts"), reverse("accounts:overlap"),
            reverse("accounts:overlap_result", args=[query["id"]])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret_of_b(body_text(response))
