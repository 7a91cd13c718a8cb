"""The clinician's side of corrections: asking the organization that reported an entry
to correct it, and seeing the answers on the entry's page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cmeledger.accounts.models import User
from cmeledger.ledger.models import CreditEntry
from cmeledger.permissions import clinician_required
from cmeledger.reporting import services
from cmeledger.reporting.matching import describe
from cmeledger.reporting.models import CorrectionRequest, CorrectionStatus


def entry_corrections(user: User, entry: CreditEntry) -> dict:
    """The entry page's context for corrections: this clinician's requests about the
    entry's record, and whether one is still open (then no new one can be sent)."""
    if entry.reported_record_id is None:
        return {"corrections": [], "correction_open": False, "match_evidence": ""}
    requests = list(
        CorrectionRequest.objects.filter(record_id=entry.reported_record_id, clinician=user)
    )
    return {
        "corrections": requests,
        "correction_open": any(r.status == CorrectionStatus.OPEN for r in requests),
        # How the record found this clinician, so a wrong match can be questioned.
        "match_evidence": describe(entry.reported_record.match_evidence),
    }


@require_POST
@clinician_required
def entry_correction(request: HttpRequest, pk: UUID) -> HttpResponse:
    # Only the clinician's own reported entries; anything else is a 404, like a missing one.
    entry = get_object_or_404(
        CreditEntry.objects.select_related("reported_by"),
        pk=pk,
        clinician=request.user,
        reported_record__isnull=False,
    )
    try:
        services.request_correction(request.user, entry, request.POST.get("message", ""))
    except services.Refused as error:
        messages.error(request, str(error))
    else:
        organization = entry.reported_by.name if entry.reported_by else "The organization"
        messages.success(
            request,
            f"Correction request sent. {organization} will answer it here, on this entry.",
        )
    return redirect("entry-detail", pk=entry.pk)
