"""GET /api/v1/progress: where the clinician stands in each set, as `cmeledger progress`."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from cmeledger.api.auth import clinicians
from cmeledger.api.routers.entries import ERRORS
from cmeledger.requirements import progress
from cmeledger.requirements.cycles import NoSuchCycle

router = Router(tags=["progress"], auth=clinicians())


class ProgressQuery(Schema):
    on: date | None = Field(None, description="Judge on this day (default: today).")
    set: str | None = Field(None, max_length=64, description="Only this set id.")
    cycle: str | None = Field(
        None,
        max_length=12,
        description="Which cycle to judge: current (default), previous, N counted from the "
        "first cycle (1, 2, …) or -N back from the current one (-1 is the previous). A "
        "number needs `set`. A cycle that does not exist is a 422 naming why.",
    )


@router.get("/progress", response={200: progress.Report, **ERRORS})
def get_progress(request: HttpRequest, query: Query[ProgressQuery]) -> progress.Report:
    """Per enrolled set: status, each rule's required / counted / remaining, the entries
    that counted and why, carry-forward, and what is still needed by when. The shape is
    docs/formats/progress-v1.schema.json."""
    day = query.on or timezone.localdate()
    try:
        choice = progress.cycle_choice(query.cycle, query.set)
        data = progress.report(request.auth, day, set_id=query.set, cycle=choice)
    except (progress.BadCycle, NoSuchCycle) as refused:
        raise ValidationError({"cycle": [f"{refused}."]}) from None
    if query.set and not data.sets:
        raise HttpError(404, f"You are not enrolled in {query.set}.")
    return data
