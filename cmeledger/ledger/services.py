"""Writing the ledger: every change to an entry goes through here and leaves history.

Views, the API, the CLI and importers all call these functions, so the editability
rule and the revision trail cannot be skipped by one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cmeledger.ledger.models import (
    Certificate,
    CreditEntry,
    EntryRevision,
    EntryTopic,
    RevisionAction,
)
from cmeledger.ledger.vocabulary import Source, Topic

EDITABLE_FIELDS = (
    "title",
    "provider",
    "accreditor",
    "activity_kind",
    "start_date",
    "end_date",
    "completed_on",
    "credit_type",
    "credits",
    "awarded_as",
    "specialty_related",
    "notes",
)


class EntryLocked(Exception):
    """The entry belongs to the organization or board that reported it."""

    def __init__(self, entry: CreditEntry | None = None, *, source: str = "") -> None:
        label = Source(entry.source if entry is not None else source).label
        super().__init__(
            f"This entry was {label.lower()} and can only be changed by its "
            "reporter; ask them for a correction."
        )


def plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def snapshot(entry: CreditEntry) -> dict[str, Any]:
    """The entry's editable state as JSON-ready values, for history and diffs."""
    data = {field: plain(getattr(entry, field)) for field in EDITABLE_FIELDS}
    # Queried afresh: a caller may hold the entry with its topics prefetched, and the
    # cache would hide the change being recorded.
    data["topics"] = sorted(EntryTopic.objects.filter(entry=entry).values_list("topic", flat=True))
    data["certificates"] = sorted(str(pk) for pk in entry.certificates.values_list("pk", flat=True))
    return data


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def _clean_topics(topics: Iterable[str]) -> list[str]:
    codes = sorted(set(topics))
    unknown = [code for code in codes if code not in Topic.values]
    if unknown:
        raise ValidationError({"topics": f"Unknown topic: {', '.join(unknown)}."})
    return codes


def _clean_certificates(
    entry: CreditEntry, certificates: Iterable[Certificate]
) -> list[Certificate]:
    chosen = list(certificates)
    if any(cert.clinician_id != entry.clinician_id for cert in chosen):
        raise ValidationError({"certificates": "Attach only your own certificates."})
    return chosen


def _set_topics(entry: CreditEntry, topics: list[str]) -> None:
    EntryTopic.objects.filter(entry=entry).exclude(topic__in=topics).delete()
    existing = set(EntryTopic.objects.filter(entry=entry).values_list("topic", flat=True))
    EntryTopic.objects.bulk_create(
        [EntryTopic(entry=entry, topic=code) for code in topics if code not in existing]
    )


def _record(entry: CreditEntry, actor, action: RevisionAction, changes: dict) -> None:
    EntryRevision.objects.create(entry=entry, actor=actor, action=action, changes=changes)


def require_editable(entry: CreditEntry) -> None:
    if not entry.is_editable_by_clinician:
        raise EntryLocked(entry)


def create_entry(
    clinician,
    actor,
    fields: dict[str, Any],
    *,
    topics: Iterable[str] = (),
    certificates: Iterable[Certificate] = (),
    source: str = Source.SELF,
    entry_id=None,
) -> CreditEntry:
    entry = CreditEntry(clinician=clinician, source=source, **fields)
    if entry_id is not None:
        entry.id = entry_id
    codes = _clean_topics(topics)
    chosen = _clean_certificates(entry, certificates)
    entry.full_clean(exclude=["clinician", "id"])
    with transaction.atomic():
        entry.save(force_insert=True)
        _set_topics(entry, codes)
        entry.certificates.set(chosen)
        _record(entry, actor, RevisionAction.CREATED, _diff({}, snapshot(entry)))
    return entry


def update_entry(
    entry: CreditEntry,
    actor,
    fields: dict[str, Any],
    *,
    topics: Iterable[str] | None = None,
    certificates: Iterable[Certificate] | None = None,
    enforce_lock: bool = True,
) -> CreditEntry:
    if enforce_lock:
        require_editable(entry)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    before = snapshot(entry)
    for name, value in fields.items():
        setattr(entry, name, value)
    codes = _clean_topics(topics) if topics is not None else None
    chosen = _clean_certificates(entry, certificates) if certificates is not None else None
    entry.full_clean(exclude=["clinician", "id"])
    with transaction.atomic():
        entry.save()
        if codes is not None:
            _set_topics(entry, codes)
        if chosen is not None:
            entry.certificates.set(chosen)
        changes = _diff(before, snapshot(entry))
        if changes:
            _record(entry, actor, RevisionAction.UPDATED, changes)
    return entry


def delete_entry(entry: CreditEntry, actor) -> None:
    """Soft delete: the entry leaves every total but stays restorable with its history."""
    require_editable(entry)
    if entry.is_deleted:
        return
    with transaction.atomic():
        entry.deleted_at = timezone.now()
        entry.save(update_fields=["deleted_at", "updated_at"])
        _record(entry, actor, RevisionAction.DELETED, {})


def restore_entry(entry: CreditEntry, actor) -> None:
    require_editable(entry)
    if not entry.is_deleted:
        return
    with transaction.atomic():
        entry.deleted_at = None
        entry.save(update_fields=["deleted_at", "updated_at"])
        _record(entry, actor, RevisionAction.RESTORED, {})


def attach_certificate(entry: CreditEntry, certificate: Certificate, actor) -> None:
    """Attaching proof is allowed on any own entry, reported ones included."""
    if certificate.clinician_id != entry.clinician_id:
        raise ValidationError({"certificates": "Attach only your own certificates."})
    before = snapshot(entry)
    with transaction.atomic():
        entry.certificates.add(certificate)
        changes = _diff(before, snapshot(entry))
        if changes:
            _record(entry, actor, RevisionAction.UPDATED, changes)


def detach_certificate(entry: CreditEntry, certificate: Certificate, actor) -> None:
    before = snapshot(entry)
    with transaction.atomic():
        entry.certificates.remove(certificate)
        changes = _diff(before, snapshot(entry))
        if changes:
            _record(entry, actor, RevisionAction.UPDATED, changes)


def delete_certificate(certificate: Certificate, actor) -> None:
    """Remove a certificate everywhere: each entry's history records the detachment,
    then the row goes and the stored file and preview with it."""
    files = [certificate.file, certificate.preview]
    with transaction.atomic():
        for entry in certificate.entries.all():
            detach_certificate(entry, certificate, actor)
        certificate.delete()
    # After the commit: a failed delete must not leave rows pointing at missing files.
    for stored in files:
        if stored:
            stored.delete(save=False)
