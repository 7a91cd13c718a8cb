"""The board's diplomate list: the newest snapshot's rows, filtered, searched and sorted.

Reads only stored rows (boards/compliance.py writes them), so the list opens at once for
100,000 diplomates; `computed_at` tells staff how old it is.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from cmeledger.accounts.models import Board, Certification, User
from cmeledger.boards.models import ComplianceRow, ComplianceRun, Standing
from cmeledger.lib import csvsafe

MAX_QUERY = 100

# What the list can be sorted by: the key shown in the URL and the columns it orders by.
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("clinician__last_name", "clinician__first_name", "id"),
    "status": ("status_order", "remaining", "id"),
    "remaining": ("-remaining", "id"),
    "deadline": ("cycle_end", "id"),
}
STATUS_ORDER = [s.value for s in Standing]


class ListingError(ValueError):
    """A filter the list cannot use; the message names it."""


@dataclass(frozen=True)
class Filters:
    status: str = ""
    q: str = ""
    sort: str = "status"
    ending_by: str = ""  # an ISO date: cycles that end on or before it

    def check(self) -> None:
        if self.status and self.status not in STATUS_ORDER:
            raise ListingError(
                f"Unknown status “{self.status[:40]}”: use one of {', '.join(STATUS_ORDER)}."
            )
        if self.sort not in SORTS:
            raise ListingError(f"Unknown sort “{self.sort[:40]}”: use one of {', '.join(SORTS)}.")
        if len(self.q) > MAX_QUERY:
            raise ListingError(f"The search is too long: at most {MAX_QUERY} characters.")
        if "\x00" in self.q:
            raise ListingError("The search contains a NUL character.")


def diplomates(board: Board) -> QuerySet[User]:
    """Clinicians holding a certification from `board`: the only people its staff see."""
    return User.objects.filter(certifications__board=board).distinct()


def is_diplomate(board: Board, clinician_id: int) -> bool:
    return Certification.objects.filter(board=board, clinician_id=clinician_id).exists()


def rows(run: ComplianceRun, filters: Filters) -> QuerySet[ComplianceRow]:
    """The run's rows as the filters ask, with the clinician and certification joined."""
    filters.check()
    found = ComplianceRow.objects.filter(run=run).select_related("clinician", "certification")
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.ending_by:
        found = found.filter(cycle_end__lte=filters.ending_by)
    if filters.q:
        found = found.filter(_search(filters.q.strip()))
    order = Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )
    return found.annotate(status_order=order).order_by(*SORTS[filters.sort])


def _search(text: str) -> Q:
    """Name, email or board ID, any case; every word must match somewhere."""
    q = Q()
    for word in text.split():
        q &= (
            Q(clinician__first_name__icontains=word)
            | Q(clinician__last_name__icontains=word)
            | Q(clinician__email__icontains=word)
            | Q(certification__board_id_number__iexact=word)
        )
    return q


CSV_HEADER = [
    "last_name",
    "first_name",
    "email",
    "board_id",
    "cycle_start",
    "cycle_end",
    "status",
    "counted",
    "required",
    "remaining",
    "expected_by_now",
    "missing",
    "judged_on",
]


def as_csv(run: ComplianceRun, found: Iterable[ComplianceRow]) -> Iterable[str]:
    """The rows as CSV lines, header first, streamed."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flush()
    for row in found:
        writer.writerow(
            [
                row.clinician.last_name,
                row.clinician.first_name,
                row.clinician.email,
                row.certification.board_id_number,
                row.cycle_start.isoformat(),
                row.cycle_end.isoformat(),
                row.status,
                row.counted,
                "" if row.required is None else row.required,
                row.remaining,
                "" if row.expected is None else row.expected,
                row.missing,
                run.on.isoformat(),
            ]
        )
        yield flush()
