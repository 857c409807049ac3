"""Search: Chinese word segmentation, English stems, ranking, visibility, escaped highlighted snippets."""

import pytest

from allies.knowledge import search, selectors, services
from allies.knowledge.models import Article, Posting


def test_chinese_is_cut_into_words_and_their_parts():
    terms = search.tokens("尽职调查清单")
    assert {"尽职", "调查", "清单"} <= set(terms)
    assert "的" not in search.tokens("伙伴的筛选")


def test_english_is_lowercased_and_stemmed_without_stop_words():
    assert search.tokens("The Screening Checklists of Partners") == ["screen", "checklist", "partner"]
    assert search.stem("class") == "class"


def test_mixed_text_cuts_both_languages():
    assert {"试点", "kpi", "模板"} <= set(search.tokens("试点KPI模板"))


@pytest.fixture
def articles(manager, partner_a, partner_b):
    def make(title, body, **extra):
        return services.article_create(actor=manager, data={"title": title, "body": body, **extra})

    return {
        "dd": make("尽职调查要点", "财务审计、法律审查、市场调研与技术评估，是尽职调查的四个领域。"),
        "pilot": make("试点复盘", "试点结束后共同复盘，评估是否达到预期。调查问卷可作补充。"),
        "shared_a": make("伙伴A 合作约定", "联合营销的尽职调查结论与试点安排。", visibility="shared",
                         shared_with_ids=[partner_a.pk]),
        "shared_b": make("伙伴B 合作约定", "伙伴B 的尽职调查与试点。", visibility="shared",
                         shared_with_ids=[partner_b.pk]),
        "en": make("Pilot review checklist", "Review the pilot KPIs: conversion rate and acquisition costs.",
                   language="en"),
    }


def _titles(page):
    return [r.title_text for r in page.results]


def test_search_finds_chinese_words_inside_longer_words(db, articles, manager):
    page = selectors.article_search(user=manager, query="调查")
    assert {"尽职调查要点", "试点复盘", "伙伴A 合作约定", "伙伴B 合作约定"} <= set(_titles(page))
    assert "Pilot review checklist" not in _titles(page)


def test_articles_with_all_query_words_rank_first(db, articles, manager):
    page = selectors.article_search(user=manager, query="尽职调查 试点")
    titles = _titles(page)
    both = {"伙伴A 合作约定", "伙伴B 合作约定"}
    assert set(titles[:2]) == both, titles
    assert page.results[0].matched >= 3


def test_title_hits_outrank_body_hits(db, articles, manager):
    page = selectors.article_search(user=manager, query="尽职调查")
    assert _titles(page)[0] == "尽职调查要点"


def test_english_search_uses_stems(db, articles, manager):
    page = selectors.article_search(user=manager, query="checklists cost")
    assert _titles(page)[0] == "Pilot review checklist"
    assert page.results[0].matched == 2
    assert "<mark>costs</mark>" in page.results[0].snippet or "<mark>cost" in page.results[0].snippet


def test_snippet_is_escaped_then_marked(db, manager):
    services.article_create(actor=manager, data={
        "title": "转义测试", "body": "正文里有 `<script>alert(1)</script>` 和冥想两个字。"})
    page = selectors.article_search(user=manager, query="冥想")
    snippet = str(page.results[0].snippet)
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>冥想</mark>" in snippet


def test_partner_finds_only_articles_shared_with_it(db, articles, partner_user):
    page = selectors.article_search(user=partner_user, query="尽职调查 试点")
    assert _titles(page) == ["伙伴A 合作约定"]
    assert page.total == 1


def test_nothing_for_a_query_of_stop_words_or_unknown_words(db, articles, manager):
    assert selectors.article_search(user=manager, query="的 the").total == 0
    assert selectors.article_search(user=manager, query="量子纠缠").total == 0


def test_index_follows_edits(db, articles, manager):
    article = articles["pilot"]
    services.article_update(actor=manager, article=article, data={"body": "改为讨论渠道冲突。"})
    assert "试点复盘" not in _titles(selectors.article_search(user=manager, query="问卷"))
    assert "试点复盘" in _titles(selectors.article_search(user=manager, query="渠道冲突"))
    tokens = set(Posting.objects.filter(article=article).values_list("token", flat=True))
    assert "问卷" not in tokens and "渠道" in tokens
    assert Article.objects.get(pk=article.pk).search_length == sum(
        Posting.objects.filter(article=article).values_list("tf", flat=True))


def test_starter_articles_are_searchable_in_both_languages(db, manager):
    assert "伙伴筛选清单" in _titles(selectors.article_search(user=manager, query="尽职调查"))
    assert "Conflict handling steps" in _titles(selectors.article_search(user=manager, query="mediator"))
    assert "试点项目模板" in _titles(selectors.article_search(user=manager, query="试点 模板"))


def test_document_frequencies_are_cached_and_dropped_on_save(db, manager, django_assert_num_queries):
    from allies.knowledge import search as engine

    services.article_create(actor=manager, data={"title": "缓存测试", "body": "冥想练习。"})
    terms = engine.query_terms("冥想")
    assert engine.rank(terms=terms)[0] == 1
    with django_assert_num_queries(1):  # frequencies from the cache: only the ranking statement
        assert engine.rank(terms=terms)[0] == 1
    services.article_create(actor=manager, data={"title": "第二篇", "body": "冥想与呼吸。"})
    assert engine.rank(terms=terms)[0] == 2
