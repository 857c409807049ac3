"""Ecosystem pages: who may open them, form errors next to fields, the portfolio exports."""

import io

import pytest
from openpyxl import load_workbook

from allies.ecosystem import services
from allies.ecosystem.models import JointInvestment


@pytest.fixture
def initiatives(manager, partner_a, partner_b):
    lab = services.lab_create(actor=manager, data={
        "title": "联合实验室", "goal": "研发", "budget": 1000, "start_date": "2026-01-01",
        "parties": [{"partner_id": None, "share": 700}, {"partner_id": partner_a.pk, "share": 300}]})
    other = services.lab_create(actor=manager, data={
        "title": "别人的实验室", "goal": "研发", "budget": 10, "start_date": "2026-01-01",
        "parties": [{"partner_id": partner_b.pk, "share": 10}]})
    return lab, other


def test_staff_pages_render(client_for, manager, viewer, initiatives, partner_a):
    for user in (manager, viewer):
        client = client_for(user)
        for url in ("/ecosystem/", "/ecosystem/analytics/", "/ecosystem/relations/", "/ecosystem/initiatives/",
                    "/ecosystem/portfolio/?quarter=2026Q1", f"/ecosystem/labs/{initiatives[0].pk}/"):
            response = client.get(url)
            assert response.status_code == 200, url
    page = client_for(manager).get("/ecosystem/").content.decode()
    assert 'id="network-data"' in page and "ecosystem/network.js" in page and "//cdn" not in page


def test_partner_pages(client_for, partner_user, initiatives):
    client = client_for(partner_user)
    assert client.get("/ecosystem/").status_code == 200
    page = client.get("/ecosystem/initiatives/").content.decode()
    assert "联合实验室" in page and "别人的实验室" not in page and "7.00" not in page
    assert client.get(f"/ecosystem/labs/{initiatives[0].pk}/").status_code == 200
    assert client.get(f"/ecosystem/labs/{initiatives[1].pk}/").status_code == 404
    for url in ("/ecosystem/analytics/", "/ecosystem/relations/", "/ecosystem/portfolio/",
                "/ecosystem/portfolio/xlsx/", "/ecosystem/labs/new/"):
        assert client.get(url).status_code == 403, url


def test_investment_form_shows_the_stake_error_next_to_the_field(client_for, manager, partner_a):
    response = client_for(manager).post("/ecosystem/investments/new/", {
        "target_company": "芯途科技", "currency": "CNY", "invested_on": "2026-01-10", "status": "held",
        "party_0": "us", "amount_0": "100", "stake_0": "150", "party_1": str(partner_a.pk), "amount_1": "100",
        "stake_1": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="stake_0"' in page and "超过 100%" in page
    assert not JointInvestment.objects.exists()


def test_relation_form_refuses_itself(client_for, manager, partner_a):
    response = client_for(manager).post("/ecosystem/relations/new/", {
        "kind": "business", "source": str(partner_a.pk), "target": str(partner_a.pk), "strength": "3"})
    assert response.status_code == 422
    assert 'data-field="target"' in response.content.decode()


def test_portfolio_xlsx_opens_with_every_section(client_for, manager, initiatives):
    response = client_for(manager).get("/ecosystem/portfolio/xlsx/?quarter=2026Q1")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for heading in ("伙伴阶段", "联盟协议", "收入（伙伴上报销售）", "已结算分成", "试点指标", "未解决的冲突",
                    "联合创新项目", "共同投资", "联合品牌项目"):
        assert heading in text
    assert "联合实验室" in text


def test_portfolio_bad_quarter_is_a_message(client_for, manager):
    response = client_for(manager).get("/api/v1/ecosystem/portfolio?quarter=2026Q9")
    assert response.status_code == 422 and "2026Q3" in response.json()["message"]


def test_portfolio_pdf_embeds_the_cjk_font(client_for, manager, initiatives):
    response = client_for(manager).get("/ecosystem/portfolio/pdf/?quarter=2026Q1")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"FontFile2" in response.content  # the TrueType font is embedded
