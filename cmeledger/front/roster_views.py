"""The board's roster in its workspace: upload it, look up who is on it, and see the
claims it keeps off the diplomate list. The board always comes from the signed-in staff
member, never from the request (docs/board.md, "Rosters")."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cmeledger.accounts.models import Board, Certification, IdentifierState
from cmeledger.boards import listing, rosters
from cmeledger.boards.models import RosterEntry, RosterStatus
from cmeledger.boards.roster_files import ENCODINGS, MAX_KEY, RosterRejected, check_size
from cmeledger.permissions import board_staff_required

PER_PAGE = 50
# A file of bad rows must not make a page of a hundred thousand lines.
PROBLEMS_SHOWN = 200


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="Roster file (CSV)")
    encoding = forms.ChoiceField(
        choices=[(e, e) for e in ENCODINGS],
        initial="utf-8",
        help_text="cp1252 for Excel's “CSV (Comma delimited)” on Windows; utf-8 otherwise.",
    )


def _board(request: HttpRequest) -> Board:
    return request.user.board


def _page_context(request: HttpRequest, board: Board) -> dict:
    q = request.GET.get("q", "").strip()
    if "\x00" in q or len(q) > listing.MAX_QUERY:
        q = ""
    page = Paginator(rosters.search_entries(board, q), PER_PAGE).get_page(request.GET.get("page"))
    statuses = dict(
        RosterEntry.objects.filter(board=board)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "board": board,
        "form": RosterUploadForm(),
        "has_roster": listing.has_roster(board),
        "statuses": [(s.label, statuses.get(s.value, 0)) for s in RosterStatus],
        "unlisted": listing.unlisted_counts(board),
        "verified": Certification.objects.filter(
            board=board, board_id_state=IdentifierState.VERIFIED
        ).count(),
        "page": page,
        "q": q,
        "query": f"q={q}" if q else "",
    }


@require_GET
@board_staff_required
def roster(request: HttpRequest) -> HttpResponse:
    return render(request, "front/board/roster.html", _page_context(request, _board(request)))


@require_POST
@board_staff_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    board = _board(request)
    form = RosterUploadForm(request.POST, request.FILES)
    context = _page_context(request, board)
    context["form"] = form
    if not form.is_valid():
        return render(request, "front/board/roster.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        check_size(upload.size)
        result = rosters.load_board_roster(board, upload.read(), form.cleaned_data["encoding"])
    except RosterRejected as error:
        form.add_error("file", f"Nothing was stored: {error}")
        return render(request, "front/board/roster.html", context, status=400)
    context = _page_context(request, board)
    context.update(result=result, problems=result.problems[:PROBLEMS_SHOWN])
    return render(request, "front/board/roster.html", context)


@require_GET
@board_staff_required
def roster_claims(request: HttpRequest) -> HttpResponse:
    """The certifications the roster keeps off the list: names, IDs and why; never their
    records (the diplomate pages stay closed to them)."""
    board = _board(request)
    state = request.GET.get("state", "")
    found = listing.unlisted(board)
    if state:
        if state not in (IdentifierState.CLAIMED, IdentifierState.DISPUTED):
            raise Http404("Choose claimed or disputed.")
        found = found.filter(board_id_state=state)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "board": board,
        "state": state,
        "page": page,
        "query": f"state={state}" if state else "",
        "unlisted": listing.unlisted_counts(board),
    }
    return render(request, "front/board/roster_claims.html", context)


@require_GET
@board_staff_required
def roster_entry(request: HttpRequest, board_id: str) -> HttpResponse:
    """One row of the roster and the certifications claiming its ID. Another board's
    ID is a 404, as a missing one."""
    board = _board(request)
    key = rosters.normalised(board_id)[:MAX_KEY].replace("\x00", "")
    entry = RosterEntry.objects.filter(board=board, board_id_number=key).first()
    if entry is None:
        raise Http404("Your roster has no such board ID.")
    claims = rosters.claims_of(board, key).select_related("clinician")
    context = {"board": board, "entry": entry, "claims": claims}
    return render(request, "front/board/roster_entry.html", context)
