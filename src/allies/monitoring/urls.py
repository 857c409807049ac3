"""Web pages of monitoring (included by allies.web.urls under the "monitoring" namespace)."""

urlpatterns: list = []
