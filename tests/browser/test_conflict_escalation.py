"""A partner user raises a conflict in the portal; staff escalate it one step with a reason (issue 6)."""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def alliance(partner_a, partner_b):
    from allies.agreements.models import Agreement, AgreementParty

    ours = Agreement.objects.create(code="AL-A", title="伙伴A 联合营销协议", status="signed")
    AgreementParty.objects.create(agreement=ours, partner=partner_a)
    theirs = Agreement.objects.create(code="AL-B", title="伙伴B 渠道协议", status="signed")
    AgreementParty.objects.create(agreement=theirs, partner=partner_b)
    return ours


def test_partner_raises_and_staff_escalate_one_step(page, live_server, login, alliance, partner_user, manager, snap):
    from allies.governance.models import Conflict

    # a partner user raises a conflict from the portal navigation
    login(partner_user)
    page.goto(live_server.url + "/governance/conflicts/")
    page.locator("#raise-conflict").click()
    form = page.locator("#conflict-form")
    expect(form.locator("#c-agreement")).not_to_contain_text("伙伴B 渠道协议")
    form.locator("#c-agreement").select_option(label="AL-A 伙伴A 联合营销协议")
    form.locator("#c-kind").select_option("poor_communication")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-field=title]")).to_contain_text("不能为空")
    expect(page.locator("[data-field=description]")).to_contain_text("不能为空")
    assert not Conflict.objects.exists()
    form.locator("#c-title").fill("周报连续三周延迟")
    form.locator("#c-description").fill("对方的周报连续三周没有按时发出，影响线索跟进。")
    form.locator("button[type=submit]").click()
    expect(page.locator("#current-step")).to_have_text("内部协商")
    expect(page.locator("#escalate-card")).to_have_count(0)  # partners follow, staff escalate
    snap("conflict-raised-by-partner")
    conflict = Conflict.objects.get()
    assert conflict.raised_side == "partner"

    # staff escalate exactly one step, with a reason, and see the history
    page.context.clear_cookies()
    login(manager)
    page.goto(live_server.url + f"/governance/conflicts/{conflict.pk}/")
    card = page.locator("#escalate-card")
    expect(card).to_contain_text("联合管理委员会")
    card.locator("button[type=submit]").click()
    expect(page.locator("[data-field=reason]")).to_contain_text("不能为空")
    page.locator("#x-reason").fill("内部协商两周无进展，提交委员会")
    page.locator("#escalate-card button[type=submit]").click()
    expect(page.locator("#current-step")).to_have_text("联合管理委员会")
    history = page.locator("#history")
    expect(history.locator("tr[data-action=escalated]")).to_contain_text("内部协商两周无进展，提交委员会")
    expect(history.locator("tr[data-action=escalated]")).to_contain_text("manager")
    expect(page.locator("#escalate-card")).to_contain_text("第三方调解")
    snap("conflict-escalated")

    # the partner follows the history in English too
    page.context.clear_cookies()
    login(partner_user)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + f"/governance/conflicts/{conflict.pk}/")
    expect(page.locator("#current-step")).to_have_text("Joint steering committee")
    expect(page.locator("#history")).to_contain_text(re.compile("Escalated"))
