"""The knowledge base (spec 7.3): articles in Markdown, tags, revisions, attachments, and the search index.

An article is internal unless it is shared with chosen partners, whose users then read it
(and its attachments) in the portal. Every save keeps a revision. ``Posting`` is the
search index (see allies.knowledge.search), rewritten with the article on every save.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("仅内部")
    SHARED = "shared", _("共享给指定伙伴")


class Language(models.TextChoices):
    ZH = "zh-hans", _("中文")
    EN = "en", _("英文")


class Tag(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Article(models.Model):
    """One page of shared know-how: a practice, a template, a checklist, a lesson."""

    PARTNER_SCOPE = "shared_with"

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文（Markdown）"))
    language = models.CharField(_("语言"), max_length=8, choices=Language.choices, default=Language.ZH)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="articles")
    partners = models.ManyToManyField("partners.Partner", verbose_name=_("相关伙伴"), blank=True,
                                      related_name="knowledge_articles")
    agreements = models.ManyToManyField("agreements.Agreement", verbose_name=_("相关联盟"), blank=True,
                                        related_name="knowledge_articles")
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("作者"), blank=True,
                                     related_name="knowledge_articles")
    visibility = models.CharField(_("可见范围"), max_length=16, choices=Visibility.choices,
                                  default=Visibility.INTERNAL)
    shared_with = models.ManyToManyField("partners.Partner", verbose_name=_("共享给"), blank=True,
                                         related_name="shared_articles")
    starter_key = models.CharField(_("预置文章标识"), max_length=64, null=True, blank=True, unique=True,
                                   editable=False)
    revision = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    search_text = models.TextField(_("纯文本"), blank=True, default="", editable=False)
    search_length = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("知识文章")
        verbose_name_plural = _("知识文章")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["-updated_at", "-id"], name="knowledge_article_recent")]

    def __str__(self):
        return self.title


class Revision(models.Model):
    """An article as one save left it. Number 1 is the first version."""

    article = models.ForeignKey(Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文（Markdown）"))
    tags = models.JSONField(_("标签"), default=list)
    visibility = models.CharField(_("可见范围"), max_length=16, choices=Visibility.choices)
    shared_with = models.JSONField(_("共享给"), default=list)
    note = models.CharField(_("修改说明"), max_length=200, blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文章版本")
        verbose_name_plural = _("文章版本")
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="knowledge_revision_unique")]

    def __str__(self):
        return f"{self.title} v{self.number}"


class Attachment(models.Model):
    """A file kept with an article (type checked by content, size limited), outside the web root."""

    PARTNER_SCOPE = "article__shared_with"

    article = models.ForeignKey(Article, verbose_name=_("文章"), on_delete=models.CASCADE,
                                related_name="attachments")
    original_name = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(max_length=300, editable=False)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["article", "original_name", "id"]

    def __str__(self):
        return self.original_name


class Posting(models.Model):
    """One token of one article in the search index, with its BM25 term weight (see allies.knowledge.search)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.CharField(max_length=64)
    tf = models.PositiveIntegerField()
    weight = models.FloatField()

    class Meta:
        # Both covering, so a search reads postings from an index alone: by token for staff (every
        # article), by article for a partner user (the few articles shared with it). One posting
        # per (article, token) holds by construction: indexing replaces all of an article's postings.
        indexes = [models.Index(fields=["token", "article", "weight"], name="knowledge_posting_token"),
                   models.Index(fields=["article", "token", "weight"], name="knowledge_posting_article")]


auditlog.register(Article, m2m_fields={"tags", "shared_with", "partners", "agreements", "authors"},
                  exclude_fields=["search_text", "search_length"])
auditlog.register(Attachment, exclude_fields=["stored_path"])
auditlog.register(Tag)
