"""Due-diligence web pages for every role: list, case page with inline edits, conclusion, template editor."""

import re

import pytest
from django.urls import reverse

from allies.diligence.models import Case, ChecklistTemplate, Evidence, Item
from allies.partners.models import Partner

from .conftest import PDF

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def item_ids(html: str) -> list[str]:
    return re.findall(r'id="item-(\d+)"', html)


@pytest.fixture
def pages(case):
    item = case.items.first()
    return {
        "list": reverse("diligence:list"),
        "detail": reverse("diligence:detail", args=[case.pk]),
        "templates": reverse("diligence:templates"),
        "posts": [reverse("diligence:open", args=[case.partner_id]), reverse("diligence:item_update", args=[item.pk]),
                  reverse("diligence:conclude", args=[case.pk]), reverse("diligence:template_add"),
                  reverse("diligence:financial_add", args=[case.pk]), reverse("diligence:item_delete", args=[item.pk])],
    }


def test_entry_point_urls():
    assert reverse("diligence:list") == "/diligence/"
    assert reverse("diligence:open", args=[7]) == "/diligence/partner/7/open/"


def test_anonymous_goes_to_login(client_for, pages):
    client = client_for(None)
    for url in (pages["list"], pages["detail"], pages["templates"], *pages["posts"]):
        response = client.post(url) if url in pages["posts"] else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_partner_user_gets_404_everywhere(client_for, pages, partner_user, case):
    client = client_for(partner_user)
    for url in (pages["list"], pages["detail"], pages["templates"]):
        assert client.get(url).status_code == 404, url
    for url in pages["posts"]:
        assert client.post(url, {"verdict": "go", "summary": "x"}).status_code == 404, url
    assert Case.objects.get(pk=case.pk).status == "open" and Case.objects.count() == 1


def test_viewer_reads_but_cannot_write(client_for, pages, viewer, case):
    client = client_for(viewer)
    detail = text(client.get(pages["detail"]))
    assert "诉讼记录" in detail and len(item_ids(detail)) == 11
    assert 'class="row g-1 mt-1 item-form"' not in detail and 'id="conclude-form"' not in detail
    assert client.get(pages["list"]).status_code == 200 and client.get(pages["templates"]).status_code == 200
    for url in pages["posts"]:
        assert client.post(url, {"verdict": "no_go", "summary": "x", "title": "x", "area": "legal"}).status_code \
            == 403, url
    assert Case.objects.get(pk=case.pk).status == "open" and Item.objects.count() == 11


def test_open_a_case_from_the_partner_entry_point(client_for, manager, partner_b):
    client = client_for(manager)
    response = client.post(reverse("diligence:open", args=[partner_b.pk]))
    case = Case.objects.get(partner=partner_b)
    assert response["Location"] == reverse("diligence:detail", args=[case.pk])
    page = text(client.get(response["Location"]))
    for area in ("财务审计", "法律审查", "市场调研", "技术评估"):
        assert area in page
    again = client.post(reverse("diligence:open", args=[partner_b.pk]), follow=True)
    assert "已有一个进行中的尽职调查" in text(again)
    assert Case.objects.filter(partner=partner_b).count() == 1


def test_list_shows_cases_and_opens_for_a_picked_partner(client_for, manager, case, partner_a, partner_b):
    Partner.objects.filter(pk__in=[partner_a.pk, partner_b.pk]).update(stage="contacted")
    client = client_for(manager)
    page = text(client.get(reverse("diligence:list")))
    assert "伙伴A" in page and "进行中" in page
    picker = re.search(r'<form[^>]*id="open-case-form".*?</form>', page, re.S).group(0)
    assert f'<option value="{partner_b.pk}">伙伴B</option>' in picker
    assert "伙伴A" not in picker  # it already has an open case
    client.post(reverse("diligence:open_picked"), {"partner": partner_b.pk})
    assert Case.objects.filter(partner=partner_b, status="open").count() == 1
    filtered = text(client.get(reverse("diligence:list"), {"partner": partner_b.pk}))
    assert f'href="/diligence/{case.pk}/"' not in filtered


def test_htmx_item_edit_returns_the_item_and_the_blocking_list(client_for, manager, case):
    client = client_for(manager)
    item = case.items.get(title="诉讼记录")
    prefix = f"item{item.pk}"
    response = client.post(reverse("diligence:item_update", args=[item.pk]), {
        f"{prefix}-status": "concern", f"{prefix}-risk_level": "high", f"{prefix}-finding": "两起纠纷",
        f"{prefix}-owner_id": "", f"{prefix}-due_date": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment and item_ids(fragment) == [str(item.pk)]
    assert "存疑" in fragment and "两起纠纷" in fragment
    assert 'id="blocking-items" hx-swap-oob="true"' in fragment and "诉讼记录" in fragment.split("blocking-items")[1]
    item.refresh_from_db()
    assert (item.status, item.risk_level, item.finding) == ("concern", "high", "两起纠纷")


def test_plain_item_edit_with_a_bad_date_shows_the_error_and_writes_nothing(client_for, manager, case):
    client = client_for(manager)
    item = case.items.get(title="诉讼记录")
    prefix = f"item{item.pk}"
    response = client.post(reverse("diligence:item_update", args=[item.pk]), {
        f"{prefix}-status": "passed", f"{prefix}-risk_level": "low", f"{prefix}-due_date": "2001-01-01"}, follow=True)
    assert "截止日期不能早于尽职调查开始日期" in text(response)
    item.refresh_from_db()
    assert (item.status, item.due_date) == ("open", None)


def test_conclude_form_shows_blocking_items_and_takes_an_override(client_for, manager, case):
    client = client_for(manager)
    Item.objects.filter(case=case, title="知识产权").update(risk_level="high", status="failed")
    detail = text(client.get(reverse("diligence:detail", args=[case.pk])))
    assert "1 个高风险检查项尚未通过" in detail and "知识产权" in detail.split('id="blocking-items"')[1][:600]
    url = reverse("diligence:conclude", args=[case.pk])
    response = client.post(url, {"verdict": "go", "summary": "整体可以合作"})
    assert response.status_code == 422
    page = text(response)
    assert "以下高风险检查项尚未通过" in page and "整体可以合作" in page  # the typed summary survives
    assert Case.objects.get(pk=case.pk).status == "open"
    response = client.post(url, {"verdict": "go", "summary": "整体可以合作", "override_reason": "专利已在续期"})
    assert response.status_code == 302
    page = text(client.get(reverse("diligence:detail", args=[case.pk])))
    assert "专利已在续期" in page and "该尽职调查已结束" in page
    assert 'class="row g-1 mt-1 item-form"' not in page and 'id="conclude-form"' not in page


def test_evidence_upload_and_refusal_on_the_page(client_for, manager, case, evidence_files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(manager)
    item = case.items.first()
    url = reverse("diligence:evidence_upload", args=[item.pk])
    page = text(client.post(url, {"file": SimpleUploadedFile("审计.pdf", PDF)}, follow=True))
    record = Evidence.objects.get()
    assert reverse("diligence:evidence_download", args=[record.pk]) in page
    page = text(client.post(url, {"file": SimpleUploadedFile("病毒.exe", b"MZ")}, follow=True))
    assert "文件“病毒.exe”的类型不允许" in page
    assert Evidence.objects.count() == 1 and len(evidence_files()) == 1


def test_add_item_on_the_page(client_for, manager, case):
    client = client_for(manager)
    url = reverse("diligence:item_add", args=[case.pk])
    response = client.post(url, {"new-area": "technical", "new-title": "源代码审计", "new-status": "open",
                                 "new-risk_level": "high"})
    assert response.status_code == 302
    assert case.items.get(title="源代码审计").risk_level == "high"
    response = client.post(url, {"new-area": "technical", "new-title": "", "new-status": "open",
                                 "new-risk_level": "high"})
    assert response.status_code == 422 and case.items.count() == 12


def test_template_editor(client_for, manager):
    client = client_for(manager)
    response = client.post(reverse("diligence:template_add"), {"area": "legal", "title": "数据合规", "active": "on"})
    assert response.status_code == 302
    added = ChecklistTemplate.objects.get(title="数据合规")
    assert (added.area, added.position, added.active) == ("legal", 4, True)
    client.post(reverse("diligence:template_update", args=[added.pk]),
                {"area": "legal", "title": "数据与隐私合规", "guidance": "个人信息保护法", "position": "0"})
    added.refresh_from_db()
    assert (added.title, added.guidance, added.position, added.active) == ("数据与隐私合规", "个人信息保护法", 0, False)
    page = text(client.get(reverse("diligence:templates")))
    assert "数据与隐私合规" in page and "技术知识产权状况" in page
    client.post(reverse("diligence:template_delete", args=[added.pk]))
    assert not ChecklistTemplate.objects.filter(pk=added.pk).exists()
    assert client.post(reverse("diligence:template_add"), {"area": "legal", "title": ""}).status_code == 422


def test_case_page_queries_do_not_grow_with_items_and_evidence(client_for, manager, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from allies.diligence import services

    from .conftest import upload

    client = client_for(manager)
    url = reverse("diligence:detail", args=[case.pk])
    with CaptureQueriesContext(connection) as bare:
        client.get(url)
    for item in case.items.all()[:5]:
        services.evidence_add(actor=manager, item=item, upload=upload("证据.pdf", PDF))
        services.item_update(actor=manager, item=item, data={"owner_id": manager.pk})
    services.item_add(actor=manager, case=case, data={"area": "legal", "title": "补充检查"})
    with CaptureQueriesContext(connection) as full:
        page = text(client.get(url))
    assert page.count("证据.pdf") == 5 and "补充检查" in page
    assert len(full) == len(bare)
