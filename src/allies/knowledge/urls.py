"""Web pages of knowledge (included by allies.web.urls under the "knowledge" namespace)."""

urlpatterns: list = []
