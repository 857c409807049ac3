"""Helpers shared by the joint-customer tests (account lists, overlap, registrations); no tests here."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from openpyxl import Workbook

from allies.sharing import accounts
from allies.sharing.models import SharingGrant

USCC_SPARK = "91350100M000100Y43"
USCC_OTHER = "91110000600037341L"
USCC_THIRD = "91310000MA1FL0000N"
BAD_USCC = "91350100M000100Y44"

# Partner A's customers, and partner B's: two are the same companies spelt differently,
# the rest only one side has. B's spellings must never reach partner A.
A_ROWS = [["公司名称", "统一社会信用代码", "网站"],
          ["星火科技有限公司", USCC_SPARK, ""],
          ["青云数据有限公司", "", "https://www.qingyun.example.com/about"],
          ["甲方独有客户有限公司", "", ""]]
B_ROWS = [["name", "uscc", "website"],
          ["星火科技（集团）股份有限公司乙方写法", USCC_SPARK, ""],
          ["青云数据乙方写法", "", "QINGYUN.EXAMPLE.COM"],
          ["乙方秘密客户有限公司", USCC_OTHER, "secret-b.example.com"]]
B_SECRETS = ["乙方写法", "乙方秘密客户", USCC_OTHER, "secret-b.example.com"]
OUR_ROWS = [["公司名称", "网站"], ["青云数据", "qingyun.example.com"], ["我方独有客户", ""]]


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows, name="客户.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, encoding), content_type="text/csv")


def request_as(user, *, api=True):
    """A request as an endpoint sees it (for the access log)."""
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
    request.user = user
    if api:
        request.auth = user
    return request


def upload(user, rows, filename="客户.csv"):
    return accounts.account_list_upload(actor=user, data=csv_bytes(rows), filename=filename)


def grant(grantor, grantee, level):
    SharingGrant.objects.update_or_create(grantor=grantor, grantee=grantee, defaults={"level": level})


def body_text(response) -> str:
    return response.content.decode()
