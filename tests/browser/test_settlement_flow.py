"""A two-party agreement with a 30/70 rule and a tier: the partner uploads sales, we compute the quarter,
both sides confirm (issue: agreements and value sharing)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

HEADER = "外部编号,日期,产品,客户,数量,金额,币种\n"


@pytest.fixture
def signed_agreement(partner_a, manager):
    from allies.agreements.models import Agreement, AgreementParty

    agreement = Agreement.objects.create(code="AL-2026-007", title="智能网关联合销售协议", status="signed",
                                         start_date=date(2026, 1, 1), end_date=date(2027, 12, 31), currency="CNY",
                                         created_by=manager)
    AgreementParty.objects.create(agreement=agreement, partner=partner_a)
    return agreement


def _relogin(page, login, user):
    page.context.clear_cookies()
    return login(user)


def test_settle_a_quarter_and_confirm_on_both_sides(page, live_server, login, tmp_path, manager, partner_user,
                                                    partner_a, signed_agreement, snap):
    from allies.settlements.models import Settlement, SharingRule

    # we set up the 30/70 rule with a tier from 100,000 元 (partner 80%)
    login(manager)
    page.goto(live_server.url + f"/settlements/agreements/{signed_agreement.pk}/")
    page.locator("#add-rule").click()
    form = page.locator("#rule-form")
    form.get_by_label("规则名称").fill("智能网关分成")
    form.locator("input[name=share_0]").fill("30")
    form.locator("input[name=share_1]").fill("70")
    form.locator("input[name=tier_1_lower]").fill("100000")
    form.locator("input[name=tier_1_pct_0]").fill("20")
    form.locator("input[name=tier_1_pct_1]").fill("80")
    form.locator("input[name=share_1]").fill("60")  # a typo first: 30 + 60
    form.locator("button[type=submit]").click()
    expect(page.locator(".share-error")).to_contain_text("不是100%")
    assert not SharingRule.objects.exists()
    page.locator("#rule-form input[name=share_1]").fill("70")
    page.locator("#rule-form button[type=submit]").click()
    expect(page.locator("#rule-table")).to_contain_text("我方 30% / 伙伴A 70%")
    expect(page.locator("#rule-table")).to_contain_text("超额累进")

    # the partner uploads its quarter's sales
    _relogin(page, login, partner_user)
    sales = tmp_path / "sales.csv"
    sales.write_text(HEADER + "Q3-1,2026-07-08,智能网关,客户甲,10,60000.00,CNY\n"
                              "Q3-2,2026-08-18,智能网关,客户乙,10,60000.00,CNY\n"
                              "Q3-3,2026-09-02,行业解决方案,客户丙,1,30000.00,CNY\n", encoding="utf-8-sig")
    page.goto(live_server.url + "/sales/upload/")
    page.set_input_files("#upload-form input[type=file]", str(sales))
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#upload-status")).to_have_text("成功")

    # we compute the quarter: 100,000 at 30/70 + 50,000 at 20/80
    _relogin(page, login, manager)
    page.goto(live_server.url + f"/settlements/agreements/{signed_agreement.pk}/")
    page.locator("#compute-form input[name=period]").fill("2026Q3")
    page.locator("#compute-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/settlements/\d+/$"))
    ours = page.locator("#statement-table tr[data-party=us]")
    expect(ours.locator(".share")).to_have_text("40,000.00")
    expect(ours.locator(".net")).to_have_text("+40,000.00")
    expect(page.locator("#rules-applied .band")).to_have_count(2)
    page.locator("#confirm-button").click()
    expect(ours.locator(".statement-status")).to_have_text("已确认")
    expect(page.locator("#settlement-status")).to_have_text("待确认")
    snap("settlement-staff")
    url = page.url

    # the partner sees only its own statement and confirms it
    _relogin(page, login, partner_user)
    page.goto(url)
    table = page.locator("#statement-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator(".share")).to_have_text("110,000.00")
    expect(table.locator(".net")).to_have_text("-40,000.00")
    page.locator("#confirm-button").click()
    expect(page.locator("#settlement-status")).to_have_text("各方已确认")
    snap("settlement-partner")
    assert Settlement.objects.get().status == "confirmed"
