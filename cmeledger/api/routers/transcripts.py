"""Transcripts and share links (clinician only): the PDF, the issued codes, and links."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field, model_validator

from cmeledger.api.auth import clinicians
from cmeledger.api.pagination import LimitOffset, Listing, paginated
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.reports import sharing
from cmeledger.reports.models import IssuedTranscript, ShareAccessKind, ShareLink
from cmeledger.reports.sharing import MAX_DAYS, ShareError
from cmeledger.reports.transcript import TranscriptError, default_filename, issue

router = Router(tags=["transcripts"], auth=clinicians())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
PDF = {
    "responses": {
        "200": {
            "description": "The transcript PDF; its footer carries the verification code.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class Period(Schema):
    set: str | None = Field(None, max_length=64, description="A set you follow: its cycle.")
    on: date | None = Field(None, description="With `set`: the cycle holding this day.")
    start: date | None = Field(None, description="Without `set`: the first day of a range.")
    end: date | None = Field(None, description="Without `set`: the last day of a range.")

    def kwargs(self) -> dict:
        if self.set:
            return {"set_id": self.set, "on": self.on, "start": self.start, "end": self.end}
        return {"start": self.start, "end": self.end}


class ShareLinkIn(Period):
    recipient: str = Field(min_length=1, max_length=200, description="Who the link is for.")
    days: int = Field(30, ge=1, le=MAX_DAYS, description="Days until the link expires.")

    @model_validator(mode="after")
    def _set_or_range(self) -> ShareLinkIn:
        if self.set and (self.start or self.end):
            raise ValueError("Ask for a set's cycle or for a date range, not both.")
        return self


class AccessOut(Schema):
    kind: ShareAccessKind
    at: datetime
    ip_address: str | None
    user_agent: str


class ShareLinkOut(Schema):
    id: int
    recipient: str
    set_id: str
    on: date | None
    start: date | None
    end: date | None
    hint: str
    state: str = Field(description="`active`, `expired` or `revoked`.")
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    uses: int


class ShareLinkCreated(ShareLinkOut):
    url: str = Field(description="The link; shown this once, only its fingerprint is kept.")


class ShareLinkDetail(ShareLinkOut):
    accesses: list[AccessOut]


class IssuedOut(Schema):
    code: str
    set_id: str
    set_version: int | None
    start: date
    end: date
    status: str
    total_credits: Decimal
    entry_count: int
    sha256: str
    generated_at: datetime
    share_link_id: int | None


@router.get("/transcript.pdf", response={200: None, **ERRORS}, openapi_extra=PDF)
def transcript_pdf(request: HttpRequest, period: Query[Period]) -> HttpResponse:
    """A transcript of a set's cycle (`set`, optionally `on`) or of a range (`start`, `end`).
    Each call issues a new verification code (listed by GET /transcripts)."""
    try:
        pdf, issued = issue(request.auth, **period.kwargs())
    except TranscriptError as error:
        return Status(400, {"error": str(error)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{default_filename(issued)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/transcripts", response={200: list[IssuedOut], **ERRORS})
@paginated(LimitOffset)
def list_issued(request: HttpRequest) -> QuerySet[IssuedTranscript]:
    """Every transcript issued, newest first, with its code and the PDF's SHA-256."""
    return IssuedTranscript.objects.filter(clinician=request.auth)


def link_out(link: ShareLink) -> dict:
    fields = ("id", "recipient", "set_id", "on", "start", "end", "hint", "state")
    times = ("created_at", "expires_at", "revoked_at")
    return {name: getattr(link, name) for name in fields + times} | {
        "uses": len(link.accesses.all())
    }


def _own(request: HttpRequest, link_id: int) -> ShareLink:
    return get_object_or_404(ShareLink.objects.owned_by(request.auth), pk=link_id)


@router.get("/share-links", response={200: list[ShareLinkOut], **ERRORS})
@paginated(LimitOffset)
def list_links(request: HttpRequest) -> Listing:
    rows = ShareLink.objects.owned_by(request.auth).prefetch_related("accesses")
    return Listing(rows, link_out)


@router.post("/share-links", response={201: ShareLinkCreated, **ERRORS})
def create_link(request: HttpRequest, payload: ShareLinkIn) -> Status:
    """A read-only link to a transcript for a credentialing office or employer. The `url`
    is in this answer only; every use of it is logged (GET /share-links/{id})."""
    try:
        link, secret = sharing.create_link(
            request.auth, recipient=payload.recipient, days=payload.days, **payload.kwargs()
        )
    except (TranscriptError, ShareError) as error:
        return Status(400, {"error": str(error)})
    url = settings.SITE_URL.rstrip("/") + f"/s/{secret}/"
    return Status(201, link_out(link) | {"url": url})


@router.get("/share-links/{int:link_id}", response={200: ShareLinkDetail, **ERRORS})
def read_link(request: HttpRequest, link_id: int) -> dict:
    link = _own(request, link_id)
    return link_out(link) | {"accesses": list(link.accesses.all()[:500])}


@router.post("/share-links/{int:link_id}/revoke", response={200: ShareLinkOut, **ERRORS})
def revoke_link(request: HttpRequest, link_id: int) -> dict:
    """The link stops working at once; revoking twice is harmless."""
    link = _own(request, link_id)
    link.revoke()
    return link_out(link)
