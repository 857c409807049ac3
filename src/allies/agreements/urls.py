"""Web pages of agreements (included by allies.web.urls under the "agreements" namespace)."""

urlpatterns: list = []
