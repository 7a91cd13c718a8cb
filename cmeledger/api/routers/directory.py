"""The provider directory: anyone signed in searches; board staff keep it.

A staff member acts for their own board only: the board is never taken from the request.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from cmeledger.accounts.models import Board
from cmeledger.api.auth import anyone_signed_in, board_staff
from cmeledger.api.pagination import Listing, UpTo100, paginated
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.directory import services
from cmeledger.directory.models import BoardAccreditor, Provider, ProviderReporting
from cmeledger.directory.services import (
    DirectoryRefused,
    Filters,
    NotFound,
    ProviderFields,
    ReportingFields,
)
from cmeledger.ledger.vocabulary import Accreditor, ActivityKind, CreditType

router = Router(tags=["directory"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class ProviderQuery(Schema):
    q: str = Field("", max_length=services.MAX_QUERY, description="Name, note or specialty.")
    specialty: str = Field("", max_length=80, description="Exact specialty, any case.")
    accreditor: Accreditor | None = None
    mine: bool = Field(
        False,
        description="Only providers that report automatically to your board (staff) or to a "
        "board you are certified by (clinicians).",
    )


class ReportingOut(Schema):
    board: str = Field(description="The board's code, e.g. `abpmr`.")
    board_name: str
    reports_automatically: bool
    credit_types: list[str]
    activity_kinds: list[str]
    details: str
    source: str
    updated_at: datetime


class ProviderOut(Schema):
    slug: str
    name: str
    phone: str
    website: str
    accreditors: list[Accreditor]
    specialties: list[str]
    notes: str
    source: str
    reporting: list[ReportingOut]
    updated_at: datetime


class ProviderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    phone: str = Field("", max_length=40)
    website: str = Field("", max_length=500, description="http:// or https:// only.")
    accreditors: list[Accreditor] = Field([], max_length=len(Accreditor.values))
    specialties: list[str] = Field([], max_length=services.MAX_SPECIALTIES)
    notes: str = Field("", max_length=2000)
    source: str = Field("", max_length=300)


class ReportingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reports_automatically: bool
    credit_types: list[CreditType] = Field([], max_length=len(CreditType.values))
    activity_kinds: list[ActivityKind] = Field([], max_length=len(ActivityKind.values))
    details: str = Field("", max_length=2000)
    source: str = Field("", max_length=300)


class AcceptedOut(Schema):
    id: int
    board: str
    accreditor: Accreditor | None
    name: str
    source: str
    note: str
    updated_at: datetime


class AcceptedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accreditor: Accreditor | None = None
    name: str = Field("", max_length=200, description="Empty: the accreditor's own name.")
    source: str = Field(min_length=1, max_length=300)
    note: str = Field("", max_length=500)


class AcceptedQuery(Schema):
    board: str = Field(
        "", max_length=32, pattern=r"^([a-z0-9-]+)?$", description="A board code; empty: yours."
    )


def _reporting_out(row: ProviderReporting) -> dict:
    return {
        "board": row.board.code,
        "board_name": row.board.name,
        **{
            k: getattr(row, k)
            for k in (
                "reports_automatically",
                "credit_types",
                "activity_kinds",
                "details",
                "source",
                "updated_at",
            )
        },
    }


def _provider_out(provider: Provider) -> dict:
    return {
        **{
            k: getattr(provider, k)
            for k in ("slug", "name", "phone", "website", "notes", "source", "updated_at")
        },
        "accreditors": provider.accreditor_codes,
        "specialties": provider.specialty_names,
        "reporting": [_reporting_out(r) for r in provider.reporting.all()],
    }


def _accepted_out(row: BoardAccreditor) -> dict:
    return {
        "id": row.pk,
        "board": row.board.code,
        "accreditor": row.accreditor or None,
        "name": row.name,
        "source": row.source,
        "note": row.note,
        "updated_at": row.updated_at,
    }


def _refused(refused: DirectoryRefused) -> ValidationError:
    return ValidationError({(k or "body"): v for k, v in refused.errors.items()})


def _provider(slug: str) -> Provider:
    try:
        return services.get_provider(slug)
    except NotFound:
        raise _not_found() from None


def _not_found() -> Http404:
    return Http404("No such provider or row of your board.")


@router.get("/providers", response={200: list[ProviderOut], **ERRORS}, auth=anyone_signed_in())
@paginated(UpTo100)
def list_providers(request: HttpRequest, query: Query[ProviderQuery]) -> Listing:
    """Search the CME provider directory, by name."""
    filters = Filters(query.q, query.specialty, query.accreditor or "", query.mine)
    try:
        found = services.search(request.auth, filters)
    except DirectoryRefused as refused:
        raise _refused(refused) from None
    return Listing(found, _provider_out)


@router.get("/providers/{slug}", response={200: ProviderOut, **ERRORS}, auth=anyone_signed_in())
def get_provider(request: HttpRequest, slug: str) -> dict:
    """One provider, with what it reports to each board."""
    return _provider_out(_provider(slug))


@router.post("/providers", response={201: ProviderOut, **ERRORS}, auth=board_staff())
def create_provider(request: HttpRequest, payload: ProviderIn) -> Status:
    """Add a provider (board staff). Providers are shared by every board."""
    try:
        provider = services.save_provider(request.auth, ProviderFields(**payload.dict()))
    except DirectoryRefused as refused:
        raise _refused(refused) from None
    return Status(201, _provider_out(provider))


@router.put("/providers/{slug}", response={200: ProviderOut, **ERRORS}, auth=board_staff())
def update_provider(request: HttpRequest, slug: str, payload: ProviderIn) -> dict:
    """Replace a provider's details (board staff); the slug stays."""
    provider = _provider(slug)
    try:
        provider = services.save_provider(request.auth, ProviderFields(**payload.dict()), provider)
    except DirectoryRefused as refused:
        raise _refused(refused) from None
    return _provider_out(provider)


@router.put(
    "/providers/{slug}/reporting", response={200: ReportingOut, **ERRORS}, auth=board_staff()
)
def set_reporting(request: HttpRequest, slug: str, payload: ReportingIn) -> dict:
    """What the provider reports to your board (board staff; your board only)."""
    provider = _provider(slug)
    try:
        row = services.set_reporting(request.auth, provider, ReportingFields(**payload.dict()))
    except DirectoryRefused as refused:
        raise _refused(refused) from None
    return _reporting_out(row)


@router.delete("/providers/{slug}/reporting", response={204: None, **ERRORS}, auth=board_staff())
def remove_reporting(request: HttpRequest, slug: str) -> Status:
    """Remove your board's reporting row for the provider (404 if it has none)."""
    provider = _provider(slug)
    try:
        services.remove_reporting(request.auth, provider)
    except NotFound:
        raise _not_found() from None
    return Status(204, None)


@router.get(
    "/accepted-accreditors",
    response={200: list[AcceptedOut], **ERRORS},
    auth=anyone_signed_in(),
)
def list_accepted(request: HttpRequest, query: Query[AcceptedQuery]) -> list[dict]:
    """The accreditors a board accepts: the board named, or else your own boards'."""
    if query.board:
        boards = list(Board.objects.filter(code=query.board))
    else:
        boards = services.my_boards(request.auth)
    rows = BoardAccreditor.objects.filter(board__in=boards).select_related("board")
    return [_accepted_out(r) for r in rows.order_by("board__code", "name")]


@router.post("/accepted-accreditors", response={201: AcceptedOut, **ERRORS}, auth=board_staff())
def add_accepted(request: HttpRequest, payload: AcceptedIn) -> Status:
    """Say your board accepts an accreditor (board staff)."""
    try:
        row = services.add_accepted(
            request.auth, payload.accreditor or "", payload.name, payload.source, payload.note
        )
    except DirectoryRefused as refused:
        raise _refused(refused) from None
    return Status(201, _accepted_out(row))


@router.delete(
    "/accepted-accreditors/{int:accepted_id}",
    response={204: None, **ERRORS},
    auth=board_staff(),
)
def remove_accepted(request: HttpRequest, accepted_id: int) -> Status:
    """Remove one of your board's accepted accreditors (another board's is a 404)."""
    try:
        services.remove_accepted(request.auth, accepted_id)
    except NotFound:
        raise _not_found() from None
    return Status(204, None)
