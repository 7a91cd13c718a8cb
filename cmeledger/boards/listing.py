"""The board's diplomate list: the newest snapshot's rows, filtered, searched and sorted.

Reads only stored rows (boards/compliance.py writes them), so the list opens at once for
100,000 diplomates; `computed_at` tells staff how old it is.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from cmeledger.accounts.models import Board, Certification, IdentifierState, User
from cmeledger.boards.models import ComplianceRow, ComplianceRun, RosterEntry, Standing
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


def has_roster(board: Board) -> bool:
    return RosterEntry.objects.filter(board=board).exists()


def listed(board: Board, prefix: str = "") -> Q:
    """The board's certifications its staff see (a Q on Certification, or through
    `prefix`): every one declared, or once the board has loaded a roster, only those
    the roster (or site staff) verified."""
    q = Q(**{f"{prefix}board": board})
    if has_roster(board):
        q &= Q(**{f"{prefix}board_id_state": IdentifierState.VERIFIED})
    return q


def diplomates(board: Board) -> QuerySet[User]:
    """Clinicians holding a listed certification from `board`: the only people its staff
    see."""
    return User.objects.filter(listed(board, "certifications__")).distinct()


def is_diplomate(board: Board, clinician_id: int) -> bool:
    return Certification.objects.filter(listed(board), clinician_id=clinician_id).exists()


def unlisted(board: Board) -> QuerySet[Certification]:
    """Certifications of the board that its roster keeps off the list (none without a
    roster): claimed and not on it, or disputed."""
    if not has_roster(board):
        return Certification.objects.none()
    return (
        Certification.objects.filter(board=board)
        .exclude(board_id_state=IdentifierState.VERIFIED)
        .select_related("clinician")
        .order_by("clinician__last_name", "clinician__first_name", "id")
    )


def unlisted_counts(board: Board) -> dict[str, int]:
    """{"claimed": n, "disputed": m} for the board's unlisted certifications."""
    counts = {IdentifierState.CLAIMED.value: 0, IdentifierState.DISPUTED.value: 0}
    found = unlisted(board).order_by().values("board_id_state").annotate(n=Count("id"))
    for item in found:
        counts[item["board_id_state"]] = item["n"]
    return counts


def rows(run: ComplianceRun, filters: Filters) -> QuerySet[ComplianceRow]:
    """The run's rows as the filters ask, with the clinician and certification joined.
    A run older than the board's roster may hold rows the roster now keeps off the list."""
    filters.check()
    found = ComplianceRow.objects.filter(run=run).select_related("clinician", "certification")
    if has_roster(run.board):
        found = found.filter(certification__board_id_state=IdentifierState.VERIFIED)
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
