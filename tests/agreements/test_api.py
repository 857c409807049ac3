"""The agreements API beyond the role contract: create, sign against completeness, versions diff,
deadlines, .docx, and what a partner user sees."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from allies.agreements.models import Agreement, StatusChange

from api.conftest import assert_error, call
from .conftest import complete_data, sign

pytestmark = pytest.mark.django_db
URL = "/api/v1/agreements"


def jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


@pytest.fixture
def as_user(client_for):
    return client_for


def test_create_then_signing_refused_until_complete(as_user, manager, partner_a):
    client = as_user(manager)
    body = jsonable(complete_data(partner_a, termination_conditions="", dispute_steps=[{"method": "negotiation"}]))
    created = call(client, "POST", URL, body)
    assert created.status_code == 201, created.content
    agreement = created.json()
    assert agreement["version"] == 1 and agreement["partners"][0]["partner"] == "伙伴A"
    assert {i["key"] for i in agreement["completeness"]["items"] if i["required"]} == {
        "agreements.exit", "agreements.dispute"}
    url = f"{URL}/{agreement['id']}"
    assert call(client, "POST", f"{url}/status", {"to_status": "in_review"}).status_code == 200
    refused = assert_error(call(client, "POST", f"{url}/status", {"to_status": "signed"}), 422,
                           "agreement_incomplete")
    assert [m["key"] for m in refused["details"]["missing"]] == ["agreements.exit", "agreements.dispute"]
    assert not StatusChange.objects.filter(to_status="signed").exists()
    patched = call(client, "PATCH", url, {"termination_conditions": "严重违约", "dispute_steps": [
        {"method": "negotiation"}, {"method": "litigation", "body": "上海市浦东新区人民法院"}]})
    assert patched.status_code == 200 and patched.json()["version"] == 2
    signed = call(client, "POST", f"{url}/status", {"to_status": "signed"})
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    diff = client.get(f"{url}/diff", {"from_version": 1, "to_version": 2}).json()
    changes = {c["key"]: c for c in diff["changes"]}
    assert changes["termination_conditions"]["label"] == "终止条件"
    assert [line["op"] for line in changes["termination_conditions"]["lines"]] == ["added"]
    assert "上海市浦东新区人民法院" in changes["dispute_steps"]["new"]


def test_patch_of_a_signed_agreement_needs_a_reason(as_user, manager, agreement):
    sign(manager, agreement)
    client = as_user(manager)
    refused = assert_error(call(client, "PATCH", f"{URL}/{agreement.pk}", {"notice_days": 30}), 422,
                           "validation_error")
    assert refused["details"]["errors"][0]["field"] == "reason"
    amended = call(client, "PATCH", f"{URL}/{agreement.pk}", {"notice_days": 30, "reason": "补充协议"})
    assert amended.status_code == 200
    versions = client.get(f"{URL}/{agreement.pk}/versions").json()
    assert [(v["number"], v["kind"]) for v in versions] == [(3, "amendment"), (2, "signed"), (1, "created")]


def test_partner_sees_own_agreements_deadlines_and_docx_only(as_user, manager, make_agreement, partner_a, partner_b,
                                                            partner_user):
    today = timezone.localdate()
    mine = make_agreement(partner_a, start_date=today - timedelta(days=100), end_date=today + timedelta(days=40),
                          notice_days=30)
    theirs = make_agreement(partner_b, start_date=today - timedelta(days=100), end_date=today + timedelta(days=20))
    sign(manager, mine), sign(manager, theirs)
    client = as_user(partner_user)
    listing = client.get(URL).json()
    assert [a["code"] for a in listing["items"]] == [mine.code]
    deadlines = client.get(f"{URL}/deadlines", {"within_days": 60}).json()
    assert [(d["code"], d["kind"], d["days_left"]) for d in deadlines] == [(mine.code, "notice", 10),
                                                                          (mine.code, "end", 40)]
    detail = client.get(f"{URL}/{mine.pk}").json()
    assert detail["completeness"] is None and detail["clauses"][0]["area"] == "scope"
    document = client.get(f"{URL}/{mine.pk}/document", {"lang": "en"})
    assert document.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert "Exit mechanism" in text and "Termination conditions" in text
    assert_error(client.get(f"{URL}/{theirs.pk}/document"), 404, "not_found")
    staff = as_user(manager).get(f"{URL}/deadlines", {"within_days": 60}).json()
    assert {d["code"] for d in staff} == {mine.code, theirs.code}


def test_scan_upload_refuses_other_types_and_drafts(as_user, manager, agreement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(manager)
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert_error(client.post(f"{URL}/{agreement.pk}/scans", {"file": pdf}), 409, "conflict")
    sign(manager, agreement)
    exe = SimpleUploadedFile("scan.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert_error(client.post(f"{URL}/{agreement.pk}/scans", {"file": exe}), 422, "invalid_file")
    assert Agreement.objects.get(pk=agreement.pk).scans.count() == 0


def test_nul_characters_are_refused_by_field(as_user, manager, agreement):
    client = as_user(manager)
    refused = assert_error(call(client, "PATCH", f"{URL}/{agreement.pk}", {"goals": "新目标", "reason": "x\x00"}),
                           422, "validation_error")
    assert {e["field"] for e in refused["details"]["errors"]} == {"reason"}
    refused = assert_error(call(client, "PATCH", f"{URL}/{agreement.pk}", {"scope": "a\x00b"}), 422)
    assert refused["details"]["errors"][0]["field"] == "scope"
    # a NUL in a query parameter is refused like anywhere in the API (allies.api.parser)
    refused = assert_error(client.get(URL, {"q": "\x00"}), 422, "validation_error")
    assert refused["details"]["errors"][0]["field"] == "q"
