"""Issue 7's browser test, network part: open the network view and follow a suggestion to the
two partners it names (the knowledge-base search part is in the knowledge stage's test).

Two active partners share customers with us and with each other and offer complementary
resources that close our declared gaps; a third partner is unrelated. The manager opens
the network view (drawn by our own script: no CDN), filters it by relation type, sees
the suggestion with its evidence, highlights the pair in the graph, and follows the
suggestion's links to both partners' pages.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _list(owner, numbers):
    from allies.domain import matching
    from allies.sharing.accounts import matching_key
    from allies.sharing.models import Account, AccountList

    lst = AccountList.objects.create(partner=owner, account_count=len(numbers))
    for n in numbers:
        ids, _p = matching.normalise_account(f"华东客户{n:03d}有限公司", "", "")
        h = matching.account_hashes(matching_key(), ids)
        Account.objects.create(account_list=lst, partner=owner, display_name=f"华东客户{n:03d}", name_hash=h[0],
                               uscc_hash=h[1], domain_hash=h[2])


@pytest.fixture
def ecosystem(transactional_db, make_user):
    from allies.partners.models import Partner, SelfAssessment

    manager = make_user("manager", "manager")
    SelfAssessment.objects.create(assessed_on="2026-01-05", gaps=["channel", "data"])
    east = Partner.objects.create(name="东方渠道", stage="active", resources=["channel", "brand"])
    west = Partner.objects.create(name="西岭数据", stage="active", resources=["data", "technology"])
    Partner.objects.create(name="北辰咨询", stage="prospect", resources=["service"])
    _list(None, range(1, 61))
    _list(east, range(1, 41))
    _list(west, range(21, 61))
    return manager, east, west


def test_follow_a_suggestion_to_the_two_partners_it_names(page, live_server, login, snap, ecosystem):
    manager, east, west = ecosystem
    login(manager)
    page.goto(live_server.url + "/ecosystem/")
    graph = page.locator("#network")
    expect(graph).to_have_attribute("data-ready", "1")
    expect(graph.locator("g.network-node")).to_have_count(4)  # us and three partners
    expect(graph.locator("path.network-edge")).to_have_count(3)  # shared customers: us-east, us-west, east-west
    # every script and stylesheet comes from the app itself
    for src in page.locator("script[src], link[href]").evaluate_all("els => els.map(e => e.src || e.href)"):
        assert src.startswith(live_server.url), src

    # filter by relation type: only referrals -> no edges; back to shared customers
    page.locator("#network-filters input[name=type][value=referral]").check()
    expect(page).to_have_url(re.compile(r"type=referral"))
    expect(page.locator("#network path.network-edge")).to_have_count(0)
    page.locator("#network-filters input[name=type][value=referral]").uncheck()
    page.locator("#network-filters input[name=type][value=customers]").check()
    expect(page).to_have_url(re.compile(r"type=customers"))
    expect(page.locator("#network path.network-edge")).to_have_count(3)

    suggestion = page.locator("#suggestions .suggestion").first
    expect(suggestion).to_contain_text("东方渠道")
    expect(suggestion).to_contain_text("西岭数据")
    expect(suggestion).to_contain_text("东方渠道与西岭数据之间共同客户 20 家")
    expect(suggestion).to_contain_text("二者合起来弥补我方短板：渠道、数据")
    suggestion.get_by_role("button", name="在图中查看").click()
    expect(page.locator(f'#network g.network-node.selected[data-id="p{east.pk}"]')).to_have_count(1)
    expect(page.locator(f'#network g.network-node.selected[data-id="p{west.pk}"]')).to_have_count(1)
    snap("ecosystem-network")

    links = suggestion.locator("a.suggestion-partner")
    expect(links).to_have_count(2)
    links.nth(0).click()
    expect(page).to_have_url(re.compile(rf"/partners/{east.pk}/$"))
    expect(page.locator("h1")).to_contain_text("东方渠道")
    page.go_back()
    page.locator("#suggestions .suggestion").first.locator("a.suggestion-partner").nth(1).click()
    expect(page).to_have_url(re.compile(rf"/partners/{west.pk}/$"))
    expect(page.locator("h1")).to_contain_text("西岭数据")
