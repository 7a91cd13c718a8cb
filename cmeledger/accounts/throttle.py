"""Sign-in throttling per email, counted in the database (see docs/decisions.md, 11)."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from cmeledger.accounts.models import LoginFailure


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def minutes_until_allowed(email: str) -> int | None:
    """Whole minutes until this email may try again, or None if it may try now."""
    limit = settings.LOGIN_THROTTLE_FAILURES
    now = timezone.now()
    recent = list(
        LoginFailure.objects.filter(email=email.lower(), at__gte=now - _window())
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    # Tries resume once the oldest of the last `limit` failures leaves the window.
    seconds = (recent[-1] + _window() - now).total_seconds()
    return max(1, math.ceil(seconds / 60))


def refusal_message(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-ins for this email. "
        f"Try again in {minutes} {unit} or reset your password."
    )


def record_failure(email: str, request: HttpRequest | None) -> None:
    now = timezone.now()
    # Rows past the window no longer count; dropping them here keeps the table small
    # without a scheduled job.
    LoginFailure.objects.filter(at__lt=now - _window()).delete()
    ip_address = (request.META.get("REMOTE_ADDR") or None) if request is not None else None
    LoginFailure.objects.create(email=email.lower(), ip_address=ip_address, at=now)


def clear(email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()
