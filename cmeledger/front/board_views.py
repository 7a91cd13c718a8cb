"""The board workspace: the diplomate list from the newest compliance snapshot and a
read-only drill-down into one diplomate. Staff act for their own board only: the board
always comes from the signed-in user, never from the request."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cmeledger.accounts.models import Board, User
from cmeledger.audits import access
from cmeledger.boards import compliance, freshness, listing
from cmeledger.boards.models import ComplianceRun, Standing
from cmeledger.boards.tasks import compute_compliance
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.lib.downloads import attachment
from cmeledger.permissions import board_staff_required
from cmeledger.requirements import progress

PER_PAGE = 50


def _board(request: HttpRequest) -> Board:
    return request.user.board


def _chosen_set(request: HttpRequest, board: Board) -> tuple[str | None, list[str]]:
    sets = compliance.board_sets(board)
    wanted = request.GET.get("set", "")
    if wanted and wanted not in sets:
        raise Http404("This board has no such requirement set.")
    return (wanted or (sets[0] if sets else None)), sets


def _filters(request: HttpRequest) -> listing.Filters:
    return listing.Filters(
        status=request.GET.get("status", ""),
        q=request.GET.get("q", ""),
        sort=request.GET.get("sort", "status") or "status",
    )


@require_GET
@board_staff_required
def diplomates(request: HttpRequest) -> HttpResponse:
    board = _board(request)
    set_id, sets = _chosen_set(request, board)
    run = compliance.latest_run(board, set_id) if set_id else None
    queued = bool(set_id and run is None and _first_run(board, set_id))
    if queued:
        run = compliance.latest_run(board, set_id)  # done already when jobs run inline
    filters = _filters(request)
    context: dict = {
        "board": board,
        "set_id": set_id,
        "sets": sets,
        "run": run,
        "fresh": freshness.freshness(run) if run is not None else None,
        "running": _running(board, set_id),
        "queued": queued,
        "filters": filters,
        "statuses": [(s.value, s.label) for s in Standing],
        "sorts": [
            ("status", "Status"),
            ("name", "Name"),
            ("remaining", "Credits still needed"),
            ("deadline", "Cycle end"),
        ],
        "diplomate_count": listing.diplomates(board).count(),
        # Once a roster is loaded, what it keeps off the list (counts only; names on the
        # roster's claims page).
        "unlisted": listing.unlisted_counts(board) if listing.has_roster(board) else None,
    }
    status = 200
    if run is not None:
        try:
            found = listing.rows(run, filters)
        except listing.ListingError as error:
            context["error"] = str(error)
            status = 400
        else:
            page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
            query = request.GET.copy()
            query.pop("page", None)
            context.update(page=page, query=query.urlencode())
            context["counts"] = [(s.value, s.label, run.counts.get(s.value, 0)) for s in Standing]
    return render(request, "front/board/diplomates.html", context, status=status)


def _first_run(board: Board, set_id: str) -> bool:
    """A board with no snapshot of the set yet (a new install, a new board or set) gets
    its first one without anyone pressing a button; once per ten minutes at most, so
    reloading while the workers are busy does not queue more. True when one was queued."""
    if _running(board, set_id) or not cache.add(f"first-run:{board.pk}:{set_id}", 1, 600):
        return False
    compute_compliance.enqueue(board.pk, set_id, None, None)
    return True


def _running(board: Board, set_id: str | None) -> bool:
    return ComplianceRun.objects.filter(
        board=board, set_id=set_id, finished_at__isnull=True
    ).exists()


@require_GET
@board_staff_required
def diplomates_csv(request: HttpRequest) -> HttpResponse:
    board = _board(request)
    set_id, _sets = _chosen_set(request, board)
    run = compliance.latest_run(board, set_id) if set_id else None
    if run is None:
        raise Http404("No compliance run yet: compute one first.")
    try:
        found = listing.rows(run, _filters(request))
    except listing.ListingError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(
        listing.as_csv(run, found.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    name = f"{board.code}-{set_id}-{run.on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@board_staff_required
def recompute(request: HttpRequest) -> HttpResponse:
    board = _board(request)
    set_id = request.POST.get("set", "")
    if set_id not in compliance.board_sets(board):
        messages.error(request, "Choose one of your board's requirement sets to recompute.")
        return redirect("board-diplomates")
    compute_compliance.enqueue(board.pk, set_id, None, request.user.pk)
    messages.success(request, f"Recomputing {set_id}: the list updates when the run finishes.")
    return redirect(f"{_list_url()}?set={set_id}")


def _list_url() -> str:
    return reverse("board-diplomates")


def _diplomate(request: HttpRequest, pk: int) -> User:
    """One of the board's diplomates; anyone else (or no one) is a 404."""
    return get_object_or_404(listing.diplomates(_board(request)), pk=pk)


@require_GET
@board_staff_required
def diplomate(request: HttpRequest, pk: int) -> HttpResponse:
    board = _board(request)
    person = _diplomate(request, pk)
    today = timezone.localdate()
    sets = set(compliance.board_sets(board))
    standing = [s for s in progress.report(person, today).sets if s.set_id in sets]
    audited = access.entries_under_open_audit(board, person)
    entries = list(
        CreditEntry.objects.counted()
        .filter(clinician=person)
        .prefetch_related("certificates")
        .order_by("-completed_on", "title")
    )
    for entry in entries:
        entry.audited = entry.pk in audited
        entry.visible = [
            c for c in entry.certificates.all() if entry.audited or c.shared_with_boards
        ]
    context = {
        "board": board,
        "person": person,
        "certifications": person.certifications.filter(listing.listed(board)),
        "standing": standing,
        "entries": entries,
        "today": today,
    }
    return render(request, "front/board/diplomate.html", context)


@require_GET
@board_staff_required
def diplomate_certificate(request: HttpRequest, pk: int, certificate: UUID) -> FileResponse:
    person = _diplomate(request, pk)
    found = get_object_or_404(Certificate, pk=certificate, clinician=person)
    if not access.staff_may_see_certificate(request.user, found):
        raise Http404("This certificate is not under an open audit.")
    return attachment(found.file, found.download_name, found.content_type)
