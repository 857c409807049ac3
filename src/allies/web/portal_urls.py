from django.urls import path

from allies.web import portal

urlpatterns = [path("", portal.portal_home, name="home")]
