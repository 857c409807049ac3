"""A partner user uploads its sales file and sees only its own company's data (issue: data sharing)."""

import pytest
from playwright.sync_api import expect

HEADER = "外部编号,日期,产品,客户,数量,金额,币种\n"


@pytest.fixture
def other_partners_sales(manager, partner_b):
    from allies.sharing import sales

    rows = [{"external_id": f"B-{i}", "date": "2026-10-0%d" % (i + 1), "product": "乙方专属产品", "quantity": 1,
             "amount": 500000, "currency": "CNY"} for i in range(3)]
    sales.sales_rows_write(actor=manager, partner=partner_b, rows=rows)


def test_partner_uploads_a_file_and_sees_only_its_own_sales(page, live_server, login, tmp_path, partner_user,
                                                             other_partner_user, partner_a, partner_b, manager,
                                                             other_partners_sales, snap):
    from allies.sharing.models import SalesImport, SalesRecord

    good = tmp_path / "sales.csv"
    good.write_text(HEADER + "A-1,2026-11-02,甲方云服务,客户甲,3,1200.50,CNY\n"
                             "A-2,2026-11-03,甲方云服务,客户乙,1,99.00,CNY\n", encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A-3,2026-11-04,甲方云服务,客户丙,-2,10.00,CNY\n"
                            "A-4,2026-02-30,甲方云服务,客户丁,1,10.00,CNY\n", encoding="utf-8")

    login(partner_user)
    page.goto(live_server.url + "/sales/upload/")
    expect(page.locator("main")).to_contain_text("伙伴A")
    page.set_input_files("#upload-form input[type=file]", str(bad))
    page.locator("#upload-form button[type=submit]").click()
    errors = page.locator("#upload-errors")
    expect(errors).to_contain_text("-2")
    expect(errors).to_contain_text("2026-02-30")
    assert SalesRecord.objects.filter(partner=partner_a).count() == 0  # all or nothing
    snap("sales-upload-errors")

    page.goto(live_server.url + "/sales/upload/")
    page.set_input_files("#upload-form input[type=file]", str(good))
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#upload-status")).to_have_text("成功")
    expect(page.locator("#upload-counts")).to_contain_text("新增 2 行")
    assert SalesRecord.objects.filter(partner=partner_a).count() == 2

    page.goto(live_server.url + "/portal/")
    table = page.locator("#portal-sales")
    expect(table).to_contain_text("甲方云服务")
    expect(table).not_to_contain_text("乙方专属产品")
    expect(page.locator("body")).not_to_contain_text("伙伴B")
    snap("portal-with-sales")

    # another partner's upload is a 404, like a page that does not exist
    other = SalesImport.objects.filter(partner=partner_b).first()
    response = page.goto(live_server.url + f"/sales/uploads/{other.pk}/")
    assert response.status == 404
    page.goto(live_server.url + "/sales/uploads/")
    expect(page.locator("main")).not_to_contain_text("伙伴B")
