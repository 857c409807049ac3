from django.contrib import admin

from allies.monitoring.models import Alert, Delivery, Evaluation, EvaluationKpi, WebhookEndpoint


class EvaluationKpiInline(admin.TabularInline):
    model = EvaluationKpi
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("agreement", "period_type", "year", "number", "created_at")
    list_filter = ("period_type", "year")
    inlines = [EvaluationKpiInline]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("title", "rule", "severity", "status", "agreement", "owner", "raised_at")
    list_filter = ("rule", "severity", "status")
    # An alert's condition and evidence come from `allies watch`; people change only its handling.
    readonly_fields = ("rule", "dedupe_key", "evidence", "raised_at", "last_seen_at")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "min_severity", "enabled")
    exclude = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("alert", "channel", "recipient", "status", "attempts", "response_code", "sent_at")
    list_filter = ("channel", "status")
