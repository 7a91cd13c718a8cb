"""Add New Credits from a certificate: the stored file is read into drafts, and the form
comes filled in, each field marked with how sure the reading is, for the clinician to
confirm. Saving makes an entry with the source "captured" that links the certificate;
a file with several certificates offers them one after another."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cmeledger.capture import services as services_capture
from cmeledger.capture.extract import NOTHING, Confidence, Draft
from cmeledger.capture.models import Reading
from cmeledger.front.forms import EntryForm
from cmeledger.front.views import own_certificate
from cmeledger.ledger import services
from cmeledger.ledger.certificates import CertificateRejected
from cmeledger.ledger.vocabulary import Source
from cmeledger.permissions import clinician_required

# The draft's fields the entry form has under the same names; the location goes to the
# notes.
FORM_FIELDS = (
    "title",
    "provider",
    "accreditor",
    "activity_kind",
    "start_date",
    "completed_on",
    "credit_type",
    "awarded_as",
    "credits",
    "topics",
)


def initial_of(draft: Draft) -> tuple[dict, dict[str, str]]:
    """The form's initial values and each filled field's confidence."""
    initial, confidence = {}, {}
    for name in FORM_FIELDS:
        # A draft read before a field existed (awarded_as) lacks it: not found.
        guess = draft.fields.get(name, NOTHING)
        if guess.found and guess.value not in (None, ()):
            initial[name] = list(guess.value) if name == "topics" else guess.value
            confidence[name] = guess.confidence
    if "start_date" in initial:
        initial["end_date"] = initial["completed_on"]
        confidence["end_date"] = confidence["completed_on"]
    for target in (*FORM_FIELDS, "end_date"):
        confidence.setdefault(target, Confidence.NOT_FOUND)
    location = draft.fields["location"]
    if location.found:
        initial["notes"] = f"Location: {location.value}"
    return initial, confidence


@require_http_methods(["GET", "POST"])
@clinician_required
def certificate_capture(request: HttpRequest, pk: UUID, number: int = 1) -> HttpResponse:
    """The `number`th draft of the certificate (a page, or one of the credits it awards)."""
    certificate = own_certificate(request, pk)
    try:
        drafts = services_capture.drafts_of(certificate)
    except CertificateRejected as error:
        messages.error(request, f"This certificate cannot be read: {error}")
        return redirect("certificate-detail", pk=certificate.pk)
    except services_capture.TooManyWaiting as error:
        messages.error(request, str(error))
        return redirect("capture-queue")
    if drafts is None:
        messages.info(
            request,
            f"“{certificate.original_name}” is being read (photos and scans take a moment); "
            "confirm it here when it is ready.",
        )
        return redirect("capture-queue")
    if not 1 <= number <= len(drafts):
        raise Http404("The file holds no such certificate.")
    position = number - 1
    draft = drafts[position]
    initial, confidence = initial_of(draft)
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        initial={**initial, "certificates": [certificate]},
        clinician=request.user,
    )
    if form.is_bound and form.is_valid():
        chosen = set(form.cleaned_data.get("certificates") or ()) | {certificate}
        entry = services.create_entry(
            request.user,
            request.user,
            form.entry_fields(),
            topics=form.cleaned_data["topics"],
            certificates=chosen,
            source=Source.CAPTURED,
        )
        messages.success(request, f"Saved “{entry.title}”: {entry.credits} credits.")
        if position + 1 < len(drafts):
            return redirect("certificate-capture-page", pk=certificate.pk, number=number + 1)
        return redirect("entry-detail", pk=entry.pk)
    context = {
        "form": form,
        "adding": True,
        "capturing": certificate,
        "confidence": confidence,
        "draft": draft,
        "count": len(drafts),
        "position": position + 1,
        "duplicates": services_capture.likely_duplicates(request.user, certificate, initial),
        "cancel_url": reverse("certificate-detail", args=[certificate.pk]),
    }
    return render(request, "front/entry_form.html", context, status=400 if form.is_bound else 200)


def _queue_context(request: HttpRequest) -> dict:
    readings = list(
        Reading.objects.filter(certificate__clinician=request.user)
        .select_related("certificate")
        .prefetch_related("certificate__entries")
    )
    waiting = [reading for reading in readings if not reading.is_finished]
    total = len(readings)
    return {
        "readings": readings,
        "waiting": len(waiting),
        "total": total,
        "done": total - len(waiting),
    }


@require_GET
@clinician_required
def capture_queue(request: HttpRequest) -> HttpResponse:
    """Certificates uploaded together, read in the background: each to confirm in turn."""
    return render(request, "front/capture_queue.html", _queue_context(request))


@require_GET
@clinician_required
def capture_queue_progress(request: HttpRequest) -> HttpResponse:
    """The queue's list alone, which the page polls while certificates are being read."""
    return render(request, "front/_capture_queue.html", _queue_context(request))
