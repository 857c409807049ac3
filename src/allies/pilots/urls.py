from django.urls import path

from allies.pilots import views

urlpatterns = [
    path("", views.pilot_index, name="list"),
    path("new/", views.pilot_create, name="create"),
    path("<int:pk>/", views.pilot_detail, name="detail"),
    path("<int:pk>/edit/", views.pilot_edit, name="edit"),
    path("<int:pk>/start/", views.pilot_start, name="start"),
    path("<int:pk>/kpis/", views.kpi_add, name="kpi_add"),
    path("<int:pk>/kpis/<int:kpi_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("<int:pk>/kpis/<int:kpi_id>/delete/", views.kpi_delete, name="kpi_delete"),
    path("<int:pk>/measurements/", views.measurement_add, name="measurement_add"),
    path("<int:pk>/close/", views.pilot_close, name="close"),
    path("<int:pk>/reviews/<int:review_id>/", views.review_detail, name="review"),
]
