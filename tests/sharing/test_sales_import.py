"""Sales file imports through the background task (immediate backend): good files in every format and
encoding, and every kind of bad input refused as a whole with a report of each bad row."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allies.core.errors import DomainError
from allies.sharing import sales
from allies.sharing.models import SalesImport, SalesRecord
from .conftest import EN_HEADER, HEADER, csv_bytes, json_bytes, sale, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(actor, partner, data: bytes, filename: str) -> SalesImport:
    return sales.sales_upload_create(actor=actor, partner=partner,
                                     upload=SimpleUploadedFile(filename, data, content_type="application/octet-stream"))


def problems(sales_import) -> set[tuple[int, str, str]]:
    return {(e["row"], e["column"], e["value"]) for e in sales_import.errors}


GOOD_ROWS = [HEADER, sale("A-1"), sale("A-2", day="2026-02-03", product="扫地机", quantity="1.5", amount="2999",
                                     cost="", currency="", channel="")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_is_imported(manager, partner_a, counts, encoding):
    # given a CSV with Chinese headers and text, saved in this encoding
    data = csv_bytes(GOOD_ROWS, encoding=encoding)

    # when it is uploaded
    imp = upload(manager, partner_a, data, "销售.csv")

    # then both rows are in, money in fen, defaults filled, and the upload says so
    assert (imp.status, imp.created_count, imp.updated_count, imp.error_count) == ("succeeded", 2, 0, 0)
    assert (imp.total_rows, imp.processed_rows) == (2, 2)
    first = SalesRecord.objects.get(partner=partner_a, external_id="A-1")
    assert (first.date, first.product, first.customer, first.quantity) == (date(2026, 1, 15), "智能音箱", "华东客户",
                                                                          Decimal(2))
    assert (first.amount, first.cost, first.currency, first.channel, first.batch_id) == (19900, 12050, "CNY", "线上",
                                                                                        imp.pk)
    second = SalesRecord.objects.get(partner=partner_a, external_id="A-2")
    assert (second.quantity, second.amount, second.cost, second.currency) == (Decimal("1.5"), 299900, 0, "CNY")
    assert counts()["rollup_rows"] == 2


def test_semicolon_csv_english_headers_and_loose_dates(manager, partner_a):
    rows = [EN_HEADER, sale("E-1", day="2026/3/5", amount="10.5"), sale("E-2", day="2026年3月6日", amount="0.05")]
    imp = upload(manager, partner_a, csv_bytes(rows, delimiter=";"), "sales.csv")
    assert imp.status == "succeeded", imp.errors
    assert sorted(SalesRecord.objects.values_list("date", "amount")) == [(date(2026, 3, 5), 1050),
                                                                         (date(2026, 3, 6), 5)]


def test_full_width_digits_are_read_as_numbers(manager, partner_a):
    rows = [HEADER, sale("F-1", day="２０２６-０３-０５", quantity="１２", amount="１２３．４５")]
    imp = upload(manager, partner_a, csv_bytes(rows, encoding="gb18030"), "full.csv")
    assert imp.status == "succeeded", imp.errors
    assert SalesRecord.objects.values_list("date", "quantity", "amount").get() == (date(2026, 3, 5), 12, 12345)


def test_other_scripts_digits_are_not_numbers(manager, partner_a):
    imp = upload(manager, partner_a, csv_bytes([HEADER, sale("F-1", quantity="٣", amount="٣.٠٠", day=" ")]), "x.csv")
    assert imp.status == "failed"
    assert {(e["column"], e["reason"]) for e in imp.errors} == {
        ("数量", "数量不是有效的数字。"), ("日期", "必填，不能为空。"),
        ("金额", "不是有效的金额：请写成数字（如 123.45），不要带货币符号或千位分隔符。")}


def test_xlsx_with_real_dates_and_numbers(manager, partner_a):
    from datetime import datetime

    rows = [HEADER, ["X-1", datetime(2026, 4, 30), "路由器", None, 3, 1234.5, 1000, "USD", "分销"]]
    imp = upload(manager, partner_a, xlsx_bytes(rows), "sales.xlsx")
    assert imp.status == "succeeded", imp.errors
    row = SalesRecord.objects.get(external_id="X-1")
    assert (row.date, row.quantity, row.amount, row.cost, row.currency) == (date(2026, 4, 30), 3, 123450, 100000,
                                                                            "USD")


def test_json_file_is_shaped_like_the_api_body_with_minor_units(manager, partner_a):
    body = {"rows": [{"external_id": "J-1", "date": "2026-05-01", "product": "耳机", "quantity": 2, "amount": 39800,
                      "currency": "JPY"}]}
    imp = upload(manager, partner_a, json_bytes(body), "sales.json")
    assert imp.status == "succeeded", imp.errors
    assert SalesRecord.objects.values_list("amount", "cost", "currency").get() == (39800, 0, "JPY")


# --------------------------------------------------------------------------- bad input: nothing written


@pytest.fixture
def existing(manager, partner_a, counts):
    """One good row already imported, so "nothing written" also means "nothing changed"."""
    upload(manager, partner_a, csv_bytes([HEADER, sale("OLD-1")]), "old.csv")
    return counts()


def refused(manager, partner_a, data, filename, counts, existing) -> SalesImport:
    imp = upload(manager, partner_a, data, filename)
    assert imp.status == "failed"
    assert counts() == existing
    assert SalesRecord.objects.get(external_id="OLD-1").amount == 19900
    return imp


def test_negative_quantity_impossible_date_and_formula_cells_are_each_reported(manager, partner_a, counts, existing):
    rows = [HEADER,
            sale("B-1", quantity="-3"),
            sale("B-2", day="2026-02-30"),
            sale("B-3", product="=HYPERLINK(\"http://evil\")"),
            sale("B-4", customer="+cmd|' /C calc'!A0"),
            sale("B-5", channel="@SUM(1)"),
            sale("-B-6"),
            sale("B-7", amount="12.345"),
            sale("B-8", amount="-5"),
            sale("B-9", quantity="0"),
            sale("OLD-1", amount="1.00")]  # a good row: not written either
    imp = refused(manager, partner_a, csv_bytes(rows), "bad.csv", counts, existing)
    assert problems(imp) == {(2, "数量", "-3"), (3, "日期", "2026-02-30"), (4, "产品", "=HYPERLINK(\"http://evil\")"),
                             (5, "客户", "+cmd|' /C calc'!A0"), (6, "渠道", "@SUM(1)"), (7, "外部编号", "-B-6"),
                             (8, "金额", "12.345"), (9, "金额", "-5"), (10, "数量", "0")}
    assert imp.error_count == 9
    reasons = {e["row"]: e["reason"] for e in imp.errors}
    assert "大于 0" in reasons[2] and "不存在" in reasons[3] and "公式" in reasons[4] and "2 位小数" in reasons[8]
    assert "导入未完成" in imp.message and "9" in imp.message


def test_mixed_currencies_are_refused(manager, partner_a, counts, existing):
    rows = [HEADER, sale("C-1", currency="CNY"), sale("C-2", currency="USD"), sale("C-3", currency="XYZ")]
    imp = refused(manager, partner_a, csv_bytes(rows), "mixed.csv", counts, existing)
    assert problems(imp) == {(3, "币种", "USD"), (4, "币种", "XYZ")}


def test_wrong_columns_are_named(manager, partner_a, counts, existing):
    rows = [["外部编号", "日期", "产品名", "数量", "数量", "金额"], ["W-1", "2026-01-01", "x", "1", "1", "1"]]
    imp = refused(manager, partner_a, csv_bytes(rows), "cols.csv", counts, existing)
    assert problems(imp) == {(1, "产品名", "产品名"), (1, "数量", "数量"), (1, "", "")}
    assert any("缺少必填列：产品" in e["reason"] for e in imp.errors)


def test_duplicate_external_ids_in_one_file_are_refused(manager, partner_a, counts, existing):
    imp = refused(manager, partner_a, csv_bytes([HEADER, sale("D-1"), sale("D-2"), sale("D-1")]), "dup.csv",
                  counts, existing)
    assert problems(imp) == {(4, "外部编号", "D-1")}
    assert "第 2 行" in imp.errors[0]["reason"]


def test_wrong_encoding_is_refused(manager, partner_a, counts, existing):
    data = "\n".join([",".join(HEADER), ",".join(sale("U-1"))]).encode("utf-16")
    imp = refused(manager, partner_a, data, "utf16.csv", counts, existing)
    assert "编码" in imp.message


def test_utf16_without_bom_is_refused_too(manager, partner_a, counts, existing):
    data = "\n".join([",".join(EN_HEADER), ",".join(sale("U-1", product="x", customer="y", channel="z"))])
    imp = refused(manager, partner_a, data.encode("utf-16-le"), "utf16.csv", counts, existing)
    assert "编码" in imp.message


def test_broken_xlsx_and_json_are_refused(manager, partner_a, counts, existing):
    assert "Excel" in refused(manager, partner_a, b"PK\x03\x04 not really", "x.xlsx", counts, existing).message
    assert "JSON" in refused(manager, partner_a, b"{\"rows\": [", "x.json", counts, existing).message


def test_json_rows_with_unknown_fields_or_major_units_are_reported(manager, partner_a, counts, existing):
    body = [{"external_id": "J-1", "date": "2026-05-01", "product": "耳机", "quantity": 2, "amount": 398.5},
            {"external_id": "J-2", "date": "2026-05-01", "product": "耳机", "quantity": 2, "amount": 1, "price": 3}]
    imp = refused(manager, partner_a, json_bytes(body), "rows.json", counts, existing)
    assert problems(imp) == {(1, "amount", "398.5"), (2, "price", "3")}


def test_more_rows_than_the_cap_are_refused(manager, partner_a, counts, existing, settings):
    settings.ALLIES_SALES_MAX_ROWS = 3
    rows = [HEADER] + [sale(f"M-{i}") for i in range(4)]
    imp = refused(manager, partner_a, csv_bytes(rows), "many.csv", counts, existing)
    assert "3 行" in imp.message


def test_empty_file_and_header_only_file_are_refused(manager, partner_a, counts, existing):
    assert "空" in refused(manager, partner_a, b"  \n", "empty.csv", counts, existing).message
    imp = refused(manager, partner_a, csv_bytes([HEADER]), "header.csv", counts, existing)
    assert imp.errors[0]["reason"] == "文件没有数据行。"


def test_a_file_over_the_size_cap_is_refused_before_it_is_kept(manager, partner_a, counts, existing, settings,
                                                                 tmp_path):
    settings.ALLIES_SALES_UPLOAD_MAX_BYTES = 100
    data = csv_bytes([HEADER] + [sale(f"S-{i}") for i in range(5)])
    with pytest.raises(DomainError) as caught:
        upload(manager, partner_a, data, "big.csv")
    assert caught.value.status == 413 and "上限" in caught.value.message
    assert counts() == existing and SalesImport.objects.count() == 1


def test_error_list_is_capped_but_counts_every_bad_row(manager, partner_a, counts, existing, monkeypatch):
    monkeypatch.setattr("allies.sharing.sales_import.MAX_REPORTED_ERRORS", 5)
    rows = [HEADER] + [sale(f"N-{i}", quantity="-1") for i in range(12)]
    imp = refused(manager, partner_a, csv_bytes(rows), "neg.csv", counts, existing)
    assert (len(imp.errors), imp.error_count) == (5, 12)


def test_partner_column_must_name_the_target_partner(manager, partner_a, partner_b, counts, existing):
    rows = [HEADER + ["伙伴"], sale("P-1") + [partner_a.name], sale("P-2") + [partner_b.name]]
    imp = refused(manager, partner_a, csv_bytes(rows), "p.csv", counts, existing)
    assert problems(imp) == {(3, "伙伴", partner_b.name)}


def test_a_task_delivered_twice_imports_once(manager, partner_a):
    imp = upload(manager, partner_a, csv_bytes([HEADER, sale("T-1")]), "once.csv")
    again = sales.sales_import_run(import_id=imp.pk, language="zh-hans")
    assert again["status"] == "skipped"
    assert SalesImport.objects.get(pk=imp.pk).created_count == 1


def test_progress_is_saved_while_the_file_is_checked(manager, partner_a, monkeypatch):
    # given progress reported every 10 rows and saved every time
    monkeypatch.setattr("allies.sharing.sales_import.PROGRESS_EVERY", 10)
    monkeypatch.setattr("allies.sharing.sales.PROGRESS_INTERVAL", 0)
    imp = SalesImport.objects.create(partner=partner_a, uploaded_by=manager, filename="p.csv")
    seen = []

    def watch(done, total):
        seen.append((done, SalesImport.objects.get(pk=imp.pk).processed_rows,
                     SalesImport.objects.get(pk=imp.pk).status))

    # when 35 rows are imported
    sales.sales_import_process(imp, csv_bytes([HEADER] + [sale(f"G-{i}") for i in range(35)]), on_progress=watch)

    # then the saved count followed the work, while the import was running
    assert seen == [(10, 10, "running"), (20, 20, "running"), (30, 30, "running"), (35, 35, "running")]
    imp.refresh_from_db()
    assert (imp.status, imp.processed_rows, imp.total_rows, imp.created_count) == ("succeeded", 35, 35, 35)
