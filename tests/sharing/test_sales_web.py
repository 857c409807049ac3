"""Sales web pages for each role: the staff sales page, uploads with progress and reports (staff and
partner users), the sharing-levels page; partner users never reach another partner's upload."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allies.sharing import sales
from allies.sharing.models import AccessLog, SalesImport, SalesRecord, SharingGrant
from web.htmltree import parse
from .conftest import HEADER, csv_bytes, sale

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["sales:list", "sales:sharing", "sales:export"]


@pytest.fixture
def seeded(manager, partner_a, partner_b):
    for partner, amounts in ((partner_a, (150000, 2500)), (partner_b, (777700,))):
        rows = [{"external_id": f"{partner.pk}-{i}", "date": date(2026, 1 + i, 3), "product": "音箱",
                 "customer": "", "quantity": 1, "amount": a, "cost": 0, "currency": "CNY", "channel": ""}
                for i, a in enumerate(amounts)]
        sales.sales_rows_write(actor=manager, partner=partner, rows=rows)
    return partner_a, partner_b


def upload_file(client, data, name="销售.csv", **fields):
    return client.post(reverse("sales:upload"), {"file": SimpleUploadedFile(name, data), **fields})


def test_anonymous_goes_to_login(client):
    for name in [*STAFF_PAGES, "sales:upload", "sales:uploads"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_partner_user_gets_404_on_staff_pages(client_for, partner_user, seeded):
    client = client_for(partner_user)
    for name in STAFF_PAGES:
        assert client.get(reverse(name)).status_code == 404


def test_staff_sales_page_shows_rows_chart_and_filters(client_for, viewer, seeded):
    a, b = seeded
    client = client_for(viewer)
    page = parse(client.get(reverse("sales:list")).content)
    rows = page.by_id("sales-rows").find("tbody").find_all("tr")
    assert len(rows) == 3
    assert [r.find_all("td")[1].squashed for r in rows] == [a.name, b.name, a.name]  # newest first
    assert "7,777.00" in rows[1].squashed
    assert page.by_id("sales-chart").find("svg") is not None
    assert page.find("a", href=reverse("sales:upload")) is None  # a viewer cannot upload

    filtered = parse(client.get(reverse("sales:list"), {"partner": a.pk, "ordering": "amount"}).content)
    texts = [r.squashed for r in filtered.by_id("sales-rows").find("tbody").find_all("tr")]
    assert len(texts) == 2 and "25.00" in texts[0] and "1,500.00" in texts[1]


def test_htmx_page_request_returns_only_the_table(client_for, manager, seeded, settings, monkeypatch):
    monkeypatch.setattr("allies.sharing.views_sales.PAGE_SIZE", 2)
    response = client_for(manager).get(reverse("sales:list"), {"page": 2}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content
    assert len(parse(response.content).by_id("sales-rows").find("tbody").find_all("tr")) == 1


def test_staff_export_link_downloads_csv(client_for, manager, seeded):
    a, _b = seeded
    response = client_for(manager).get(reverse("sales:export"), {"format": "csv", "partner": a.pk,
                                                                 "ordering": "date"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[1].startswith(f"{a.pk}-0,2026-01-03,音箱")


def test_partner_user_uploads_and_sees_its_report(client_for, partner_user, partner_a):
    client = client_for(partner_user)
    form = parse(client.get(reverse("sales:upload")).content)
    assert form.find("select", name="partner") is None  # its own company, no choice

    response = upload_file(client, csv_bytes([HEADER, sale("W-1"), sale("W-2")]))

    imp = SalesImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sales:upload_detail", args=[imp.pk])
    detail = parse(client.get(response["Location"]).content)
    assert detail.by_id("upload-progress").attrs["data-status"] == "succeeded"
    assert "hx-trigger" not in detail.by_id("upload-progress").attrs  # finished: no more polling
    assert "新增 2 行" in detail.by_id("upload-counts").squashed
    assert set(SalesRecord.objects.values_list("partner_id", flat=True)) == {partner_a.pk}
    assert AccessLog.objects.filter(user=partner_user, action="write", resource="sales_upload", rows=2).exists()


def test_bad_file_report_lists_every_row(client_for, partner_user):
    client = client_for(partner_user)
    response = upload_file(client, csv_bytes([HEADER, sale("W-1", quantity="-1"), sale("W-2", day="2026-02-30")]))
    page = parse(client.get(response["Location"]).content)
    cells = [[td.squashed for td in tr.find_all("td")] for tr in page.by_id("upload-errors").find("tbody")
             .find_all("tr")]
    assert [c[:3] for c in cells] == [["2", "数量", "-1"], ["3", "日期", "2026-02-30"]]
    assert SalesRecord.objects.count() == 0


def test_progress_fragment_polls_while_the_import_runs(client_for, partner_user, partner_a):
    imp = SalesImport.objects.create(partner=partner_a, filename="x.csv", status=SalesImport.RUNNING,
                                     total_rows=200, processed_rows=50)
    response = client_for(partner_user).get(reverse("sales:upload_progress", args=[imp.pk]))
    block = parse(response.content).by_id("upload-progress")
    assert block.attrs["hx-trigger"] == "every 1s"
    assert block.find(role="progressbar").attrs["aria-valuenow"] == "50"
    assert "width: 25%" in block.find(class_="progress-bar").attrs["style"]


def test_partner_user_cannot_open_another_partners_upload(client_for, manager, partner_user, partner_b):
    other = sales.sales_upload_create(actor=manager, partner=partner_b,
                                      upload=SimpleUploadedFile("b.csv", csv_bytes([HEADER, sale("B-1")])))
    client = client_for(partner_user)
    assert client.get(reverse("sales:upload_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("sales:upload_progress", args=[other.pk])).status_code == 404
    page = parse(client.get(reverse("sales:uploads")).content)
    assert "b.csv" not in page.by_id("upload-list").squashed


def test_staff_upload_needs_a_partner_and_respects_the_size_cap(client_for, manager, partner_a, settings):
    client = client_for(manager)
    data = csv_bytes([HEADER, sale("S-1")])
    assert upload_file(client, data).status_code == 422  # no partner chosen
    settings.ALLIES_SALES_UPLOAD_MAX_BYTES = 10
    response = upload_file(client, data, partner=partner_a.pk)
    assert response.status_code == 413
    assert "上限" in parse(response.content).find(class_="upload-error").squashed
    assert not SalesImport.objects.exists()


def test_viewer_may_not_upload(client_for, viewer):
    assert client_for(viewer).get(reverse("sales:upload")).status_code == 403


def test_manager_sets_a_sharing_level(client_for, manager, partner_a, partner_b):
    client = client_for(manager)
    response = client.post(reverse("sales:sharing"), {"grantor": partner_b.pk, "grantee": partner_a.pk,
                                                      "level": "rows"})
    assert response.status_code == 302
    page = parse(client.get(reverse("sales:sharing")).content)
    assert [td.squashed for td in page.by_id("grant-list").find("tbody").find("tr").find_all("td")][:3] == [
        partner_b.name, partner_a.name, "明细"]
    same = client.post(reverse("sales:sharing"), {"grantor": partner_a.pk, "grantee": partner_a.pk, "level": "rows"})
    assert same.status_code == 422
    assert SharingGrant.objects.count() == 1


def test_viewer_sees_levels_but_cannot_change_them(client_for, viewer, partner_a, partner_b):
    client = client_for(viewer)
    assert parse(client.get(reverse("sales:sharing")).content).by_id("grant-form") is None
    response = client.post(reverse("sales:sharing"), {"grantor": partner_b.pk, "grantee": partner_a.pk,
                                                      "level": "rows"})
    assert response.status_code == 403
    assert not SharingGrant.objects.exists()
