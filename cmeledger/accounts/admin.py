from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from cmeledger.accounts.models import (
    ApiToken,
    Board,
    Certification,
    ClinicianProfile,
    License,
    Organization,
    Role,
    User,
)


def check_role_fields(form: forms.ModelForm) -> None:
    """The role's organization or board, said on the form: the database refuses an
    organization member without an organization and board staff without a board (check
    constraints), which would otherwise answer 500."""
    data = form.cleaned_data
    role = data.get("role", getattr(form.instance, "role", None))
    organization, board = data.get("organization"), data.get("board")
    if role == Role.ORGANIZATION and organization is None:
        form.add_error("organization", "An organization member needs an organization.")
    if role != Role.ORGANIZATION and organization is not None:
        form.add_error("organization", "Only an organization member belongs to an organization.")
    if role == Role.BOARD_STAFF and board is None:
        form.add_error("board", "Board staff need the board they work for.")
    if role != Role.BOARD_STAFF and board is not None:
        form.add_error("board", "Only board staff belong to a board.")


class UserCreation(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "role", "organization", "board")

    def clean(self) -> dict | None:
        data = super().clean()
        check_role_fields(self)
        return data


class UserChange(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def clean(self) -> dict | None:
        data = super().clean()
        check_role_fields(self)
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChange
    add_form = UserCreation
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
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                    "role",
                    "organization",
                    "board",
                ]
            },
        )
    ]


admin.site.register(Board)
admin.site.register(Organization)
admin.site.register(ClinicianProfile)
admin.site.register(License)
admin.site.register(Certification)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "revoked_at"]
    readonly_fields = ["key_hash", "hint"]
