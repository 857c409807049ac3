"""Real spreadsheet bytes for the import tests."""

import csv
import io

from openpyxl import Workbook

# Valid unified social credit codes (check characters verified in tests/core/test_identifiers.py).
USCC_1 = "91350100M000100Y43"
USCC_2 = "91110000600037341L"
USCC_3 = "91310000MA1FL0000N"
BAD_CHECK_DIGIT = "91350100M000100Y44"

ZH_HEADER = ["名称", "统一社会信用代码", "行业", "地区", "规模", "网站", "寻找渠道", "提供的资源", "合作阶段", "备注"]
EN_HEADER = ["name", "uscc", "industry", "region", "size", "website", "source_channel", "resources", "stage", "notes"]


def xlsx_bytes(rows, title="Sheet1") -> bytes:
    """An .xlsx whose first sheet holds ``rows`` from A1 (None = empty cell; [] = blank row)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)
