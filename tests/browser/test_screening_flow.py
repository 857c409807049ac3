"""The issue's browser test: rate three partners, rank them, change a weight, see the ranking change.

Also: the TOPSIS switch (HTMX), the language switch, the comparison page, and the partner portal.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

CODES = ["strategic_fit", "resource_complementarity", "financial_health", "market_reputation",
         "cultural_compatibility", "willingness"]
SCORES = {
    "伙伴A": (8, 9, 7, 8, 6, 7),
    "伙伴B": (9, 7, 9, 9, 8, 8),
    "伙伴C": (7, 8, 6, 7, 9, 8),
}
RANKED_NAMES = "#ranking-table tbody tr[data-partner] td:nth-child(3)"
RANKED_SCORES = "#ranking-table tbody tr[data-partner] td.score"


@pytest.fixture
def three_partners(partner_a, partner_b):
    from allies.partners.models import Partner

    return {"伙伴A": partner_a, "伙伴B": partner_b, "伙伴C": Partner.objects.create(name="伙伴C", industry="物流")}


@pytest.fixture
def default_model(db):
    from allies.partners.selectors import default_model, version_criteria

    model = default_model()
    assert model.name == "伙伴画像（六维）"
    assert [c.code for c in version_criteria(model.current_version)] == CODES
    return model


@pytest.fixture
def rated(three_partners, manager, default_model):
    from allies.partners.models import Rating

    for name, scores in SCORES.items():
        for code, score in zip(CODES, scores):
            Rating.objects.create(partner=three_partners[name], criterion_code=code, rater=manager, score=score)
    return three_partners


def test_rate_rank_reweigh_and_rerank(page, live_server, login, manager, three_partners, default_model, snap):
    from allies.partners.models import Rating

    login(manager)
    expect(page).to_have_url(live_server.url + "/")

    # rate each partner through the rating form on its detail page
    for name, scores in SCORES.items():
        page.goto(f"{live_server.url}/partners/{three_partners[name].pk}/")
        expect(page.locator("h1")).to_contain_text(name)
        form = page.locator("#rating-form")
        for code, score in zip(CODES, scores):
            form.locator(f"input[name=score_{code}]").fill(str(score))
        form.get_by_role("button", name="保存评分").click()
        expect(page.get_by_role("alert")).to_have_text("已保存 6 项评分。")
        expect(form.locator("input[name=score_strategic_fit]")).to_have_value(str(scores[0]))
    snap("partner-detail")
    assert Rating.objects.filter(rater=manager).count() == 18

    # the ranking: B first
    page.goto(live_server.url + "/screening/")
    expect(page.locator(RANKED_NAMES)).to_have_text(["伙伴B", "伙伴A", "伙伴C"])
    expect(page.locator(RANKED_SCORES)).to_have_text(["8.3500", "7.7000", "7.4000"])
    expect(page.locator("#ranking-table thead")).to_contain_text("总分")
    snap("ranking-weighted")

    # TOPSIS through the radio buttons: HTMX replaces #ranking-body
    page.locator("label[for=method-topsis]").click()
    expect(page.locator("#ranking-table thead")).to_contain_text("贴近度")
    expect(page.locator(RANKED_SCORES)).to_have_text(["0.6602", "0.4828", "0.3383"])
    expect(page.locator(RANKED_NAMES)).to_have_text(["伙伴B", "伙伴A", "伙伴C"])
    expect(page).to_have_url(re.compile(r"method=topsis"))
    expect(page.locator("#method-topsis")).to_be_checked()
    # the page was not reloaded: the fragment went into the existing container
    expect(page.locator("#ranking-body")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    snap("ranking-topsis")

    # the model editor: a big weight on resource complementarity, saved as a new version
    page.goto(f"{live_server.url}/screening/models/{default_model.pk}/")
    expect(page.locator("h1")).to_contain_text("v1")
    weight = page.locator("input.weight[data-code=resource_complementarity]")
    expect(weight).to_have_value("0.2")
    weight.fill("3")
    page.locator("input[name=note]").fill("资源互补优先")
    page.locator("#save-version").click()
    expect(page.get_by_role("alert")).to_have_text("已保存为新版本。")
    expect(page.locator("h1")).to_contain_text("v2")
    expect(page.locator("input.weight[data-code=resource_complementarity]")).to_have_value("3.0")
    snap("model-editor")
    assert default_model.current_version.number == 2

    # back to the ranking: A is now first
    page.goto(live_server.url + "/screening/")
    expect(page.locator("#weights-line")).to_contain_text("v2")
    expect(page.locator(RANKED_NAMES)).to_have_text(["伙伴A", "伙伴C", "伙伴B"])
    expect(page.locator(RANKED_SCORES)).to_have_text(["8.6579", "7.8421", "7.3553"])
    page.locator("label[for=method-topsis]").click()
    expect(page.locator("#ranking-table thead")).to_contain_text("贴近度")
    expect(page.locator(RANKED_NAMES)).to_have_text(["伙伴A", "伙伴C", "伙伴B"])
    expect(page.locator(RANKED_SCORES).first).to_have_text("0.9150")


def test_language_switch_turns_the_ui_to_english_and_back(page, live_server, login, manager, rated, snap):
    login(manager)
    page.goto(live_server.url + "/screening/")
    html = page.locator("html")
    # the browser says en-US, yet the UI is Chinese until the user chooses
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("筛选排名")

    page.locator("select[name=language]").select_option("en")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/screening/$"))  # the switch stays on the page
    expect(page.locator("select[name=language]")).to_have_value("en")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(RANKED_NAMES)).to_have_text(["伙伴B", "伙伴A", "伙伴C"])
    snap("ranking-english")

    # the choice sticks for the next page
    page.goto(live_server.url + "/partners/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("#partner-table")).to_contain_text("伙伴C")

    page.locator("select[name=language]").select_option("zh-hans")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("伙伴")
    expect(page.locator("select[name=language]")).to_have_value("zh-hans")


def test_compare_two_candidates_shows_the_radar_chart(page, live_server, login, manager, rated, snap):
    login(manager)
    page.goto(live_server.url + "/screening/")
    expect(page.locator(RANKED_NAMES)).to_have_count(3)
    page.get_by_label("对比 伙伴A").check()
    page.get_by_label("对比 伙伴C").check()
    page.get_by_role("button", name=re.compile("对比所选")).click()
    expect(page).to_have_url(re.compile(r"/screening/compare/\?"))
    expect(page.locator("h1")).to_contain_text("候选对比")
    radar = page.locator("#radar svg")
    expect(radar).to_be_visible()
    expect(radar).to_contain_text("伙伴A")
    expect(radar).to_contain_text("战略匹配度")
    expect(page.locator("#compare-table thead th")).to_have_text(["指标", "伙伴A", "伙伴C"])
    expect(page.locator("#compare-table tbody tr").first).to_contain_text("8.00")
    snap("compare")


def test_compare_with_one_candidate_asks_for_more(page, live_server, login, manager, rated):
    login(manager)
    page.goto(live_server.url + "/screening/")
    page.get_by_label("对比 伙伴B").check()
    page.get_by_role("button", name=re.compile("对比所选")).click()
    expect(page).to_have_url(re.compile(r"/screening/$"))
    expect(page.get_by_role("alert")).to_have_text("请选择 2 到 4 个候选伙伴进行对比。")


def test_partner_user_lands_on_its_portal_and_sees_nothing_else(page, live_server, login, partner_user,
                                                                other_partner_user, partner_a, partner_b, snap):
    login(partner_user)
    expect(page).to_have_url(live_server.url + "/portal/")
    expect(page.locator("h1")).to_have_text("伙伴A")
    expect(page.locator("body")).not_to_contain_text("伙伴B")
    nav = page.locator("nav .nav-link").all_inner_texts()
    assert nav[:2] == ["我的公司", "试点项目"], nav
    assert not {"概览", "伙伴", "伙伴筛选"} & set(nav), nav
    snap("portal")

    for url in ("/partners/", f"/partners/{partner_b.pk}/", f"/partners/{partner_a.pk}/", "/screening/"):
        response = page.goto(live_server.url + url)
        assert response.status == 404, url
        expect(page.locator("#error-page h1")).to_have_text("404 · 页面不存在")
        nav = page.locator("nav .nav-link").all_inner_texts()
        assert nav[:2] == ["我的公司", "试点项目"], nav
        assert not {"概览", "伙伴", "伙伴筛选"} & set(nav), nav
        expect(page.locator("body")).not_to_contain_text("伙伴B")
    snap("not-found")
