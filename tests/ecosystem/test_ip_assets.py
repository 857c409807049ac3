"""Lab projects linked to the agreements' IP register: validation, API scoping, pages."""

import pytest

from allies.agreements.models import Agreement, AgreementParty, IpAsset
from allies.core.errors import DomainError
from allies.ecosystem import services
from allies.ecosystem.models import LabParty, LabProject


@pytest.fixture
def registers(db, partner_a, partner_b):
    """An agreement with partner A (two assets) and one with partner B (one asset)."""
    ag_a = Agreement.objects.create(code="AG-A", title="伙伴A研发协议", status="signed")
    AgreementParty.objects.create(agreement=ag_a, partner=partner_a)
    ag_b = Agreement.objects.create(code="AG-B", title="伙伴B营销协议", status="signed")
    AgreementParty.objects.create(agreement=ag_b, partner=partner_b)
    return {
        "a1": IpAsset.objects.create(agreement=ag_a, name="调度算法专利", kind="patent"),
        "a2": IpAsset.objects.create(agreement=ag_a, name="联合标识", kind="trademark"),
        "b1": IpAsset.objects.create(agreement=ag_b, name="伙伴B渠道数据接口", kind="software"),
        "ag_a": ag_a, "ag_b": ag_b,
    }


def _lab_data(*partners, **extra):
    parties = [{"partner_id": None, "share": 600}] + [{"partner_id": p.pk, "share": 0} for p in partners]
    return {"title": "联合实验室", "goal": "研发", "budget": 600, "start_date": "2026-01-01",
            "parties": parties, **extra}


def test_assets_of_a_partner_partys_agreement_are_linked(manager, partner_a, registers):
    lab = services.lab_create(actor=manager, data=_lab_data(
        partner_a, resulting_ip="另有一项软件著作权在申请中", ip_asset_ids=[registers["a1"].pk, registers["a1"].pk]))
    assert list(lab.ip_assets.all()) == [registers["a1"]]
    assert lab.resulting_ip == "另有一项软件著作权在申请中"
    assert list(registers["a1"].lab_projects.all()) == [lab]
    services.lab_update(actor=manager, project=lab, data={"ip_asset_ids": [registers["a2"].pk]})
    assert list(lab.ip_assets.all()) == [registers["a2"]]
    services.lab_update(actor=manager, project=lab, data={"outcome": "原型完成"})  # links untouched
    assert list(lab.ip_assets.all()) == [registers["a2"]]
    services.lab_update(actor=manager, project=lab, data={"ip_asset_ids": []})
    assert not lab.ip_assets.exists()


def test_asset_of_another_partners_agreement_is_refused_and_nothing_written(manager, partner_a, registers):
    with pytest.raises(DomainError) as exc:
        services.lab_create(actor=manager, data=_lab_data(
            partner_a, ip_asset_ids=[registers["a1"].pk, registers["b1"].pk]))
    assert "伙伴B渠道数据接口" in exc.value.message and "伙伴B营销协议" in exc.value.message
    assert "调度算法专利" not in exc.value.message
    assert [e["field"] for e in exc.value.details["errors"]] == ["ip_asset_ids"]
    assert exc.value.details["errors"][0]["value"] == str(registers["b1"].pk)
    assert not LabProject.objects.exists() and not LabParty.objects.exists()


def test_unknown_and_malformed_ids_are_named(manager, partner_a, registers):
    with pytest.raises(DomainError) as exc:
        services.lab_create(actor=manager, data=_lab_data(partner_a, ip_asset_ids=[999_999, "abc"]))
    assert "999999" in exc.value.message and "abc" in exc.value.message
    assert not LabProject.objects.exists()


def test_a_lab_of_us_alone_may_link_any_agreements_asset(manager, registers):
    lab = services.lab_create(actor=manager, data=_lab_data(ip_asset_ids=[registers["a1"].pk, registers["b1"].pk]))
    assert set(lab.ip_assets.all()) == {registers["a1"], registers["b1"]}


def test_changing_the_parties_rechecks_the_links(manager, partner_a, partner_b, registers):
    lab = services.lab_create(actor=manager, data=_lab_data(partner_a, ip_asset_ids=[registers["a1"].pk]))
    with pytest.raises(DomainError) as exc:
        services.lab_update(actor=manager, project=lab, data={
            "parties": [{"partner_id": None, "share": 600}, {"partner_id": partner_b.pk, "share": 0}]})
    assert "调度算法专利" in exc.value.message
    assert list(lab.parties.values_list("partner_id", flat=True)) == [None, partner_a.pk]
    assert list(lab.ip_assets.all()) == [registers["a1"]]
    # with both partners, assets of both agreements may be linked
    services.lab_update(actor=manager, project=lab, data={
        "parties": [{"partner_id": None, "share": 600}, {"partner_id": partner_a.pk, "share": 0},
                    {"partner_id": partner_b.pk, "share": 0}],
        "ip_asset_ids": [registers["a1"].pk, registers["b1"].pk]})
    assert set(lab.ip_assets.all()) == {registers["a1"], registers["b1"]}


def test_viewer_cannot_link(viewer, registers):
    with pytest.raises(DomainError):
        services.lab_create(actor=viewer, data=_lab_data(ip_asset_ids=[registers["a1"].pk]))


# --------------------------------------------------------------------------- API


def test_api_links_and_scopes_assets(client_for, manager, partner_user, other_partner_user, partner_a, partner_b,
                                     registers):
    staff = client_for(manager)
    body = _lab_data(partner_a, partner_b, ip_asset_ids=[registers["a1"].pk, registers["b1"].pk])
    response = staff.post("/api/v1/ecosystem/labs", body, content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert [(a["id"], a["name"], a["agreement_code"]) for a in out["ip_assets"]] == [
        (registers["a1"].pk, "调度算法专利", "AG-A"), (registers["b1"].pk, "伙伴B渠道数据接口", "AG-B")]
    lab_id = out["id"]
    # each partner sees only the assets of agreements it is party to
    mine = client_for(partner_user).get(f"/api/v1/ecosystem/labs/{lab_id}").json()
    assert [a["name"] for a in mine["ip_assets"]] == ["调度算法专利"]
    listed = client_for(other_partner_user).get("/api/v1/ecosystem/labs").json()
    assert [a["name"] for a in listed[0]["ip_assets"]] == ["伙伴B渠道数据接口"]
    # replace by PATCH; a refused asset writes nothing and names the asset
    staff = client_for(manager)
    response = staff.patch(f"/api/v1/ecosystem/labs/{lab_id}", {"ip_asset_ids": [registers["a2"].pk]},
                           content_type="application/json")
    assert response.status_code == 200 and [a["name"] for a in response.json()["ip_assets"]] == ["联合标识"]
    response = staff.patch(f"/api/v1/ecosystem/labs/{lab_id}", {
        "parties": [{"partner_id": None, "share": 600}, {"partner_id": partner_b.pk, "share": 0}]},
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["field"] == "ip_asset_ids"
    assert "联合标识" in response.json()["message"]
    assert LabProject.objects.get(pk=lab_id).parties.count() == 3


def test_api_refuses_unknown_asset(client_for, manager, partner_a, registers):
    response = client_for(manager).post("/api/v1/ecosystem/labs", _lab_data(partner_a, ip_asset_ids=[987654]),
                                        content_type="application/json")
    assert response.status_code == 422
    assert "987654" in response.json()["message"]
    assert not LabProject.objects.exists()


# --------------------------------------------------------------------------- pages


def test_form_links_assets_and_detail_page_lists_them(client_for, manager, partner_user, partner_a, registers):
    client = client_for(manager)
    page = client.get("/ecosystem/labs/new/").content.decode()
    assert "伙伴A研发协议" in page and f'value="{registers["a1"].pk}"' in page
    form = {"title": "表单实验室", "goal": "研发", "currency": "CNY", "budget": "600", "start_date": "2026-01-01",
            "status": "running", "resulting_ip": "补充说明", "party_0": "us", "amount_0": "600",
            "party_1": str(partner_a.pk), "amount_1": "0", "ip_assets": [str(registers["a1"].pk)]}
    response = client.post("/ecosystem/labs/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    lab = LabProject.objects.get(title="表单实验室")
    assert list(lab.ip_assets.all()) == [registers["a1"]]
    detail = client.get(f"/ecosystem/labs/{lab.pk}/").content.decode()
    assert "调度算法专利" in detail and f'href="/agreements/{registers["ag_a"].pk}/"' in detail
    edit = client.get(f"/ecosystem/labs/{lab.pk}/edit/").content.decode()
    assert f'value="{registers["a1"].pk}" selected' in edit
    # the partner sees the asset of its own agreement and can follow the link
    partner = client_for(partner_user)
    assert "调度算法专利" in partner.get(f"/ecosystem/labs/{lab.pk}/").content.decode()
    assert partner.get(f"/agreements/{registers['ag_a'].pk}/").status_code == 200


def test_form_shows_the_refused_asset_next_to_the_field(client_for, manager, partner_a, registers):
    form = {"title": "表单实验室", "goal": "研发", "currency": "CNY", "budget": "600", "start_date": "2026-01-01",
            "status": "running", "party_0": "us", "amount_0": "600", "party_1": str(partner_a.pk), "amount_1": "0",
            "ip_assets": [str(registers["b1"].pk)]}
    response = client_for(manager).post("/ecosystem/labs/new/", form)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="ip_assets"' in page and "伙伴B渠道数据接口" in page
    assert not LabProject.objects.exists()


def test_partner_detail_hides_assets_of_other_agreements(client_for, manager, partner_user, partner_a, partner_b,
                                                         registers):
    lab = services.lab_create(actor=manager, data=_lab_data(
        partner_a, partner_b, ip_asset_ids=[registers["a1"].pk, registers["b1"].pk]))
    page = client_for(partner_user).get(f"/ecosystem/labs/{lab.pk}/").content.decode()
    assert "调度算法专利" in page and "伙伴B渠道数据接口" not in page and "伙伴B营销协议" not in page
    staff = client_for(manager).get(f"/ecosystem/labs/{lab.pk}/").content.decode()
    assert "调度算法专利" in staff and "伙伴B渠道数据接口" in staff
