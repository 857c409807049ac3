"""Writing articles: revisions, visibility rules, unsafe links refused with nothing written, attachments."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from allies.core.errors import DomainError
from allies.knowledge import selectors, services
from allies.knowledge.models import Article, Attachment, Posting, Revision, Tag


def _counts():
    return (Article.objects.count(), Revision.objects.count(), Posting.objects.count(), Tag.objects.count(),
            LogEntry.objects.count())


def test_create_keeps_revision_one_authors_tags_and_links(db, manager, partner_a):
    article = services.article_create(actor=manager, data={
        "title": "  联合营销  手册 ", "body": "# 要点\n\n活动前两周确认落地页。", "tags": ["营销", "营销", " 模板 "],
        "partner_ids": [partner_a.pk]})
    assert article.title == "联合营销 手册"
    assert article.revision == 1 and article.visibility == "internal"
    assert list(article.authors.all()) == [manager]
    assert sorted(article.tags.values_list("name", flat=True)) == ["模板", "营销"]
    assert list(article.partners.all()) == [partner_a]
    revision = article.revisions.get()
    assert (revision.number, revision.title, revision.author) == (1, "联合营销 手册", manager)
    assert LogEntry.objects.get_for_object(article).exists()


def test_each_change_is_a_revision_and_an_old_one_can_be_read_and_diffed(db, manager, admin_user):
    article = services.article_create(actor=manager, data={"title": "试点复盘", "body": "第一行\n第二行\n"})
    services.article_update(actor=admin_user, article=article, data={"body": "第一行\n第二行改了\n", "note": "修正"})
    services.article_update(actor=manager, article=article, data={"title": "试点复盘（终版）"})
    assert article.revision == 3
    numbers = list(selectors.revision_list(article).values_list("number", flat=True))
    assert numbers == [3, 2, 1]
    old = selectors.revision_get(article, 1)
    assert old.body == "第一行\n第二行\n" and old.title == "试点复盘"
    diff = selectors.revision_diff(old, selectors.revision_get(article, 2))
    assert ("del", "第二行") in [(d.kind, d.text) for d in diff]
    assert ("add", "第二行改了") in [(d.kind, d.text) for d in diff]
    assert set(article.authors.all()) == {manager, admin_user}
    assert selectors.revision_get(article, 2).note == "修正"


def test_a_save_that_changes_nothing_keeps_the_revision(db, manager):
    article = services.article_create(actor=manager, data={"title": "不变", "body": "内容"})
    services.article_update(actor=manager, article=article, data={"title": "不变", "body": "内容"})
    assert article.revision == 1 and article.revisions.count() == 1


def test_unsafe_link_is_refused_naming_the_link_and_nothing_is_written(db, manager):
    before = _counts()
    with pytest.raises(DomainError) as caught:
        services.article_create(actor=manager, data={
            "title": "钓鱼", "body": "请点 [这里](javascript:alert(document.cookie)) 和 ![图](data:image/svg+xml,<svg>)"})
    assert caught.value.code == "unsafe_link"
    assert "javascript:alert(document.cookie)" in caught.value.message
    values = [e["value"] for e in caught.value.details["errors"]]
    assert "javascript:alert(document.cookie)" in values and any(v.startswith("data:") for v in values)
    assert all(e["field"] == "body" for e in caught.value.details["errors"])
    assert _counts() == before


def test_unsafe_link_in_an_edit_leaves_the_article_as_it_was(db, manager):
    article = services.article_create(actor=manager, data={"title": "安全", "body": "[官网](https://example.com)"})
    before = _counts()
    with pytest.raises(DomainError):
        services.article_update(actor=manager, article=article, data={"body": "[x](vbscript:msgbox)"})
    article.refresh_from_db()
    assert article.body == "[官网](https://example.com)" and article.revision == 1
    assert _counts() == before


@pytest.mark.parametrize(("data", "field"), [
    ({"title": "", "body": "x"}, "title"),
    ({"title": "x", "body": "  "}, "body"),
    ({"title": "x", "body": "y", "visibility": "shared"}, "shared_with_ids"),
    ({"title": "x", "body": "y", "visibility": "public"}, "visibility"),
    ({"title": "x", "body": "y", "language": "fr"}, "language"),
    ({"title": "x", "body": "y", "partner_ids": [999999]}, "partner_ids"),
    ({"title": "x", "body": "y", "tags": ["长" * 51]}, "tags"),
    ({"title": "a\x00b", "body": "y"}, "title"),
    ({"title": "x", "body": "正文\x00"}, "body"),
])
def test_bad_input_names_the_field_and_writes_nothing(db, manager, data, field):
    before = _counts()
    with pytest.raises(DomainError) as caught:
        services.article_create(actor=manager, data=data)
    assert field in [e["field"] for e in caught.value.details["errors"]]
    assert _counts() == before


def test_internal_article_cannot_list_partners_to_share_with(db, manager, partner_a):
    with pytest.raises(DomainError) as caught:
        services.article_create(actor=manager, data={"title": "x", "body": "y", "visibility": "internal",
                                                     "shared_with_ids": [partner_a.pk]})
    assert caught.value.details["errors"][0]["field"] == "shared_with_ids"


def test_making_an_article_internal_again_stops_sharing(db, manager, partner_a, partner_user):
    article = services.article_create(actor=manager, data={"title": "共享", "body": "内容", "visibility": "shared",
                                                           "shared_with_ids": [partner_a.pk]})
    assert list(selectors.visible_articles(partner_user)) == [article]
    services.article_update(actor=manager, article=article, data={"visibility": "internal"})
    assert list(article.shared_with.all()) == []
    assert list(selectors.visible_articles(partner_user)) == []


def test_stale_edit_is_refused(db, manager, admin_user):
    article = services.article_create(actor=manager, data={"title": "并发", "body": "v1"})
    services.article_update(actor=admin_user, article=article, data={"body": "v2"}, base_revision=1)
    with pytest.raises(DomainError) as caught:
        services.article_update(actor=manager, article=article, data={"body": "v2 by someone else"}, base_revision=1)
    assert caught.value.code == "conflict" and caught.value.status == 409
    article.refresh_from_db()
    assert article.body == "v2"


def test_viewers_and_partner_users_cannot_write(db, viewer, partner_user):
    for user in (viewer, partner_user):
        with pytest.raises(DomainError) as caught:
            services.article_create(actor=user, data={"title": "x", "body": "y"})
        assert caught.value.code == "permission_denied"


def test_attachment_is_checked_by_content_and_kept_outside_the_web_root(db, manager, settings):
    article = services.article_create(actor=manager, data={"title": "附件", "body": "见附件"})
    record = services.attachment_add(actor=manager, article=article,
                                     upload=SimpleUploadedFile("纪要.txt", "会议纪要".encode()))
    from allies.knowledge import attachments

    path = attachments.absolute(record.stored_path)
    assert path.read_bytes() == "会议纪要".encode()
    assert str(path).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(DomainError) as caught:
        services.attachment_add(actor=manager, article=article,
                                upload=SimpleUploadedFile("fake.pdf", b"not a pdf at all"))
    assert "fake.pdf" in caught.value.message
    with pytest.raises(DomainError):
        services.attachment_add(actor=manager, article=article, upload=SimpleUploadedFile("run.exe", b"MZ"))
    settings.ALLIES_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(DomainError) as caught:
        services.attachment_add(actor=manager, article=article, upload=SimpleUploadedFile("big.txt", b"x" * 11))
    assert caught.value.status == 413
    assert Attachment.objects.filter(article=article).count() == 1


def test_starters_load_once_in_both_languages(db):
    from django.core.management import call_command

    keys = set(Article.objects.exclude(starter_key=None).values_list("starter_key", flat=True))
    topics = {"screening-checklist", "pilot-template", "agreement-checklist", "conflict-handling"}
    assert keys == {f"{t}.{lang}" for t in topics for lang in ("zh-hans", "en")}
    Article.objects.filter(starter_key="pilot-template.en").delete()
    call_command("load_knowledge_starters")
    call_command("load_knowledge_starters")
    assert Article.objects.exclude(starter_key=None).count() == 8
    restored = Article.objects.get(starter_key="pilot-template.en")
    assert restored.title == "Pilot project template" and restored.revisions.count() == 1
    assert Posting.objects.filter(article=restored, token="pilot").exists()


def test_delete_removes_revisions_attachments_files_and_postings_and_is_audited(db, manager, django_capture_on_commit_callbacks):
    from allies.knowledge import attachments
    from allies.knowledge.models import Language

    keep = services.article_create(actor=manager, data={"title": "保留的文章", "body": "zorblax 模板"})
    article = services.article_create(actor=manager, data={"title": "要删的文章", "body": "zorblax 的要点"})
    services.article_update(actor=manager, article=article, data={"body": "zorblax 的要点，第二版"})
    record = services.attachment_add(actor=manager, article=article, upload=SimpleUploadedFile("a.txt", b"x"))
    path = attachments.absolute(record.stored_path)
    assert path.is_file()
    assert {h.article_id for h in selectors.article_search(user=manager, query="zorblax").results} == {
        keep.pk, article.pk}

    with django_capture_on_commit_callbacks(execute=True):
        services.article_delete(actor=manager, article=article)

    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Revision.objects.filter(article_id=article.pk).exists()
    assert not Attachment.objects.filter(pk=record.pk).exists()
    assert not Posting.objects.filter(article_id=article.pk).exists()
    assert not path.exists()
    # search forgets it (and its cached document frequencies) at once
    assert [h.article_id for h in selectors.article_search(user=manager, query="zorblax").results] == [keep.pk]
    entry = LogEntry.objects.filter(object_pk=str(article.pk), action=LogEntry.Action.DELETE,
                                    content_type__model="article").get()
    assert entry.actor == manager and "要删的文章" in entry.object_repr
    assert Article.objects.get(pk=keep.pk).language == Language.ZH


def test_viewers_and_partner_users_cannot_delete(db, manager, viewer, partner_user, partner_a):
    article = services.article_create(actor=manager, data={
        "title": "共享文章", "body": "正文", "visibility": "shared", "shared_with_ids": [partner_a.pk]})
    for user in (viewer, partner_user):
        with pytest.raises(DomainError) as caught:
            services.article_delete(actor=user, article=article)
        assert caught.value.code == "permission_denied"
    assert Article.objects.filter(pk=article.pk).exists()
