from django.contrib import admin

from allies.pilots.models import Kpi, Measurement, Pilot, Review


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "start_date", "end_date", "owner", "meeting_cadence")
    list_filter = ("status", "meeting_cadence")
    search_fields = ("title", "goal", "scope")
    filter_horizontal = ("partners",)
    inlines = [KpiInline]
    # Status moves partner stages; it changes only through the services (start, review).
    readonly_fields = ("status", "started_at", "closed_at")


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ("kpi", "date", "value", "recorded_by", "recorded_at")
    list_filter = ("kpi__pilot",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("pilot", "decision", "reviewed_by", "reviewed_at")
    list_filter = ("decision",)

    def has_change_permission(self, request, obj=None):
        return False
