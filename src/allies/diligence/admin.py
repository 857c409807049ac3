"""Admin for due diligence: templates are editable; cases are recorded through the services and read here."""

from django.contrib import admin

from allies.diligence.models import Case, ChecklistTemplate, Evidence, FinancialYear, Item, ItemStatusChange


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "area", "position", "active")
    list_filter = ("area", "active")
    list_editable = ("position", "active")
    search_fields = ("title", "guidance")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemInline(ReadOnlyInline):
    model = Item
    fields = ("area", "title", "status", "risk_level", "owner", "due_date", "finding")


class FinancialYearInline(ReadOnlyInline):
    model = FinancialYear
    fields = ("year", "currency", "revenue", "profit", "operating_cash_flow", "debt_ratio")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: the rules (one open case, blocked verdicts, read-only conclusions) live in the services."""

    list_display = ("partner", "status", "verdict", "opened_by", "opened_at", "concluded_by", "concluded_at")
    list_filter = ("status", "verdict")
    search_fields = ("partner__name",)
    inlines = [ItemInline, FinancialYearInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted case would orphan its evidence files and erase the record behind a stage move


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Uploads go through the type, size and scan checks of the case page or the API, never the admin."""

    list_display = ("original_name", "item", "size", "content_type", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "sha256")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ItemStatusChange)
class ItemStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("item", "from_status", "to_status", "changed_by", "changed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
