from django.contrib import admin
from django.urls import include, path

from allies.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("allies.web.urls")),
]
