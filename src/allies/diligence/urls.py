from django.urls import path

from allies.diligence import template_views, views

urlpatterns = [
    path("", views.case_index, name="list"),
    path("open/", views.case_open_picked, name="open_picked"),
    path("partner/<int:partner_id>/open/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/financials/", views.financial_add, name="financial_add"),
    path("<int:pk>/financials/rating/", views.financial_rate, name="financial_rate"),
    path("<int:pk>/conclude/", views.case_conclude, name="conclude"),
    path("items/<int:pk>/", views.item_update, name="item_update"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("financials/<int:pk>/delete/", views.financial_delete, name="financial_delete"),
    path("templates/", template_views.template_index, name="templates"),
    path("templates/new/", template_views.template_add, name="template_add"),
    path("templates/<int:pk>/", template_views.template_update, name="template_update"),
    path("templates/<int:pk>/delete/", template_views.template_delete, name="template_delete"),
]
