"""Agreement pages: create with parties and clauses, completeness on the detail page, signing, versions diff,
the .docx, signed scans, deadline reminders, and what partner users may see."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from allies.agreements import services
from allies.agreements.models import Agreement, SignedScan

from web.htmltree import parse
from .conftest import complete_data, sign

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def field_errors(doc) -> dict[str, str]:
    return {n.attrs["data-field"]: n.squashed for n in doc.find_all(class_="field-error")}


@pytest.fixture
def staff(client_for, manager):
    return client_for(manager)


def form_post(partner, **overrides) -> dict:
    data = {
        "title": "华南联合营销协议", "code": "", "cooperation_models": ["joint_marketing"],
        "start_date": "2026-01-01", "end_date": "2027-12-31", "renewal_months": "", "notice_days": "90",
        "currency": "CNY", "rounding": "half_up", "scope": "华南地区联合营销", "goals": "年度活动 12 场",
        "party_0_partner": partner.pk, "party_0_role": "营销方", "party_0_rights": "分享线索",
        "party_0_obligations": "组织活动", "step_0_method": "negotiation", "step_1_method": "arbitration",
        "step_1_body": "深圳国际仲裁院",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_page_saves_parties_clauses_and_dispute_path(staff, partner_a):
    response = staff.post(reverse("agreements:create"), form_post(partner_a))
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("agreements:detail", args=[agreement.pk])
    assert [(link.partner, link.role) for link in agreement.party_links.all()] == [(partner_a, "营销方")]
    assert [(s.method, s.body) for s in agreement.dispute_steps.all()] == [("negotiation", ""),
                                                                          ("arbitration", "深圳国际仲裁院")]
    doc = parse(staff.get(response["Location"]).content.decode())
    missing = [li.attrs["data-key"] for li in doc.by_id("completeness").find_all(class_="missing-item")]
    assert "agreements.exit" in missing and "agreements.rights_obligations" in missing
    assert "agreements.dispute" not in missing


def test_form_errors_are_shown_at_their_fields_and_nothing_is_saved(staff, partner_a):
    response = staff.post(reverse("agreements:create"), form_post(
        partner_a, end_date="2025-01-01", step_1_body="", party_1_partner=partner_a.pk))
    assert response.status_code == 422
    errors = field_errors(parse(response.content.decode()))
    assert set(errors) == {"end_date", "step_1_body", "party_1_partner"}
    assert not Agreement.objects.exists()


def test_signing_from_the_page_is_refused_with_the_missing_items(staff, partner_a, manager):
    agreement = services.agreement_create(actor=manager, data=complete_data(partner_a, termination_conditions=""))
    services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review")
    response = staff.post(reverse("agreements:transition", args=[agreement.pk]), {"to_status": "signed"})
    assert response.status_code == 422
    assert "未写明终止条件" in parse(response.content.decode()).by_id("transition-error").squashed
    agreement.refresh_from_db()
    assert agreement.status == "in_review"


def test_sign_then_amend_and_compare_versions(staff, agreement, manager):
    sign(manager, agreement)
    post = {**complete_data(), "reason": "补充协议：通知期缩短", "notice_days": "60", "cooperation_models":
            agreement.cooperation_models, "party_0_partner": agreement.partners.get().pk, "party_0_role": "渠道方",
            "party_0_rights": "获得销售分成", "party_0_obligations": "负责客户拓展\n每季度提交销售预测",
            "step_0_method": "negotiation", "step_0_days": "30", "step_1_method": "mediation",
            "step_1_body": "上海市商事调解中心", "step_2_method": "arbitration", "step_2_body": "上海国际仲裁中心",
            "currency": "CNY", "rounding": "half_up", "renewal_months": "12", "auto_renew": "on"}
    post.pop("parties"), post.pop("dispute_steps")
    response = staff.post(reverse("agreements:edit", args=[agreement.pk]), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = agreement.versions.order_by("-number").first()
    assert (latest.kind, latest.note) == ("amendment", "补充协议：通知期缩短")
    doc = parse(staff.get(reverse("agreements:diff", args=[agreement.pk])).content.decode())
    rows = {r.attrs["data-key"]: r for r in doc.by_id("changes").find_all(class_="change")}
    assert rows["notice_days"].find(class_="old").squashed == "90"
    assert rows["notice_days"].find(class_="new").squashed == "60"
    party_key = f"parties.{agreement.partners.get().pk}.obligations"
    added = [s.squashed for s in rows[party_key].find_all(attrs={"data-op": "added"})] \
        if False else [s.squashed for s in rows[party_key].find_all("span") if s.attrs.get("data-op") == "added"]
    assert added == ["+ 每季度提交销售预测"]
    assert "伙伴A" in rows[party_key].find("th").squashed


def test_docx_in_chinese_and_english(staff, agreement, manager):
    services.ip_asset_add(actor=manager, agreement=agreement, data={
        "name": "联合解决方案白皮书", "kind": "copyright", "owner": "joint", "usage": {"us": "full"}})
    for lang, expected in (("", ("合作范围与目标", "争议解决", "上海国际仲裁中心", "联合解决方案白皮书", "共有")),
                           ("en", ("Scope and goals", "Dispute resolution", "上海国际仲裁中心", "Jointly owned"))):
        url = reverse("agreements:document", args=[agreement.pk]) + (f"?lang={lang}" if lang else "")
        response = staff.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.docx"')
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        for snippet in expected:
            assert snippet in text, (lang, snippet)
        fonts = document.styles["Normal"].element.rPr.rFonts
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"


def test_scan_upload_checks_type_and_parties_download_it(staff, agreement, manager, client_for, partner_user,
                                                         other_partner_user):
    services.agreement_transition(actor=manager, agreement=agreement, to_status="in_review")
    url = reverse("agreements:scan_upload", args=[agreement.pk])
    fake = io.BytesIO(b"not a pdf")
    fake.name = "scan.pdf"
    response = staff.post(url, {"file": fake})
    assert response.status_code == 422
    assert "扩展名与内容须一致" in field_errors(parse(response.content.decode()))["file"]
    assert not SignedScan.objects.exists()
    good = io.BytesIO(PDF)
    good.name = "签署版.pdf"
    assert staff.post(url, {"file": good}).status_code == 302
    scan = SignedScan.objects.get()
    download = reverse("agreements:scan_download", args=[agreement.pk, scan.pk])
    response = client_for(partner_user).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(other_partner_user).get(download).status_code == 404


def test_partner_users_read_their_agreements_only(make_agreement, partner_a, partner_b, client_for, partner_user):
    mine, theirs = make_agreement(partner_a), make_agreement(partner_b, title="伙伴B 协议")
    client = client_for(partner_user)
    doc = parse(client.get(reverse("agreements:list")).content.decode())
    codes = [r.attrs["data-code"] for r in doc.by_id("agreements").find_all("tr") if "data-code" in r.attrs]
    assert codes == [mine.code]
    detail = parse(client.get(reverse("agreements:detail", args=[mine.pk])).content.decode())
    assert detail.by_id("completeness") is None and detail.by_id("status-actions") is None
    assert client.get(reverse("agreements:document", args=[mine.pk])).status_code == 200
    for name in ("detail", "document"):
        assert client.get(reverse(f"agreements:{name}", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("agreements:edit", args=[mine.pk])).status_code == 404
    assert client.post(reverse("agreements:transition", args=[mine.pk]), {"to_status": "in_review"}).status_code \
        == 404


def test_deadline_reminders_on_the_list_and_detail(staff, make_agreement, partner_a, manager):
    today = timezone.localdate()
    soon = make_agreement(partner_a, start_date=today - timedelta(days=300), end_date=today + timedelta(days=100),
                          auto_renew=False, notice_days=90)
    sign(manager, soon)
    later = make_agreement(partner_a, title="远期协议", start_date=today, end_date=today + timedelta(days=700))
    sign(manager, later)
    doc = parse(staff.get(reverse("agreements:list")).content.decode())
    reminders = doc.by_id("deadline-reminders").find_all(class_="deadline")
    assert [r.attrs["data-kind"] for r in reminders] == ["notice"]
    assert soon.code in reminders[0].squashed and "还有 10 天" in reminders[0].squashed
    detail = parse(staff.get(reverse("agreements:detail", args=[soon.pk])).content.decode())
    kinds = [d.attrs["data-kind"] for d in detail.find_all(class_="deadline")]
    assert kinds == ["notice", "end"]


def test_partner_portal_lists_the_agreements_and_their_deadlines(make_agreement, partner_a, partner_b, manager,
                                                                 client_for, partner_user):
    today = timezone.localdate()
    mine = make_agreement(partner_a, start_date=today - timedelta(days=300), end_date=today + timedelta(days=30),
                          notice_days=10)
    sign(manager, mine)
    make_agreement(partner_b, title="伙伴B 专属协议")
    doc = parse(client_for(partner_user).get(reverse("portal:home")).content.decode())
    card = doc.by_id("portal-agreements")
    assert mine.code in card.squashed and "伙伴B 专属协议" not in card.squashed
    assert [d.attrs["data-kind"] for d in card.find_all(class_="deadline")] == ["notice", "end"]
