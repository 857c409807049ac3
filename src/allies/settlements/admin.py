from django.contrib import admin

from allies.settlements.models import (
    CategoryProduct,
    CostEntry,
    CostRule,
    PerformanceBonus,
    ProductCategory,
    Settlement,
    SharingRule,
    Statement,
)


class CategoryProductInline(admin.TabularInline):
    model = CategoryProduct
    extra = 0


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    inlines = [CategoryProductInline]


@admin.register(SharingRule)
class SharingRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "agreement", "position", "basis", "tier_method")
    list_filter = ("basis", "tier_method")
    # Percentages and tiers are checked by the services (sum to 100%, no overlap); not editable here.
    readonly_fields = ("shares", "tiers")


admin.site.register(PerformanceBonus)
admin.site.register(CostRule)
admin.site.register(CostEntry)


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    """Read-only: a settlement changes only through the services (a correction is a new version)."""

    list_display = ("agreement", "period", "version", "status", "rows_counted", "computed_at")
    list_filter = ("status",)
    inlines = [StatementInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
