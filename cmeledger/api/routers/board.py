"""The board workspace over the API: the diplomate list from the newest compliance
snapshot, one diplomate's progress, and a fresh run. Staff act for their own board only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from cmeledger.api.auth import board_staff
from cmeledger.api.pagination import Listing, UpTo500, paginated
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.boards import compliance, listing
from cmeledger.boards.models import ComplianceRun, Standing
from cmeledger.boards.tasks import compute_compliance
from cmeledger.requirements import progress

router = Router(tags=["board"], auth=board_staff())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
SET_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class DiplomateQuery(Schema):
    set: str = Field(
        "", max_length=64, pattern=r"^([a-z0-9-]+)?$", description="Empty: the board's first set."
    )
    status: Standing | None = None
    q: str = Field("", max_length=listing.MAX_QUERY, description="Name, email or board ID.")
    sort: str = Field("status", pattern="^(" + "|".join(listing.SORTS) + ")$")


class RunOut(Schema):
    id: int
    set_id: str
    on: date
    started_at: datetime
    finished_at: datetime | None
    diplomates: int
    cycles: int
    by_calculator: int = Field(description="Cycles the calculator judged one at a time.")
    counts: dict[str, int]


class RowOut(Schema):
    clinician_id: int
    name: str
    email: str
    board_id: str
    cycle_start: date
    cycle_end: date
    status: Standing
    counted: Decimal
    required: Decimal | None
    remaining: Decimal
    expected_by_now: Decimal | None
    missing: str


class DiplomatePages(UpTo500):
    class Output(UpTo500.Output):
        run: RunOut | None = Field(description="The snapshot read; null before the first run.")


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")

    set: str = Field(max_length=64, pattern=SET_ID)


class QueuedOut(Schema):
    set_id: str
    queued: bool


def _run_out(run: ComplianceRun) -> dict:
    fields = ("id", "set_id", "on", "started_at", "finished_at", "diplomates", "cycles")
    return {
        **{k: getattr(run, k) for k in fields},
        "by_calculator": run.by_calculator,
        "counts": run.counts,
    }


def _set_of(request: HttpRequest, wanted: str) -> str:
    sets = compliance.board_sets(request.auth.board)
    if wanted and wanted not in sets:
        raise Http404(f"Your board has no requirement set {wanted}.")
    if not sets:
        raise Http404("No requirement set in the catalog applies to your board.")
    return wanted or sets[0]


@router.get("/board/diplomates", response={200: list[RowOut], **ERRORS})
@paginated(DiplomatePages)
def list_diplomates(request: HttpRequest, query: Query[DiplomateQuery]) -> Listing:
    """Your board's diplomates with their standing in one set, from the newest run."""
    if "\x00" in query.q:
        raise HttpError(400, "The search contains a NUL character.")
    set_id = _set_of(request, query.set)
    run = compliance.latest_run(request.auth.board, set_id)
    if run is None:
        return Listing([], extra={"run": None})
    filters = listing.Filters(status=query.status or "", q=query.q, sort=query.sort)
    return Listing(listing.rows(run, filters), _row_out, extra={"run": _run_out(run)})


def _row_out(row) -> dict:
    return {
        "clinician_id": row.clinician_id,
        "name": row.clinician.display_name,
        "email": row.clinician.email,
        "board_id": row.certification.board_id_number,
        "cycle_start": row.cycle_start,
        "cycle_end": row.cycle_end,
        "status": row.status,
        "counted": row.counted,
        "required": row.required,
        "remaining": row.remaining,
        "expected_by_now": row.expected,
        "missing": row.missing,
    }


@router.get("/board/diplomates/{clinician_id}/progress", response={200: progress.Report, **ERRORS})
def diplomate_progress(request: HttpRequest, clinician_id: int) -> progress.Report:
    """One diplomate's progress in your board's sets, today (the progress-v1 shape)."""
    board = request.auth.board
    person = get_object_or_404(listing.diplomates(board), pk=clinician_id)
    data = progress.report(person, timezone.localdate())
    sets = set(compliance.board_sets(board))
    data.sets = [s for s in data.sets if s.set_id in sets]
    return data


@router.post("/board/compliance-runs", response={202: QueuedOut, **ERRORS})
def start_run(request: HttpRequest, payload: RunIn) -> Status:
    """Judge every diplomate in the set again; the list shows the new run when it ends."""
    set_id = _set_of(request, payload.set)
    compute_compliance.enqueue(request.auth.board.pk, set_id, None, request.auth.pk)
    return Status(202, {"set_id": set_id, "queued": True})
