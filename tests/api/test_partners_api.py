"""Functional tests of the partner registry API (/api/v1/partners): what a user of the API notices."""

import csv
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from allies.partners.models import Contact, Partner, StageChange

from .conftest import assert_error, call

URL = "/api/v1/partners"
VALID_USCC = ("91350100M000100Y43", "91110000600037341L")
INTERNAL_FIELDS = ("stage", "source_channel", "owner_id", "notes")


def _errors_by_field(body: dict) -> dict[str, dict]:
    return {e["field"]: e for e in body["details"]["errors"]}


# --------------------------------------------------------------------------- create


def test_create_returns_201_and_records_the_first_stage(as_user, manager):
    # when
    response = call(as_user(manager), "POST", URL, {
        "name": "星河物流", "industry": "物流", "stage": "contacted", "source_channel": "客户与供应商推荐",
        "resources": ["渠道", "data"], "website": "example.com", "notes": "展会认识",
    })
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    partner = Partner.objects.get(pk=body["id"])
    assert body["name"] == partner.name == "星河物流"
    assert body["stage"] == "contacted"
    assert body["source_channel"] == "referral"
    assert body["resources"] == ["channel", "data"]
    assert body["website"] == "https://example.com"
    assert body["owner_id"] == manager.pk
    assert body["notes"] == "展会认识"
    change = StageChange.objects.get(partner=partner)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "contacted", manager)
    assert change.reason == "登记伙伴"


def test_create_without_stage_starts_as_prospect(as_user, manager):
    response = call(as_user(manager), "POST", URL, {"name": "新伙伴"})
    assert response.status_code == 201
    assert response.json()["stage"] == "prospect"
    assert StageChange.objects.get(partner_id=response.json()["id"]).to_stage == "prospect"


def test_create_is_audited_with_the_manager_as_actor(as_user, manager):
    response = call(as_user(manager), "POST", URL, {"name": "审计伙伴"})
    assert response.status_code == 201
    entry = LogEntry.objects.get_for_object(Partner.objects.get(pk=response.json()["id"])).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == manager


def test_duplicate_name_is_refused_naming_the_field(as_user, manager, partner_a):
    response = call(as_user(manager), "POST", URL, {"name": partner_a.name})
    assert response.status_code in (409, 422)
    body = assert_error(response, response.status_code)
    if response.status_code == 422:
        assert body["code"] == "validation_error"
        assert _errors_by_field(body)["name"]["value"] == partner_a.name
    assert Partner.objects.filter(name=partner_a.name).count() == 1


@pytest.mark.parametrize("uscc", VALID_USCC)
def test_valid_uscc_is_accepted(as_user, manager, uscc):
    response = call(as_user(manager), "POST", URL, {"name": "代码伙伴", "uscc": uscc.lower()})
    assert response.status_code == 201, response.content
    assert response.json()["uscc"] == uscc
    assert Partner.objects.get(name="代码伙伴").uscc == uscc


@pytest.mark.parametrize("uscc", [VALID_USCC[0][:-1] + "4", VALID_USCC[1][:-1] + "M"])
def test_uscc_with_a_wrong_check_digit_is_422_naming_the_field(as_user, manager, uscc):
    response = call(as_user(manager), "POST", URL, {"name": "代码伙伴", "uscc": uscc})
    body = assert_error(response, 422, "validation_error")
    problem = _errors_by_field(body)["uscc"]
    assert problem["value"] == uscc
    assert "校验位" in problem["reason"]
    assert not Partner.objects.filter(name="代码伙伴").exists()


def test_duplicate_uscc_is_refused(as_user, manager):
    client = as_user(manager)
    assert call(client, "POST", URL, {"name": "甲", "uscc": VALID_USCC[0]}).status_code == 201
    response = call(client, "POST", URL, {"name": "乙", "uscc": VALID_USCC[0]})
    body = assert_error(response, 422, "validation_error")
    assert "uscc" in _errors_by_field(body)
    assert not Partner.objects.filter(name="乙").exists()


def test_unknown_input_field_is_422(as_user, manager):
    response = call(as_user(manager), "POST", URL, {"name": "多余字段", "owner": 1})
    body = assert_error(response, 422, "validation_error")
    assert any(e["field"].endswith("owner") for e in body["details"]["errors"]), body
    assert not Partner.objects.filter(name="多余字段").exists()


def test_missing_name_is_422(as_user, manager):
    body = assert_error(call(as_user(manager), "POST", URL, {"industry": "物流"}), 422, "validation_error")
    assert any(e["field"].endswith("name") for e in body["details"]["errors"]), body


def test_bad_choice_is_422_naming_the_field(as_user, manager):
    body = assert_error(call(as_user(manager), "POST", URL, {"name": "渠道伙伴", "source_channel": "pigeon"}),
                        422, "validation_error")
    assert _errors_by_field(body)["source_channel"]["value"] == "pigeon"


# --------------------------------------------------------------------------- list and get


def test_list_filters_and_counts(as_user, manager):
    Partner.objects.bulk_create([
        Partner(name="北方物流", industry="物流", stage="prospect", source_channel="referral"),
        Partner(name="南方物流", industry="物流", stage="contacted", source_channel="trade_show"),
        Partner(name="东方软件", industry="软件", stage="contacted", source_channel="referral"),
    ])
    client = as_user(manager)

    def names(**params):
        body = client.get(URL, params).json()
        assert body["count"] == len(body["items"])
        return sorted(p["name"] for p in body["items"])

    assert names(q="物流") == ["北方物流", "南方物流"]
    assert names(stage="contacted") == ["东方软件", "南方物流"]
    assert names(source_channel="referral") == ["东方软件", "北方物流"]
    assert names(q="物流", stage="contacted") == ["南方物流"]
    assert names(q="不存在") == []


def test_list_page_size_is_capped_at_200(as_user, manager):
    Partner.objects.bulk_create([Partner(name=f"伙伴{i:03d}") for i in range(230)])
    client = as_user(manager)
    body = client.get(URL, {"limit": 10000}).json()
    assert body["count"] == 230
    assert len(body["items"]) == 200
    rest = client.get(URL, {"limit": 10000, "offset": 200}).json()
    assert len(rest["items"]) == 30
    assert {p["id"] for p in body["items"]}.isdisjoint(p["id"] for p in rest["items"])
    assert len(client.get(URL, {"limit": 5}).json()["items"]) == 5


def test_list_with_a_non_integer_limit_is_422(as_user, manager):
    assert_error(as_user(manager).get(URL, {"limit": "many"}), 422, "validation_error")


def test_partner_user_lists_only_its_own_partner_without_internal_fields(as_user, manager, partner_user, partner_a,
                                                                          partner_b):
    partner_a.notes, partner_a.source_channel, partner_a.owner = "内部备注", "referral", manager
    partner_a.save()
    body = as_user(partner_user).get(URL, {"limit": 100}).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == partner_a.pk
    assert item["name"] == "伙伴A"
    assert item["industry"] == "智能硬件"
    for field in INTERNAL_FIELDS:
        assert item[field] is None, field
    staff = as_user(manager).get(f"{URL}/{partner_a.pk}").json()
    assert (staff["stage"], staff["source_channel"], staff["owner_id"], staff["notes"]) == (
        "prospect", "referral", manager.pk, "内部备注")


@pytest.mark.parametrize(("field", "value"), [("stage", "active"), ("stage", "prospect"),
                                              ("source_channel", "referral"), ("source_channel", "other")])
def test_partner_user_cannot_probe_internal_fields_by_filtering(as_user, partner_user, partner_a, field, value):
    # given its own partner is a prospect found by referral (internal facts)
    partner_a.source_channel = "referral"
    partner_a.save()
    # when it filters on those fields, then the answer does not depend on them
    body = as_user(partner_user).get(URL, {field: value}).json()
    assert body["count"] == 1
    assert body["items"][0][field] is None


def test_list_offset_beyond_any_table_is_an_empty_page(as_user, manager, partner_a):
    body = as_user(manager).get(URL, {"offset": 10**20}).json()
    assert body == {"count": 1, "items": []}
    assert as_user(manager).get(URL, {"offset": -5}).json()["items"][0]["id"] == partner_a.pk


def test_partner_user_search_does_not_reveal_other_partners(as_user, partner_user, partner_b):
    body = as_user(partner_user).get(URL, {"q": "伙伴B"}).json()
    assert body == {"count": 0, "items": []}


def test_partner_user_gets_own_partner_and_404_for_another(as_user, partner_user, partner_a, partner_b):
    client = as_user(partner_user)
    own = client.get(f"{URL}/{partner_a.pk}")
    assert own.status_code == 200
    assert own.json()["name"] == "伙伴A"
    assert own.json()["stage"] is None
    assert_error(client.get(f"{URL}/{partner_b.pk}"), 404, "not_found")
    assert_error(client.get(f"{URL}/999999"), 404, "not_found")


# --------------------------------------------------------------------------- update


def test_patch_changes_only_the_given_fields(as_user, manager, partner_a):
    response = call(as_user(manager), "PATCH", f"{URL}/{partner_a.pk}",
                    {"region": "福建", "uscc": VALID_USCC[0], "owner_id": manager.pk})
    assert response.status_code == 200, response.content
    partner_a.refresh_from_db()
    assert (partner_a.region, partner_a.uscc, partner_a.owner_id) == ("福建", VALID_USCC[0], manager.pk)
    assert partner_a.industry == "智能硬件"
    assert response.json()["region"] == "福建"
    entry = LogEntry.objects.get_for_object(partner_a).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == manager


def test_patch_cannot_change_the_stage(as_user, manager, partner_a):
    response = call(as_user(manager), "PATCH", f"{URL}/{partner_a.pk}", {"stage": "active"})
    assert_error(response, 422, "validation_error")
    partner_a.refresh_from_db()
    assert partner_a.stage == "prospect"


def test_patch_to_a_taken_name_is_refused(as_user, manager, partner_a, partner_b):
    response = call(as_user(manager), "PATCH", f"{URL}/{partner_a.pk}", {"name": partner_b.name})
    assert response.status_code in (409, 422)
    assert_error(response, response.status_code)
    partner_a.refresh_from_db()
    assert partner_a.name == "伙伴A"


def test_patch_with_invalid_uscc_writes_nothing(as_user, manager, partner_a):
    response = call(as_user(manager), "PATCH", f"{URL}/{partner_a.pk}",
                    {"region": "上海", "uscc": VALID_USCC[0][:-1] + "4"})
    assert "uscc" in _errors_by_field(assert_error(response, 422, "validation_error"))
    partner_a.refresh_from_db()
    assert (partner_a.region, partner_a.uscc) == ("", "")


# --------------------------------------------------------------------------- stage changes


def test_stage_change_records_who_and_why(as_user, manager, partner_a):
    client = as_user(manager)
    response = call(client, "POST", f"{URL}/{partner_a.pk}/stage", {"to_stage": "contacted", "reason": "首次会面"})
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "contacted"
    partner_a.refresh_from_db()
    assert partner_a.stage == "contacted"
    change = StageChange.objects.get(partner=partner_a)
    assert (change.from_stage, change.to_stage, change.reason, change.changed_by) == (
        "prospect", "contacted", "首次会面", manager)
    history = client.get(f"{URL}/{partner_a.pk}/stage-changes").json()
    assert [(h["from_stage"], h["to_stage"], h["reason"], h["changed_by_id"]) for h in history] == [
        ("prospect", "contacted", "首次会面", manager.pk)]


@pytest.mark.parametrize("reason", ["", "   "])
def test_stage_change_requires_a_reason(as_user, manager, partner_a, reason):
    response = call(as_user(manager), "POST", f"{URL}/{partner_a.pk}/stage", {"to_stage": "contacted",
                                                                              "reason": reason})
    body = assert_error(response, 422, "invalid_stage_change")
    assert body["details"]["field"] == "reason"
    partner_a.refresh_from_db()
    assert partner_a.stage == "prospect"
    assert not StageChange.objects.filter(partner=partner_a).exists()


def test_stage_change_without_reason_field_is_422(as_user, manager, partner_a):
    body = assert_error(call(as_user(manager), "POST", f"{URL}/{partner_a.pk}/stage", {"to_stage": "contacted"}),
                        422, "validation_error")
    assert any(e["field"].endswith("reason") for e in body["details"]["errors"])
    assert not StageChange.objects.filter(partner=partner_a).exists()


@pytest.mark.parametrize("to_stage", ["prospect", "heaven"])
def test_stage_change_to_the_same_or_an_unknown_stage_is_refused(as_user, manager, partner_a, to_stage):
    response = call(as_user(manager), "POST", f"{URL}/{partner_a.pk}/stage", {"to_stage": to_stage, "reason": "x"})
    body = assert_error(response, 422, "invalid_stage_change")
    assert body["details"] == {"field": "to_stage", "value": to_stage}
    assert not StageChange.objects.filter(partner=partner_a).exists()


# --------------------------------------------------------------------------- contacts


def test_contacts_add_list_delete(as_user, manager, partner_a):
    client = as_user(manager)
    response = call(client, "POST", f"{URL}/{partner_a.pk}/contacts",
                    {"name": " 王五 ", "title": "渠道总监", "email": "wang@example.com", "phone": "13800000000"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["name"], created["partner_id"], created["email"]) == ("王五", partner_a.pk, "wang@example.com")
    listed = client.get(f"{URL}/{partner_a.pk}/contacts").json()
    assert [c["id"] for c in listed] == [created["id"]]
    response = client.delete(f"{URL}/{partner_a.pk}/contacts/{created['id']}")
    assert response.status_code == 204
    assert not Contact.objects.filter(pk=created["id"]).exists()
    assert client.get(f"{URL}/{partner_a.pk}/contacts").json() == []


def test_contact_with_bad_email_is_422(as_user, manager, partner_a):
    body = assert_error(call(as_user(manager), "POST", f"{URL}/{partner_a.pk}/contacts",
                             {"name": "赵六", "email": "not-an-email"}), 422, "validation_error")
    assert "email" in _errors_by_field(body)
    assert not Contact.objects.exists()


def test_contact_cannot_be_deleted_through_another_partners_path(as_user, manager, partner_a, partner_b):
    contact = Contact.objects.create(partner=partner_b, name="乙方联系人")
    response = as_user(manager).delete(f"{URL}/{partner_a.pk}/contacts/{contact.pk}")
    assert_error(response, 404, "not_found")
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_partner_user_sees_only_its_own_contacts(as_user, partner_user, partner_a, partner_b):
    own = Contact.objects.create(partner=partner_a, name="甲方联系人")
    other = Contact.objects.create(partner=partner_b, name="乙方联系人")
    client = as_user(partner_user)
    assert [c["id"] for c in client.get(f"{URL}/{partner_a.pk}/contacts").json()] == [own.pk]
    assert_error(client.get(f"{URL}/{partner_b.pk}/contacts"), 404, "not_found")
    assert_error(call(client, "POST", f"{URL}/{partner_a.pk}/contacts", {"name": "偷加"}), 403, "permission_denied")
    assert_error(client.delete(f"{URL}/{partner_b.pk}/contacts/{other.pk}"), 404, "not_found")
    assert set(Contact.objects.values_list("name", flat=True)) == {"甲方联系人", "乙方联系人"}


# --------------------------------------------------------------------------- export


def test_export_csv(as_user, manager, partner_a, partner_b):
    partner_a.uscc = VALID_USCC[0]
    partner_a.save()
    response = as_user(manager).get(f"{URL}/export", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert ".csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["名称", "统一社会信用代码", "行业"]
    assert [r[:3] for r in rows[1:]] == [["伙伴A", VALID_USCC[0], "智能硬件"], ["伙伴B", "", "电商平台"]]


def test_export_xlsx(as_user, viewer, partner_a):
    response = as_user(viewer).get(f"{URL}/export", {"format": "xlsx", "stage": "prospect"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "名称"
    assert [v[0] for v in values[1:]] == ["伙伴A"]


def test_export_unknown_format_is_422(as_user, manager):
    body = assert_error(as_user(manager).get(f"{URL}/export", {"format": "pdf"}), 422, "validation_error")
    assert body["details"] == {"field": "format", "value": "pdf"}


def test_export_is_staff_only(as_user, partner_user):
    assert_error(as_user(partner_user).get(f"{URL}/export", {"format": "csv"}), 403, "permission_denied")


# --------------------------------------------------------------------------- import


def _upload(text: str, name: str = "candidates.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_csv_creates_partners_with_ratings(as_user, manager, partner_a):
    csv_text = (
        "名称,统一社会信用代码,行业,合作阶段,寻找渠道,战略匹配度\n"
        f"导入甲,{VALID_USCC[0]},物流,初步接触,行业展会与论坛,8\n"
        "导入乙,,软件,,,\n"
        "伙伴A,,新行业,,,6.5\n"
    )
    response = as_user(manager).post(f"{URL}/import", {"file": _upload(csv_text)})
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 1, "ratings": 2}
    jia = Partner.objects.get(name="导入甲")
    assert (jia.uscc, jia.industry, jia.stage, jia.source_channel, jia.owner) == (
        VALID_USCC[0], "物流", "contacted", "trade_show", manager)
    assert Partner.objects.get(name="导入乙").stage == "prospect"
    partner_a.refresh_from_db()
    assert partner_a.industry == "新行业"
    assert float(jia.ratings.get(criterion_code="strategic_fit", rater=manager).score) == 8.0
    assert float(partner_a.ratings.get(criterion_code="strategic_fit").score) == 6.5
    change = StageChange.objects.get(partner=jia)
    assert (change.to_stage, change.changed_by) == ("contacted", manager)
    assert "candidates.csv" in change.reason


def test_import_with_bad_rows_reports_every_cell_and_writes_nothing(as_user, manager, partner_a):
    before = (Partner.objects.count(), StageChange.objects.count(), LogEntry.objects.count())
    csv_text = (
        "名称,统一社会信用代码,规模,战略匹配度\n"
        "好伙伴,,,7\n"
        f"坏代码,{VALID_USCC[0][:-1]}4,,\n"
        "坏规模,,巨型,\n"
        "坏评分,,,11\n"
    )
    response = as_user(manager).post(f"{URL}/import", {"file": _upload(csv_text)})
    body = assert_error(response, 422, "import_invalid")
    errors = {(e["row"], e["column"]): e["value"] for e in body["details"]["errors"]}
    assert errors == {
        (3, "统一社会信用代码"): VALID_USCC[0][:-1] + "4",
        (4, "规模"): "巨型",
        (5, "战略匹配度"): "11",
    }
    assert all(e["reason"] for e in body["details"]["errors"])
    assert body["details"]["error_count"] == 3
    assert (Partner.objects.count(), StageChange.objects.count(), LogEntry.objects.count()) == before
    assert not Partner.objects.filter(name="好伙伴").exists()


def test_import_with_unknown_column_is_refused(as_user, manager):
    response = as_user(manager).post(f"{URL}/import", {"file": _upload("名称,颜色\n甲,红\n")})
    body = assert_error(response, 422, "import_invalid")
    assert body["details"]["errors"][0] == {"row": 1, "column": "颜色", "value": "颜色",
                                            "reason": body["details"]["errors"][0]["reason"]}
    assert not Partner.objects.filter(name="甲").exists()


def test_import_of_an_unreadable_file_is_422(as_user, manager):
    upload = SimpleUploadedFile("candidates.xlsx", b"this is not a spreadsheet",
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = as_user(manager).post(f"{URL}/import", {"file": upload})
    assert_error(response, 422, "file_unreadable")
    assert Partner.objects.count() == 0


def test_import_without_a_file_is_422(as_user, manager):
    body = assert_error(as_user(manager).post(f"{URL}/import", {}), 422, "validation_error")
    assert any(e["field"].endswith("file") for e in body["details"]["errors"])


def test_import_too_large_is_413(as_user, manager, settings):
    settings.ALLIES_IMPORT_MAX_BYTES = 10
    response = as_user(manager).post(f"{URL}/import", {"file": _upload("名称\n一个很长的名字\n")})
    body = assert_error(response, 413, "payload_too_large")
    assert body["details"]["limit"] == 10
    assert Partner.objects.count() == 0
