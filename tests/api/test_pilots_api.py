"""Functional tests of the pilots API (/api/v1/pilots): what a client of the API notices."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allies.partners import gates
from allies.partners.models import Partner, StageChange
from allies.pilots.models import Kpi, Measurement, Pilot, Review

from .conftest import assert_error, call

URL = "/api/v1/pilots/"
# The pilot's term, around the day the tests were collected. Anything compared with "today" asks
# for the date when it runs (today()), so a run that crosses midnight in Asia/Shanghai still passes.
START = timezone.localdate() - timedelta(days=50)
END = START + timedelta(days=100)


def today():
    return timezone.localdate()
CAC = {"code": "customer_acquisition_cost", "unit": "元", "baseline": 200, "target": 150}
CONVERSION = {"code": "conversion_rate", "unit": "%", "baseline": 2, "target": 5}


@pytest.fixture(autouse=True)
def no_stage_gates(monkeypatch):
    monkeypatch.setattr(gates, "_GATES", {})


def block(to_stage: str, reason: str) -> None:
    gates.register(gates.Gate(key=f"test.{to_stage}", to_stage=to_stage, rule=reason, check=lambda p: reason))


def body(partner, **overrides) -> dict:
    return {"title": "联合销售试点", "partner_ids": [partner.pk], "goal": "验证联合销售", "scope": "一个中型客户",
            "start_date": START.isoformat(), "end_date": END.isoformat(), "kpis": [CAC, CONVERSION], **overrides}


def errors_by_field(response_body: dict) -> dict[str, dict]:
    return {e["field"]: e for e in response_body["details"]["errors"]}


@pytest.fixture
def pilot(as_user, manager, partner_a) -> dict:
    response = call(as_user(manager), "POST", URL, body(partner_a))
    assert response.status_code == 201, response.content
    return response.json()


def kpi_id(pilot_body: dict, code: str) -> int:
    return next(k["id"] for k in pilot_body["kpis"] if k["code"] == code)


# --------------------------------------------------------------------------- create and read


def test_create_returns_the_pilot_with_its_kpis_and_no_status_yet(pilot, manager, partner_a):
    assert pilot["status"] == "planned"
    assert pilot["partners"] == [{"id": partner_a.pk, "name": "伙伴A"}]
    assert (pilot["owner_id"], pilot["meeting_cadence"]) == (manager.pk, "weekly")
    assert pilot["escalation_path"] == "工作小组 → 联合管理委员会 → 第三方调解"
    assert [(k["code"], k["direction"], k["unit"], k["target"], k["status"]) for k in pilot["kpis"]] == [
        ("customer_acquisition_cost", "lower", "元", 150.0, None), ("conversion_rate", "higher", "%", 5.0, None)]


def test_dates_out_of_order_are_422_naming_the_field(as_user, manager, partner_a):
    response = call(as_user(manager), "POST", URL, body(partner_a, end_date=START.isoformat()))
    problem = errors_by_field(assert_error(response, 422, "invalid_dates"))["end_date"]
    assert "晚于开始日期" in problem["reason"]
    assert Pilot.objects.count() == 0


def test_kpi_without_unit_is_422_and_writes_nothing(as_user, manager, partner_a):
    response = call(as_user(manager), "POST", URL, body(partner_a, kpis=[CAC, {**CONVERSION, "unit": ""}]))
    assert "kpis.1.unit" in errors_by_field(assert_error(response, 422, "invalid_kpi"))
    assert Pilot.objects.count() == 0 and Kpi.objects.count() == 0


@pytest.mark.parametrize("kpi", [{**CAC, "target": "一百五"}, {**CAC, "colour": "red"}, {"code": "custom", "unit": "个"}])
def test_malformed_kpi_is_422_naming_the_field(as_user, manager, partner_a, kpi):
    response = call(as_user(manager), "POST", URL, body(partner_a, kpis=[kpi]))
    fields = list(errors_by_field(assert_error(response, 422, "validation_error")))
    assert fields and all("kpis.0." in f for f in fields), fields
    assert Pilot.objects.count() == 0


def test_list_shows_a_partner_user_only_its_pilots(as_user, manager, partner_a, partner_b, partner_user, pilot):
    call(as_user(manager), "POST", URL, body(partner_b, title="伙伴B 的试点"))
    staff = as_user(manager).get(URL).json()
    assert staff["count"] == 2
    mine = as_user(partner_user).get(URL).json()
    assert (mine["count"], [p["title"] for p in mine["items"]]) == (1, ["联合销售试点"])


def test_list_filters_by_status_and_partner(as_user, manager, partner_a, partner_b, pilot):
    call(as_user(manager), "POST", URL, body(partner_b, title="伙伴B 的试点"))
    client = as_user(manager)
    call(client, "POST", f"{URL}{pilot['id']}/start", {})
    assert [p["title"] for p in client.get(URL, {"status": "running"}).json()["items"]] == ["联合销售试点"]
    assert [p["title"] for p in client.get(URL, {"partner_id": partner_b.pk}).json()["items"]] == ["伙伴B 的试点"]


def test_other_partners_pilot_is_404(as_user, other_partner_user, pilot):
    client = as_user(other_partner_user)
    assert_error(client.get(f"{URL}{pilot['id']}"), 404, "not_found")
    assert_error(call(client, "POST", f"{URL}{pilot['id']}/measurements",
                      {"kpi_id": kpi_id(pilot, "conversion_rate"), "date": today().isoformat(), "value": 3}),
                 404, "not_found")
    assert Measurement.objects.count() == 0


def test_partner_user_cannot_create_or_close(as_user, partner_user, partner_a, pilot):
    client = as_user(partner_user)
    assert_error(call(client, "POST", URL, body(partner_a)), 403, "permission_denied")
    assert_error(call(client, "POST", f"{URL}{pilot['id']}/reviews", {"decision": "stop"}), 403, "permission_denied")
    assert Pilot.objects.count() == 1 and Review.objects.count() == 0


# --------------------------------------------------------------------------- measurements and status


def test_partner_user_records_a_measurement_and_a_retry_is_200(as_user, partner_user, pilot):
    client = as_user(partner_user)
    url = f"{URL}{pilot['id']}/measurements"
    sent = {"kpi_id": kpi_id(pilot, "conversion_rate"), "date": (today() - timedelta(days=5)).isoformat(),
            "value": 3.4, "note": "第一周"}
    first = call(client, "POST", url, sent)
    assert first.status_code == 201, first.content
    assert (first.json()["value"], first.json()["recorded_by_id"]) == (3.4, partner_user.pk)
    retry = call(client, "POST", url, sent)
    assert (retry.status_code, retry.json()["id"]) == (200, first.json()["id"])
    body_ = assert_error(call(client, "POST", url, {**sent, "value": 3.9}), 409, "conflict")
    assert body_["details"]["field"] == "date"
    assert [m["value"] for m in client.get(url).json()] == [3.4]


@pytest.mark.parametrize(("when", "value", "field"), [
    (lambda: START - timedelta(days=1), 3, "date"), (lambda: today() + timedelta(days=1), 3, "date"),
    (today, "abc", "value")], ids=["before-start", "tomorrow", "not-a-number"])
def test_bad_measurement_is_422_naming_the_field(as_user, manager, pilot, when, value, field):
    response = call(as_user(manager), "POST", f"{URL}{pilot['id']}/measurements",
                    {"kpi_id": kpi_id(pilot, "conversion_rate"), "date": when().isoformat(), "value": value})
    problem = assert_error(response, 422)
    assert any(e["field"].endswith(field) for e in problem["details"]["errors"]), problem
    assert Measurement.objects.count() == 0


def test_detail_reports_each_kpis_latest_value_and_status(as_user, manager, pilot):
    client = as_user(manager)
    url = f"{URL}{pilot['id']}/measurements"
    # Half-way (day 50 of 100): CAC 200 -> 150 at 190 is 0.2 of the way: off track; conversion 2 -> 5 at 3.5 on track.
    call(client, "POST", url, {"kpi_id": kpi_id(pilot, "customer_acquisition_cost"), "date": today().isoformat(),
                               "value": 190})
    call(client, "POST", url, {"kpi_id": kpi_id(pilot, "conversion_rate"), "date": today().isoformat(), "value": 3.5})
    detail = client.get(f"{URL}{pilot['id']}").json()
    kpis = {k["code"]: k for k in detail["kpis"]}
    assert detail["assessed_on"] == today().isoformat()
    assert kpis["customer_acquisition_cost"]["elapsed"] == pytest.approx(0.5)
    assert kpis["customer_acquisition_cost"]["progress"] == pytest.approx(0.2)
    assert kpis["customer_acquisition_cost"]["status"] == "off_track"
    assert (kpis["conversion_rate"]["latest_value"], kpis["conversion_rate"]["status"]) == (3.5, "on_track")


def test_kpis_are_added_changed_and_removed(as_user, manager, pilot):
    client = as_user(manager)
    added = call(client, "POST", f"{URL}{pilot['id']}/kpis", {"name": "联合活动场次", "unit": "场", "baseline": 0,
                                                              "target": 6, "margin": 0.15})
    assert added.status_code == 201, added.content
    assert (added.json()["code"], added.json()["direction"], added.json()["margin"]) == ("custom", "higher", 0.15)
    changed = call(client, "PATCH", f"{URL}{pilot['id']}/kpis/{added.json()['id']}", {"target": 8})
    assert changed.json()["target"] == 8.0
    assert_error(call(client, "PATCH", f"{URL}{pilot['id']}/kpis/{added.json()['id']}", {"unit": ""}), 422,
                 "invalid_kpi")
    assert call(client, "DELETE", f"{URL}{pilot['id']}/kpis/{added.json()['id']}").status_code == 204
    assert not Kpi.objects.filter(name="联合活动场次").exists()


def test_kpi_of_another_pilot_is_404(as_user, manager, partner_b, pilot):
    other = call(as_user(manager), "POST", URL, body(partner_b, title="另一个")).json()
    response = call(as_user(manager), "PATCH", f"{URL}{pilot['id']}/kpis/{kpi_id(other, 'conversion_rate')}",
                    {"target": 9})
    assert_error(response, 404, "not_found")


# --------------------------------------------------------------------------- start and review


def test_blocked_start_is_422_listing_the_partner_then_override_starts(as_user, manager, partner_a, pilot):
    block("pilot", "尽职调查尚未完成")
    client = as_user(manager)
    refused = assert_error(call(client, "POST", f"{URL}{pilot['id']}/start", {}), 422, "stage_blocked")
    assert refused["details"]["blocked"][0]["partner_id"] == partner_a.pk
    assert Partner.objects.get(pk=partner_a.pk).stage == "prospect"
    started = call(client, "POST", f"{URL}{pilot['id']}/start", {"override": True, "reason": "客户窗口期"})
    assert started.status_code == 200 and started.json()["status"] == "running"
    move = StageChange.objects.filter(partner=partner_a).latest("id")
    assert (move.to_stage, move.override) == ("pilot", True)


def test_review_expand_moves_partners_to_active(as_user, manager, partner_a, pilot):
    client = as_user(manager)
    call(client, "POST", f"{URL}{pilot['id']}/start", {})
    call(client, "POST", f"{URL}{pilot['id']}/measurements",
         {"kpi_id": kpi_id(pilot, "customer_acquisition_cost"), "date": today().isoformat(), "value": 148})
    response = call(client, "POST", f"{URL}{pilot['id']}/reviews",
                    {"decision": "expand", "we_learned": "有效", "partner_learned": "需简化集成"})
    assert response.status_code == 201, response.content
    review = response.json()
    assert (review["decision"], review["pilot_status"]) == ("expand", "closed")
    assert [(r["name"], r["latest"], r["target"], r["status"]) for r in review["results"]] == [
        ("客户获取成本", 148.0, 150.0, "on_track"), ("转化率", None, 5.0, None)]
    assert review["stage_moves"] == [{"partner_id": partner_a.pk, "partner": "伙伴A", "from_stage": "pilot",
                                      "to_stage": "active"}]
    assert Partner.objects.get(pk=partner_a.pk).stage == "active"


def test_partner_user_sees_reviews_without_stage_moves(as_user, manager, partner_user, pilot):
    call(as_user(manager), "POST", f"{URL}{pilot['id']}/reviews", {"decision": "stop"})
    [review] = as_user(partner_user).get(f"{URL}{pilot['id']}").json()["reviews"]
    assert (review["decision"], review["stage_moves"]) == ("stop", None)


def test_review_blocked_by_a_stage_gate_writes_nothing(as_user, manager, partner_a, pilot):
    client = as_user(manager)
    call(client, "POST", f"{URL}{pilot['id']}/start", {})
    block("active", "尚无已签署的联盟协议")
    refused = assert_error(call(client, "POST", f"{URL}{pilot['id']}/reviews", {"decision": "expand"}), 422,
                           "stage_blocked")
    assert "尚无已签署的联盟协议" in refused["message"]
    assert Review.objects.count() == 0
    assert Pilot.objects.get().status == "running"


def test_extend_needs_a_later_end_date(as_user, manager, pilot):
    client = as_user(manager)
    call(client, "POST", f"{URL}{pilot['id']}/start", {})
    response = call(client, "POST", f"{URL}{pilot['id']}/reviews",
                    {"decision": "extend", "new_end_date": START.isoformat()})
    assert "new_end_date" in errors_by_field(assert_error(response, 422, "invalid_dates"))
    later = (END + timedelta(days=30)).isoformat()
    extended = call(client, "POST", f"{URL}{pilot['id']}/reviews", {"decision": "extend", "new_end_date": later})
    assert extended.status_code == 201
    assert client.get(f"{URL}{pilot['id']}").json()["end_date"] == later


def test_patch_changes_the_plan_and_refuses_bad_dates(as_user, manager, pilot):
    client = as_user(manager)
    changed = call(client, "PATCH", f"{URL}{pilot['id']}", {"meeting_cadence": "monthly", "report_template": "周报"})
    assert (changed.json()["meeting_cadence"], changed.json()["report_template"]) == ("monthly", "周报")
    refused = call(client, "PATCH", f"{URL}{pilot['id']}", {"start_date": (END + timedelta(days=1)).isoformat()})
    assert "end_date" in errors_by_field(assert_error(refused, 422, "invalid_dates"))
    assert Pilot.objects.get().start_date == START
