"""Issue 6's flow: a partner's sales fall, `allies watch` raises an alert that the dashboard shows;
staff turn it into a conflict and escalate it to the committee (the last part on governance's conflict page)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from typer.testing import CliRunner


def _month(n: int):
    """The first day of the month n months before this one."""
    day = timezone.localdate().replace(day=1)
    for _i in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


@pytest.fixture
def alliance_with_falling_sales(partner_a, partner_user, manager):
    from allies.agreements.models import Agreement, AgreementParty
    from allies.sharing import sales

    today = timezone.localdate()
    agreement = Agreement.objects.create(code="AL-RETAIL", title="零售联合销售联盟", status="signed",
                                         start_date=today - timedelta(days=365), end_date=today + timedelta(days=700),
                                         created_by=manager)
    AgreementParty.objects.create(agreement=agreement, partner=partner_a)
    # The spec's retail case: steady months, then sales fall after a platform change.
    amounts = [120_000_00, 118_000_00, 125_000_00, 121_000_00, 64_000_00]
    rows = [{"external_id": f"R-{i}", "date": _month(len(amounts) - i).replace(day=12).isoformat(),
             "product": "联名礼盒", "quantity": 100, "amount": amount, "currency": "CNY"}
            for i, amount in enumerate(amounts)]
    sales.sales_rows_write(actor=partner_user, partner=partner_a, rows=rows)
    return agreement


def _watch():
    from allies.cli.main import app

    result = CliRunner().invoke(app, ["watch", "--no-deliver"])
    assert result.exit_code == 0, result.output
    return result.output


def test_watch_raises_an_alert_from_uploaded_sales_and_the_dashboard_shows_it(
        page, live_server, login, manager, partner_user, alliance_with_falling_sales, snap):
    from allies.monitoring.models import Alert

    assert "新预警 1 条" in _watch()
    assert "新预警 0 条" in _watch()  # cron runs it again: no duplicate
    alert = Alert.objects.get()

    login(manager)
    page.goto(live_server.url + "/")
    alerts = page.locator("#dash-alerts")
    expect(alerts.locator('[data-severity="critical"] .badge')).to_have_text("1")
    expect(alerts).to_contain_text("伙伴A销售额下滑")
    snap("dashboard-with-alert")
    alerts.get_by_role("link", name=re.compile("伙伴A销售额下滑")).click()
    expect(page).to_have_url(re.compile(rf"/monitoring/alerts/{alert.pk}/$"))
    expect(page.locator("#alert-method")).to_contain_text("EWMA")
    expect(page.locator("#evidence")).to_contain_text("64,000.00")
    expect(page.locator("#evidence-chart svg")).to_be_visible()
    snap("alert-detail")

    # in English too
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()
    expect(page.locator("#alert-title")).to_contain_text("伙伴A sales down")

    # the partner sees the alert of its own alliance in its portal
    page.context.clear_cookies()
    login(partner_user)
    page.goto(live_server.url + "/monitoring/alerts/")
    expect(page.locator("#alert-table")).to_contain_text("伙伴A销售额下滑")


def test_the_alert_becomes_a_conflict_and_is_escalated_to_the_committee(
        page, live_server, login, manager, alliance_with_falling_sales):
    from allies.governance.models import Conflict
    from allies.monitoring.models import Alert

    _watch()
    alert = Alert.objects.get()
    login(manager)
    page.goto(live_server.url + f"/monitoring/alerts/{alert.pk}/")
    with page.expect_navigation():
        page.locator("#to-conflict").click()
    conflict = Conflict.objects.get()
    alert.refresh_from_db()
    assert alert.conflict_id == conflict.pk and conflict.agreement_id == alliance_with_falling_sales.pk
    # Escalation is governance's page: one step up, with a reason, lands at the committee.
    page.goto(live_server.url + reverse("governance:conflict", args=[conflict.pk]))
    page.locator("#x-reason").fill("双方工作小组未能就平台切换后的补救方案达成一致")
    page.locator("#escalate-card button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("联合管理委员会")
