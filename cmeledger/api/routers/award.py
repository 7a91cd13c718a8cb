"""The AMA PRA award (clinician only): the standing as JSON and the application summary."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cmeledger.api.auth import clinicians
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.reports.award_pdf import award_summary_pdf
from cmeledger.reports.award_summary import AwardError, default_filename, summary
from cmeledger.requirements import award
from cmeledger.requirements.award import AwardTier, Completion

router = Router(tags=["award"], auth=clinicians())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}
PDF = {
    "responses": {
        "200": {
            "description": "The application summary PDF for the tier asked for.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class TierOut(Schema):
    tier: AwardTier
    label: str
    set_id: str
    set_version: int | None
    start: date = Field(description="First day of the window: the tier's months ending today.")
    end: date
    qualified: bool
    total_required: Decimal | None
    total_counted: Decimal
    category_1_required: Decimal | None
    category_1_counted: Decimal
    missing: list[str] = Field(description="What is still needed, in words.")
    unconfirmed: bool = Field(description="True: a rule of the tier is not confirmed by the AMA.")
    problem: str | None


class ClaimOut(Schema):
    certification_id: int
    board: str
    board_name: str
    specialty: str
    cycle_start: date
    cycle_end: date
    completed_on: date
    how: Completion
    credits: Decimal = Field(description="60, or 25 for a cycle completed before 2010-09-01.")
    claimed_by: str | None = Field(description="The direct-credit entry already claiming it.")
    explanation: str


class KindOut(Schema):
    activity: str
    credits: str
    unconfirmed: bool


class AwardOut(Schema):
    today: date
    clinician_name: str
    degree: str
    eligible: bool
    eligibility: str
    alternatives: list[str] = Field(description="For a non-physician: what counts instead.")
    cautions: list[str]
    tiers: list[TierOut]
    best_tier: AwardTier | None = Field(description="The longest tier qualified for now.")
    direct_credit: list[ClaimOut]
    other_direct_credit: list[KindOut]
    unconfirmed_note: str


class TierIn(Schema):
    tier: AwardTier = Field(description="`1y`, `2y` or `3y`.")


@router.get("/award", response={200: AwardOut, **ERRORS})
def read_award(request: HttpRequest) -> dict:
    """Eligibility, each certificate tier over the window ending today, and direct credit."""
    return asdict(award.standing(request.auth, timezone.localdate()))


@router.get("/award/summary.pdf", response={200: None, **ERRORS}, openapi_extra=PDF)
def summary_pdf(request: HttpRequest, query: Query[TierIn]) -> HttpResponse:
    """The application summary for one tier; 400 for a clinician who is not a physician."""
    try:
        data = summary(request.auth, query.tier, timezone.localdate(), timezone.now())
    except AwardError as error:
        return Status(400, {"error": str(error)})
    response = HttpResponse(award_summary_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{default_filename(data)}"'
    response["Cache-Control"] = "private, no-store"
    return response
