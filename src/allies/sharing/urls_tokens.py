from django.urls import path

from allies.sharing import views_tokens

urlpatterns = [
    path("", views_tokens.token_index, name="list"),
    path("new/", views_tokens.token_create, name="create"),
    path("<int:pk>/revoke/", views_tokens.token_revoke, name="revoke"),
    path("access-log/", views_tokens.access_log, name="access_log"),
]
