"""GET /api/v1/progress: where the clinician stands in each set, as `cmeledger progress`."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from cmeledger.api.auth import clinicians
from cmeledger.api.routers.entries import ERRORS
from cmeledger.requirements import progress

router = Router(tags=["progress"], auth=clinicians())


class ProgressQuery(Schema):
    on: date | None = Field(None, description="Judge on this day (default: today).")
    set: str | None = Field(None, max_length=64, description="Only this set id.")


@router.get("/progress", response={200: progress.Report, **ERRORS})
def get_progress(request: HttpRequest, query: Query[ProgressQuery]) -> progress.Report:
    """Per enrolled set: status, each rule's required / counted / remaining, the entries
    that counted and why, carry-forward, and what is still needed by when. The shape is
    docs/formats/progress-v1.schema.json."""
    day = query.on or timezone.localdate()
    data = progress.report(request.auth, day, set_id=query.set)
    if query.set and not data.sets:
        raise HttpError(404, f"You are not enrolled in {query.set}.")
    return data
