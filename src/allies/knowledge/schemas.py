"""API schemas of the knowledge base."""

from datetime import datetime

from ninja import Field, Schema

from allies.api.schemas import DbId, StrictIn


class ArticleIn(StrictIn):
    title: str = Field(..., max_length=200)
    body: str = Field(..., description="Markdown; raw HTML is shown as text; links: http, https, mailto or relative")
    language: str = Field("zh-hans", description="zh-hans or en")
    tags: list[str] = Field([], max_length=20)
    partner_ids: list[DbId] = Field([], description="Partners the article is about (internal link)")
    agreement_ids: list[DbId] = Field([], description="Alliances (agreements) the article is about")
    author_ids: list[DbId] = Field([], description="Internal users; default: you")
    visibility: str = Field("internal", description="internal, or shared (then shared_with_ids is required)")
    shared_with_ids: list[DbId] = Field([], description="Partners whose users may read the article")
    note: str = Field("", max_length=200, description="What this version changed")


class ArticlePatch(StrictIn):
    title: str | None = Field(None, max_length=200)
    body: str | None = None
    language: str | None = None
    tags: list[str] | None = Field(None, max_length=20)
    partner_ids: list[DbId] | None = None
    agreement_ids: list[DbId] | None = None
    author_ids: list[DbId] | None = None
    visibility: str | None = None
    shared_with_ids: list[DbId] | None = None
    note: str = Field("", max_length=200)
    base_revision: int | None = Field(None, ge=0, le=2**31,
                                      description="The version this edit started from; a newer one answers 409")


class Ref(Schema):
    id: int
    name: str


class ArticleOut(Schema):
    id: int
    title: str
    language: str
    tags: list[str]
    visibility: str
    revision: int
    updated_at: datetime


class ArticleDetailOut(ArticleOut):
    body: str
    html: str = Field(..., description="The Markdown rendered and sanitised")
    partners: list[Ref]
    agreements: list[Ref] | None = Field(None, description="Internal only (null for partner users)")
    authors: list[Ref]
    shared_with: list[Ref] | None = Field(None, description="Internal only (null for partner users)")
    attachments: list["AttachmentOut"]
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    content_type: str
    sha256: str
    uploaded_at: datetime


class ArticlePage(Schema):
    count: int
    items: list[ArticleOut]


class SearchHitOut(Schema):
    article: ArticleOut
    score: float
    matched: int = Field(..., description="How many of the query's tokens the article has")
    title_html: str = Field(..., description="The title, HTML-escaped, hits in <mark>")
    snippet_html: str = Field(..., description="Text around the first hit, HTML-escaped, hits in <mark>")


class SearchPageOut(Schema):
    query: str
    terms: list[str] = Field(..., description="The tokens the query was cut into")
    count: int
    items: list[SearchHitOut]


class RevisionOut(Schema):
    number: int
    title: str
    tags: list[str]
    visibility: str
    note: str
    author_name: str
    created_at: datetime


class RevisionDetailOut(RevisionOut):
    body: str
    html: str
    diff: list[dict] = Field(..., description="Lines changed from the previous version: {kind: add|del|same|hunk, text}")


ArticleDetailOut.model_rebuild()
