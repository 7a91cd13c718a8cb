from django.contrib import admin

from cmeledger.ledger.models import Certificate, CreditEntry, EntryRevision


class RevisionInline(admin.TabularInline):
    model = EntryRevision
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "at", "changes"]


@admin.register(CreditEntry)
class CreditEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "clinician", "completed_on", "credit_type", "credits", "source"]
    list_filter = ["source", "credit_type"]
    search_fields = ["title", "provider", "clinician__email"]
    inlines = [RevisionInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["original_name", "clinician", "content_type", "size", "uploaded_at"]
    readonly_fields = ["sha256", "size", "content_type"]
