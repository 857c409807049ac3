"""The due-diligence REST API: the walk from opening a case to its conclusion, and its refusals."""

import pytest

from allies.diligence.models import Case, Evidence, Item, ItemStatusChange
from allies.partners.models import Rating

from .conftest import PDF, call, upload

pytestmark = pytest.mark.django_db
BASE = "/api/v1/diligence"


@pytest.fixture
def api(client_for, manager):
    return client_for(manager)


def error_of(response, status, code):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code, body
    return body


def test_open_list_and_read_a_case(api, partner_a, partner_b):
    response = call(api, "POST", f"{BASE}/cases", {"partner_id": partner_a.pk})
    assert response.status_code == 201
    case = response.json()
    assert (case["partner_name"], case["status"], case["item_count"], case["proposal"]) == ("伙伴A", "open", 11, None)
    assert [i["area"] for i in case["items"]].count("legal") == 4
    error_of(call(api, "POST", f"{BASE}/cases", {"partner_id": partner_a.pk}), 409, "conflict")
    call(api, "POST", f"{BASE}/cases", {"partner_id": partner_b.pk})
    listed = api.get(f"{BASE}/cases", {"partner_id": partner_a.pk}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == case["id"]
    assert api.get(f"{BASE}/cases", {"status": "concluded"}).json()["count"] == 0
    assert api.get(f"{BASE}/cases/{case['id']}").json()["items"] == case["items"]


def test_unknown_ids_and_fields(api, case):
    error_of(api.get(f"{BASE}/cases/999999"), 404, "not_found")
    error_of(api.get(f"{BASE}/cases/0"), 422, "validation_error")
    error_of(call(api, "POST", f"{BASE}/cases", {"partner_id": 999999}), 404, "not_found")
    item = case.items.first()
    body = error_of(call(api, "PATCH", f"{BASE}/items/{item.pk}", {"stauts": "passed"}), 422, "validation_error")
    assert "stauts" in body["message"]
    body = error_of(call(api, "PATCH", f"{BASE}/items/{item.pk}", {"status": "done"}), 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "status"
    item.refresh_from_db()
    assert item.status == "open"


def test_items_patch_add_and_delete(api, case, admin_user):
    item = case.items.get(title="诉讼记录")
    response = call(api, "PATCH", f"{BASE}/items/{item.pk}", {"status": "concern", "risk_level": "high",
                                                             "finding": "两起纠纷", "owner_id": admin_user.pk})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["blocks_go"], response.json()["owner_id"]) == (
        "concern", True, admin_user.pk)
    assert ItemStatusChange.objects.filter(item=item, to_status="concern").count() == 1
    response = call(api, "PATCH", f"{BASE}/items/{item.pk}", {"owner_id": None})
    assert response.json()["owner_id"] is None and response.json()["finding"] == "两起纠纷"
    added = call(api, "POST", f"{BASE}/cases/{case.pk}/items", {"area": "market", "title": "渠道走访"})
    assert added.status_code == 201 and added.json()["position"] == 3
    assert api.delete(f"{BASE}/items/{added.json()['id']}").status_code == 204
    assert not Item.objects.filter(title="渠道走访").exists()


def test_evidence_upload_refusals_and_download(api, case, settings):
    item = case.items.first()
    url = f"{BASE}/items/{item.pk}/evidence"
    response = api.post(url, {"file": upload("审计报告.pdf", PDF)})
    assert response.status_code == 201
    record = response.json()
    assert (record["original_name"], record["size"], record["content_type"]) == ("审计报告.pdf", len(PDF),
                                                                                 "application/pdf")
    body = error_of(api.post(url, {"file": upload("tool.exe", b"MZ\x90\x00")}), 422, "invalid_file")
    assert "tool.exe" in body["message"]
    settings.ALLIES_EVIDENCE_MAX_BYTES = 10
    body = error_of(api.post(url, {"file": upload("大.pdf", PDF)}), 413, "payload_too_large")
    assert "大.pdf" in body["message"]
    assert Evidence.objects.count() == 1
    download = api.get(f"{BASE}/evidence/{record['id']}")
    assert b"".join(download.streaming_content) == PDF
    assert api.get(f"{BASE}/cases/{case.pk}").json()["items"][0]["evidence"][0]["sha256"] == record["sha256"]
    assert api.delete(f"{BASE}/evidence/{record['id']}").status_code == 204
    assert Evidence.objects.count() == 0


def test_conclusion_blocked_then_overridden_then_read_only(api, case):
    item = case.items.get(title="诉讼记录")
    call(api, "PATCH", f"{BASE}/items/{item.pk}", {"status": "concern", "risk_level": "high"})
    url = f"{BASE}/cases/{case.pk}/conclude"
    body = error_of(call(api, "POST", url, {"verdict": "go", "summary": "可以"}), 422, "verdict_blocked")
    assert body["details"]["blocking_items"] == [{"id": item.pk, "title": "诉讼记录", "area": "legal",
                                                 "status": "concern"}]
    assert "诉讼记录" in body["message"]
    error_of(call(api, "POST", url, {"verdict": "go", "summary": ""}), 422, "validation_error")
    response = call(api, "POST", url, {"verdict": "go", "summary": "可以", "override_reason": "金额小"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["override_reason"]) == ("concluded", "金额小")
    error_of(call(api, "PATCH", f"{BASE}/items/{item.pk}", {"status": "passed"}), 409, "conflict")
    error_of(call(api, "POST", url, {"verdict": "no_go", "summary": "x"}), 409, "conflict")
    assert Case.objects.get(pk=case.pk).verdict == "go"


def test_financial_rating_through_the_api(api, case, manager):
    url = f"{BASE}/cases/{case.pk}/financial-rating"
    error_of(call(api, "POST", url, {}), 422, "validation_error")
    call(api, "POST", f"{BASE}/cases/{case.pk}/financial-years", {
        "year": 2024, "revenue": 1000, "profit": 100, "operating_cash_flow": 5, "debt_ratio": "40.5"})
    response = call(api, "POST", url, {})
    assert response.status_code == 201 and response.json()["score"] == response.json()["proposed"] == 6
    response = call(api, "POST", url, {"score": 4.5})
    assert response.json()["score"] == 4.5 and response.json()["proposed"] == 6
    assert Rating.objects.get(rater=manager, criterion_code="financial_health").score == 4.5


def test_roles(client_for, case, viewer, partner_user):
    item = case.items.first()
    error_of(client_for(partner_user).get(f"{BASE}/cases/{case.pk}"), 403, "permission_denied")
    error_of(client_for(partner_user).get(f"{BASE}/cases"), 403, "permission_denied")
    assert client_for(viewer).get(f"{BASE}/cases/{case.pk}").status_code == 200
    error_of(call(client_for(viewer), "PATCH", f"{BASE}/items/{item.pk}", {"status": "passed"}), 403,
             "permission_denied")
    error_of(client_for(None).get(f"{BASE}/cases"), 401, "unauthenticated")
    item.refresh_from_db()
    assert item.status == "open"
