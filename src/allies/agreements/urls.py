"""Web pages of agreements (included by allies.web.urls under the "agreements" namespace)."""

from django.urls import path

from allies.agreements import views

urlpatterns = [
    path("", views.agreement_index, name="list"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/status/", views.agreement_transition, name="transition"),
    path("<int:pk>/delete/", views.agreement_delete, name="delete"),
    path("<int:pk>/ip/new/", views.ip_asset_add, name="ip_add"),
    path("<int:pk>/ip/<int:asset_id>/edit/", views.ip_asset_edit, name="ip_edit"),
    path("<int:pk>/ip/<int:asset_id>/delete/", views.ip_asset_delete, name="ip_delete"),
    path("<int:pk>/versions/", views.version_diff, name="diff"),
    path("<int:pk>/document.docx", views.agreement_document, name="document"),
    path("<int:pk>/scans/", views.scan_upload, name="scan_upload"),
    path("<int:pk>/scans/<int:scan_id>/", views.scan_download, name="scan_download"),
]
