"""The knowledge pages: list by tag, search with snippets, article, edit with preview and errors, revisions, portal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allies.knowledge import services
from allies.knowledge.models import Article, Revision

from web.htmltree import parse

pytestmark = pytest.mark.django_db


def field_errors(doc) -> dict[str, str]:
    return {n.attrs["data-field"]: n.squashed for n in doc.find_all(class_="field-error")}


@pytest.fixture
def shared(manager, partner_a):
    return services.article_create(actor=manager, data={
        "title": "伙伴A 联合营销约定", "body": "活动前两周确认落地页。<b>不是粗体</b>", "tags": ["联合营销"],
        "visibility": "shared", "shared_with_ids": [partner_a.pk]})


@pytest.fixture
def internal(manager, partner_a):
    return services.article_create(actor=manager, data={
        "title": "内部：伙伴A 风险评估", "body": "尽职调查发现一起合同纠纷。", "partner_ids": [partner_a.pk]})


def test_list_filters_by_tag(client_for, manager, shared, internal):
    client = client_for(manager)
    doc = parse(client.get(reverse("knowledge:list")).content)
    titles = [a.squashed for a in doc.by_id("articles").find_all("a")]
    assert "伙伴A 联合营销约定" in titles and "内部：伙伴A 风险评估" in titles and "伙伴筛选清单" in titles
    doc = parse(client.get(reverse("knowledge:list"), {"tag": "联合营销"}).content)
    assert [a.squashed for a in doc.by_id("articles").find_all("a")] == ["伙伴A 联合营销约定"]


def test_search_page_shows_marked_snippets(client_for, manager, internal):
    response = client_for(manager).get(reverse("knowledge:search"), {"q": "合同纠纷"})
    doc = parse(response.content)
    results = doc.by_id("kb-results").find_all(class_="kb-result")
    assert results[0].find("a").squashed == "内部：伙伴A 风险评估"
    assert [m.text for m in results[0].find_all("mark")][:1] == ["合同纠纷"]


def test_article_page_renders_markdown_safely(client_for, manager, shared):
    doc = parse(client_for(manager).get(reverse("knowledge:detail", args=[shared.pk])).content)
    body = doc.by_id("article-body")
    assert "<b>不是粗体</b>" in body.text and not body.find_all("b")
    assert "伙伴A" in doc.by_id("shared-with").squashed


def test_create_with_unsafe_link_shows_the_error_at_the_body_and_writes_nothing(client_for, manager):
    before = (Article.objects.count(), Revision.objects.count())
    response = client_for(manager).post(reverse("knowledge:create"), {
        "title": "坏链接", "body": "[点我](javascript:alert(1))", "language": "zh-hans", "visibility": "internal"})
    assert response.status_code == 422
    errors = field_errors(parse(response.content))
    assert "javascript:alert(1)" in errors["body"]
    assert (Article.objects.count(), Revision.objects.count()) == before


def test_sharing_without_partners_shows_the_error_at_the_field(client_for, manager):
    response = client_for(manager).post(reverse("knowledge:create"), {
        "title": "共享", "body": "正文", "language": "zh-hans", "visibility": "shared"})
    assert response.status_code == 422
    assert "shared_with" in field_errors(parse(response.content))


def test_preview_renders_without_saving(client_for, manager):
    before = Article.objects.count()
    response = client_for(manager).post(reverse("knowledge:create"), {
        "title": "预览", "body": "**粗体** [坏](javascript:x)", "language": "zh-hans", "visibility": "internal",
        "preview": "1"})
    doc = parse(response.content)
    preview = doc.by_id("preview")
    assert preview.find("strong").text == "粗体"
    assert "javascript:x" in preview.find(class_="alert").squashed
    assert Article.objects.count() == before


def test_edit_makes_a_revision_with_a_diff(client_for, manager, internal):
    client = client_for(manager)
    response = client.post(reverse("knowledge:edit", args=[internal.pk]), {
        "title": internal.title, "body": "尽职调查发现两起合同纠纷。", "language": "zh-hans", "visibility": "internal",
        "partners": [p.pk for p in internal.partners.all()], "base_revision": 1, "note": "更正数量"})
    assert response.status_code == 302
    internal.refresh_from_db()
    assert internal.revision == 2
    doc = parse(client.get(reverse("knowledge:revisions", args=[internal.pk])).content)
    assert "更正数量" in doc.by_id("revisions").squashed
    doc = parse(client.get(reverse("knowledge:revision", args=[internal.pk, 2])).content)
    diff = doc.by_id("diff")
    assert "+ 尽职调查发现两起合同纠纷。" in diff.text and "- 尽职调查发现一起合同纠纷。" in diff.text
    old = parse(client.get(reverse("knowledge:revision", args=[internal.pk, 1])).content)
    assert "一起合同纠纷" in old.by_id("revision-body").text


def test_stale_edit_form_is_refused(client_for, manager, internal):
    services.article_update(actor=manager, article=internal, data={"body": "别人先改了"})
    response = client_for(manager).post(reverse("knowledge:edit", args=[internal.pk]), {
        "title": internal.title, "body": "我的修改", "language": "zh-hans", "visibility": "internal",
        "base_revision": 1})
    assert response.status_code == 422
    assert "第 2 版" in parse(response.content).find(class_="alert-danger").squashed
    internal.refresh_from_db()
    assert internal.body == "别人先改了"


def test_viewer_reads_but_cannot_edit(client_for, viewer, internal):
    client = client_for(viewer)
    assert client.get(reverse("knowledge:detail", args=[internal.pk])).status_code == 200
    assert client.get(reverse("knowledge:revisions", args=[internal.pk])).status_code == 200
    assert client.get(reverse("knowledge:edit", args=[internal.pk])).status_code == 403
    assert client.get(reverse("knowledge:create")).status_code == 403


def test_partner_user_sees_only_shared_articles_read_only(client_for, partner_user, other_partner_user, shared,
                                                          internal, manager):
    upload = SimpleUploadedFile("清单.txt", "附件内容".encode())
    attachment = services.attachment_add(actor=manager, article=shared, upload=upload)
    client = client_for(partner_user)
    doc = parse(client.get(reverse("knowledge:list")).content)
    assert [a.squashed for a in doc.by_id("articles").find_all("a")] == ["伙伴A 联合营销约定"]
    page = client.get(reverse("knowledge:detail", args=[shared.pk]))
    doc = parse(page.content)
    assert doc.by_id("shared-with") is None
    assert not [a for a in doc.find_all("a") if a.attrs.get("href", "").endswith("/edit/")]
    assert client.get(reverse("knowledge:detail", args=[internal.pk])).status_code == 404
    assert client.get(reverse("knowledge:revisions", args=[shared.pk])).status_code == 404
    assert client.get(reverse("knowledge:edit", args=[shared.pk])).status_code == 404
    download = client.get(reverse("knowledge:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == "附件内容".encode()
    search = parse(client.get(reverse("knowledge:search"), {"q": "尽职调查 落地页"}).content)
    assert [r.find("a").squashed for r in search.by_id("kb-results").find_all(class_="kb-result")] == [
        "伙伴A 联合营销约定"]
    other = client_for(other_partner_user)
    assert other.get(reverse("knowledge:detail", args=[shared.pk])).status_code == 404
    assert other.get(reverse("knowledge:attachment", args=[attachment.pk])).status_code == 404


def test_attachment_upload_refuses_bad_file_with_a_message(client_for, manager, internal):
    client = client_for(manager)
    response = client.post(reverse("knowledge:attachment_upload", args=[internal.pk]),
                           {"file": SimpleUploadedFile("x.pdf", b"plain text")}, follow=True)
    assert "x.pdf" in parse(response.content).find(class_="alert").squashed
    assert internal.attachments.count() == 0


@pytest.fixture
def keep_language():
    """The request activates English in this thread; later tests expect the default language back."""
    from django.utils import translation

    yield
    translation.activate("zh-hans")


def test_pages_in_english(client_for, manager, internal, keep_language):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    doc = parse(client.get(reverse("knowledge:search"), {"q": "pilot"}).content)
    assert "Search the knowledge base" in doc.find("h1").squashed


def test_delete_button_asks_first_and_deletes(client_for, manager, viewer, partner_user, shared, internal):
    doc = parse(client_for(manager).get(reverse("knowledge:detail", args=[internal.pk])).content)
    form = doc.by_id("article-delete").parent
    assert "confirm(" in form.attrs["onsubmit"]
    # a viewer sees no button and cannot post; a partner user cannot even find an internal article
    viewer_doc = parse(client_for(viewer).get(reverse("knowledge:detail", args=[internal.pk])).content)
    assert viewer_doc.by_id("article-delete") is None
    assert client_for(viewer).post(reverse("knowledge:delete", args=[internal.pk])).status_code == 403
    assert client_for(partner_user).post(reverse("knowledge:delete", args=[internal.pk])).status_code in (403, 404)
    assert client_for(partner_user).post(reverse("knowledge:delete", args=[shared.pk])).status_code in (403, 404)
    assert Article.objects.filter(pk__in=[shared.pk, internal.pk]).count() == 2

    client = client_for(manager)
    assert client.get(reverse("knowledge:delete", args=[internal.pk])).status_code == 405
    response = client.post(reverse("knowledge:delete", args=[internal.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("knowledge:list")
    assert "已删除文章“内部：伙伴A 风险评估”" in response.content.decode()
    assert not Article.objects.filter(pk=internal.pk).exists()
    assert client.get(reverse("knowledge:detail", args=[internal.pk])).status_code == 404
