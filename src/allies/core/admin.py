from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from allies.core.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "partner", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    fieldsets = BaseUserAdmin.fieldsets + ((_("盟友"), {"fields": ("role", "partner", "is_demo")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("盟友"), {"fields": ("role", "partner")}),)
