from django.urls import path

from allies.partners import screening_views as views

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("sensitivity/", views.sensitivity, name="sensitivity"),
    path("compare/", views.compare, name="compare"),
    path("models/", views.model_list, name="models"),
    path("models/<int:pk>/", views.model_edit, name="model_edit"),
    path("models/<int:pk>/default/", views.model_make_default, name="model_default"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
]
