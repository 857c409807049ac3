"""Reading sales through the API: filters, ordering, the page-size cap, summaries from the roll-up,
partner scoping and sharing grants, uploads (multipart, progress, 404 across partners), export."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from allies.sharing import sales
from allies.sharing.models import AccessLog, SalesImport, SalesRecord, SharingGrant
from allies.sharing.tokens import token_create
from .conftest import HEADER, csv_bytes, sale

pytestmark = pytest.mark.django_db


def rows_for(prefix, specs):
    return [{"external_id": f"{prefix}-{i}", "date": day, "product": product, "customer": customer,
             "quantity": "1", "amount": amount, "cost": amount // 2, "currency": "CNY", "channel": ""}
            for i, (day, product, customer, amount) in enumerate(specs)]


A_ROWS = [(date(2026, 1, 5), "音箱", "甲客户", 1000), (date(2026, 1, 20), "耳机", "乙客户", 300),
          (date(2026, 2, 11), "音箱", "乙客户", 2000), (date(2026, 4, 1), "音箱", "甲客户", 50)]
B_ROWS = [(date(2026, 1, 7), "路由器", "丙客户", 7000), (date(2026, 5, 2), "音箱", "甲客户", 9)]


@pytest.fixture
def seeded(manager, partner_a, partner_b):
    sales.sales_rows_write(actor=manager, partner=partner_a, rows=rows_for("A", A_ROWS))
    sales.sales_rows_write(actor=manager, partner=partner_b, rows=rows_for("B", B_ROWS))
    return partner_a, partner_b


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def grant(grantor, grantee, level, manager):
    sales.sharing_grant_set(actor=manager, grantor_id=grantor.pk, grantee_id=grantee.pk, level=level)


# --------------------------------------------------------------------------- list


def test_staff_list_filters_and_orders(client_for, manager, seeded):
    a, b = seeded
    client = client_for(manager)
    assert get(client, "/api/v1/sales")["count"] == 6
    body = get(client, "/api/v1/sales", partner=a.pk, date_from="2026-01-10", date_to="2026-03-31",
               ordering="-amount")
    assert [i["amount"] for i in body["items"]] == [2000, 300]
    assert body["count"] == 2
    assert [i["external_id"] for i in get(client, "/api/v1/sales", ordering="date")["items"]][:2] == ["A-0", "B-0"]
    assert [i["amount"] for i in get(client, "/api/v1/sales", product="音箱", ordering="amount")["items"]] == [
        9, 50, 1000, 2000]
    assert {i["partner_id"] for i in get(client, "/api/v1/sales", customer="甲客户")["items"]} == {a.pk, b.pk}
    item = get(client, "/api/v1/sales", partner=b.pk, ordering="date")["items"][0]
    assert item == {"id": item["id"], "partner_id": b.pk, "external_id": "B-0", "date": "2026-01-07",
                    "product": "路由器", "customer": "丙客户", "quantity": "1.000", "amount": 7000, "cost": 3500,
                    "currency": "CNY", "channel": "", "updated_at": item["updated_at"]}
    assert not AccessLog.objects.exists()  # staff browsing with a session is not logged


def test_page_size_is_capped_and_offset_pages(client_for, manager, partner_a, settings):
    settings.ALLIES_API_MAX_PAGE_SIZE = 3
    sales.sales_rows_write(actor=manager, partner=partner_a,
                           rows=rows_for("P", [(date(2026, 1, d), "x", "", d) for d in range(1, 9)]))
    client = client_for(manager)
    body = get(client, "/api/v1/sales", limit=1000, ordering="amount")
    assert (body["count"], [i["amount"] for i in body["items"]]) == (8, [1, 2, 3])
    assert [i["amount"] for i in get(client, "/api/v1/sales", limit=2, offset=6, ordering="amount")["items"]] == [7, 8]


def test_bad_filters_are_422(client_for, manager):
    client = client_for(manager)
    for params in ({"ordering": "customer"}, {"date_from": "2026-02-30"}, {"partner": 2**70}):
        assert client.get("/api/v1/sales", params).status_code == 422


def test_partner_sees_only_its_own_rows_and_counts(client_for, partner_user, seeded):
    a, b = seeded
    client = client_for(partner_user)
    body = get(client, "/api/v1/sales")
    assert body["count"] == 4 and {i["partner_id"] for i in body["items"]} == {a.pk}
    assert get(client, "/api/v1/sales", partner=b.pk) == {"count": 0, "items": []}
    assert get(client, "/api/v1/sales", customer="丙客户")["count"] == 0
    logged = list(AccessLog.objects.order_by("id").values_list("user", "action", "resource", "partner", "rows"))
    assert logged == [(partner_user.pk, "read", "sales", a.pk, 4), (partner_user.pk, "read", "sales", a.pk, 0),
                      (partner_user.pk, "read", "sales", a.pk, 0)]
    assert AccessLog.objects.order_by("id")[1].detail == f"partner={b.pk}"  # asked for b's rows, got none


def test_rows_grant_shows_the_grantors_rows_to_the_grantee_only(client_for, manager, partner_user,
                                                                other_partner_user, seeded):
    a, b = seeded
    grant(b, a, "rows", manager)
    body = get(client_for(partner_user), "/api/v1/sales")
    assert body["count"] == 6 and {i["partner_id"] for i in body["items"]} == {a.pk, b.pk}
    assert get(client_for(partner_user), "/api/v1/sales", partner=b.pk)["count"] == 2
    assert get(client_for(other_partner_user), "/api/v1/sales")["count"] == 2  # not the other way round
    assert "shared_by=" in AccessLog.objects.filter(user=partner_user).first().detail


def test_aggregates_grant_shows_totals_by_partner_but_no_rows(client_for, manager, partner_user, seeded):
    a, b = seeded
    grant(b, a, "aggregates", manager)
    client = client_for(partner_user)
    assert get(client, "/api/v1/sales")["count"] == 4
    assert get(client, "/api/v1/sales/summary", by="product")["items"] == get(
        client, "/api/v1/sales/summary", by="product", partner=a.pk)["items"]
    by_partner = get(client, "/api/v1/sales/summary", by="partner", period="quarter")["items"]
    assert {(i["period"], i["label"], i["amount"]) for i in by_partner} == {
        ("2026-Q1", a.name, 3300), ("2026-Q2", a.name, 50), ("2026-Q1", b.name, 7000), ("2026-Q2", b.name, 9)}
    grant(b, a, "none", manager)
    assert {i["label"] for i in get(client, "/api/v1/sales/summary", by="partner")["items"]} == {a.name}


# --------------------------------------------------------------------------- summary


def test_monthly_summary_by_product(client_for, partner_user, seeded):
    items = get(client_for(partner_user), "/api/v1/sales/summary", period="month", by="product")["items"]
    assert [(i["period"], i["key"], i["rows"], i["amount"], i["cost"]) for i in items] == [
        ("2026-01", "耳机", 1, 300, 150), ("2026-01", "音箱", 1, 1000, 500), ("2026-02", "音箱", 1, 2000, 1000),
        ("2026-04", "音箱", 1, 50, 25)]
    assert items[0]["currency"] == "CNY" and items[0]["quantity"] == "1.000"


def test_staff_combined_summary_and_date_range(client_for, manager, seeded):
    a, b = seeded
    client = client_for(manager)
    by_partner = get(client, "/api/v1/sales/summary", by="partner", period="quarter", date_from="2026-01-15",
                     date_to="2026-03-31")["items"]
    assert {(i["key"], i["amount"]) for i in by_partner} == {(str(a.pk), 3300), (str(b.pk), 7000)}
    combined = get(client, "/api/v1/sales/summary", period="quarter")["items"]
    assert {(i["period"], i["key"], i["amount"]) for i in combined} == {
        ("2026-Q1", "耳机", 300), ("2026-Q1", "音箱", 3000), ("2026-Q1", "路由器", 7000), ("2026-Q2", "音箱", 59)}


def test_summary_refuses_unknown_period(client_for, manager):
    assert client_for(manager).get("/api/v1/sales/summary", {"period": "week"}).status_code == 422


# --------------------------------------------------------------------------- uploads


def test_partner_uploads_a_file_and_follows_it(client_for, partner_user, partner_a, partner_b):
    client = client_for(partner_user)
    data = csv_bytes([HEADER, sale("F-1"), sale("F-2", amount="5")])
    response = client.post("/api/v1/sales/uploads", {"file": SimpleUploadedFile("我的销售.csv", data)})
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["partner_id"], body["created_count"], body["filename"]) == (
        "succeeded", partner_a.pk, 2, "我的销售.csv")
    detail = get(client, f"/api/v1/sales/uploads/{body['id']}")
    assert (detail["processed_rows"], detail["total_rows"], detail["errors"]) == (2, 2, [])
    assert [i["id"] for i in get(client, "/api/v1/sales/uploads")["items"]] == [body["id"]]
    assert set(SalesRecord.objects.values_list("partner_id", flat=True)) == {partner_a.pk}
    kept = SalesImport.objects.get().stored_path
    assert kept.startswith("sales_imports/") and not default_storage.exists(kept)  # removed once imported


def test_upload_report_lists_bad_rows(client_for, partner_user):
    client = client_for(partner_user)
    data = csv_bytes([HEADER, sale("F-1", day="2026-13-01"), sale("F-2", quantity="-1")])
    body = client.post("/api/v1/sales/uploads", {"file": SimpleUploadedFile("bad.csv", data)}).json()
    assert body["status"] == "failed" and body["error_count"] == 2
    assert {(e["row"], e["column"]) for e in get(client, f"/api/v1/sales/uploads/{body['id']}")["errors"]} == {
        (2, "日期"), (3, "数量")}
    assert SalesRecord.objects.count() == 0


def test_another_partners_upload_is_404_and_never_listed(client_for, manager, partner_user, partner_b):
    other = sales.sales_upload_create(actor=manager, partner=partner_b,
                                      upload=SimpleUploadedFile("b.csv", csv_bytes([HEADER, sale("X")])))
    client = client_for(partner_user)
    response = client.get(f"/api/v1/sales/uploads/{other.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert get(client, "/api/v1/sales/uploads") == {"count": 0, "items": []}
    assert get(client, "/api/v1/sales/uploads", partner=partner_b.pk)["count"] == 0


def test_upload_over_the_size_cap_is_413(client_for, manager, partner_a, settings):
    settings.ALLIES_SALES_UPLOAD_MAX_BYTES = 50
    data = csv_bytes([HEADER, sale("X-1"), sale("X-2")])
    response = client_for(manager).post("/api/v1/sales/uploads",
                                        {"file": SimpleUploadedFile("big.csv", data), "partner_id": partner_a.pk})
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "payload_too_large" and "上限" in body["message"] and body["details"]["limit"] == 50
    assert not SalesImport.objects.exists()


def test_upload_of_an_unsupported_file_type_is_422(client_for, manager, partner_a):
    response = client_for(manager).post("/api/v1/sales/uploads", {
        "file": SimpleUploadedFile("sales.txt", b"a,b"), "partner_id": partner_a.pk})
    assert response.status_code == 422 and response.json()["code"] == "file_unreadable"


def test_upload_idempotency_replays_and_refuses_another_file(client_for, partner_user):
    client = client_for(partner_user)
    data = csv_bytes([HEADER, sale("K-1")])

    def send(content, key="up-1"):
        return client.post("/api/v1/sales/uploads", {"file": SimpleUploadedFile("k.csv", content)},
                           headers={"Idempotency-Key": key})

    first, again = send(data), send(data)
    assert again.status_code == 202 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert SalesImport.objects.count() == 1
    assert send(csv_bytes([HEADER, sale("K-2")])).status_code == 422


def test_token_upload_and_read_are_logged(partner_user, partner_a):
    api = Client(headers={"Authorization": f"Bearer {token_create(actor=partner_user).plaintext}"})
    response = api.post("/api/v1/sales/uploads", {"file": SimpleUploadedFile("t.csv", csv_bytes([HEADER, sale("Q")]))})
    assert response.status_code == 202
    api.get("/api/v1/sales", {"limit": 5})
    assert list(AccessLog.objects.order_by("id").values_list("action", "resource", "rows")) == [
        ("write", "sales_upload", 1), ("read", "sales", 1)]
    assert all(e.token_id for e in AccessLog.objects.all())


# --------------------------------------------------------------------------- export


def test_export_round_trips_and_neutralises_formula_cells(client_for, manager, partner_a, seeded):
    # given a row stored before imports refused formula-like text
    SalesRecord.objects.filter(external_id="A-0").update(customer="=HYPERLINK(\"x\")", product="@SUM(A1)")
    client = client_for(manager)

    response = client.get("/api/v1/sales/export", {"format": "csv", "partner": partner_a.pk})

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == HEADER + ["伙伴"]
    first = next(line for line in lines if line[0] == "A-0")
    assert first == ["A-0", "2026-01-05", "'@SUM(A1)", "'=HYPERLINK(\"x\")", "1", "10.00", "5.00", "CNY", "",
                     partner_a.name]
    xlsx = client.get("/api/v1/sales/export", {"format": "xlsx", "partner": partner_a.pk})
    cells = [c.value for c in next(r for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
                                   if r[0].value == "A-0")]
    assert cells[2:4] == ["'@SUM(A1)", "'=HYPERLINK(\"x\")"]

    # and an export of clean rows imports back as pure updates
    clean = client.get("/api/v1/sales/export", {"format": "csv", "partner": partner_a.pk, "product": "耳机"})
    again = sales.sales_upload_create(actor=manager, partner=partner_a,
                                      upload=SimpleUploadedFile("back.csv", clean.content))
    assert (again.status, again.created_count, again.updated_count) == ("succeeded", 0, 1)


def test_partner_export_holds_only_its_own_rows(client_for, partner_user, seeded):
    a, _b = seeded
    response = client_for(partner_user).get("/api/v1/sales/export", {"format": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert len(lines) == 4 and {line[-1] for line in lines} == {a.name}
    assert AccessLog.objects.get(resource="sales_export").rows == 4


# --------------------------------------------------------------------------- sharing grants


def test_staff_sets_and_lists_grants(client_for, manager, partner_a, partner_b):
    client = client_for(manager)
    body = {"grantor_id": partner_b.pk, "grantee_id": partner_a.pk, "level": "aggregates"}
    response = client.put("/api/v1/sharing-grants", json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["level"] == "aggregates"
    response = client.put("/api/v1/sharing-grants", json.dumps({**body, "level": "rows"}),
                          content_type="application/json")
    assert SharingGrant.objects.get().level == "rows" and SharingGrant.objects.get().set_by == manager
    listed = get(client, "/api/v1/sharing-grants")
    assert [(g["grantor_id"], g["grantee_id"], g["level"]) for g in listed] == [(partner_b.pk, partner_a.pk, "rows")]


@pytest.mark.parametrize("bad", [{"level": "all"}, {"grantee_id": "self"}, {"grantor_id": 999999}, {"extra": 1}])
def test_bad_grants_are_422(client_for, manager, partner_a, partner_b, bad):
    body = {"grantor_id": partner_b.pk, "grantee_id": partner_a.pk, "level": "rows", **bad}
    if bad.get("grantee_id") == "self":
        body["grantee_id"] = partner_b.pk
    response = client_for(manager).put("/api/v1/sharing-grants", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert not SharingGrant.objects.exists()
