"""Web pages of ecosystem (included by allies.web.urls under the "ecosystem" namespace)."""

from django.urls import path

from allies.ecosystem import views

urlpatterns = [
    path("", views.network_view, name="network"),
    path("analytics/", views.analytics_view, name="analytics"),
    path("relations/", views.relations_view, name="relations"),
    path("relations/new/", views.relation_create, name="relation_create"),
    path("relations/<int:pk>/edit/", views.relation_edit, name="relation_edit"),
    path("relations/<int:pk>/delete/", views.relation_delete, name="relation_delete"),
    path("referrals/new/", views.referral_set, name="referral_set"),
    path("referrals/<int:pk>/delete/", views.referral_delete, name="referral_delete"),
    path("initiatives/", views.initiatives_view, name="initiatives"),
    path("labs/new/", views.lab_form, name="lab_create"),
    path("labs/<int:pk>/", views.lab_detail, name="lab"),
    path("labs/<int:pk>/edit/", views.lab_form, name="lab_edit"),
    path("labs/<int:pk>/delete/", views.lab_delete, name="lab_delete"),
    path("labs/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("labs/<int:pk>/milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("investments/new/", views.investment_form, name="investment_create"),
    path("investments/<int:pk>/", views.investment_detail, name="investment"),
    path("investments/<int:pk>/edit/", views.investment_form, name="investment_edit"),
    path("investments/<int:pk>/delete/", views.investment_delete, name="investment_delete"),
    path("cobranding/new/", views.cobranding_form, name="cobranding_create"),
    path("cobranding/<int:pk>/", views.cobranding_detail, name="cobranding"),
    path("cobranding/<int:pk>/edit/", views.cobranding_form, name="cobranding_edit"),
    path("cobranding/<int:pk>/delete/", views.cobranding_delete, name="cobranding_delete"),
    path("portfolio/", views.portfolio_view, name="portfolio"),
    path("portfolio/xlsx/", views.portfolio_xlsx, name="portfolio_xlsx"),
    path("portfolio/pdf/", views.portfolio_pdf, name="portfolio_pdf"),
]
