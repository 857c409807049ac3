"""Web pages of monitoring (included by allies.web.urls under the "monitoring" namespace)."""

from django.urls import path

from allies.monitoring import views

urlpatterns = [
    path("", views.evaluation_index, name="list"),
    path("evaluations/new/", views.evaluation_create, name="create"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/refresh/", views.evaluation_refresh, name="refresh"),
    path("evaluations/<int:pk>/kpis/", views.kpi_add, name="kpi_add"),
    path("evaluations/<int:pk>/kpis/<int:kpi_id>/", views.kpi_edit, name="kpi_edit"),
    path("evaluations/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("evaluations/<int:pk>/summary/", views.summary_edit, name="summary"),
    path("evaluations/<int:pk>/survey/send/", views.survey_send, name="survey_send"),
    path("evaluations/<int:pk>/survey/", views.survey_answer, name="survey_answer"),
    path("alliances/<int:agreement_id>/", views.alliance_detail, name="alliance"),
    path("alerts/", views.alert_index, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("alerts/<int:pk>/assign/", views.alert_assign, name="alert_assign"),
    path("alerts/<int:pk>/conflict/", views.alert_conflict, name="alert_conflict"),
    path("webhooks/", views.webhook_index, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
