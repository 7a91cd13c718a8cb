from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cmeledger.accounts.models import (
    ApiToken,
    Board,
    Certification,
    ClinicianProfile,
    License,
    Organization,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Role", {"fields": ["role", "organization", "board"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2", "role"]})]


admin.site.register(Board)
admin.site.register(Organization)
admin.site.register(ClinicianProfile)
admin.site.register(License)
admin.site.register(Certification)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "revoked_at"]
    readonly_fields = ["key_hash", "hint"]
