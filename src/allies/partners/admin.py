from django.contrib import admin

from allies.partners.models import Contact, Criterion, ModelVersion, Partner, Rating, ScreeningModel, ScreeningRun, StageChange


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "stage", "industry", "region", "source_channel", "owner")
    list_filter = ("stage", "source_channel", "size")
    search_fields = ("name", "uscc", "industry", "region")
    inlines = [ContactInline]
    readonly_fields = ("stage",)


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("partner", "from_stage", "to_stage", "changed_by", "changed_at", "reason")
    list_filter = ("to_stage",)

    def has_change_permission(self, request, obj=None):
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(ScreeningModel)
class ScreeningModelAdmin(admin.ModelAdmin):
    list_display = ("name", "is_default", "disagreement_threshold")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("model", "number", "weight_mode", "consistency_ratio", "created_at")
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("partner", "criterion_code", "rater", "score", "updated_at")
    list_filter = ("criterion_code",)


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ("id", "version", "method", "candidate_count", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False
