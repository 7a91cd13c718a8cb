"""Certificate files: upload, list, metadata, download and drafts read from them (owner
only)."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from cmeledger.api.auth import clinicians
from cmeledger.api.pagination import LimitOffset, Listing, paginated
from cmeledger.api.schemas import (
    CertificateOut,
    DraftsOut,
    ErrorOut,
    ReadingOut,
    ValidationErrorOut,
)
from cmeledger.capture import services as capture
from cmeledger.capture.extract import as_json
from cmeledger.capture.models import FINISHED, Reading
from cmeledger.ledger import services
from cmeledger.ledger.certificates import CertificateRejected, read_upload, store_certificate
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.tasks import make_preview
from cmeledger.lib.downloads import attachment

# Photos take a second or two a page, so a client asking sooner only gets "queued" again.
RETRY_AFTER_SECONDS = 3

router = Router(tags=["certificates"], auth=clinicians())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class ReadingPages(LimitOffset):
    class Output(LimitOffset.Output):
        waiting: int = Field(description="How many are queued or being read.")


def certificate_out(certificate: Certificate, duplicate: bool = False) -> dict:
    return {
        **{
            name: getattr(certificate, name)
            for name in (
                "id",
                "original_name",
                "content_type",
                "size",
                "sha256",
                "page_count",
                "uploaded_at",
            )
        },
        "entry_ids": [entry.pk for entry in certificate.entries.all()],
        "duplicate": duplicate,
    }


def _own(request: HttpRequest, certificate_id: UUID) -> Certificate:
    return get_object_or_404(Certificate, pk=certificate_id, clinician=request.auth)


@router.get("/certificates", response={200: list[CertificateOut], **ERRORS})
@paginated(LimitOffset)
def list_certificates(request: HttpRequest) -> Listing:
    certificates = Certificate.objects.owned_by(request.auth).order_by("-uploaded_at", "pk")
    return Listing(certificates.prefetch_related("entries"), certificate_out)


class Upload(Schema):
    read: bool = Field(False, description="Queue the file to be read into drafts now.")


def _too_many(response: HttpResponse, error: capture.TooManyWaiting) -> Status:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return Status(429, {"error": str(error)})


@router.post(
    "/certificates",
    response={200: CertificateOut, 201: CertificateOut, 429: ErrorOut, **ERRORS},
)
def upload_certificate(
    request: HttpRequest, file: File[UploadedFile], options: Query[Upload], response: HttpResponse
) -> Status:
    """Multipart field `file`: a PDF, JPEG or PNG. The same file again answers 200 with
    `duplicate: true` and the certificate you already have. With `?read=true` the worker
    reads it into drafts (see `/certificates/readings`); while you already have
    `CAPTURE_MAX_WAITING` (3 by default) certificates waiting to be read, that answers 429
    and the file is not stored."""
    data, name = read_upload(file), file.name or "certificate"
    try:
        if options.read:
            result = capture.store_to_read(request.auth, data, name)
        else:
            result = store_certificate(request.auth, data, name)
    except capture.TooManyWaiting as error:
        return _too_many(response, error)
    if not result.duplicate:
        make_preview.enqueue(str(result.certificate.pk))
    return Status(
        200 if result.duplicate else 201, certificate_out(result.certificate, result.duplicate)
    )


@router.get("/certificates/{uuid:certificate_id}", response={200: CertificateOut, **ERRORS})
def read_certificate(request: HttpRequest, certificate_id: UUID) -> dict:
    return certificate_out(_own(request, certificate_id))


@router.get("/certificates/{uuid:certificate_id}/download", response={200: None, **ERRORS})
def download_certificate(request: HttpRequest, certificate_id: UUID) -> FileResponse:
    """The file as uploaded, as an attachment."""
    certificate = _own(request, certificate_id)
    return attachment(certificate.file, certificate.download_name, certificate.content_type)


@router.delete("/certificates/{uuid:certificate_id}", response={204: None, **ERRORS})
def delete_certificate(request: HttpRequest, certificate_id: UUID) -> Status:
    """Delete the file; entries keep their credits and record the detachment."""
    services.delete_certificate(_own(request, certificate_id), request.auth)
    return Status(204, None)


@router.get(
    "/certificates/{uuid:certificate_id}/drafts",
    response={200: DraftsOut, 202: DraftsOut, 429: ErrorOut, **ERRORS},
)
def certificate_drafts(request: HttpRequest, certificate_id: UUID, response: HttpResponse):
    """The certificate read into draft entries, one per certificate page, each field with
    its confidence (docs/formats/capture.md). Text PDFs of up to three pages are read at
    once (200). Photos and longer PDFs are read by the worker: until they are, the answer
    is 202 with `status` `queued` or `reading`, no drafts and a `Retry-After`; ask again.
    With `CAPTURE_MAX_WAITING` certificates already waiting, a new one is not queued: 429."""
    certificate = _own(request, certificate_id)
    try:
        drafts = capture.drafts_of(certificate)
    except CertificateRejected as error:
        return Status(400, {"error": str(error)})
    except capture.TooManyWaiting as error:
        return _too_many(response, error)
    if drafts is None:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        status = Reading.objects.get(certificate=certificate).status
        return Status(202, {"certificate": certificate.pk, "status": status, "drafts": []})
    shaped = [as_json(draft) for draft in drafts]
    return {"certificate": certificate.pk, "status": "done", "drafts": shaped}


def reading_out(reading: Reading) -> dict:
    certificate = reading.certificate
    return {
        "certificate": certificate.pk,
        "original_name": certificate.original_name,
        "status": reading.status,
        "error": reading.error or None,
        "drafts": len(reading.drafts),
        "entry_ids": [entry.pk for entry in certificate.entries.all()],
        "queued_at": reading.queued_at,
        "finished_at": reading.finished_at,
    }


@router.get("/certificates/readings", response={200: list[ReadingOut], **ERRORS})
@paginated(ReadingPages)
def list_readings(request: HttpRequest) -> Listing:
    """Certificates read (or waiting to be read) in the background, newest first: the
    queue of drafts to confirm. `entry_ids` lists the entries already saved from each."""
    readings = Reading.objects.filter(certificate__clinician=request.auth)
    chosen = readings.select_related("certificate").prefetch_related("certificate__entries")
    waiting = readings.exclude(status__in=FINISHED).count()
    return Listing(chosen, reading_out, extra={"waiting": waiting})
