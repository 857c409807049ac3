"""Web pages of the knowledge base: list by tag, search with snippets, article, edit with preview, revisions.

Staff and partner users share the reading pages; a partner user reaches only the
articles shared with its company (anything else is a 404) and never sees edit links,
revisions, linked alliances or whom else an article is shared with.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allies.core.errors import DomainError
from allies.core.scoping import get_visible
from allies.knowledge import attachments as files
from allies.knowledge import markdown, selectors, services
from allies.knowledge.forms import FIELD_MAP, ArticleForm, AttachmentForm
from allies.knowledge.models import Article, Attachment, Revision
from allies.web.decorators import internal_required, writer_required

PAGE_SIZE = 20


def _article(request, pk: int) -> Article:
    qs = selectors.with_relations(selectors.visible_articles(request.user), request.user)
    return get_visible(qs.select_related("created_by", "updated_by").prefetch_related("attachments", "agreements"),
                       request.user, pk=pk)


def _apply_errors(form, exc: DomainError) -> None:
    placed = False
    for err in exc.details.get("errors", []):
        name = FIELD_MAP.get(err.get("field"), err.get("field"))
        if name in form.fields:
            form.add_error(name, err["reason"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@login_required
def article_index(request):
    tag = request.GET.get("tag", "").strip()[:50]
    qs = selectors.article_list(user=request.user, tag=tag)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/list.html", {
        "page": page, "tag": tag, "tags": selectors.tags_in_use(request.user)})


@login_required
def article_search(request):
    q = request.GET.get("q", "").strip()[:500]
    tag = request.GET.get("tag", "").strip()[:50]
    try:
        number = min(max(1, int(request.GET.get("page", "1"))), 100_000)
    except ValueError:
        number = 1
    result = selectors.article_search(user=request.user, query=q, tag=tag, offset=(number - 1) * PAGE_SIZE,
                                      limit=PAGE_SIZE) if q else None
    pages = ((result.total + PAGE_SIZE - 1) // PAGE_SIZE) if result else 0
    return render(request, "knowledge/search.html", {
        "q": q, "tag": tag, "result": result, "number": number, "pages": pages,
        "tags": selectors.tags_in_use(request.user)})


@login_required
def article_detail(request, pk: int):
    article = _article(request, pk)
    return render(request, "knowledge/detail.html", {
        "article": article, "html": markdown.render(article.body), "upload_form": AttachmentForm(),
        "tags": sorted(t.name for t in article.tags.all())})


def _form_page(request, form, article, title, preview=None, status=200):
    return render(request, "knowledge/form.html",
                  {"form": form, "article": article, "title": title, "preview": preview}, status=status)


@writer_required
def article_create(request):
    form = ArticleForm(request.POST or None, initial={"language": request.LANGUAGE_CODE if
                                                     request.LANGUAGE_CODE == "en" else "zh-hans"})
    if request.method == "POST" and "preview" in request.POST:
        return _form_page(request, form, None, _("新建文章"), preview=_preview(request))
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(actor=request.user, data=form.article_data())
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已保存文章“{title}”。").format(title=article.title))
            return redirect("knowledge:detail", pk=article.pk)
    status = 422 if form.is_bound and form.errors else 200
    return _form_page(request, form, None, _("新建文章"), status=status)


def _preview(request) -> dict:
    body = request.POST.get("body", "")[:200_000]
    return {"html": markdown.render(body), "unsafe_links": markdown.unsafe_links(body)}


@writer_required
def article_edit(request, pk: int):
    article = _article(request, pk)
    initial = {
        "title": article.title, "body": article.body, "language": article.language,
        "tags": ", ".join(sorted(t.name for t in article.tags.all())),
        "partners": list(article.partners.values_list("pk", flat=True)),
        "agreements": list(article.agreements.values_list("pk", flat=True)),
        "authors": list(article.authors.values_list("pk", flat=True)),
        "visibility": article.visibility,
        "shared_with": list(article.shared_with.values_list("pk", flat=True)),
        "base_revision": article.revision,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    title = _("编辑文章")
    if request.method == "POST" and "preview" in request.POST:
        return _form_page(request, form, article, title, preview=_preview(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(actor=request.user, article=article, data=form.article_data(),
                                    base_revision=form.cleaned_data.get("base_revision"))
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已保存文章“{title}”（第 {n} 版）。").format(
                title=article.title, n=article.revision))
            return redirect("knowledge:detail", pk=article.pk)
    status = 422 if form.is_bound and form.errors else 200
    return _form_page(request, form, article, title, status=status)


@internal_required
def revision_index(request, pk: int):
    article = _article(request, pk)
    return render(request, "knowledge/revisions.html", {
        "article": article, "revisions": selectors.revision_list(article)})


@internal_required
def revision_detail(request, pk: int, number: int):
    article = _article(request, pk)
    try:
        revision = selectors.revision_get(article, number)
    except Revision.DoesNotExist as exc:
        raise Http404 from exc
    previous = article.revisions.filter(number__lt=number).order_by("-number").first()
    return render(request, "knowledge/revision.html", {
        "article": article, "revision": revision, "previous": previous, "html": markdown.render(revision.body),
        "diff": selectors.revision_diff(previous, revision)})


@require_POST
@writer_required
def attachment_upload(request, pk: int):
    article = _article(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            record = services.attachment_add(actor=request.user, article=article, upload=form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已上传附件“{name}”。").format(name=record.original_name))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("knowledge:detail", pk=article.pk)


@login_required
def attachment_download(request, attachment_id: int):
    visible = Attachment.objects.filter(article__in=selectors.visible_articles(request.user).values("pk"))
    record = get_visible(visible, request.user, pk=attachment_id)
    try:
        path = files.absolute(record.stored_path)
    except DomainError as exc:
        raise Http404 from exc
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.original_name,
                        content_type=record.content_type)


@require_POST
@writer_required
def article_delete(request, pk: int):
    article = _article(request, pk)
    services.article_delete(actor=request.user, article=article)
    messages.success(request, _("已删除文章“{title}”。").format(title=article.title))
    return redirect("knowledge:list")


@require_POST
@writer_required
def attachment_delete(request, attachment_id: int):
    record = get_visible(Attachment.objects.select_related("article"), request.user, pk=attachment_id)
    services.attachment_delete(actor=request.user, attachment=record)
    messages.success(request, _("已删除附件“{name}”。").format(name=record.original_name))
    return redirect("knowledge:detail", pk=record.article_id)
