"""`allies import sales FILE --partner NAME` with real files: exit codes, messages, every bad row listed."""

import pytest
from typer.testing import CliRunner

from allies.cli.main import app
from allies.sharing.models import SalesImport, SalesRecord
from .conftest import HEADER, csv_bytes, sale, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(app, ["import", "sales", *map(str, args)])


def test_imports_a_file_then_updates_it(tmp_path, partner_a, assert_rollup_fresh):
    path = tmp_path / "销售.csv"
    path.write_bytes(csv_bytes([HEADER, sale("C-1"), sale("C-2", amount="5.5")], encoding="gb18030"))

    first = run(path, "--partner", partner_a.name)
    assert first.exit_code == 0, first.output
    assert "新增 2 行，更新 0 行" in first.stdout

    path.write_bytes(csv_bytes([HEADER, sale("C-2", amount="6"), sale("C-3")]))
    second = run(path, "--partner", partner_a.name)
    assert second.exit_code == 0 and "新增 1 行，更新 1 行" in second.stdout
    assert sorted(SalesRecord.objects.values_list("external_id", "amount")) == [("C-1", 19900), ("C-2", 600),
                                                                                ("C-3", 19900)]
    assert list(SalesImport.objects.values_list("status", flat=True)) == ["succeeded", "succeeded"]
    assert_rollup_fresh()


def test_bad_rows_are_all_listed_with_exit_code_2(tmp_path, partner_a):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, sale("E-1", quantity="-2"), sale("E-2"), sale("E-3", day="2026-02-30"),
                                 sale("E-4", currency="USD")]))

    result = run(path, "--partner", partner_a.name)

    assert result.exit_code == 2
    assert "发现 3 处错误，未写入任何数据" in result.stderr
    assert "第 2 行 [数量] “-2”" in result.stderr
    assert "第 4 行 [日期] “2026-02-30”" in result.stderr
    assert "第 5 行 [币种] “USD”" in result.stderr
    assert SalesRecord.objects.count() == 0
    assert SalesImport.objects.get().status == "failed"


def test_every_bad_row_is_printed_even_beyond_the_report_cap(tmp_path, partner_a, monkeypatch):
    monkeypatch.setattr("allies.sharing.sales_import.MAX_REPORTED_ERRORS", 3)
    path = tmp_path / "many.csv"
    path.write_bytes(csv_bytes([HEADER] + [sale(f"N-{i}", quantity="0") for i in range(8)]))
    result = run(path, "--partner", partner_a.name)
    assert result.exit_code == 2
    assert sum("[数量]" in line for line in result.stderr.splitlines()) == 8
    assert SalesImport.objects.get().error_count == 8


def test_english_messages(tmp_path, partner_a):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([HEADER, sale("E-1", quantity="-2")]))
    result = run(path, "--partner", partner_a.name, "--lang", "en")
    assert result.exit_code == 2
    assert "Row 2" in result.stderr or "row 2" in result.stderr


@pytest.mark.parametrize(("name", "partner", "expected"), [
    ("missing.csv", "伙伴A", "missing.csv"),
    ("sales.csv", "没有这个伙伴", "没有这个伙伴"),
    ("sales.txt", "伙伴A", ".csv"),
])
def test_usage_problems_exit_2_and_write_nothing(tmp_path, partner_a, name, partner, expected):
    if name != "missing.csv":
        (tmp_path / name).write_bytes(csv_bytes([HEADER, sale("U-1")]))
    result = run(tmp_path / name, "--partner", partner)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert SalesRecord.objects.count() == 0 and SalesImport.objects.count() == 0


def test_file_over_the_size_cap(tmp_path, partner_a, settings):
    settings.ALLIES_SALES_UPLOAD_MAX_BYTES = 10
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes([HEADER, sale("B-1")]))
    result = run(path, "--partner", partner_a.name)
    assert result.exit_code == 2 and "上限" in result.stderr
    assert SalesRecord.objects.count() == 0
