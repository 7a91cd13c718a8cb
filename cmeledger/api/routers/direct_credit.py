"""Direct credit over the API: clinicians apply and withdraw; the reviewing board's staff
approve or decline. The checks live in cmeledger.directcredit.services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from cmeledger.api.auth import board_staff, clinicians
from cmeledger.api.pagination import LimitOffset, Listing, paginated
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.directcredit import services
from cmeledger.directcredit.models import Application, Kind
from cmeledger.directcredit.models import Status as AppStatus
from cmeledger.ledger.models import Certificate

router = Router(tags=["direct-credit"])
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}


class ApplicationOut(Schema):
    id: UUID
    kind: Kind
    board: str
    title: str
    completed_on: date
    quantity: Decimal
    credits: Decimal
    statement: str
    status: AppStatus
    submitted_at: datetime
    decided_at: datetime | None
    reason: str = Field(description="The board's note or reason, once decided.")
    evidence: list[UUID]


class ApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    board: str | None = Field(None, max_length=32, pattern=r"^[a-z0-9-]+$")
    certification: int | None = Field(None, ge=1, le=2**31 - 1)
    title: str = Field("", max_length=300)
    completed_on: date | None = None
    quantity: Decimal | None = Field(None, gt=0, le=1000, max_digits=6, decimal_places=2)
    statement: str = Field("", max_length=2000)
    evidence: list[UUID] = Field(min_length=1, max_length=20, description="Your certificate ids.")


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=2000, description="Needed to decline; a note to approve.")


class StatusQuery(Schema):
    status: AppStatus | None = None


def _out(application: Application) -> dict:
    fields = ("id", "kind", "title", "completed_on", "quantity", "credits", "statement", "status")
    return {
        **{k: getattr(application, k) for k in fields},
        "board": application.board.code,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "reason": application.reason,
        "evidence": [c.pk for c in application.evidence.all()],
    }


def _listing(found, query: StatusQuery) -> Listing:
    if query.status:
        found = found.filter(status=query.status)
    found = found.select_related("board").prefetch_related("evidence").order_by("-submitted_at")
    return Listing(found, _out)


def _refuse(error: services.ApplicationError) -> HttpError:
    return HttpError(409, str(error))


def _text_ok(*values: str | None) -> None:
    if any(v and "\x00" in v for v in values):
        raise HttpError(400, "Text fields cannot contain NUL characters.")


@router.get("/direct-credit", response={200: list[ApplicationOut], **ERRORS}, auth=clinicians())
@paginated(LimitOffset)
def list_mine(request: HttpRequest, query: Query[StatusQuery]) -> Listing:
    """Your direct-credit applications, newest first."""
    return _listing(Application.objects.filter(clinician=request.auth), query)


@router.post("/direct-credit", response={201: ApplicationOut, **ERRORS}, auth=clinicians())
def apply(request: HttpRequest, payload: ApplicationIn) -> Status:
    """Apply, with certificates already in your ledger as evidence (upload them first)."""
    _text_ok(payload.title, payload.statement, payload.board)
    owned = set(
        Certificate.objects.filter(clinician=request.auth, pk__in=payload.evidence).values_list(
            "pk", flat=True
        )
    )
    if owned != set(payload.evidence):
        raise HttpError(404, "No such certificate of yours among the evidence.")
    draft = services.Draft(
        kind=payload.kind,
        board=payload.board,
        certification=payload.certification,
        title=payload.title,
        completed_on=payload.completed_on,
        quantity=payload.quantity,
        statement=payload.statement,
    )
    try:
        application = services.submit(request.auth, draft, certificate_ids=payload.evidence)
    except services.ApplicationError as error:
        raise _refuse(error) from None
    return Status(201, _out(application))


@router.get(
    "/direct-credit/{application_id}", response={200: ApplicationOut, **ERRORS}, auth=clinicians()
)
def get_mine(request: HttpRequest, application_id: UUID) -> dict:
    return _out(get_object_or_404(Application, pk=application_id, clinician=request.auth))


@router.post(
    "/direct-credit/{application_id}/withdraw",
    response={200: ApplicationOut, **ERRORS},
    auth=clinicians(),
)
def withdraw(request: HttpRequest, application_id: UUID) -> dict:
    application = get_object_or_404(Application, pk=application_id, clinician=request.auth)
    try:
        return _out(services.withdraw(application, request.auth))
    except services.ApplicationError as error:
        raise _refuse(error) from None


@router.get(
    "/board/direct-credit", response={200: list[ApplicationOut], **ERRORS}, auth=board_staff()
)
@paginated(LimitOffset)
def board_queue(request: HttpRequest, query: Query[StatusQuery]) -> Listing:
    """Your board's applications, newest first."""
    return _listing(Application.objects.for_board(request.auth.board_id), query)


def _board_application(request: HttpRequest, application_id: UUID) -> Application:
    return get_object_or_404(
        Application.objects.for_board(request.auth.board_id), pk=application_id
    )


@router.post(
    "/board/direct-credit/{application_id}/approve",
    response={200: ApplicationOut, **ERRORS},
    auth=board_staff(),
)
def approve(request: HttpRequest, application_id: UUID, payload: DecisionIn) -> dict:
    """Approve: the credits become `direct-credit` entries in the clinician's ledger."""
    _text_ok(payload.reason)
    application = _board_application(request, application_id)
    try:
        return _out(services.approve(application, request.auth, payload.reason))
    except services.ApplicationError as error:
        raise _refuse(error) from None


@router.post(
    "/board/direct-credit/{application_id}/decline",
    response={200: ApplicationOut, **ERRORS},
    auth=board_staff(),
)
def decline(request: HttpRequest, application_id: UUID, payload: DecisionIn) -> dict:
    """Decline with a reason the clinician reads."""
    _text_ok(payload.reason)
    application = _board_application(request, application_id)
    try:
        return _out(services.decline(application, request.auth, payload.reason))
    except services.ApplicationError as error:
        raise _refuse(error) from None
