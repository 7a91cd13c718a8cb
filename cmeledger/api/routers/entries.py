"""Credit entries: list with filters, create, read, update, delete and restore."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cmeledger.api.auth import clinicians
from cmeledger.api.pagination import LimitOffset, Listing, paginated
from cmeledger.api.schemas import (
    EntryIn,
    EntryOut,
    EntryPatch,
    ErrorOut,
    ValidationErrorOut,
)
from cmeledger.ledger import services
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.queries import EntryFilter, entries_for_listing
from cmeledger.ledger.vocabulary import CreditType, Source, Topic

router = Router(tags=["entries"], auth=clinicians())

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class EntryQuery(Schema):
    date_from: date | None = Field(None, description="Completed on or after this date.")
    date_to: date | None = Field(None, description="Completed on or before this date.")
    credit_type: CreditType | None = None
    topic: Topic | None = None
    source: Source | None = None
    q: str = Field("", max_length=200, description="Words to find in title, provider, notes.")
    deleted: bool = Field(False, description="List deleted entries instead of live ones.")


def _with_certificate_ids(entries):
    return entries.prefetch_related(
        Prefetch("certificates", queryset=Certificate.objects.only("id"))
    )


def entry_out(entry: CreditEntry) -> dict:
    reporter = entry.reported_by
    return {
        **{name: getattr(entry, name) for name in services.EDITABLE_FIELDS},
        "id": entry.pk,
        "accreditor": entry.accreditor or None,
        "topics": entry.topics,
        "source": entry.source,
        "reported_by": {"slug": reporter.slug, "name": reporter.name} if reporter else None,
        "certificate_ids": [c.pk for c in entry.certificates.all()],
        "editable": entry.is_editable_by_clinician,
        "deleted": entry.is_deleted,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _own_entry(request: HttpRequest, entry_id: UUID) -> CreditEntry:
    entries = _with_certificate_ids(CreditEntry.objects.select_related("reported_by"))
    return get_object_or_404(
        entries.prefetch_related("topic_links"), pk=entry_id, clinician=request.auth
    )


def _own_certificates(
    request: HttpRequest, ids: list[UUID], field: str = "certificate_ids"
) -> list[Certificate]:
    found = list(Certificate.objects.owned_by(request.auth).filter(pk__in=ids))
    missing = sorted({str(i) for i in ids} - {str(c.pk) for c in found})
    if missing:
        raise ValidationError({field: f"No such certificate of yours: {', '.join(missing)}."})
    return found


def _fields(data: dict) -> dict:
    fields = {name: data[name] for name in services.EDITABLE_FIELDS if name in data}
    # The model keeps "no value" of these text fields as "", and JSON clients send null.
    for name in ("accreditor", "provider", "notes"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    return fields


# PATCH fields are optional, but sending null for these would blank a required value.
NOT_NULL = (
    "title",
    "activity_kind",
    "completed_on",
    "credit_type",
    "credits",
    "awarded_as",
    "specialty_related",
)


def _refuse_nulls(data: dict) -> None:
    nulls = [name for name in NOT_NULL if name in data and data[name] is None]
    if nulls:
        raise ValidationError({name: "This field cannot be null." for name in nulls})


@router.get("/entries", response={200: list[EntryOut], **ERRORS})
@paginated(LimitOffset)
def list_entries(request: HttpRequest, filters: Query[EntryQuery]) -> Listing:
    """Your entries, newest completion first, filtered, `limit` at a time from `offset`."""
    wanted = EntryFilter(
        date_from=filters.date_from,
        date_to=filters.date_to,
        credit_type=filters.credit_type or "",
        topic=filters.topic or "",
        source=filters.source or "",
        text=filters.q,
        deleted=filters.deleted,
    )
    return Listing(_with_certificate_ids(entries_for_listing(request.auth, wanted)), entry_out)


@router.post("/entries", response={201: EntryOut, **ERRORS})
def create_entry(request: HttpRequest, payload: EntryIn) -> Status:
    """A self-reported entry, or with `captured_from` one confirmed from a certificate's
    draft; its history starts with this creation."""
    data = payload.model_dump()
    certificates = _own_certificates(request, data["certificate_ids"])
    captured_from = data["captured_from"]
    if captured_from is not None:
        certificates.extend(_own_certificates(request, [captured_from], "captured_from"))
    entry = services.create_entry(
        request.auth,
        request.auth,
        _fields(data),
        topics=data["topics"],
        certificates=set(certificates),
        source=Source.SELF if captured_from is None else Source.CAPTURED,
    )
    return Status(201, entry_out(_own_entry(request, entry.pk)))


@router.get("/entries/{uuid:entry_id}", response={200: EntryOut, **ERRORS})
def read_entry(request: HttpRequest, entry_id: UUID) -> dict:
    return entry_out(_own_entry(request, entry_id))


@router.patch("/entries/{uuid:entry_id}", response={200: EntryOut, 409: ErrorOut, **ERRORS})
def update_entry(request: HttpRequest, entry_id: UUID, payload: EntryPatch) -> dict:
    """Change the fields sent; entries reported by others answer 409."""
    entry = _own_entry(request, entry_id)
    data = payload.model_dump(exclude_unset=True)
    _refuse_nulls(data)
    certificates = None
    if data.get("certificate_ids") is not None:
        certificates = _own_certificates(request, data["certificate_ids"])
    services.update_entry(
        entry,
        request.auth,
        _fields(data),
        topics=data.get("topics"),
        certificates=certificates,
    )
    return entry_out(_own_entry(request, entry_id))


@router.delete("/entries/{uuid:entry_id}", response={204: None, 409: ErrorOut, **ERRORS})
def delete_entry(request: HttpRequest, entry_id: UUID) -> Status:
    """Soft delete: the entry stops counting and can be restored."""
    services.delete_entry(_own_entry(request, entry_id), request.auth)
    return Status(204, None)


@router.post("/entries/{uuid:entry_id}/restore", response={200: EntryOut, 409: ErrorOut, **ERRORS})
def restore_entry(request: HttpRequest, entry_id: UUID) -> dict:
    services.restore_entry(_own_entry(request, entry_id), request.auth)
    return entry_out(_own_entry(request, entry_id))
