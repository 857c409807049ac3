"""The knowledge API: write, search with snippets, revisions, refusals that write nothing, partner scope."""

import pytest

from allies.knowledge.models import Article, Posting, Revision

from .conftest import assert_error, call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached document frequencies from another test's rolled-back rows would shift the ranking."""
    from django.core.cache import cache

    cache.clear()

URL = "/api/v1/knowledge"


def _counts():
    return Article.objects.count(), Revision.objects.count(), Posting.objects.count()


def test_write_update_search_and_read_revisions(as_user, manager, partner_a):
    client = as_user(manager)
    response = call(client, "POST", f"{URL}/articles", {
        "title": "渠道冲突处理", "body": "## 步骤\n\n先由联合工作小组分析**渠道冲突**的根源。", "tags": ["冲突处理"],
        "partner_ids": [partner_a.pk], "note": "初稿"})
    assert response.status_code == 201, response.content
    article = response.json()
    assert article["revision"] == 1 and "<strong>渠道冲突</strong>" in article["html"]
    assert article["partners"] == [{"id": partner_a.pk, "name": "伙伴A"}]
    response = call(client, "PATCH", f"{URL}/articles/{article['id']}",
                    {"body": "先由联合管理委员会裁决渠道冲突。", "base_revision": 1, "note": "改为委员会"})
    assert response.status_code == 200 and response.json()["revision"] == 2
    response = call(client, "PATCH", f"{URL}/articles/{article['id']}", {"body": "晚到的修改", "base_revision": 1})
    assert_error(response, 409, "conflict")

    found = client.get(f"{URL}/search", {"q": "渠道冲突 委员会"}).json()
    assert found["items"][0]["article"]["id"] == article["id"]
    assert "<mark>渠道冲突</mark>" in found["items"][0]["snippet_html"]
    assert "<mark>委员会</mark>" in found["items"][0]["snippet_html"]

    revisions = client.get(f"{URL}/articles/{article['id']}/revisions").json()
    assert [r["number"] for r in revisions] == [2, 1] and revisions[0]["note"] == "改为委员会"
    old = client.get(f"{URL}/articles/{article['id']}/revisions/1").json()
    assert "联合工作小组" in old["body"]
    second = client.get(f"{URL}/articles/{article['id']}/revisions/2").json()
    assert {"kind": "add", "text": "先由联合管理委员会裁决渠道冲突。"} in second["diff"]
    assert_error(client.get(f"{URL}/articles/{article['id']}/revisions/9"), 404, "not_found")


def test_unsafe_link_is_422_naming_the_link_and_writes_nothing(as_user, manager):
    before = _counts()
    response = call(as_user(manager), "POST", f"{URL}/articles",
                    {"title": "坏链接", "body": "[点我](javascript:fetch('//evil'))"})
    body = assert_error(response, 422, "unsafe_link")
    assert "javascript:fetch('//evil')" in body["message"]
    assert body["details"]["errors"][0] == {"field": "body", "value": "javascript:fetch('//evil')",
                                           "reason": body["details"]["errors"][0]["reason"]}
    assert _counts() == before


def test_preview_lists_unsafe_links_and_saves_nothing(as_user, viewer):
    before = _counts()
    response = call(as_user(viewer), "POST", f"{URL}/preview", {"body": "# 标题\n[x](data:text/html,hi)"})
    assert response.status_code == 200
    assert response.json()["unsafe_links"] == ["data:text/html,hi"]
    assert "<h1>标题</h1>" in response.json()["html"]
    assert _counts() == before


def test_partner_sees_only_shared_articles_without_internal_fields(as_user, manager, partner_user, partner_a,
                                                                   partner_b):
    client = as_user(manager)
    shared = call(client, "POST", f"{URL}/articles", {
        "title": "共享的试点手册", "body": "试点周会。", "visibility": "shared",
        "shared_with_ids": [partner_a.pk, partner_b.pk], "partner_ids": [partner_a.pk, partner_b.pk]}).json()
    call(client, "POST", f"{URL}/articles", {"title": "内部试点评估", "body": "试点风险。"})
    client = as_user(partner_user)
    listing = client.get(f"{URL}/articles").json()
    assert [a["title"] for a in listing["items"]] == ["共享的试点手册"] and listing["count"] == 1
    found = client.get(f"{URL}/search", {"q": "试点"}).json()
    assert [i["article"]["title"] for i in found["items"]] == ["共享的试点手册"]
    detail = client.get(f"{URL}/articles/{shared['id']}").json()
    assert detail["shared_with"] is None and detail["agreements"] is None
    assert detail["partners"] == [{"id": partner_a.pk, "name": "伙伴A"}]  # not the other partner


def test_page_size_is_capped(as_user, manager, settings):
    settings.ALLIES_API_MAX_PAGE_SIZE = 3
    response = as_user(manager).get(f"{URL}/articles", {"limit": 1000})
    assert len(response.json()["items"]) == 3
    response = as_user(manager).get(f"{URL}/search", {"q": "checklist", "limit": 1000})
    assert len(response.json()["items"]) <= 3


def test_delete_is_204_for_staff_writers_and_refused_to_others(as_user, manager, viewer, partner_user, partner_a):
    created = call(as_user(manager), "POST", f"{URL}/articles", {
        "title": "共享后删除", "body": "正文", "visibility": "shared", "shared_with_ids": [partner_a.pk]}).json()
    path = f"{URL}/articles/{created['id']}"
    assert_error(call(as_user(partner_user), "DELETE", path), 403, "permission_denied")
    assert_error(call(as_user(viewer), "DELETE", path), 403, "permission_denied")
    assert_error(call(as_user(None), "DELETE", path), 401)
    assert Article.objects.filter(pk=created["id"]).exists()
    response = call(as_user(manager), "DELETE", path)
    assert response.status_code == 204, response.content
    assert not Article.objects.filter(pk=created["id"]).exists()
    assert not Posting.objects.filter(article_id=created["id"]).exists()
    assert_error(call(as_user(manager), "DELETE", path), 404, "not_found")
