from django.contrib import admin
from django.urls import include, path, re_path

from allies.api.fallback import not_found
from allies.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", not_found),
    path("", include("allies.web.urls")),
]
