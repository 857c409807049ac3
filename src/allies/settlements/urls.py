"""Web pages of settlements (included by allies.web.urls under the "settlements" namespace)."""

from django.urls import path

from allies.settlements import views

urlpatterns = [
    path("", views.index, name="index"),
    path("categories/", views.categories, name="categories"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/rules/", views.rule_create, name="rule_create"),
    path("agreements/<int:pk>/cost-rules/", views.cost_rule_set, name="cost_rule_set"),
    path("agreements/<int:pk>/costs/", views.cost_entry_add, name="cost_entry_add"),
    path("agreements/<int:pk>/bonuses/", views.bonus_add, name="bonus_add"),
    path("agreements/<int:pk>/compute/", views.compute, name="compute"),
    path("agreements/<int:pk>/fair-split/", views.fair_split, name="fair_split"),
    path("rules/<int:rule_id>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("<int:pk>/", views.settlement_detail, name="detail"),
    path("<int:pk>/confirm/", views.settlement_confirm, name="confirm"),
    path("<int:pk>/dispute/", views.settlement_dispute, name="dispute"),
    path("<int:pk>/paid/", views.settlement_paid, name="paid"),
    path("<int:pk>/statement.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/statement.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/rows.csv", views.export_rows, name="export_rows"),
]
