"""Web pages of ecosystem (included by allies.web.urls under the "ecosystem" namespace)."""

urlpatterns: list = []
