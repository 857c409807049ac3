"""Customer lists (客户名单): uploads through the service, the API and the web, with real files and a real database."""

import pytest
from django.test import override_settings
from django.urls import reverse

from allies.core.errors import DomainError, ErrorCode
from allies.domain import matching
from allies.sharing import accounts
from allies.sharing.models import AccessLog, Account, AccountList

from .test_accounts_support import (
    A_ROWS,
    B_ROWS,
    BAD_USCC,
    USCC_SPARK,
    csv_bytes,
    csv_file,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def stored(account_list) -> list[tuple]:
    return list(Account.objects.filter(account_list=account_list).order_by("pk").values_list(
        "display_name", "name_hash", "uscc_hash", "domain_hash", "partner_id"))


def upload_error(user, data: bytes, filename="客户.csv") -> DomainError:
    with pytest.raises(DomainError) as caught:
        accounts.account_list_upload(actor=user, data=data, filename=filename)
    return caught.value


# --------------------------------------------------------------------------- good files


@pytest.mark.parametrize(("fmt", "filename"), [("csv-bom", "客户.csv"), ("csv-gbk", "客户.csv"),
                                               ("csv-utf8", "客户.csv"), ("xlsx", "客户.xlsx")])
def test_partner_upload_stores_hashes_and_its_own_names(partner_user, partner_a, fmt, filename):
    data = {"csv-bom": lambda: csv_bytes(A_ROWS), "csv-gbk": lambda: csv_bytes(A_ROWS, "gb18030"),
            "csv-utf8": lambda: csv_bytes(A_ROWS, "utf-8"), "xlsx": lambda: xlsx_bytes(A_ROWS)}[fmt]()

    result = accounts.account_list_upload(actor=partner_user, data=data, filename=filename)

    account_list = AccountList.objects.get()
    assert result.account_list == account_list and result.duplicates == 0
    assert (account_list.partner, account_list.uploaded_by, account_list.filename, account_list.account_count) == (
        partner_a, partner_user, filename, 3)
    key = accounts.matching_key()
    spark = matching.account_hashes(key, matching.Identifiers(name="星火科技", uscc=USCC_SPARK))
    qingyun = matching.account_hashes(key, matching.Identifiers(name="青云数据", domain="qingyun.example.com"))
    assert stored(account_list) == [
        ("星火科技有限公司", *spark, partner_a.pk),
        ("青云数据有限公司", *qingyun, partner_a.pk),
        ("甲方独有客户有限公司", matching.identifier_hash(key, "name", "甲方独有客户"), "", "", partner_a.pk),
    ]


def test_only_hashes_of_codes_and_domains_are_stored(partner_user):
    upload(partner_user, A_ROWS)
    every_value = " ".join(str(v) for row in Account.objects.values_list() for v in row)
    assert "星火科技有限公司" in every_value  # the uploader's own display name
    assert USCC_SPARK not in every_value
    assert "qingyun" not in every_value


def test_a_new_upload_replaces_the_previous_list(partner_user, other_partner_user):
    upload(other_partner_user, B_ROWS)
    first = upload(partner_user, A_ROWS).account_list
    second = upload(partner_user, [["name"], ["新客户"], ["新客户"]], filename="新.csv")
    assert second.duplicates == 1
    assert not AccountList.objects.filter(pk=first.pk).exists()
    assert list(Account.objects.filter(partner=partner_user.partner).values_list("display_name", flat=True)) == [
        "新客户"]
    assert AccountList.objects.filter(partner=partner_user.partner).get().account_count == 1
    # the other partner's list is untouched
    assert Account.objects.filter(partner=other_partner_user.partner).count() == 3


def test_staff_upload_our_own_list_and_viewers_cannot(manager, viewer, partner_user):
    upload(partner_user, A_ROWS)
    ours = upload(manager, [["客户名称"], ["我方客户"]]).account_list
    assert ours.partner is None
    assert stored(ours)[0][0] == "我方客户" and stored(ours)[0][4] is None
    error = upload_error(viewer, csv_bytes([["name"], ["x"]]))
    assert error.code == ErrorCode.PERMISSION_DENIED
    assert AccountList.objects.count() == 2


# --------------------------------------------------------------------------- bad files


def test_every_bad_row_is_reported_and_nothing_is_written(partner_user):
    previous = upload(partner_user, A_ROWS).account_list
    rows = [["公司名称", "统一社会信用代码", "网站"],
            ["好公司", "", ""],
            ["坏代码公司", BAD_USCC, ""],
            ["", "", ""],
            ["坏网站公司", "", "not a domain"],
            ["", "12345", "http://10.0.0.1/"],
            ["长" * 201, "", ""]]
    rows.insert(4, ["", "", "x.example.com"])  # a row with a domain only is fine

    error = upload_error(partner_user, csv_bytes(rows))

    assert error.code == ErrorCode.IMPORT_INVALID
    cells = {(e["row"], e["column"], e["value"]) for e in error.details["errors"]}
    assert cells == {(3, "统一社会信用代码", BAD_USCC), (6, "网站", "not a domain"), (7, "统一社会信用代码", "12345"),
                     (7, "网站", "http://10.0.0.1/"), (8, "公司名称", "长" * 40 + "…")}
    assert error.details["error_count"] == 5
    assert all(e["reason"] for e in error.details["errors"])
    # a fully blank line is skipped like in any spreadsheet, so row 4 is not reported
    assert AccountList.objects.get() == previous
    assert Account.objects.count() == 3


def test_a_row_without_any_identifier_is_reported(partner_user):
    error = upload_error(partner_user, csv_bytes([["公司名称", "网站"], ["有名字", ""], ["，。", ""]]))
    assert [(e["row"], e["column"]) for e in error.details["errors"]] == [(3, "公司名称")]
    assert "至少填写一项" in error.details["errors"][0]["reason"]
    assert not AccountList.objects.exists()


@pytest.mark.parametrize(("rows", "expected"), [
    ([["公司名称", "电话"], ["甲", "123"]], [(1, "电话")]),
    ([["公司名称", "name"], ["甲", "乙"]], [(1, "name")]),
    ([["联系人"], ["张三"]], [(1, ""), (1, "联系人")]),
    ([["公司名称"]], [(2, "")]),
])
def test_bad_headers_are_reported(partner_user, rows, expected):
    error = upload_error(partner_user, csv_bytes(rows))
    assert sorted((e["row"], e["column"]) for e in error.details["errors"]) == expected
    assert not AccountList.objects.exists()


@pytest.mark.parametrize(("data", "filename", "code"), [
    (b"\xff\xfe\x00garbage", "客户.xlsx", "unreadable"),
    (b"name\nx\n", "客户.txt", "file_type"),
    (b"   ", "客户.csv", "empty"),
])
def test_unreadable_files_are_refused(partner_user, data, filename, code):
    error = upload_error(partner_user, data, filename)
    assert error.code == ErrorCode.FILE_UNREADABLE
    assert error.details["code"] == code
    assert not AccountList.objects.exists()


# --------------------------------------------------------------------------- the matching key


def test_key_comes_from_the_setting_or_from_secret_key():
    with override_settings(ALLIES_MATCHING_KEY="a-long-dedicated-matching-key"):
        assert accounts.matching_key() == b"a-long-dedicated-matching-key"
    with override_settings(ALLIES_MATCHING_KEY="", SECRET_KEY="s" * 50):
        derived = accounts.matching_key()
    with override_settings(ALLIES_MATCHING_KEY="", SECRET_KEY="t" * 50):
        rotated = accounts.matching_key()
    assert len(derived) == 32 and derived != rotated
    assert b"s" * 50 not in derived


# --------------------------------------------------------------------------- API


def test_api_upload_list_and_read_own_accounts(client_for, partner_user, other_partner_user):
    upload(other_partner_user, B_ROWS)
    client = client_for(partner_user)

    response = client.post("/api/v1/account-lists", {"file": csv_file(A_ROWS)})

    assert response.status_code == 200, response.content
    body = response.json()
    own = AccountList.objects.get(partner=partner_user.partner)
    assert (body["id"], body["partner_id"], body["account_count"], body["duplicates"]) == (
        own.pk, partner_user.partner_id, 3, 0)
    listing = client.get("/api/v1/account-lists").json()
    assert [item["id"] for item in listing["items"]] == [own.pk] and listing["count"] == 1
    names = client.get(f"/api/v1/account-lists/{own.pk}/accounts?q=青云").json()
    assert names == {"count": 1, "items": [{"id": names["items"][0]["id"], "name": "青云数据有限公司"}]}
    logged = list(AccessLog.objects.order_by("pk").values_list("action", "resource", "rows", "partner_id"))
    assert logged == [("write", "account_list", 3, partner_user.partner_id),
                      ("read", "account_list", 1, partner_user.partner_id),
                      ("read", "account_list", 1, partner_user.partner_id)]


def test_api_other_partners_list_is_404_and_reveals_nothing(client_for, partner_user, other_partner_user):
    theirs = upload(other_partner_user, B_ROWS).account_list
    client = client_for(partner_user)
    for url in (f"/api/v1/account-lists/{theirs.pk}", f"/api/v1/account-lists/{theirs.pk}/accounts"):
        response = client.get(url)
        assert response.status_code == 404
        assert "乙方" not in response.content.decode()
    assert client.get(f"/api/v1/account-lists/{theirs.pk + 1000}").json() == client.get(
        f"/api/v1/account-lists/{theirs.pk}").json()


def test_api_bad_upload_is_422_with_every_row(client_for, partner_user):
    response = client_for(partner_user).post("/api/v1/account-lists", {"file": csv_file(
        [["公司名称", "统一社会信用代码"], ["甲", BAD_USCC], ["乙", "1"]])})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_invalid"
    assert [(e["row"], e["value"]) for e in body["details"]["errors"]] == [(2, BAD_USCC), (3, "1")]
    assert not AccountList.objects.exists()


@override_settings(ALLIES_IMPORT_MAX_BYTES=100)
def test_api_file_over_the_cap_is_413(client_for, partner_user):
    response = client_for(partner_user).post("/api/v1/account-lists", {"file": csv_file(A_ROWS * 5)})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not AccountList.objects.exists()


def test_staff_list_overview_shows_counts_not_partner_accounts_by_default(client_for, manager, partner_user):
    upload(partner_user, A_ROWS)
    body = client_for(manager).get("/api/v1/account-lists").json()
    assert [(i["partner_id"], i["account_count"]) for i in body["items"]] == [(partner_user.partner_id, 3)]
    assert "星火" not in str(body)


# --------------------------------------------------------------------------- web


def test_web_upload_and_own_list(client_for, partner_user, other_partner_user):
    upload(other_partner_user, B_ROWS)
    client = client_for(partner_user)
    assert client.get(reverse("accounts:upload")).status_code == 200

    response = client.post(reverse("accounts:upload"), {"file": csv_file(A_ROWS)})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:accounts")
    page = client.get(reverse("accounts:accounts")).content.decode()
    assert "星火科技有限公司" in page and "青云数据有限公司" in page
    assert "乙方" not in page
    fragment = client.get(reverse("accounts:accounts") + "?q=青云", HTTP_HX_REQUEST="true").content.decode()
    assert "青云数据有限公司" in fragment and "星火科技有限公司" not in fragment and "<html" not in fragment


def test_web_upload_shows_every_bad_row(client_for, partner_user):
    response = client_for(partner_user).post(reverse("accounts:upload"), {"file": csv_file(
        [["公司名称", "网站"], ["甲", "bad domain"]])})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="upload-errors"' in page and "bad domain" in page and "不是有效的网站域名" in page
    assert not AccountList.objects.exists()


def test_web_staff_see_lists_viewer_cannot_upload(client_for, manager, viewer, partner_user):
    upload(partner_user, A_ROWS)
    page = client_for(manager).get(reverse("accounts:home")).content.decode()
    assert 'id="partner-lists"' in page and "伙伴A" in page
    assert client_for(viewer).get(reverse("accounts:upload")).status_code == 404
    assert client_for(viewer).get(reverse("accounts:home")).status_code == 200


def test_anonymous_is_sent_to_login(client):
    for name in ("home", "upload", "accounts", "overlap", "registrations", "registration_create", "conflicts"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
