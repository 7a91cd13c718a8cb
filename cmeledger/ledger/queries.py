"""Reading the ledger: the one place entry filters are defined, for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cmeledger.ledger.models import CreditEntry, CreditEntryQuerySet


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
