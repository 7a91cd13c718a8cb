"""Certificate pages: upload (several files at once), list, preview and download."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.capture import services as capture_services
from cmeledger.front.forms import AttachToEntryForm, CertificateUploadForm
from cmeledger.front.views import own_certificate, own_entry
from cmeledger.ledger import services
from cmeledger.ledger.certificates import (
    CertificateRejected,
    StoreResult,
    ensure_preview,
    read_upload,
    store_certificate,
)
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.tasks import make_preview
from cmeledger.lib.downloads import attachment
from cmeledger.permissions import clinician_required


def _store_one(request: HttpRequest, upload) -> StoreResult:
    return store_certificate(request.user, read_upload(upload), upload.name)


def _report(request: HttpRequest, upload, result: StoreResult) -> None:
    link = reverse("certificate-detail", args=[result.certificate.pk])
    if result.duplicate:
        messages.info(
            request,
            format_html(
                "“{}” is already in your certificates as <a href='{}'>{}</a>, uploaded {}.",
                upload.name,
                link,
                result.certificate.original_name,
                f"{result.certificate.uploaded_at:%b %-d, %Y}",
            ),
        )
    else:
        messages.success(request, format_html("Stored <a href='{}'>{}</a>.", link, upload.name))


def _store_to_read(request: HttpRequest, upload, several: bool) -> StoreResult:
    """Store a file uploaded to be read; one the worker would read waits for a place in
    the clinician's queue, and is not stored without one."""
    data = read_upload(upload)
    if several or capture_services.goes_to_worker(data):
        return capture_services.store_to_read(request.user, data, upload.name)
    return store_certificate(request.user, data, upload.name)


def _upload(
    request: HttpRequest, form: CertificateUploadForm, to_read: bool = False
) -> tuple[list, list[str]]:
    """Store each file on its own: one bad file does not lose the good ones. Files to be
    read (from Add New Credits) are queued for reading as they are stored."""
    stored, rejected = [], []
    uploads = form.cleaned_data["upload"]
    for upload in uploads:
        try:
            if to_read:
                result = _store_to_read(request, upload, several=len(uploads) > 1)
            else:
                result = _store_one(request, upload)
        except (CertificateRejected, capture_services.TooManyWaiting) as error:
            rejected.append(f"{upload.name}: {error}")
            continue
        if not result.duplicate:
            make_preview.enqueue(str(result.certificate.pk))
        _report(request, upload, result)
        stored.append(result.certificate)
    return stored, rejected


def _list_context(request: HttpRequest, form: CertificateUploadForm) -> dict:
    certificates = Certificate.objects.owned_by(request.user).prefetch_related("entries")
    max_mb = settings.CERTIFICATE_MAX_BYTES // 1_048_576
    upload = form.fields["upload"]
    upload.help_text = f"{upload.help_text} Or drop files on this box. Up to {max_mb} MB each."
    return {"form": form, "certificates": certificates}


def _entry_from_query(request: HttpRequest):
    """The entry an upload is for (?entry=<id>), or None; a bad or foreign id is a 404."""
    raw = request.GET.get("entry")
    if not raw:
        return None
    try:
        return own_entry(request, UUID(raw))
    except ValueError:
        raise Http404("No such entry.") from None


@require_http_methods(["GET", "POST"])
@clinician_required
def certificates(request: HttpRequest) -> HttpResponse:
    """The list, and the upload form posting back to it (optionally for one entry)."""
    entry = _entry_from_query(request)
    form = CertificateUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if not form.is_bound:
        context = _list_context(request, form) | {"entry": entry}
        return render(request, "front/certificates.html", context)
    to_read = entry is None and bool(request.GET.get("capture"))
    stored, rejected = _upload(request, form, to_read) if form.is_valid() else ([], [])
    for message in rejected:
        form.add_error("upload", message)
    if entry is not None:
        for certificate in stored:
            services.attach_certificate(entry, certificate, request.user)
    if not stored:
        context = _list_context(request, form) | {"entry": entry}
        return render(request, "front/certificates.html", context, status=400)
    for message in rejected:
        messages.error(request, message)
    if to_read:
        # From "Add New Credits": one file goes on to the filled form; several are read
        # in the background and wait in the queue, to be confirmed one by one.
        if len(stored) + len(rejected) == 1:
            return redirect("certificate-capture", pk=stored[0].pk)
        return redirect("capture-queue")
    return redirect(reverse("entry-detail", args=[entry.pk]) if entry else reverse("certificates"))


@require_GET
@clinician_required
def certificate_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    certificate = own_certificate(request, pk)
    context = {
        "certificate": certificate,
        "entries": certificate.entries.live(),
        "attach_form": AttachToEntryForm(clinician=request.user),
    }
    return render(request, "front/certificate_detail.html", context)


@require_POST
@clinician_required
def certificate_attach(request: HttpRequest, pk: UUID) -> HttpResponse:
    certificate = own_certificate(request, pk)
    form = AttachToEntryForm(request.POST, clinician=request.user)
    if form.is_valid():
        services.attach_certificate(form.cleaned_data["entry"], certificate, request.user)
        messages.success(request, "Attached to the entry.")
    else:
        messages.error(request, "Choose one of your own entries.")
    return redirect("certificate-detail", pk=certificate.pk)


@require_POST
@clinician_required
def certificate_share(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Share the file with (or withdraw it from) the staff of the clinician's boards."""
    certificate = own_certificate(request, pk)
    certificate.shared_with_boards = request.POST.get("share") == "yes"
    certificate.save(update_fields=["shared_with_boards"])
    if certificate.shared_with_boards:
        messages.success(request, "Your certifying boards' staff can now open this certificate.")
    else:
        messages.success(
            request, "Board staff can no longer open this certificate, except in an audit."
        )
    return redirect("certificate-detail", pk=certificate.pk)


@require_POST
@clinician_required
def certificate_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    certificate = own_certificate(request, pk)
    services.delete_certificate(certificate, request.user)
    messages.success(request, f"Deleted {certificate.original_name}.")
    return redirect("certificates")


@require_GET
@clinician_required
@cache_control(private=True, max_age=3600)
def certificate_preview(request: HttpRequest, pk: UUID) -> HttpResponse:
    certificate = own_certificate(request, pk)
    try:
        png = ensure_preview(certificate)
    except CertificateRejected as refusal:
        # Kept before IMAGE_MAX_PIXELS was lowered: it downloads, but is not drawn.
        return HttpResponse(str(refusal), status=404, content_type="text/plain; charset=utf-8")
    return HttpResponse(png, content_type="image/png")


@require_GET
@clinician_required
def certificate_download(request: HttpRequest, pk: UUID) -> FileResponse:
    certificate = own_certificate(request, pk)
    return attachment(certificate.file, certificate.download_name, certificate.content_type)
