"""Deadlines, reminder preferences and the calendar address (clinician only)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field, StrictInt

from cmeledger.api.auth import clinicians
from cmeledger.api.schemas import ErrorOut, ValidationErrorOut
from cmeledger.reports import deadlines
from cmeledger.reports.deadlines import MAX_DAYS_BEFORE, MAX_STEPS, Deadline
from cmeledger.reports.models import DeadlinePreferences
from cmeledger.requirements.engine import Status

router = Router(tags=["deadlines"], auth=clinicians())
# 400: a body that is not JSON at all.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}


class DeadlineOut(Schema):
    set_id: str
    name: str
    short_name: str
    cycle_start: date
    deadline: date = Field(description="The last day of the current cycle.")
    days_left: int
    status: Status
    missing: list[str] = Field(description="What is still needed, one phrase per need.")
    gap: str = Field(description="The same in one sentence, ending with the deadline.")


class ProblemOut(Schema):
    set_id: str
    message: str


class DeadlinesOut(Schema):
    on: date
    items: list[DeadlineOut]
    problems: list[ProblemOut] = Field(description="Sets followed with no deadline, and why.")


class PreferencesIn(Schema):
    reminders_enabled: bool
    # Strict: JSON true or "30" is a mistake to name, not a day to guess at.
    reminder_days: list[StrictInt] = Field(
        max_length=MAX_STEPS,
        description=(
            f"Days before a deadline, whole numbers 1-{MAX_DAYS_BEFORE}, at most {MAX_STEPS}, "
            "no repeats; an empty list means the defaults (180, 90, 30, 7)."
        ),
    )


class PreferencesOut(Schema):
    reminders_enabled: bool
    reminder_days: list[int] = Field(description="The days in use, largest first.")
    uses_defaults: bool
    calendar_url: str = Field(description="The secret address of the calendar feed.")


class CalendarOut(Schema):
    calendar_url: str


def deadline_out(item: Deadline) -> dict:
    fields = ("set_id", "name", "short_name", "cycle_start", "deadline", "days_left", "status")
    return {name: getattr(item, name) for name in fields} | {
        "missing": item.missing,
        "gap": item.gap,
    }


def preferences_out(prefs: DeadlinePreferences) -> dict:
    return {
        "reminders_enabled": prefs.reminders_enabled,
        "reminder_days": prefs.days,
        "uses_defaults": deadlines.uses_defaults(prefs),
        "calendar_url": deadlines.feed_url(prefs),
    }


@router.get("/deadlines", response={200: DeadlinesOut, **ERRORS})
def upcoming(request: HttpRequest) -> dict:
    """The current cycle's deadline of every set you follow that still has something
    missing, soonest first (met sets and closed cycles are left out)."""
    found = deadlines.of(request.auth, timezone.localdate())
    return {
        "on": found.on,
        "items": [deadline_out(item) for item in found.upcoming_gaps],
        "problems": [{"set_id": p.set_id, "message": p.message} for p in found.problems],
    }


@router.get("/deadlines/preferences", response={200: PreferencesOut, **ERRORS})
def read_preferences(request: HttpRequest) -> dict:
    return preferences_out(deadlines.preferences_of(request.auth))


@router.put("/deadlines/preferences", response={200: PreferencesOut, **ERRORS})
def write_preferences(request: HttpRequest, payload: PreferencesIn) -> dict:
    """Reminder emails on or off and their days (also the calendar's alarms). A bad
    value is a 422 naming `reminder_days`, and nothing is changed."""
    prefs = deadlines.save_preferences(
        request.auth, enabled=payload.reminders_enabled, days=payload.reminder_days
    )
    return preferences_out(prefs)


@router.post("/deadlines/calendar-secret", response={200: CalendarOut, **ERRORS})
def new_calendar_secret(request: HttpRequest) -> dict:
    """A new secret calendar address; the old one stops working at once."""
    prefs = deadlines.preferences_of(request.auth)
    prefs.regenerate_secret()
    return {"calendar_url": deadlines.feed_url(prefs)}
