"""The pilot pages for staff: create with the default KPIs, the detail page, start, review; errors where they belong."""

from datetime import timedelta

import pytest
from django.urls import reverse

from allies.partners.models import Partner
from allies.pilots import services
from allies.pilots.models import Kpi, Measurement, Pilot, Review

from web.htmltree import parse
from .conftest import END, START, day, kpi_of

pytestmark = pytest.mark.django_db

CODES = ("customer_acquisition_cost", "conversion_rate", "revenue_share")


def create_post(partner, **overrides) -> dict:
    data = {
        "title": "华南 MVP 试点", "partners": [partner.pk], "start_date": START.isoformat(),
        "end_date": END.isoformat(), "goal": "共同部署一个中型客户", "scope": "MVP", "owner": "",
        "partner_owner": "", "partner_owner_name": "陈工", "meeting_cadence": "weekly",
        "report_template": "本周进展 / 问题 / 下周计划", "escalation_path": "",
    }
    for code, values in zip(CODES, (("元", "200", "150"), ("%", "2", "5"), ("万元", "0", "40"))):
        data.update({f"kpi_{code}_include": "on", f"kpi_{code}_unit": values[0], f"kpi_{code}_baseline": values[1],
                     f"kpi_{code}_target": values[2]})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(doc) -> dict[str, str]:
    return {n.attrs["data-field"]: n.squashed for n in doc.find_all(class_="field-error")}


@pytest.fixture
def staff(client_for, manager):
    return client_for(manager)


# --------------------------------------------------------------------------- create


def test_create_form_offers_the_spec_kpis_preselected(staff, partner_a):
    Partner.objects.filter(pk=partner_a.pk).update(stage="due_diligence")
    doc = parse(staff.get(reverse("pilots:create")).content.decode())
    for code, unit in zip(CODES, ("元", "%", "万元")):
        box = doc.find("input", name=f"kpi_{code}_include")
        assert box is not None and "checked" in box.attrs, code
        assert doc.find("input", name=f"kpi_{code}_unit").attrs["value"] == unit
    assert doc.find("textarea", name="escalation_path").squashed == "工作小组 → 联合管理委员会 → 第三方调解"
    offered = [o.squashed for o in doc.find("select", name="partners").find_all("option")]
    assert offered == ["伙伴A"]


def test_prospect_is_offered_when_opened_from_its_partner_page(staff, partner_a, partner_b):
    doc = parse(staff.get(reverse("pilots:create") + f"?partner={partner_a.pk}").content.decode())
    options = doc.find("select", name="partners").find_all("option")
    assert [(o.squashed, "selected" in o.attrs) for o in options] == [("伙伴A", True)]


def test_create_saves_the_pilot_with_the_ticked_kpis(staff, partner_a, manager):
    post = create_post(partner_a, kpi_revenue_share_include=None, owner=str(manager.pk))
    response = staff.post(reverse("pilots:create") + f"?partner={partner_a.pk}", post)
    assert response.status_code == 302
    pilot = Pilot.objects.get()
    assert response["Location"] == reverse("pilots:detail", args=[pilot.pk])
    assert list(pilot.kpis.values_list("code", "unit")) == [("customer_acquisition_cost", "元"),
                                                             ("conversion_rate", "%")]
    assert (pilot.partner_owner_name, pilot.escalation_path) == ("陈工", "工作小组 → 联合管理委员会 → 第三方调解")


def test_create_errors_are_shown_beside_their_fields_and_nothing_is_written(staff, partner_a, manager):
    post = create_post(partner_a, owner=str(manager.pk), end_date=(START - timedelta(days=1)).isoformat(),
                       kpi_conversion_rate_unit="", kpi_revenue_share_target="四十")
    response = staff.post(reverse("pilots:create") + f"?partner={partner_a.pk}", post)
    assert response.status_code == 422
    errors = field_errors(parse(response.content.decode()))
    assert set(errors) == {"end_date", "kpi_conversion_rate_unit", "kpi_revenue_share_target"}
    assert "晚于开始日期" in errors["end_date"]
    assert "单位" in errors["kpi_conversion_rate_unit"]
    assert "四十" in errors["kpi_revenue_share_target"]
    assert Pilot.objects.count() == 0 and Kpi.objects.count() == 0


# --------------------------------------------------------------------------- detail


def test_detail_shows_status_badges_the_rule_and_a_chart(pilot, manager, staff):
    services.pilot_start(actor=manager, pilot=pilot)
    services.measurement_record(actor=manager, kpi=kpi_of(pilot, "customer_acquisition_cost"), date=day(10),
                                value="195")
    services.measurement_record(actor=manager, kpi=kpi_of(pilot, "customer_acquisition_cost"), date=day(60),
                                value="190")
    doc = parse(staff.get(reverse("pilots:detail", args=[pilot.pk])).content.decode())
    badges = {row.attrs["data-kpi"]: row.find(class_="kpi-status") for row in doc.by_id("kpi-table").find_all("tr")
              if "data-kpi" in row.attrs}
    # The period is over (elapsed 100 %); 190 元 is 20 % of the way from 200 to 150: off track.
    assert badges["customer_acquisition_cost"].attrs["data-status"] == "off_track"
    assert badges["customer_acquisition_cost"].squashed == "偏离目标"
    assert badges["conversion_rate"].squashed == "暂无数据"
    assert "进度 ≥ 时间进度 − 预警幅度" in doc.by_id("status-rule").squashed
    charts = doc.find_all(class_="chart")
    assert [c.attrs["data-kpi"] for c in charts] == ["customer_acquisition_cost"]
    svg = charts[0].find("svg")
    assert svg is not None and "目标值" in svg.text and "实际值" in svg.text
    plan = doc.by_id("communication-plan").squashed
    assert "每周" in plan and "工作小组 → 联合管理委员会 → 第三方调解" in plan


def test_measurement_outside_the_period_is_shown_at_the_date_field(running, staff):
    post = {"kpi": kpi_of(running, "conversion_rate").pk, "date": (END + timedelta(days=1)).isoformat(),
            "value": "3"}
    response = staff.post(reverse("pilots:measurement_add", args=[running.pk]), post)
    assert response.status_code == 422
    errors = field_errors(parse(response.content.decode()))
    assert list(errors) == ["date"] and START.isoformat() in errors["date"]
    assert Measurement.objects.count() == 0


# --------------------------------------------------------------------------- start and review


def test_blocked_start_offers_an_override_with_a_reason(pilot, partner_a, staff, gate):
    gate("pilot", "尽职调查尚未完成")
    response = staff.post(reverse("pilots:start", args=[pilot.pk]), {})
    assert response.status_code == 422
    doc = parse(response.content.decode())
    assert "尽职调查尚未完成" in doc.by_id("start-blocked").squashed
    assert doc.find("input", name="override") is not None
    pilot.refresh_from_db()
    assert pilot.status == "planned"
    response = staff.post(reverse("pilots:start", args=[pilot.pk]), {"override": "on", "reason": "客户要求提前启动"})
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == "running"
    assert Partner.objects.get(pk=partner_a.pk).stage == "pilot"


def test_review_expand_leads_to_the_result_page(running, partner_a, staff):
    response = staff.post(reverse("pilots:close", args=[running.pk]),
                          {"decision": "expand", "we_learned": "联合销售有效", "partner_learned": "需要培训"})
    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:review", args=[running.pk, review.pk])
    doc = parse(staff.get(response["Location"]).content.decode())
    assert doc.by_id("review-decision").squashed == "扩大为正式合作"
    assert doc.by_id("stage-moves").squashed == "伙伴A：试点 → 正式合作"
    assert [r.find("td").squashed for r in doc.by_id("review-results").find_all("tr")[1:]] == [
        "客户获取成本（元）", "转化率（%）", "收入分成（万元）"]


def test_blocked_expand_shows_the_message_and_writes_nothing(running, partner_a, staff, gate):
    gate("active", "尚无已签署的联盟协议")
    response = staff.post(reverse("pilots:close", args=[running.pk]), {"decision": "expand"})
    assert response.status_code == 422
    assert "尚无已签署的联盟协议" in parse(response.content.decode()).by_id("review-error").squashed
    assert Review.objects.count() == 0
    running.refresh_from_db()
    assert running.status == "running"


def test_extend_without_a_new_end_date_is_shown_at_the_field(running, staff):
    response = staff.post(reverse("pilots:close", args=[running.pk]), {"decision": "extend"})
    assert response.status_code == 422
    assert list(field_errors(parse(response.content.decode()))) == ["new_end_date"]
    assert Review.objects.count() == 0


def test_partner_user_sees_the_review_without_internal_stage_moves(running, manager, partner_user, client_for):
    review = services.review_close(actor=manager, pilot=running, decision="stop", partner_learned="需要更多数据")
    doc = parse(client_for(partner_user).get(reverse("pilots:review", args=[running.pk, review.pk])).content.decode())
    assert doc.by_id("review-decision").squashed == "终止"
    assert doc.by_id("stage-moves") is None
    assert "需要更多数据" in doc.squashed


def test_list_filters_by_partner_and_status_and_answers_htmx_with_the_table(make_pilot, partner_a, partner_b, staff):
    make_pilot(partner_a, title="甲试点")
    make_pilot(partner_b, title="乙试点")

    def titles(response):
        return [a.squashed for a in parse(response.content.decode()).by_id("pilots").find_all("a")]

    assert titles(staff.get(reverse("pilots:list"), {"partner": partner_b.pk})) == ["乙试点"]
    assert titles(staff.get(reverse("pilots:list"), {"status": "running"})) == []
    fragment = staff.get(reverse("pilots:list"), {"q": "甲"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and titles(fragment) == ["甲试点"]


def test_kpi_add_edit_and_delete_pages(pilot, staff):
    url = reverse("pilots:kpi_add", args=[pilot.pk])
    response = staff.post(url, {"code": "custom", "name": "联合活动场次", "unit": "", "direction": "higher",
                                "baseline": "0", "target": "6", "margin_percent": "10"})
    assert response.status_code == 422
    assert list(field_errors(parse(response.content.decode()))) == ["unit"]
    response = staff.post(url, {"code": "custom", "name": "联合活动场次", "unit": "场", "direction": "higher",
                                "baseline": "0", "target": "6", "margin_percent": "15"})
    assert response.status_code == 302
    kpi = pilot.kpis.get(name="联合活动场次")
    assert (kpi.unit, kpi.margin) == ("场", 0.15)
    edit = reverse("pilots:kpi_edit", args=[pilot.pk, kpi.pk])
    form = parse(staff.get(edit).content.decode())
    assert form.find("input", name="margin_percent").attrs["value"] == "15"
    response = staff.post(edit, {"code": "custom", "name": "联合活动场次", "unit": "场", "direction": "higher",
                                 "baseline": "0", "target": "八", "margin_percent": "15"})
    assert list(field_errors(parse(response.content.decode()))) == ["target"]
    assert staff.post(edit, {"code": "custom", "name": "联合活动场次", "unit": "场", "direction": "higher",
                             "baseline": "0", "target": "8", "margin_percent": "15"}).status_code == 302
    kpi.refresh_from_db()
    assert kpi.target == 8
    assert staff.post(reverse("pilots:kpi_delete", args=[pilot.pk, kpi.pk])).status_code == 302
    assert not pilot.kpis.filter(name="联合活动场次").exists()


def test_edit_page_changes_the_plan(pilot, staff, manager, partner_a):
    url = reverse("pilots:edit", args=[pilot.pk])
    doc = parse(staff.get(url).content.decode())
    assert doc.find("input", name="title").attrs["value"] == pilot.title
    assert doc.find("input", name="kpi_conversion_rate_unit") is None  # KPIs are edited one by one
    post = {k: v for k, v in create_post(partner_a, owner=str(manager.pk), meeting_cadence="monthly").items()
            if not k.startswith("kpi_")}
    assert staff.post(url, post).status_code == 302
    pilot.refresh_from_db()
    assert (pilot.title, pilot.meeting_cadence, pilot.kpis.count()) == ("华南 MVP 试点", "monthly", 3)


def test_a_closed_pilot_tells_why_a_measurement_is_refused(running, manager, partner_user, client_for):
    services.review_close(actor=manager, pilot=running, decision="stop")
    post = {"kpi": kpi_of(running, "conversion_rate").pk, "date": day(5).isoformat(), "value": "3"}
    response = client_for(partner_user).post(reverse("pilots:measurement_add", args=[running.pk]), post)
    assert response.status_code == 409
    doc = parse(response.content.decode())
    assert any("已结束" in text for text in (n.squashed for n in doc.find_all("div", role="alert")))
    assert doc.by_id("measurement-card") is None
    assert Measurement.objects.count() == 0
