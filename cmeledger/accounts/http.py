"""Request types for views that only run for a signed-in account."""

from __future__ import annotations

from django.http import HttpRequest

from cmeledger.accounts.models import User


class SignedInRequest(HttpRequest):
    """A request behind login_required (or a role decorator built on it): its user is an
    account, never AnonymousUser. For the type checker only; Django builds the request."""

    user: User
