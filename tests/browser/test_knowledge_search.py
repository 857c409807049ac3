"""Searching the knowledge base in Chinese, opening an article; a partner user sees only what is shared with it."""

import pytest
from playwright.sync_api import expect


@pytest.fixture
def knowledge(manager, partner_a, partner_b):
    from allies.knowledge import services
    from allies.knowledge.models import Article, Posting, Revision, Tag
    from allies.knowledge.starters import load_starters

    # live_server tests empty every table afterwards; put back what the data migration ships.
    load_starters(Article=Article, Tag=Tag, Revision=Revision, Posting=Posting)
    shared = services.article_create(actor=manager, data={
        "title": "与伙伴A的试点约定", "body": "试点前双方完成尽职调查，确认数据口径和周会节奏。",
        "tags": ["试点"], "visibility": "shared", "shared_with_ids": [partner_a.pk]})
    services.article_create(actor=manager, data={
        "title": "伙伴B 内部风险笔记", "body": "尽职调查发现一起合同纠纷，<script>alert(1)</script> 仅内部。",
        "partner_ids": [partner_b.pk]})
    return shared


def test_search_in_chinese_then_partner_sees_only_shared(page, live_server, login, manager, partner_user,
                                                         knowledge, snap):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(manager)
    page.goto(live_server.url + "/knowledge/")
    page.locator("#kb-q").fill("尽职调查")
    page.locator("#kb-q").press("Enter")
    results = page.locator("#kb-results .kb-result")
    expect(results.first).to_be_visible()
    expect(page.locator("#kb-results mark").first).to_have_text("尽职调查")
    expect(page.locator("#kb-results")).to_contain_text("伙伴筛选清单")
    expect(page.locator("#kb-results")).to_contain_text("伙伴B 内部风险笔记")
    snap("knowledge-search")
    page.locator("#kb-results a", has_text="与伙伴A的试点约定").click()
    expect(page.locator("#article-title")).to_have_text("与伙伴A的试点约定")
    expect(page.locator("#article-body")).to_contain_text("确认数据口径")
    assert dialogs == []  # the escaped <script> in the other article never ran

    page.context.clear_cookies()
    login(partner_user)
    page.goto(live_server.url + "/knowledge/")
    expect(page.locator("#articles a")).to_have_count(1)
    expect(page.locator("#articles")).to_contain_text("与伙伴A的试点约定")
    page.locator("#kb-q").fill("尽职调查")
    page.locator("#kb-q").press("Enter")
    expect(page.locator("#kb-results .kb-result")).to_have_count(1)
    expect(page.locator("#kb-results mark").first).to_have_text("尽职调查")
    expect(page.locator("main")).not_to_contain_text("伙伴B")
    expect(page.locator("main")).not_to_contain_text("伙伴筛选清单")
    snap("knowledge-partner-search")
    page.locator("#kb-results a").first.click()
    expect(page.locator("#article-title")).to_have_text("与伙伴A的试点约定")
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)
