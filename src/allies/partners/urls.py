from django.urls import path

from allies.partners import pipeline_views, views

urlpatterns = [
    path("", views.partner_index, name="list"),
    path("pipeline/", pipeline_views.board, name="pipeline"),
    path("new/", views.partner_create, name="create"),
    path("import/", views.partner_import, name="import"),
    path("export/", views.partner_export, name="export"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path("<int:pk>/stage/", views.partner_stage, name="stage"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/ratings/", views.rating_save, name="ratings"),
]
