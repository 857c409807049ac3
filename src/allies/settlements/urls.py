"""Web pages of settlements (included by allies.web.urls under the "settlements" namespace)."""

urlpatterns: list = []
