"""REST endpoints of the knowledge base (/api/v1/knowledge/...).

Partner users list, search and read the articles shared with their company and download
their attachments; another article is a 404. Writing, revisions and the preview are for
staff (viewers read and preview, managers and admins write).
"""

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from allies.api.paging import page_slice
from allies.api.schemas import DbId, StrictIn, errors
from allies.core.errors import DomainError, ErrorCode
from allies.core.permissions import require_internal
from allies.core.scoping import get_visible, restrict
from allies.knowledge import attachments as files
from allies.knowledge import markdown, selectors, services
from allies.knowledge.models import Article, Attachment, Revision
from allies.knowledge.schemas import (
    ArticleDetailOut,
    ArticleIn,
    ArticlePage,
    ArticlePatch,
    AttachmentOut,
    RevisionDetailOut,
    RevisionOut,
    SearchPageOut,
)

router = Router(tags=["knowledge"])


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def article_out(article: Article) -> dict:
    return {"id": article.pk, "title": article.title, "language": article.language,
            "tags": sorted(t.name for t in article.tags.all()), "visibility": article.visibility,
            "revision": article.revision, "updated_at": article.updated_at}


def article_detail_out(article: Article, user) -> dict:
    internal = user.is_internal
    data = article_out(article)
    data.update({
        "body": article.body,
        "html": markdown.render(article.body),
        "partners": [{"id": p.pk, "name": p.name} for p in article.partners.all()],
        "agreements": ([{"id": a.pk, "name": f"{a.code} {a.title}".strip()} for a in article.agreements.all()]
                       if internal else None),
        "authors": [{"id": u.pk, "name": _name(u)} for u in article.authors.all()],
        "shared_with": [{"id": p.pk, "name": p.name} for p in article.shared_with.all()] if internal else None,
        "attachments": list(article.attachments.all()),
        "created_at": article.created_at,
    })
    return data


def _article(request, article_id: int) -> Article:
    qs = selectors.with_relations(selectors.visible_articles(request.auth), request.auth)
    return get_visible(qs.prefetch_related("attachments", "agreements"), request.auth, pk=article_id)


def revision_out(revision: Revision) -> dict:
    return {"number": revision.number, "title": revision.title, "tags": revision.tags,
            "visibility": revision.visibility, "note": revision.note, "author_name": _name(revision.author),
            "created_at": revision.created_at}


class ArticleFilters(Schema):
    tag: str = Field("", max_length=50)
    partner_id: DbId | None = None
    limit: int = 50
    offset: int = 0


class SearchFilters(Schema):
    q: str = Field("", max_length=500, description="Words in Chinese or English")
    tag: str = Field("", max_length=50)
    limit: int = 20
    offset: int = 0


class PreviewIn(StrictIn):
    body: str = Field(..., max_length=200_000)


class PreviewOut(Schema):
    html: str
    unsafe_links: list[str] = Field(..., description="Links a save would refuse")


@router.get("/knowledge/articles", response={200: ArticlePage, **errors(401)},
            summary="List the articles you may read (newest first), optionally by tag or partner")
def list_articles(request, filters: Query[ArticleFilters]):
    qs = selectors.article_list(user=request.auth, tag=filters.tag, partner_id=filters.partner_id)
    return {"count": qs.count(), "items": [article_out(a) for a in qs[page_slice(filters.limit, filters.offset)]]}


@router.get("/knowledge/search", response={200: SearchPageOut, **errors(401)},
            summary="Full-text search (Chinese and English) with highlighted snippets")
def search_articles(request, filters: Query[SearchFilters]):
    window = page_slice(filters.limit, filters.offset)
    page = selectors.article_search(user=request.auth, query=filters.q, tag=filters.tag, offset=window.start,
                                    limit=window.stop - window.start)
    return {"query": page.query, "terms": page.terms, "count": page.total, "items": [
        {"article": {"id": r.article_id, "title": r.title_text, "language": r.language, "tags": r.tags,
                     "visibility": r.visibility, "revision": r.revision, "updated_at": r.updated_at},
         "score": r.score, "matched": r.matched, "title_html": str(r.title),
         "snippet_html": str(r.snippet)} for r in page.results]}


@router.post("/knowledge/articles", response={201: ArticleDetailOut, **errors(401, 403)},
             summary="Write an article (revision 1); an unsafe link in the Markdown is refused")
def create_article(request, payload: ArticleIn):
    article = services.article_create(actor=request.auth, data=payload.dict())
    return 201, article_detail_out(_article(request, article.pk), request.auth)


@router.get("/knowledge/articles/{article_id}", response={200: ArticleDetailOut, **errors(401, 404)},
            summary="One article, its Markdown rendered safely, with links and attachments")
def get_article(request, article_id: DbId):
    return article_detail_out(_article(request, article_id), request.auth)


@router.patch("/knowledge/articles/{article_id}", response={200: ArticleDetailOut, **errors(401, 403, 404, 409)},
              summary="Change an article: a new revision (409 when base_revision is not the current one)")
def update_article(request, article_id: DbId, payload: ArticlePatch):
    article = _article(request, article_id)
    data = payload.dict(exclude_unset=True)
    base = data.pop("base_revision", None)
    services.article_update(actor=request.auth, article=article, data=data, base_revision=base)
    return article_detail_out(_article(request, article_id), request.auth)


@router.delete("/knowledge/articles/{article_id}", response={204: None, **errors(401, 403, 404)},
               summary="Delete an article with its revisions and attachments (kept in the audit log)")
def delete_article(request, article_id: DbId):
    article = _article(request, article_id)
    services.article_delete(actor=request.auth, article=article)
    return 204, None


@router.get("/knowledge/articles/{article_id}/revisions", response={200: list[RevisionOut], **errors(401, 403, 404)},
            summary="An article's revisions, newest first")
def list_revisions(request, article_id: DbId):
    article = _article(request, article_id)
    require_internal(request.auth)
    return [revision_out(r) for r in selectors.revision_list(article)]


@router.get("/knowledge/articles/{article_id}/revisions/{number}",
            response={200: RevisionDetailOut, **errors(401, 403, 404)},
            summary="One old revision, rendered, with its differences from the one before")
def get_revision(request, article_id: DbId, number: DbId):
    article = _article(request, article_id)
    require_internal(request.auth)
    try:
        revision = selectors.revision_get(article, number)
    except Revision.DoesNotExist as exc:
        raise DomainError(ErrorCode.NOT_FOUND, _("找不到该版本。")) from exc
    previous = article.revisions.filter(number__lt=number).order_by("-number").first()
    return {**revision_out(revision), "body": revision.body, "html": markdown.render(revision.body),
            "diff": [{"kind": d.kind, "text": d.text} for d in selectors.revision_diff(previous, revision)]}


@router.post("/knowledge/preview", response={200: PreviewOut, **errors(401, 403)},
             summary="Render Markdown as a save would, and list the links a save would refuse (saves nothing)")
def preview(request, payload: PreviewIn):
    require_internal(request.auth)
    return {"html": markdown.render(payload.body), "unsafe_links": markdown.unsafe_links(payload.body)}


@router.post("/knowledge/articles/{article_id}/attachments",
             response={201: AttachmentOut, **errors(401, 403, 404, 413)},
             summary="Attach a file (pdf, png, jpg, docx, xlsx, csv, txt; content must match the type)")
def upload_attachment(request, article_id: DbId, file: File[UploadedFile]):
    article = _article(request, article_id)
    return 201, services.attachment_add(actor=request.auth, article=article, upload=file)


@router.get("/knowledge/attachments/{attachment_id}", response={200: None, **errors(401, 404)},
            summary="Download an attachment of an article you may read")
def download_attachment(request, attachment_id: DbId):
    visible = Attachment.objects.filter(article__in=selectors.visible_articles(request.auth).values("pk"))
    record = get_visible(visible, request.auth, pk=attachment_id)
    path = files.absolute(record.stored_path)
    if not path.is_file():
        raise DomainError(ErrorCode.NOT_FOUND, record.original_name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.original_name,
                        content_type=record.content_type)


@router.delete("/knowledge/attachments/{attachment_id}", response={204: None, **errors(401, 403, 404)},
               summary="Remove an attachment")
def delete_attachment(request, attachment_id: DbId):
    record = get_visible(restrict(Attachment.objects.all(), request.auth), request.auth, pk=attachment_id)
    services.attachment_delete(actor=request.auth, attachment=record)
    return 204, None

