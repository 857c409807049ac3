"""Web pages of governance (included by allies.web.urls under the "governance" namespace)."""

urlpatterns: list = []
