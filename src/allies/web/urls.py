from django.contrib.auth import views as auth_views
from django.urls import include, path

from allies.web import timeline, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("partners/<int:pk>/timeline/", timeline.partner_timeline, name="partner_timeline"),
    path("partners/", include(("allies.partners.urls", "partners"))),
    path("screening/", include(("allies.partners.screening_urls", "screening"))),
    path("diligence/", include(("allies.diligence.urls", "diligence"))),
    path("pilots/", include(("allies.pilots.urls", "pilots"))),
    path("readiness/", include(("allies.partners.readiness_urls", "readiness"))),
    path("portal/", include(("allies.web.portal_urls", "portal"))),
    path("sales/", include(("allies.sharing.urls_sales", "sales"))),
    path("customers/", include(("allies.sharing.urls_accounts", "accounts"))),
    path("tokens/", include(("allies.sharing.urls_tokens", "tokens"))),
    path("agreements/", include(("allies.agreements.urls", "agreements"))),
    path("settlements/", include(("allies.settlements.urls", "settlements"))),
    path("governance/", include(("allies.governance.urls", "governance"))),
    path("monitoring/", include(("allies.monitoring.urls", "monitoring"))),
    path("ecosystem/", include(("allies.ecosystem.urls", "ecosystem"))),
    path("knowledge/", include(("allies.knowledge.urls", "knowledge"))),
]
