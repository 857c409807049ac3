"""Joint customers (/customers/, namespace "accounts"): lists, overlap, registrations (客户报备)."""

from django.urls import path

from allies.sharing import views_accounts as views

urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("list/", views.account_list, name="accounts"),
    path("overlap/", views.overlap, name="overlap"),
    path("overlap/<int:pk>/", views.overlap_result, name="overlap_result"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/new/", views.registration_create, name="registration_create"),
    path("registrations/conflicts/", views.conflicts, name="conflicts"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/update/", views.registration_update, name="registration_update"),
    path("registrations/<int:pk>/decide/", views.registration_decide, name="registration_decide"),
]
