"""Exports of a clinician's entries: CSV for spreadsheets, and the portable JSON ledger.

Both take the same filters and list the same entries: live entries that count (a
self-report linked to an organization's report appears once, as the reported entry),
never deleted ones. The CSV is streamed in batches, so its memory does not grow with
the ledger. Columns are documented in docs/audit-packets.md and never reordered.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils import timezone

from cmeledger.accounts.models import User
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.ledger.vocabulary import CreditType, Source
from cmeledger.lib import csvsafe
from cmeledger.portable.ledger_export import build
from cmeledger.portable.schema import LedgerDoc
from cmeledger.reports.transcript import SET_ID, label
from cmeledger.requirements import choices, progress

CSV_COLUMNS = [
    "id", "completed_on", "start_date", "end_date", "title", "provider", "accreditor",
    "activity_kind", "credit_type", "credits", "topics", "specialty_related", "source",
    "reported_by", "certificates", "notes",
]  # fmt: skip
BATCH = 500
EARLIEST = date(1950, 1, 1)
FILTER_FIELDS = ("from", "to", "credit_type", "source", "set")


class ExportError(ValueError):
    """A filter is wrong; `field` names it, the message says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class ExportFilter:
    start: date | None = None
    end: date | None = None
    credit_type: str = ""
    source: str = ""
    set_id: str = ""

    @property
    def is_empty(self) -> bool:
        return self == ExportFilter()

    def describe(self) -> str:
        parts = [
            f"from {self.start}" if self.start else "",
            f"to {self.end}" if self.end else "",
            f"credit type {label(CreditType, self.credit_type)}" if self.credit_type else "",
            f"source {self.source}" if self.source else "",
            f"the current cycle of {choices.set_name(self.set_id)}" if self.set_id else "",
        ]
        return ", ".join(part for part in parts if part) or "everything"


def parse_day(name: str, raw: str | None, today: date) -> date | None:
    """A YYYY-MM-DD parameter within sane years; ExportError names `name` otherwise."""
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise ExportError(name, f"enter a date as YYYY-MM-DD, not {raw!r}.")
    latest = date(today.year + 10, 12, 31)
    if not EARLIEST <= value <= latest:
        raise ExportError(name, f"the date {value} must be between {EARLIEST} and {latest}.")
    return value


def _code(name: str, raw: str | None, choices) -> str:
    if not raw:
        return ""
    if raw not in choices.values:
        allowed = ", ".join(choices.values)
        raise ExportError(name, f"unknown code {raw!r}; use one of {allowed}.")
    return raw


def _set(user: User, raw: str | None, today: date) -> tuple[str, date | None, date | None]:
    if not raw:
        return "", None, None
    if len(raw) > 64 or not SET_ID.fullmatch(raw):
        raise ExportError("set", f"you do not follow the requirement set {raw!r}.")
    report = progress.report(user, today, raw)
    if not report.sets or report.sets[0].result is None:
        raise ExportError("set", f"you do not follow the requirement set {raw!r}.")
    result = report.sets[0].result
    return raw, result.cycle_start, result.cycle_end


def parse_filter(
    user: User, data: Mapping[str, str | None], today: date | None = None
) -> ExportFilter:
    """Filters from a query string or a form: `from`, `to`, `credit_type`, `source`, `set`.
    A set narrows the dates to its current cycle (intersected with `from`/`to`)."""
    today = today or timezone.localdate()
    start = parse_day("from", data.get("from"), today)
    end = parse_day("to", data.get("to"), today)
    if start and end and end < start:
        raise ExportError("to", f"the end date {end} is before the start date {start}.")
    credit_type = _code("credit_type", data.get("credit_type"), CreditType)
    source = _code("source", data.get("source"), Source)
    set_id, cycle_start, cycle_end = _set(user, data.get("set"), today)
    if cycle_start and cycle_end:
        start = max(start, cycle_start) if start else cycle_start
        end = min(end, cycle_end) if end else cycle_end
    return ExportFilter(start, end, credit_type, source, set_id)


def entries(user: User, chosen: ExportFilter) -> QuerySet[CreditEntry]:
    """The clinician's counted entries matching the filter, in completion order."""
    rows = CreditEntry.objects.counted().owned_by(user)
    if chosen.start:
        rows = rows.filter(completed_on__gte=chosen.start)
    if chosen.end:
        rows = rows.filter(completed_on__lte=chosen.end)
    if chosen.credit_type:
        rows = rows.filter(credit_type=chosen.credit_type)
    if chosen.source:
        rows = rows.filter(source=chosen.source)
    return rows.order_by("completed_on", "created_at", "id")


def _batches(rows, size: int = BATCH) -> Iterator[list]:
    batch: list = []
    for row in rows.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _row(entry: CreditEntry, topics: list[str], certificates: int) -> list[str]:
    return [
        str(entry.pk),
        entry.completed_on.isoformat(),
        entry.start_date.isoformat() if entry.start_date else "",
        entry.end_date.isoformat() if entry.end_date else "",
        entry.title,
        entry.provider,
        entry.accreditor,
        entry.activity_kind,
        entry.credit_type,
        f"{entry.credits:.2f}",
        ";".join(sorted(topics)),
        "true" if entry.specialty_related else "false",
        entry.source,
        entry.reported_by.name if entry.reported_by else "",
        str(certificates),
        entry.notes,
    ]


def csv_lines(user: User, chosen: ExportFilter) -> Iterator[str]:
    """The CSV, a batch of rows at a time; starts with a BOM so spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + _flush(buffer)
    rows = entries(user, chosen).select_related("reported_by")
    for batch in _batches(rows):
        ids = [entry.pk for entry in batch]
        topics: dict[UUID, list[str]] = defaultdict(list)
        for entry_id, topic in EntryTopic.objects.filter(entry_id__in=ids).values_list(
            "entry_id", "topic"
        ):
            topics[entry_id].append(topic)
        counts = dict(
            CreditEntry.objects.filter(pk__in=ids)
            .annotate(n=Count("certificates"))
            .values_list("pk", "n")
        )
        for entry in batch:
            writer.writerow(_row(entry, topics[entry.pk], counts.get(entry.pk, 0)))
        yield _flush(buffer)


def _flush(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_bytes(user: User, chosen: ExportFilter) -> bytes:
    return "".join(csv_lines(user, chosen)).encode("utf-8")


def ledger_document(user: User, chosen: ExportFilter) -> LedgerDoc:
    """The portable ledger (ledger_export.build) narrowed to the filter's entries and the
    certificates they cite; with no filter, every counted live entry."""
    document = build(user)
    keep = {entry_id for entry_id in entries(user, chosen).values_list("id", flat=True)}
    kept = [entry for entry in document.entries if entry.id in keep]
    cited = {certificate for entry in kept for certificate in entry.certificates}
    certificates = [c for c in document.certificates if c.id in cited or chosen.is_empty]
    return document.model_copy(update={"entries": kept, "certificates": certificates})


def filename(chosen: ExportFilter, extension: str, today: date | None = None) -> str:
    today = today or timezone.localdate()
    subject = chosen.set_id or ("filtered" if not chosen.is_empty else "all")
    return f"cme-entries-{subject}-{today:%Y%m%d}.{extension}"
