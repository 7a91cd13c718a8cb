"""Reading the ledger: the one place entry filters are defined, for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cmeledger.ledger.models import CreditEntry, CreditEntryQuerySet, EntryRevision, EntryTopic


@dataclass(frozen=True)
class EntryFilter:
    """What a clinician asked to see; empty fields do not filter."""

    date_from: date | None = None
    date_to: date | None = None
    credit_type: str = ""
    topic: str = ""
    source: str = ""
    text: str = ""
    deleted: bool = False

    @property
    def is_empty(self) -> bool:
        return self == EntryFilter(deleted=self.deleted)


def filter_entries(entries: CreditEntryQuerySet, wanted: EntryFilter) -> CreditEntryQuerySet:
    entries = entries.deleted() if wanted.deleted else entries.live()
    if wanted.date_from:
        entries = entries.filter(completed_on__gte=wanted.date_from)
    if wanted.date_to:
        entries = entries.filter(completed_on__lte=wanted.date_to)
    if wanted.credit_type:
        entries = entries.filter(credit_type=wanted.credit_type)
    if wanted.topic:
        entries = entries.with_topic(wanted.topic)
    if wanted.source:
        entries = entries.filter(source=wanted.source)
    for word in wanted.text.split()[:8]:
        entries = entries.filter(
            Q(title__icontains=word) | Q(provider__icontains=word) | Q(notes__icontains=word)
        )
    return entries


def _certificate_count() -> Coalesce:
    """Certificates per entry as a correlated subquery, not a join and GROUP BY: a page
    then reads only its own rows by the (clinician, completed_on) index, and the page
    count is a plain COUNT (Django drops the unused subquery from it)."""
    links = (
        CreditEntry.certificates.through.objects.filter(creditentry_id=OuterRef("pk"))
        .order_by()
        .values("creditentry_id")
        .values(n=Count("certificate_id"))
    )
    return Coalesce(Subquery(links, output_field=IntegerField()), 0)


def entries_for_listing(user, wanted: EntryFilter) -> CreditEntryQuerySet:
    """The clinician's entries, filtered, with what a list row shows loaded in bulk."""
    entries = filter_entries(CreditEntry.objects.owned_by(user), wanted)
    return (
        entries.select_related("reported_by")
        .prefetch_related("topic_links")
        .annotate(certificate_count=_certificate_count())
        # Pages need a total order.
        .order_by("-completed_on", "-created_at", "pk")
    )


def _stamp_sql() -> str:
    entries = CreditEntry._meta.db_table
    revisions = EntryRevision._meta.db_table
    topics = EntryTopic._meta.db_table
    counted = "clinician_id = %s AND deleted_at IS NULL AND reported_as_id IS NULL"
    joined = f"JOIN {entries} e ON e.id = x.entry_id WHERE e.clinician_id = %s"
    return (
        f"SELECT (SELECT COUNT(*) FROM {entries} WHERE clinician_id = %s),"
        f" (SELECT COUNT(*) FROM {entries} WHERE {counted}),"
        f" (SELECT SUM(credits) FROM {entries} WHERE {counted}),"
        f" (SELECT MAX(updated_at) FROM {entries} WHERE clinician_id = %s),"
        f" (SELECT MAX(x.id) FROM {revisions} x {joined}),"
        f" (SELECT COUNT(*) FROM {topics} x {joined}),"
        f" (SELECT MAX(x.id) FROM {topics} x {joined})"
    )


def ledger_stamp(user) -> tuple:
    """What changes whenever any of the clinician's entries, their topics or their history
    changes: every writer (ledger.services, ledger.bulk) adds a history row, bumps
    `updated_at` or changes the counts, so equal stamps mean an unchanged ledger. Plain SQL
    in one statement: the ORM took 30 times as long to compile these subqueries as the
    database took to answer them."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), [user.pk] * 7)
        row = cursor.fetchone()
    return tuple(str(value) for value in row)
