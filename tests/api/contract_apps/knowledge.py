"""Contract tables for the knowledge base.

Partner users list, search and read the articles shared with their company and download
those articles' attachments. "own" is an article shared with partner_a (the partner
user's company); "other" is one shared with partner_b only.
"""

# The paths this module's objects serve: the contract world builds them only for these.
PREFIXES = ("/api/v1/knowledge",)

PARTNER_OPERATIONS = {
    ("GET", "/api/v1/knowledge/articles"),
    ("GET", "/api/v1/knowledge/search"),
    ("GET", "/api/v1/knowledge/articles/{article_id}"),
    ("GET", "/api/v1/knowledge/attachments/{attachment_id}"),
}
COMPUTATIONS = {("POST", "/api/v1/knowledge/preview")}
PARTNER_SCOPED_PARAMS = {"article_id", "attachment_id"}


def sample_bodies(csv_upload):
    return {
        ("POST", "/api/v1/knowledge/articles"): lambda w: {
            "title": "契约测试文章", "body": "# 标题\n\n试点**复盘**要点。", "tags": ["试点"]},
        ("PATCH", "/api/v1/knowledge/articles/{article_id}"): lambda w: {"body": "改过的正文：尽职调查。"},
        ("POST", "/api/v1/knowledge/preview"): lambda w: {"body": "**预览**"},
        ("POST", "/api/v1/knowledge/articles/{article_id}/attachments"): lambda w: {"file": csv_upload()},
    }


def objects(manager, partner_a, partner_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from allies.knowledge import services

    def article_for(partner):
        article = services.article_create(actor=manager, data={
            "title": f"{partner.name} 的合作手册", "body": "联合营销与试点的约定。", "visibility": "shared",
            "shared_with_ids": [partner.pk], "tags": ["手册"]})
        attachment = services.attachment_add(
            actor=manager, article=article,
            upload=SimpleUploadedFile("notes.txt", "会议纪要".encode(), content_type="text/plain"))
        return {"article_id": article.pk, "attachment_id": attachment.pk, "number": 1}

    return article_for(partner_a), article_for(partner_b)
