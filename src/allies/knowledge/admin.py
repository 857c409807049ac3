from django.contrib import admin

from allies.knowledge.models import Article, Attachment, Revision, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "visibility", "revision", "updated_at"]
    list_filter = ["visibility", "language", "tags"]
    search_fields = ["title"]

    # Articles are written in the app, which checks links, keeps revisions and updates the search index.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "author", "created_at"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "article", "size", "uploaded_at"]
