"""Issue 5's browser flow, agreement part: create a two-party agreement, fill its clauses, see what the
completeness check still lacks (signing is refused until then), sign it and download the .docx.

Only the starting users and the partner are made in the database; everything else goes
through the pages.
"""

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "远航科技华东联合销售协议"
ARBITRATION = "上海国际仲裁中心"


@pytest.fixture
def partner(db):
    from allies.partners.models import Partner

    return Partner.objects.create(name="远航科技", industry="软件", region="上海")


def test_create_fill_check_sign_and_download_an_agreement(page, live_server, login, manager, partner, snap):
    login(manager)
    page.goto(live_server.url + "/agreements/")
    page.locator("#new-agreement").click()
    expect(page).to_have_url(re.compile(r"/agreements/new/$"))

    # 1. The terms, the partner party and most clauses; the exit mechanism is left for later.
    form = page.locator("#agreement-form")
    form.get_by_label("名称").fill(TITLE)
    form.get_by_label("联合销售").check()
    form.get_by_label("生效日期").fill("2026-01-01")
    form.get_by_label("到期日期").fill("2028-12-31")
    form.get_by_label("通知期（天）").fill("90")
    form.locator("[name=party_0_partner]").select_option(label="远航科技")
    form.locator("[name=party_0_role]").fill("渠道方")
    form.locator("[name=party_0_rights]").fill("获得 30% 销售分成")
    form.locator("[name=party_0_obligations]").fill("负责华东客户拓展")
    form.get_by_label("合作范围", exact=True).fill("华东地区企业客户的联合销售")
    form.get_by_label("合作目标").fill("第一年联合签约 30 家客户")
    form.get_by_label("我方权利").fill("使用伙伴渠道资源")
    form.get_by_label("我方义务").fill("提供产品培训与售前支持")
    form.get_by_label("收益分配与成本分摊（概述）").fill("收入按 30/70 分成")
    form.locator("[name=step_0_method]").select_option("negotiation")
    form.locator("[name=step_0_days]").fill("30")
    form.locator("[name=step_1_method]").select_option("arbitration")
    form.locator("[name=step_1_body]").fill(ARBITRATION)
    form.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+/$"))
    detail_url = page.url
    expect(page.locator("#agreement-status")).to_have_text("草拟")
    expect(page.locator("#parties .party")).to_contain_text("远航科技")

    # 2. The completeness list names what is missing: the exit mechanism blocks signing.
    missing = page.locator("#completeness .missing-item")
    expect(missing.filter(has_text="未写明终止条件")).to_have_attribute("data-required", "1")
    expect(missing.filter(has_text="未写明客户交接安排")).to_have_attribute("data-required", "0")
    snap("agreement-incomplete")
    page.locator("#status-actions button[data-to=in_review]").click()
    expect(page.locator("#agreement-status")).to_have_text("审核中")
    page.locator("#status-actions button[data-to=signed]").click()
    expect(page.locator("#transition-error")).to_contain_text("不能签署")
    expect(page.locator("#transition-error")).to_contain_text("未写明终止条件")
    expect(page.locator("#agreement-status")).to_have_text("审核中")

    # 3. Fill the exit mechanism and register an IP asset.
    page.locator("#edit-agreement").click()
    form = page.locator("#agreement-form")
    form.get_by_label("终止条件").fill("任一方严重违约且 30 天内未纠正")
    form.get_by_label("客户交接", exact=True).fill("终止后 60 天内移交客户名单")
    form.get_by_label("数据迁移").fill("终止后 30 天内导出并删除共享数据")
    form.get_by_role("button", name="保存").click()
    expect(page).to_have_url(detail_url)
    page.locator("#add-ip").click()
    ip = page.locator("#ip-form")
    ip.get_by_label("资产名称").fill("联合解决方案白皮书")
    ip.get_by_label("类型").select_option(label="著作权")
    ip.get_by_label("权属", exact=True).select_option(label="共有")
    ip.locator("[name=usage_us]").select_option("full")
    ip.get_by_role("button", name="保存").click()
    expect(page).to_have_url(detail_url)
    expect(page.locator("#ip-register .ip-asset")).to_contain_text("联合解决方案白皮书")
    expect(page.locator("#complete")).to_have_text("各项齐全，可以签署。")

    # 4. Sign.
    page.locator("#status-actions button[data-to=signed]").click()
    expect(page.get_by_role("alert")).to_contain_text("已签署")
    expect(page.locator("#agreement-status")).to_have_text("已签署")
    expect(page.locator("#signed-at")).to_be_visible()
    expect(page.locator("#versions .version").first).to_contain_text("签署")
    snap("agreement-signed")

    # 5. The .docx, in Chinese, from the agreement's data.
    with page.expect_download() as download:
        page.locator("#docx-zh").click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert TITLE in text and ARBITRATION in text and "任一方严重违约" in text
    assert "远航科技" in cells and "联合解决方案白皮书" in cells

    # 6. The versions show what changed between the draft and the signed text.
    page.locator("#compare-versions").click()
    page.locator("#from").select_option("1")
    page.get_by_role("button", name="比较").click()
    expect(page.locator("#changes .change[data-key=termination_conditions]")).to_contain_text("+ 任一方严重违约")
    expect(page.locator("#changes .change[data-key=status]")).to_contain_text("已签署")
