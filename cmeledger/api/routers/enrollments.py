"""Enrollments: the sets a clinician follows; add one by hand, drop any (soft)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cmeledger.api.auth import clinicians
from cmeledger.api.pagination import LimitOffset, Listing, paginated
from cmeledger.api.schemas import (
    EnrollmentIn,
    EnrollmentOut,
    ErrorOut,
    ValidationErrorOut,
)
from cmeledger.requirements import choices

router = Router(tags=["enrollments"], auth=clinicians())
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class EnrollmentQuery(Schema):
    dropped: bool = Field(False, description="List dropped enrollments instead of live ones.")


def enrollment_out(item: choices.Followed) -> dict:
    row, version = item.enrollment, item.version
    return {
        **{
            name: getattr(row, name)
            for name in (
                "id",
                "set_id",
                "automatic",
                "license_id",
                "certification_id",
                "started_on",
                "dropped_at",
                "created_at",
            )
        },
        "name": version.name if version else None,
        "kind": version.kind if version else None,
        "authority": version.authority if version else None,
        "because": item.because,
    }


@router.get("/enrollments", response={200: list[EnrollmentOut], **ERRORS})
@paginated(LimitOffset)
def list_enrollments(request: HttpRequest, query: Query[EnrollmentQuery]) -> Listing:
    """The sets you follow (or, with `dropped=true`, those you dropped), by set id."""
    return Listing(choices.followed(request.auth, dropped=query.dropped), enrollment_out)


@router.post("/enrollments", response={201: EnrollmentOut, 409: ErrorOut, **ERRORS})
def add_enrollment(request: HttpRequest, payload: EnrollmentIn) -> Status:
    """Follow a set by hand. A set you chose and dropped is taken up again (same id, the new
    start date). Sets that follow from a license or certification come from the profile."""
    try:
        enrollment = choices.add_enrollment(request.auth, payload.set_id, payload.started_on)
    except (choices.UnknownSet, choices.NotAllowed) as refused:
        raise ValidationError({"set_id": [str(refused)]}) from None
    return Status(201, enrollment_out(choices.described(enrollment)))


@router.delete("/enrollments/{int:enrollment_id}", response={204: None, **ERRORS})
def drop_enrollment(request: HttpRequest, enrollment_id: int) -> Status:
    """Stop following (chosen or automatic); the record stays, marked dropped, and a
    license or certification does not enroll you in it again."""
    choices.drop_enrollment(request.auth, enrollment_id)
    return Status(204, None)
