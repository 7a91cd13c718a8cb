"""Share links: making, opening and revoking them, and the log of every use."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.http import HttpRequest
from django.utils import timezone

from cmeledger.accounts.models import User
from cmeledger.reports.models import ShareAccess, ShareAccessKind, ShareLink, hash_secret
from cmeledger.reports.transcript import gather

DEFAULT_DAYS = 30
MAX_DAYS = 365


class ShareError(ValueError):
    """The link cannot be made as asked; the message says which value is wrong."""


@dataclass(frozen=True)
class Opened:
    link: ShareLink | None  # None: no such link (the visitor learns nothing more)
    usable: bool


def create_link(
    user: User,
    *,
    recipient: str,
    days: int = DEFAULT_DAYS,
    set_id: str | None = None,
    on: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[ShareLink, str]:
    """A new link and its secret (shown once). The transcript it opens is checked now, so
    a link never points at something that cannot be shown."""
    recipient = (recipient or "").strip()
    if not recipient:
        raise ShareError("recipient: say who the link is for, e.g. a credentialing office.")
    if len(recipient) > 200:
        raise ShareError("recipient: use at most 200 characters.")
    if not 1 <= days <= MAX_DAYS:
        raise ShareError(f"days: a link lasts from 1 to {MAX_DAYS} days; got {days}.")
    gather(user, set_id=set_id, on=on, start=start, end=end)  # raises TranscriptError
    secret = ShareLink.PREFIX + secrets.token_urlsafe(24)
    link = ShareLink.objects.create(
        clinician=user,
        recipient=recipient,
        set_id=set_id or "",
        on=on if set_id else None,
        start=None if set_id else start,
        end=None if set_id else end,
        hint=secret[: len(ShareLink.PREFIX) + 6],
        secret_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return link, secret


def open_link(secret: str) -> Opened:
    if not secret.startswith(ShareLink.PREFIX) or len(secret) > 80:
        return Opened(None, False)
    link = (
        ShareLink.objects.select_related("clinician")
        .filter(secret_hash=hash_secret(secret), clinician__is_active=True)
        .first()
    )
    if link is None:
        return Opened(None, False)
    return Opened(link, link.is_usable)


def log_access(link: ShareLink, kind: ShareAccessKind, request: HttpRequest) -> ShareAccess:
    return ShareAccess.objects.create(
        link=link,
        kind=kind,
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def transcript_of(link: ShareLink):
    """What the link shows, as of now: the set's cycle holding `on` (today if unset)."""
    if link.set_id:
        return gather(link.clinician, set_id=link.set_id, on=link.on)
    return gather(link.clinician, start=link.start, end=link.end)


def issue_kwargs(link: ShareLink) -> dict:
    if link.set_id:
        return {"set_id": link.set_id, "on": link.on}
    return {"start": link.start, "end": link.end}
