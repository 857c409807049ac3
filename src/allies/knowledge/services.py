"""Writes of the knowledge base: articles (each save a revision and a fresh search index), attachments.

Input is checked as a whole before anything is written; a Markdown link or image with an
unsafe scheme (javascript:, data: ...) refuses the save with a message naming the link.
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from allies.agreements.models import Agreement
from allies.core.audit import acting_as
from allies.core.errors import DomainError, ErrorCode
from allies.core.models import INTERNAL_ROLES, User
from allies.core.permissions import require_writer
from allies.core.text import join_list
from allies.knowledge import attachments as files
from allies.knowledge import markdown
from allies.knowledge.indexing import index_article
from allies.knowledge.models import Article, Attachment, Language, Posting, Revision, Tag, Visibility
from allies.knowledge.search import forget_frequencies
from allies.partners.models import Partner
from allies.pilots.validation import Problems, label_of

MAX_TITLE = 200
MAX_BODY = 200_000
MAX_TAGS = 20
MAX_TAG = 50
MAX_NOTE = 200
FIELDS = ("title", "body", "language", "tags", "partner_ids", "agreement_ids", "author_ids", "visibility",
          "shared_with_ids")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control(value: str, field: str, label: str, problems: Problems) -> bool:
    """Whether ``value`` has control characters (PostgreSQL cannot even store NUL); reported as a problem."""
    if CONTROL.search(value):
        problems.add(field, CONTROL.sub("?", value)[:50], _("含有不可见的控制字符。"), label=label)
        return True
    return False


def _label(field: str) -> str:
    return label_of(Article, field)


def _ids(raw, field: str, label: str, problems: Problems) -> list[int]:
    out = []
    for value in raw or []:
        if isinstance(value, bool) or not isinstance(value, int) and not str(value).strip().isdigit():
            problems.add(field, value, _("“{value}”不是有效的编号。").format(value=str(value)[:50]), label=label)
            continue
        number = int(value)
        if not 1 <= number < 2**63 and number not in out:
            problems.add(field, value, _("“{value}”不是有效的编号。").format(value=value), label=label)
        elif number not in out:
            out.append(number)
    return out


def _existing(model, ids: list[int], field: str, label: str, problems: Problems, **filters) -> list[int]:
    found = set(model.objects.filter(pk__in=ids, **filters).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        problems.add(field, ",".join(map(str, missing)),
                     _("找不到编号为 {ids} 的记录。").format(ids=join_list(missing)), label=label)
    return [i for i in ids if i in found]


def _clean_tags(raw, problems: Problems) -> list[str]:
    names: list[str] = []
    for value in raw or []:
        name = " ".join(str(value).split())
        if not name or _control(name, "tags", _label("tags"), problems):
            continue
        if len(name) > MAX_TAG:
            problems.add("tags", name, _("标签最多 {n} 个字符。").format(n=MAX_TAG), label=_label("tags"))
        elif name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if len(names) > MAX_TAGS:
        problems.add("tags", len(names), _("最多 {n} 个标签。").format(n=MAX_TAGS), label=_label("tags"))
    return names


def _clean(data: dict, problems: Problems, current: Article | None = None) -> dict:
    """The given fields, checked; keys absent from ``data`` stay absent."""
    out: dict = {}
    if "title" in data or current is None:
        title = " ".join(str(data.get("title") or "").split())
        if _control(title, "title", _label("title"), problems):
            title = ""
        elif not title:
            problems.add("title", title, _("不能为空。"), label=_label("title"))
        elif len(title) > MAX_TITLE:
            problems.add("title", title, _("最多 {n} 个字符。").format(n=MAX_TITLE), label=_label("title"))
        out["title"] = title
    if "body" in data or current is None:
        body = str(data.get("body") or "").replace("\r\n", "\n")
        if _control(body, "body", _label("body"), problems):
            body = ""
        elif not body.strip():
            problems.add("body", "", _("不能为空。"), label=_label("body"))
        elif len(body) > MAX_BODY:
            problems.add("body", body[:50], _("最多 {n} 个字符。").format(n=MAX_BODY), label=_label("body"))
        else:
            for url in markdown.unsafe_links(body):
                problems.add("body", url,
                             _("链接“{url}”不安全：只允许 http、https、mailto 链接和站内相对链接。").format(url=url[:200]),
                             ErrorCode.UNSAFE_LINK, _label("body"))
        out["body"] = body
    if "language" in data:
        language = data.get("language") or Language.ZH
        if language not in Language.values:
            problems.add("language", language, _("只能是 {choices}。").format(choices=join_list(Language.values)),
                         label=_label("language"))
        out["language"] = language
    if "visibility" in data:
        visibility = data.get("visibility") or Visibility.INTERNAL
        if visibility not in Visibility.values:
            problems.add("visibility", visibility,
                         _("只能是 {choices}。").format(choices=join_list(Visibility.values)),
                         label=_label("visibility"))
        out["visibility"] = visibility
    if "tags" in data:
        out["tags"] = _clean_tags(data.get("tags"), problems)
    for field, model, name, filters in (
        ("partner_ids", Partner, "partners", {}),
        ("agreement_ids", Agreement, "agreements", {}),
        ("shared_with_ids", Partner, "shared_with", {}),
        ("author_ids", User, "authors", {"role__in": INTERNAL_ROLES, "is_active": True}),
    ):
        if field in data and data[field] is not None:
            ids = _ids(data[field], field, _label(name), problems)
            out[field] = _existing(model, ids, field, _label(name), problems, **filters)
    visibility = out.get("visibility", current.visibility if current else Visibility.INTERNAL)
    if "shared_with_ids" in out:
        shared = out["shared_with_ids"]
    else:
        shared = list(current.shared_with.values_list("pk", flat=True)) if current else []
    if visibility == Visibility.SHARED and not shared and "shared_with_ids" not in problems.labels:
        problems.add("shared_with_ids", "", _("共享的文章须至少选择一个伙伴。"), label=_label("shared_with"))
    if visibility == Visibility.INTERNAL and shared:
        if "shared_with_ids" in out or "visibility" not in out:
            problems.add("shared_with_ids", ",".join(map(str, shared)),
                         _("仅内部可见的文章不能共享给伙伴；请把可见范围改为“共享给指定伙伴”，或清空共享伙伴。"),
                         label=_label("shared_with"))
        else:
            out["shared_with_ids"] = []
    return out


def _note(raw) -> str:
    note = CONTROL.sub("", " ".join(str(raw or "").split()))
    return note[:MAX_NOTE]


def _apply(article: Article, cleaned: dict) -> None:
    if "tags" in cleaned:
        tags = []
        for name in cleaned["tags"]:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            tags.append(tag)
        article.tags.set(tags)
    for field, relation in (("partner_ids", article.partners), ("agreement_ids", article.agreements),
                            ("shared_with_ids", article.shared_with), ("author_ids", article.authors)):
        if field in cleaned:
            relation.set(cleaned[field])


def _snapshot(article: Article, *, number: int, actor, note: str) -> Revision:
    return Revision.objects.create(
        article=article, number=number, title=article.title, body=article.body,
        tags=sorted(article.tags.values_list("name", flat=True)), visibility=article.visibility,
        shared_with=[{"id": p.pk, "name": p.name} for p in article.shared_with.order_by("name")],
        note=note, author=actor if getattr(actor, "is_authenticated", False) else None)


def _state(article: Article) -> tuple:
    return (article.title, article.body, article.language, article.visibility,
            sorted(article.tags.values_list("name", flat=True)),
            sorted(article.partners.values_list("pk", flat=True)),
            sorted(article.agreements.values_list("pk", flat=True)),
            sorted(article.shared_with.values_list("pk", flat=True)),
            sorted(article.authors.values_list("pk", flat=True)))


def article_create(*, actor, data: dict) -> Article:
    """A new article (revision 1), indexed for search. The actor is an author unless authors are given."""
    require_writer(actor)
    problems = Problems()
    cleaned = _clean(data, problems)
    problems.raise_if_any()
    if not cleaned.get("author_ids"):
        cleaned["author_ids"] = [actor.pk]
    with transaction.atomic(), acting_as(actor):
        article = Article.objects.create(
            title=cleaned["title"], body=cleaned["body"], language=cleaned.get("language", Language.ZH),
            visibility=cleaned.get("visibility", Visibility.INTERNAL), revision=1, created_by=actor,
            updated_by=actor)
        _apply(article, cleaned)
        _snapshot(article, number=1, actor=actor, note=_note(data.get("note")))
        index_article(article, Posting=Posting)
    return article


def article_update(*, actor, article: Article, data: dict, base_revision: int | None = None) -> Article:
    """Change an article; a change makes a new revision. ``base_revision``: the version the edit started from.

    An edit made on an older version than the current one is refused (409) rather than
    silently overwriting someone else's save. A save that changes nothing keeps the revision.
    """
    require_writer(actor)
    if base_revision is not None and base_revision != article.revision:
        raise DomainError(ErrorCode.CONFLICT,
                          _("文章“{title}”在你编辑期间已被修改（当前为第 {current} 版，你编辑的是第 {base} 版）；"
                            "请重新打开后再修改。").format(title=article.title, current=article.revision,
                                                   base=base_revision),
                          {"current_revision": article.revision, "base_revision": base_revision})
    problems = Problems()
    cleaned = _clean({k: v for k, v in data.items() if k in FIELDS}, problems, current=article)
    problems.raise_if_any()
    with transaction.atomic(), acting_as(actor):
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if base_revision is not None and base_revision != locked.revision:
            raise DomainError(ErrorCode.CONFLICT, _("文章在你编辑期间已被修改；请重新打开后再修改。"),
                              {"current_revision": locked.revision, "base_revision": base_revision})
        before = _state(locked)
        for field in ("title", "body", "language", "visibility"):
            if field in cleaned:
                setattr(locked, field, cleaned[field])
        locked.save()
        _apply(locked, cleaned)
        if _state(locked) == before:
            transaction.set_rollback(True)  # nothing changed: no revision, not even a new updated_at
        else:
            locked.authors.add(actor)
            locked.revision += 1
            locked.updated_by = actor
            locked.save(update_fields=["revision", "updated_by", "updated_at"])
            _snapshot(locked, number=locked.revision, actor=actor, note=_note(data.get("note")))
            index_article(locked, Posting=Posting)
    article.refresh_from_db()
    return article


def attachment_add(*, actor, article: Article, upload) -> Attachment:
    """Keep a file with an article after its type and size checks; nothing is kept when refused."""
    require_writer(actor)
    stored = files.store(upload, article_id=article.pk)
    try:
        with transaction.atomic(), acting_as(actor):
            return Attachment.objects.create(
                article=article, original_name=stored.original_name, stored_path=stored.stored_path,
                size=stored.size, content_type=stored.content_type, sha256=stored.sha256, uploaded_by=actor)
    except Exception:
        files.remove(stored.stored_path)
        raise


def attachment_delete(*, actor, attachment: Attachment) -> None:
    require_writer(actor)
    path = attachment.stored_path
    with transaction.atomic(), acting_as(actor):
        attachment.delete()
        transaction.on_commit(lambda: files.remove(path))


def article_delete(*, actor, article: Article) -> None:
    """Remove an article with its revisions, attachments (files too, once committed) and search postings.

    The audit log keeps the deletion with the article's last field values.
    """
    require_writer(actor)
    paths = list(article.attachments.values_list("stored_path", flat=True))
    tokens = set(Posting.objects.filter(article_id=article.pk).values_list("token", flat=True))

    def after_commit():
        for path in paths:
            files.remove(path)
        forget_frequencies(tokens)

    with transaction.atomic(), acting_as(actor):
        Article.objects.get(pk=article.pk).delete()
        transaction.on_commit(after_commit)
