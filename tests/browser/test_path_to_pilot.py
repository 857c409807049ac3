"""The issue's browser test for the path from candidate to trusted partner (issue 4).

One candidate, 澄明数据, offers data and channels. A manager declares those as our most
urgent gaps in a self-assessment, sees the candidate highlighted and its complementarity
pre-filled, runs a due-diligence case in which one legal item raises a high-risk concern
(the concern blocks a positive verdict until an override reason is given), pilots the
cooperation with the spec's three KPIs, records a measurement, and closes the pilot with
a review that makes the candidate an active partner. The partner's timeline then shows
the whole path.

Everything happens through the pages; only the starting users and partner, and the
signed alliance agreement the stage gate requires before full cooperation, are made in the
database (the agreement pages have their own browser test, test_agreement_flow.py).
"""

import importlib
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PARTNER = "澄明数据"
PILOT = "澄明数据华东联合营销试点"
CONCERN_ITEM = "诉讼记录"
CONCERN_FINDING = "存在一起未结的合同纠纷诉讼，涉案金额约 80 万元。"
CONDITIONS = "签约前对方须提供该诉讼的和解协议或法院判决。"
OVERRIDE = "诉讼金额小，对方已承诺和解；以试点控制风险。"
# The spec's three KPIs: (code, label, unit offered by default, baseline, target)
KPIS = [
    ("customer_acquisition_cost", "客户获取成本", "元", "500", "350"),
    ("conversion_rate", "转化率", "%", "2", "5"),
    ("revenue_share", "收入分成", "万元", "0", "50"),
]
OTHER_SCORES = {"strategic_fit": "8", "financial_health": "7", "market_reputation": "7",
                "cultural_compatibility": "8", "willingness": "9"}


def event(label, text):
    """A timeline entry: its kind's badge, then its text (the entry also shows when and who)."""
    return re.compile(re.escape(label) + r"\s+" + re.escape(text))


@pytest.fixture(autouse=True)
def default_checklist(transactional_db):
    """The checklist templates the diligence data migration installs, back after the previous test's flush.

    The same reason as ``shipped_models`` in conftest.py: live_server tests flush every table,
    and without the templates a new case would open with an empty checklist.
    """
    from django.apps import apps

    importlib.import_module("allies.diligence.migrations.0002_default_checklist").install(apps, None)


@pytest.fixture
def candidate(db):
    from allies.partners.models import Partner

    return Partner.objects.create(name=PARTNER, industry="数据服务", region="上海", resources=["data", "channel"])


def sign_agreement(manager, partner):
    from allies.agreements import services
    from tests.agreements.conftest import complete_data

    agreement = services.agreement_create(actor=manager, data=complete_data(partner))
    services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review")
    services.agreement_transition(actor=manager, agreement=agreement, to_status="signed")


def test_candidate_walks_from_self_assessment_gap_through_diligence_and_pilot_to_review(
        page, live_server, login, manager, candidate, snap):
    from django.utils import timezone

    from allies.partners.readiness import QUESTIONS

    partner_url = f"{live_server.url}/partners/{candidate.pk}/"
    today = timezone.localdate()
    login(manager)

    # 1. Self-assessment: answer every question, declare data and channels as the most urgent gaps.
    page.goto(live_server.url + "/readiness/new/")
    expect(page.locator("h1")).to_have_text("新的自我评估")
    form = page.locator("#assessment-form")
    expect(form.get_by_role("group")).to_have_count(len(QUESTIONS))
    for q in QUESTIONS:
        answer = 2 if q.code == "i_incentive" else 4
        form.locator(f"label[for={q.code}-{answer}]").click()
        expect(form.locator(f"#{q.code}-{answer}")).to_be_checked()
    form.get_by_label("技术", exact=True).check()
    form.get_by_label("第 1 紧迫的短板").select_option("data")
    form.get_by_label("第 2 紧迫的短板").select_option("channel")
    form.get_by_role("button", name="保存评估").click()

    expect(page).to_have_url(re.compile(r"/readiness/\d+/$"))
    expect(page.get_by_role("alert")).to_have_text("已保存自我评估。")
    expect(page.locator("#gaps")).to_contain_text("数据 › 渠道")
    # the one weak answer (incentives) comes back as advice
    expect(page.locator("main")).to_contain_text("把联盟目标纳入团队考核和激励。")
    snap("path-readiness")

    # 2. The candidate's page: it fills both gaps; complementarity is pre-filled from that and saved.
    page.goto(partner_url)
    expect(page.locator("h1")).to_contain_text(PARTNER)
    expect(page.locator("#stage-badge")).to_have_text("潜在伙伴")
    expect(page.locator("#gap-fills")).to_contain_text("填补我们的缺口")
    expect(page.locator("#gap-fills")).to_contain_text("数据、渠道")
    ratings = page.locator("#rating-form")
    complementarity = ratings.locator("#score_resource_complementarity")
    expect(complementarity).to_have_value("")
    prefill = ratings.locator("#prefill-complementarity")
    expect(prefill).to_have_text("按自我评估的缺口预填 10.0")
    prefill.click()
    expect(complementarity).to_have_value("10.0")
    for code, score in OTHER_SCORES.items():
        ratings.locator(f"input[name=score_{code}]").fill(score)
    ratings.get_by_role("button", name="保存评分").click()
    expect(page.get_by_role("alert")).to_have_text("已保存 6 项评分。")
    expect(ratings.locator("#score_resource_complementarity")).to_have_value("10")
    snap("path-partner-gaps")

    # 3. Into due diligence through the stage form: the reason is required.
    stage_form = page.locator(f"form[action='/partners/{candidate.pk}/stage/']")
    stage_form.get_by_label("新阶段").select_option(label="尽职调查")
    reason = stage_form.get_by_placeholder("变更原因（必填）")
    stage_form.get_by_role("button", name="变更阶段").click()
    assert reason.evaluate("el => el.validity.valueMissing")  # the browser refuses the empty reason
    expect(page.locator("#stage-badge")).to_have_text("潜在伙伴")
    reason.fill("两次沟通后确认合作意向，进入尽调")
    stage_form.get_by_role("button", name="变更阶段").click()
    expect(page.get_by_role("alert")).to_have_text(f"“{PARTNER}”已移到“尽职调查”。")
    expect(page.locator("#stage-badge")).to_have_text("尽职调查")
    expect(page.locator("#stage-history li").first).to_contain_text("潜在伙伴 → 尽职调查")

    # 4. A due-diligence case with the default checklist.
    page.get_by_role("button", name="发起尽调").click()
    expect(page).to_have_url(re.compile(r"/diligence/\d+/$"))
    case_id = int(re.search(r"/diligence/(\d+)/$", page.url).group(1))
    expect(page.get_by_role("alert")).to_have_text(f"已为“{PARTNER}”开始尽职调查，检查清单已按模板生成。")
    expect(page.locator("#case-status")).to_have_text("进行中")
    for area in ("financial", "legal", "market", "technical"):
        expect(page.locator(f"#area-{area} [id^=item-]").first).to_be_visible()
    expect(page.locator("#blocking-items")).to_contain_text("没有未通过的高风险检查项。")

    # one legal item raises a high-risk concern (an HTMX inline edit)
    item_id = page.locator("#area-legal [id^=item-]").filter(has_text=CONCERN_ITEM).get_attribute("id")
    item = page.locator(f"#{item_id}")
    item.get_by_label("状态").select_option(label="存疑")
    item.get_by_label("风险等级").select_option(label="高")
    item.get_by_label("发现").fill(CONCERN_FINDING)
    item.get_by_role("button", name="保存", exact=True).click()
    expect(item.get_by_role("status")).to_have_text("已保存。")
    expect(item.locator(".item-status")).to_have_text("存疑")
    expect(item).to_contain_text("风险：高")
    expect(item.get_by_label("发现")).to_have_value(CONCERN_FINDING)
    expect(page.locator("#blocking-items")).to_contain_text(f"{CONCERN_ITEM}（法律审查 · 存疑）")
    expect(page).to_have_url(re.compile(rf"/diligence/{case_id}/$"))  # the page was not reloaded

    # a plain "go" is refused, naming the item
    conclude = page.locator("#conclude-form")
    conclude.get_by_label("结论").select_option(label="通过")
    conclude.get_by_label("总结").fill("财务、市场和技术无重大问题；法律方面有一起未结诉讼。")
    conclude.get_by_role("button", name="给出结论并结束").click()
    expect(page.locator("#conclude-error")).to_contain_text(
        f"以下高风险检查项尚未通过，不能给出“通过”结论：“{CONCERN_ITEM}”（存疑）")
    expect(page.locator("#case-status")).to_have_text("进行中")

    # "go with conditions" is blocked by the same item: it needs the conditions and an override reason
    conclude.get_by_label("结论").select_option(label="有条件通过")
    expect(conclude.get_by_label("总结")).to_have_value(re.compile("未结诉讼"))  # kept from the refused attempt
    conclude.get_by_label("附加条件").fill(CONDITIONS)
    conclude.get_by_role("button", name="给出结论并结束").click()
    expect(page.locator("#conclude-error")).to_contain_text("不能给出“有条件通过”结论")
    conclude.get_by_label("越过原因").fill(OVERRIDE)
    conclude.get_by_role("button", name="给出结论并结束").click()
    expect(page.get_by_role("alert")).to_have_text("尽职调查已结束。")
    expect(page.locator("#case-status")).to_have_text("已结束")
    conclusion = page.locator("#conclusion")
    expect(conclusion.locator("h2 .badge")).to_have_text("有条件通过")
    expect(conclusion).to_contain_text(CONDITIONS)
    expect(conclusion).to_contain_text(OVERRIDE)
    expect(page.locator("#conclude-form")).to_have_count(0)
    snap("path-diligence")

    # 5. A pilot from the partner's page, with the spec's three KPIs.
    page.get_by_role("link", name="伙伴资料").click()
    expect(page).to_have_url(partner_url)
    page.get_by_role("link", name="发起试点").click()
    expect(page).to_have_url(re.compile(rf"/pilots/new/\?partner={candidate.pk}$"))
    form = page.locator("#pilot-form")
    expect(form.get_by_label("参与伙伴")).to_have_values([str(candidate.pk)])
    expect(form.get_by_label("我方负责人", exact=True)).to_have_value(str(manager.pk))
    form.get_by_label("名称", exact=True).fill(PILOT)
    form.get_by_label("开始日期").fill((today - timedelta(days=30)).isoformat())
    form.get_by_label("结束日期").fill((today + timedelta(days=60)).isoformat())
    form.get_by_label("试点目标").fill("验证对方数据和渠道能否降低获客成本、提高转化率。")
    form.get_by_label("试点范围").fill("华东区域联合营销")
    form.get_by_label("会议频率").select_option(label="每两周")
    kpi_rows = form.locator("#default-kpis tbody tr")
    expect(kpi_rows).to_have_count(3)
    for code, label, unit, baseline, target in KPIS:
        expect(form.get_by_label(label, exact=True)).to_be_checked()
        expect(form.locator(f"input[name=kpi_{code}_unit]")).to_have_value(unit)
        form.locator(f"input[name=kpi_{code}_baseline]").fill(baseline)
        form.locator(f"input[name=kpi_{code}_target]").fill(target)
    form.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/pilots/\d+/$"))
    pilot_url = page.url
    expect(page.get_by_role("alert")).to_have_text(f"已创建试点“{PILOT}”。")
    expect(page.locator("#pilot-status")).to_have_text("计划中")
    expect(page.locator("#pilot-partners")).to_have_text(PARTNER)
    kpi_table = page.locator("#kpi-table tbody tr")
    expect(kpi_table).to_have_count(3)
    for (code, label, unit, baseline, target), row in zip(KPIS, kpi_table.all()):
        expect(row).to_have_attribute("data-kpi", code)
        expect(row.locator("td").nth(0)).to_have_text(f"{label}（{unit}）")
        expect(row.locator("td").nth(2)).to_have_text(baseline)
        expect(row.locator("td").nth(3)).to_have_text(target)
        expect(row.locator(".kpi-status")).to_have_text("暂无数据")

    # start it: the case concluded with a positive verdict, so the stage gate lets the partner in
    page.locator("#start-card").get_by_role("button", name="启动试点").click()
    expect(page.get_by_role("alert")).to_have_text("试点已启动，参与伙伴已进入“试点”阶段。")
    expect(page.locator("#pilot-status")).to_have_text("进行中")
    expect(page.locator("#start-card")).to_have_count(0)

    # one measurement: conversion 4 % of a 2 → 5 % target, a third of the way through the period
    measured_on = (today - timedelta(days=1)).isoformat()
    card = page.locator("#measurement-card")
    card.get_by_label("指标").select_option(label="转化率（%）")
    card.get_by_label("日期").fill(measured_on)
    card.get_by_label("数值").fill("4")
    card.get_by_label("说明").fill("首月联合活动")
    card.get_by_role("button", name="记录").click()
    expect(page.get_by_role("alert")).to_have_text("已记录“转化率”的测量值。")
    conversion = page.locator("#kpi-table tr[data-kpi=conversion_rate]")
    expect(conversion.locator(".kpi-status")).to_have_text("进展正常")
    expect(conversion.locator(".kpi-status")).to_have_attribute("data-status", "on_track")
    expect(conversion.locator(".kpi-status")).to_have_class(re.compile(r"\btext-bg-success\b"))
    expect(conversion.locator("td").nth(4)).to_contain_text("4")
    expect(conversion.locator("td").nth(4)).to_contain_text(measured_on)
    expect(page.locator("#kpi-table tr[data-kpi=revenue_share] .kpi-status")).to_have_text("暂无数据")
    chart = page.locator(".chart[data-kpi=conversion_rate] svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("转化率（%）")
    expect(chart).to_contain_text("目标值")
    expect(page.locator(".chart svg")).to_have_count(1)  # no chart for the KPIs without data
    expect(page.locator("#measurements tbody tr")).to_have_count(1)
    snap("path-pilot")

    # the partner is now in the pilot stage, moved by the start without an override
    page.goto(partner_url)
    expect(page.locator("#stage-badge")).to_have_text("试点")
    latest = page.locator("#stage-history li").first
    expect(latest).to_contain_text("尽职调查 → 试点")
    expect(latest).to_contain_text(f"启动试点“{PILOT}”")
    expect(latest.locator(".badge")).to_have_count(0)  # no "越过规则" flag

    # 6. The closing review: expand to a full agreement, which the parties have signed by now.
    sign_agreement(manager, candidate)
    page.goto(pilot_url)
    review = page.locator("#review-card")
    review.get_by_label("扩大为正式合作").check()
    review.get_by_label("我方收获").fill("对方的行业数据让线索质量明显提高。")
    review.get_by_label("伙伴方收获").fill("借助我方渠道进入华东市场。")
    review.get_by_role("button", name="提交复盘").click()
    expect(page).to_have_url(re.compile(r"/pilots/\d+/reviews/\d+/$"))
    expect(page.get_by_role("alert")).to_have_text("已记录复盘：扩大为正式合作。")
    expect(page.locator("#review-decision")).to_have_text("扩大为正式合作")
    expect(page.locator("#review-decision")).to_have_attribute("data-decision", "expand")
    expect(page.locator("#review-results tbody tr")).to_have_count(3)
    expect(page.locator("#review-results tbody tr").nth(1)).to_contain_text("进展正常")
    expect(page.locator("#stage-moves")).to_contain_text(f"{PARTNER}：试点 → 正式合作")
    snap("path-review")

    page.goto(partner_url)
    expect(page.locator("#stage-badge")).to_have_text("正式合作")
    expect(page.locator("#stage-history li")).to_have_count(3)
    expect(page.locator("#stage-history li").first).to_contain_text("试点 → 正式合作")

    # the timeline tells the whole story, newest first (the six ratings came before everything else)
    page.get_by_role("link", name="时间线").click()
    expect(page).to_have_url(f"{partner_url}timeline/")
    expect(page.locator("h1")).to_contain_text(PARTNER)
    expect(page.locator("h1 .badge")).to_have_text("正式合作")
    expect(page.locator("#timeline li[data-kind=rating]")).to_have_count(6)
    expect(page.locator("#timeline li[data-kind=rating]").filter(has_text="资源互补性 10")).to_have_count(1)
    events = page.locator("#timeline li:not([data-kind=rating])")
    expect(events).to_have_text([
        event("合作阶段", f"试点 → 正式合作：试点“{PILOT}”复盘决定：扩大为正式合作"),
        event("试点复盘", f"试点“{PILOT}”复盘决定：扩大为正式合作"),
        event("试点指标", f"试点“{PILOT}”：转化率 {measured_on} 为 4 %"),
        event("合作阶段", f"尽职调查 → 试点：启动试点“{PILOT}”"),
        event("试点项目", f"启动试点“{PILOT}”"),
        event("试点项目", f"创建试点“{PILOT}”"),
        event("尽调结论", f"尽职调查 #{case_id} 结论：有条件通过（条件：{CONDITIONS}）"
                         f"（越过未通过的高风险项：{OVERRIDE}）"),
        event("尽调事项", f"尽职调查检查项“{CONCERN_ITEM}”：待处理 → 存疑"),
        event("尽职调查", f"开始尽职调查 #{case_id}"),
        event("合作阶段", "潜在伙伴 → 尽职调查：两次沟通后确认合作意向，进入尽调"),
    ])
    expect(events.locator("a").nth(1)).to_have_attribute("href", re.compile(r"/pilots/\d+/reviews/\d+/$"))
    expect(events.locator("a").nth(6)).to_have_attribute("href", f"/diligence/{case_id}/")
    snap("path-timeline")
