"""A board's roster over the API: send it, read it, and see the claims it keeps off the
diplomate list. Board staff only, for their own board (docs/board.md, "Rosters")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from cmeledger.accounts.models import Certification, IdentifierState
from cmeledger.api.auth import board_staff
from cmeledger.api.pagination import Listing, UpTo500, paginated
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.boards import listing, rosters
from cmeledger.boards.models import RosterEntry, RosterStatus
from cmeledger.boards.roster_files import MAX_KEY, RosterRejected, check_size

router = Router(tags=["board"], auth=board_staff())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
PROBLEMS_SHOWN = 1000


class RosterRowProblemOut(Schema):
    row: int = Field(description="The file's row, as a spreadsheet numbers it (header = 1).")
    column: str = Field(description="The column; empty when the row cannot be read at all.")
    message: str


class RosterEffectOut(Schema):
    verified: int = Field(description="Claims this load made verified.")
    disputed: int = Field(description="Claims this load made disputed.")
    claimed: int = Field(description="Claims this load set back to claimed.")


class RosterLoadOut(Schema):
    rows: int = Field(description="Data rows read.")
    created: int
    updated: int
    unchanged: int = Field(description="Rows exactly as stored: nothing was written.")
    invalid: int = Field(description="Rows with problems; they were not stored.")
    problems: list[RosterRowProblemOut] = Field(
        description=f"The first {PROBLEMS_SHOWN:,} problems, in file order."
    )
    changed: RosterEffectOut


class RosterClaimCounts(Schema):
    verified: int
    claimed: int = Field(description="Claimed and not on the roster: not listed.")
    disputed: int = Field(description="Contradicted by the roster: not listed.")


class RosterOut(Schema):
    entries: int = Field(description="Rows on the roster; 0: no roster, every claim is listed.")
    by_status: dict[str, int]
    last_changed: datetime | None
    claims: RosterClaimCounts


class RosterEntryOut(Schema):
    board_id: str
    first_name: str
    last_name: str
    birth_month: int | None
    birth_day: int | None
    certification_start: date
    certification_end: date | None
    status: RosterStatus
    updated_at: datetime


class RosterEntryQuery(Schema):
    q: str = Field("", max_length=listing.MAX_QUERY, description="A board ID or a last name.")


class RosterClaimOut(Schema):
    clinician_id: int
    name: str
    board_id: str = Field(description="The board ID as the clinician typed it.")
    cycle_start: date
    cycle_end: date
    state: IdentifierState
    note: str = Field(description="Why: which roster, and what disagreed.")


class RosterEntryDetail(RosterEntryOut):
    claims: list[RosterClaimOut]


class RosterClaimQuery(Schema):
    state: Literal["claimed", "disputed"] | None = None


def _entry_out(entry: RosterEntry) -> dict:
    fields = ("first_name", "last_name", "birth_month", "birth_day", "status", "updated_at")
    return {
        "board_id": entry.board_id_number,
        "certification_start": entry.certification_start,
        "certification_end": entry.certification_end,
        **{name: getattr(entry, name) for name in fields},
    }


def _claim_out(certification: Certification) -> dict:
    return {
        "clinician_id": certification.clinician_id,
        "name": certification.clinician.display_name,
        "board_id": certification.board_id_number,
        "cycle_start": certification.cycle_start,
        "cycle_end": certification.cycle_end,
        "state": certification.board_id_state,
        "note": certification.board_id_state_note,
    }


@router.post("/board/roster", response={200: RosterLoadOut, 413: ErrorOut, **ERRORS})
def send_roster(
    request: HttpRequest,
    file: File[UploadedFile],
    encoding: Literal["utf-8", "cp1252"] = Form("utf-8", description="The file's encoding."),
) -> dict:
    """Multipart field `file`: your roster as CSV (docs/formats/roster.md). Rows are
    upserted by board ID; rows with problems are listed and the others stored. A file
    that is unusable as a whole is refused with 400 and nothing is stored."""
    board = request.auth.board
    try:
        check_size(file.size)
    except RosterRejected as error:
        raise HttpError(413, str(error)) from None
    try:
        result = rosters.load_board_roster(board, file.read(), encoding)
    except RosterRejected as error:
        raise HttpError(400, f"Nothing was stored: {error}") from None
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "invalid": result.invalid,
        "problems": [vars(p) for p in result.problems[:PROBLEMS_SHOWN]],
        "changed": {
            "verified": result.effect.verified,
            "disputed": result.effect.disputed,
            "claimed": result.effect.claimed,
        },
    }


@router.get("/board/roster", response={200: RosterOut, **ERRORS})
def roster_summary(request: HttpRequest) -> dict:
    """How big your roster is and what it did to the claims of your board."""
    board = request.auth.board
    entries = RosterEntry.objects.filter(board=board)
    by_status = {s.value: 0 for s in RosterStatus}
    counted = entries.order_by().values("status").annotate(n=Count("id"))
    by_status.update(counted.values_list("status", "n"))
    newest = entries.order_by("-updated_at").values_list("updated_at", flat=True).first()
    verified = Certification.objects.filter(
        board=board, board_id_state=IdentifierState.VERIFIED
    ).count()
    return {
        "entries": sum(by_status.values()),
        "by_status": by_status,
        "last_changed": newest,
        "claims": {"verified": verified, **listing.unlisted_counts(board)},
    }


@router.get("/board/roster/entries", response={200: list[RosterEntryOut], **ERRORS})
@paginated(UpTo500)
def roster_entries(request: HttpRequest, query: Query[RosterEntryQuery]) -> Listing:
    """Your roster's rows by board ID, optionally searched."""
    if "\x00" in query.q:
        raise HttpError(400, "The search contains a NUL character.")
    return Listing(rosters.search_entries(request.auth.board, query.q), _entry_out)


@router.get("/board/roster/entries/{board_id}", response={200: RosterEntryDetail, **ERRORS})
def roster_entry(request: HttpRequest, board_id: str) -> dict:
    """One row of your roster and the clinicians claiming its board ID."""
    board = request.auth.board
    key = rosters.normalised(board_id)[:MAX_KEY].replace("\x00", "")
    entry = RosterEntry.objects.filter(board=board, board_id_number=key).first()
    if entry is None:
        raise Http404("No such board ID on your roster.")
    claims = rosters.claims_of(board, key).select_related("clinician")
    return _entry_out(entry) | {"claims": [_claim_out(c) for c in claims]}


@router.get("/board/roster/claims", response={200: list[RosterClaimOut], **ERRORS})
@paginated(UpTo500)
def roster_claims(request: HttpRequest, query: Query[RosterClaimQuery]) -> Listing:
    """The claims your roster keeps off the diplomate list (claimed and not on it, or
    disputed); empty without a roster. Names and IDs only, never records."""
    found = listing.unlisted(request.auth.board)
    if query.state:
        found = found.filter(board_id_state=query.state)
    return Listing(found, _claim_out)
