from django.contrib import admin

from allies.agreements.models import Agreement, AgreementParty, AgreementVersion, DisputeStep, IpAsset, SignedScan


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0


class IpAssetInline(admin.TabularInline):
    model = IpAsset
    extra = 0
    fk_name = "agreement"


class DisputeStepInline(admin.TabularInline):
    model = DisputeStep
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "status", "start_date", "end_date", "signed_at")
    list_filter = ("status",)
    search_fields = ("code", "title")
    inlines = [PartyInline, IpAssetInline, DisputeStepInline]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    list_display = ("agreement", "number", "kind", "created_by", "created_at")
    readonly_fields = ("agreement", "number", "kind", "note", "snapshot", "created_by", "created_at")


@admin.register(SignedScan)
class SignedScanAdmin(admin.ModelAdmin):
    list_display = ("agreement", "original_name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("stored_path", "sha256")
