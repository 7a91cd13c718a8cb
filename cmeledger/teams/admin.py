from django.contrib import admin

from cmeledger.teams.models import Invitation, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["clinician", "joined_at", "share_link"]
    readonly_fields = ["clinician", "joined_at", "share_link"]
    can_delete = True


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "team", "hint", "created_at", "expires_at", "state"]
    search_fields = ["email", "team__name"]
    # The secret's hash is useless to read and must never be edited.
    exclude = ["secret_hash"]
    readonly_fields = ["hint", "answered_at", "accepted", "answered_by"]
