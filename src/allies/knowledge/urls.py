"""Web pages of knowledge (included by allies.web.urls under the "knowledge" namespace)."""

from django.urls import path

from allies.knowledge import views

urlpatterns = [
    path("", views.article_index, name="list"),
    path("search/", views.article_search, name="search"),
    path("new/", views.article_create, name="create"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/delete/", views.article_delete, name="delete"),
    path("<int:pk>/revisions/", views.revision_index, name="revisions"),
    path("<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("attachments/<int:attachment_id>/delete/", views.attachment_delete, name="attachment_delete"),
]
