"""Reading and writing spreadsheets: encodings, delimiters, row numbers, numbers, formula injection."""

import csv
import datetime
import io
import os

import pytest
from openpyxl import Workbook, load_workbook

from allies.core import tabular
from allies.core.tabular import TableError, read_table


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CHINESE = "名称,行业,备注\r\n华为技术有限公司,通信设备,深圳·龙岗\r\n阿里巴巴（中国）有限公司,电子商务,杭州\r\n"


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig"])
def test_chinese_csv_in_every_encoding(encoding):
    table = read_table(CHINESE.encode(encoding), "伙伴.csv")
    assert table.header == ["名称", "行业", "备注"]
    assert table.rows == [["华为技术有限公司", "通信设备", "深圳·龙岗"], ["阿里巴巴（中国）有限公司", "电子商务", "杭州"]]
    assert table.numbers == [2, 3]


def test_gbk_bytes_are_not_mistaken_for_utf8():
    data = "名称\r\n测试\r\n".encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert tabular.decode_csv(data) == "名称\r\n测试\r\n"


def test_bom_is_not_part_of_the_first_header():
    table = read_table(b"\xef\xbb\xbfname,stage\r\nA,prospect\r\n", "a.csv")
    assert table.header == ["name", "stage"]
    assert table.header[0].encode() == b"name"


def test_undecodable_csv():
    with pytest.raises(TableError) as caught:
        read_table(b"name\n\xff\xfe\x80\n", "a.csv")
    assert caught.value.code == "encoding"
    assert caught.value.details == {"tried": ["utf-8-sig", "gb18030"]}


# --------------------------------------------------------------------------- delimiters and quoting


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter):
    text = delimiter.join(["名称", "行业", "地区"]) + "\n" + delimiter.join(["甲", "制造", "上海"]) + "\n"
    table = read_table(text.encode("utf-8"), "a.csv")
    assert table.header == ["名称", "行业", "地区"]
    assert table.rows == [["甲", "制造", "上海"]]


def test_semicolon_file_with_quoted_semicolons():
    data = '名称;提供的资源\r\n甲公司;"技术;渠道;品牌"\r\n'.encode("gb18030")
    table = read_table(data, "a.csv")
    assert table.rows == [["甲公司", "技术;渠道;品牌"]]


def test_comma_file_whose_cells_contain_semicolons():
    table = read_table("名称,备注\n甲,a;b;c\n乙,d;e\n".encode(), "a.csv")
    assert table.header == ["名称", "备注"]
    assert table.rows == [["甲", "a;b;c"], ["乙", "d;e"]]


def test_tab_file_whose_cells_contain_commas():
    table = read_table("name\tresources\nA\ttechnology,channel\n".encode(), "a.tsv.csv")
    assert table.rows == [["A", "technology,channel"]]


def test_doubled_quotes_far_down_a_long_file():
    """Quoting is the standard Excel dialect everywhere, not guessed from the first few KB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "notes"])
    for i in range(400):
        writer.writerow([f"P{i}", f"plain text {i}"])
    writer.writerow(["Z", 'he said "hi", then left'])
    table = read_table(buffer.getvalue().encode(), "long.csv")
    assert table.rows[-1] == ["Z", 'he said "hi", then left']
    assert table.row_number(len(table.rows) - 1) == 402


def test_quoted_multiline_cell_counts_as_one_row():
    table = read_table('name,notes\r\nA,"line 1\nline 2"\r\nB,x\r\n'.encode(), "a.csv")
    assert table.rows == [["A", "line 1\nline 2"], ["B", "x"]]
    assert table.numbers == [2, 3]


def test_single_column_csv():
    table = read_table("名称\n甲\n乙\n".encode(), "a.csv")
    assert table.header == ["名称"]
    assert table.rows == [["甲"], ["乙"]]


# --------------------------------------------------------------------------- shape and row numbers


def test_blank_lines_keep_spreadsheet_row_numbers_csv():
    table = read_table(b"\r\nname\r\nA\r\n\r\n,,\r\nB\r\n", "a.csv")
    assert table.header == ["name"]
    assert table.rows == [["A"], ["B"]]
    assert table.numbers == [3, 6]
    assert [table.row_number(i) for i in range(2)] == [3, 6]


def test_blank_rows_keep_spreadsheet_row_numbers_xlsx():
    table = read_table(xlsx([["name", "score"], ["A", 1], [], [], ["B", 2]]), "a.xlsx")
    assert table.rows == [["A", "1"], ["B", "2"]]
    assert table.numbers == [2, 5]


def test_short_rows_are_padded_and_trailing_empty_headers_dropped():
    table = read_table("name,stage,,\nA\nB,pilot,,\n".encode(), "a.csv")
    assert table.header == ["name", "stage"]
    assert table.rows == [["A", ""], ["B", "pilot"]]


def test_cells_and_headers_are_stripped():
    table = read_table(" name , stage \n  A  , pilot \n".encode(), "a.csv")
    assert table.header == ["name", "stage"]
    assert table.rows == [["A", "pilot"]]


# --------------------------------------------------------------------------- xlsx values


def test_xlsx_numbers_read_as_people_write_them():
    when = datetime.datetime(2024, 5, 1, 9, 30)
    table = read_table(xlsx([["name", "a", "b", "c", "d", "e"], ["A", 8.0, 7.5, 9, 0.0, when]]), "a.xlsx")
    assert table.rows == [["A", "8", "7.5", "9", "0", "2024-05-01 09:30:00"]]


def test_xlsx_reads_the_first_sheet_only():
    workbook = Workbook()
    workbook.active.append(["name"])
    workbook.active.append(["first"])
    other = workbook.create_sheet("other")
    other.append(["name"])
    other.append(["second"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(buffer.getvalue(), "a.XLSX").rows == [["first"]]


# --------------------------------------------------------------------------- unreadable input


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"name\nA\n", "a.txt", "file_type"),
        (b"name\nA\n", "a.xls", "file_type"),
        (b"name\nA\n", "noext", "file_type"),
        (b"", "a.csv", "empty"),
        (b"\r\n \r\n", "a.csv", "empty"),
        (b",,,\r\n,,\r\n", "a.csv", "empty"),
        (os.urandom(1024) + b"x", "a.xlsx", "unreadable"),
    ],
)
def test_unreadable(data, filename, code):
    with pytest.raises(TableError) as caught:
        read_table(data, filename)
    assert caught.value.code == code
    if code != "file_type":
        assert caught.value.details["filename"] == filename


def test_empty_workbook():
    with pytest.raises(TableError) as caught:
        read_table(xlsx([]), "a.xlsx")
    assert caught.value.code == "empty"


# --------------------------------------------------------------------------- writing


DANGEROUS = ["=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(1)", "\t=1", "\r=1"]


def test_safe_cell():
    for value in DANGEROUS:
        assert tabular.safe_cell(value) == "'" + value
    assert tabular.safe_cell("华为") == "华为"
    assert tabular.safe_cell("a=b") == "a=b"
    assert tabular.safe_cell(-1) == -1  # numbers are not text and cannot be formulas
    assert tabular.safe_cell(None) is None


def test_unsafe_cell_undoes_safe_cell():
    for value in DANGEROUS + ["华为", "'quoted'", "'", ""]:
        assert tabular.unsafe_cell(str(tabular.safe_cell(value))) == value
    assert tabular.unsafe_cell("'abc") == "'abc"


def test_write_csv_has_bom_and_neutralises_formulas():
    data = tabular.write_csv(["名称", "分数"], [["=cmd|' /C calc'!A0", 8.5], ["华为", None], ["@SUM(1)", -3]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["名称", "分数"], ["'=cmd|' /C calc'!A0", "8.5"], ["华为", ""], ["'@SUM(1)", "-3"]]


def test_write_xlsx_neutralises_formulas_and_reads_back():
    data = tabular.write_xlsx(["名称", "分数"], [["+1", 8.5], ["=1+1", None]], sheet_title="x" * 40)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "x" * 31
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["名称", "分数"], ["'+1", 8.5], ["'=1+1", None]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    table = read_table(data, "back.xlsx")
    assert table.rows == [["'+1", "8.5"], ["'=1+1", ""]]


def test_csv_written_then_read_is_the_same_table():
    header = ["名称", "备注"]
    rows = [["甲", 'a "quoted", text'], ["乙", "line 1\nline 2"], ["丙", ""]]
    table = read_table(tabular.write_csv(header, rows), "x.csv")
    assert table.header == header
    assert table.rows == rows
    assert table.numbers == [2, 3, 4]
