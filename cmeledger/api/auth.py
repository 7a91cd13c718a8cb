"""Who may call the API: a logged-in browser session (with CSRF) or a personal token."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from cmeledger.accounts.models import ApiToken, Role, User


class NotAClinician(Exception):
    """The caller is signed in, but the ledger belongs to clinicians."""


def _checked(user: User, clinicians_only: bool) -> User:
    if clinicians_only and user.role != Role.CLINICIAN:
        raise NotAClinician(
            f"This endpoint is for clinicians; yours is a {user.get_role_display().lower()} account."
        )
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cme_...`: a personal token from the API tokens page."""

    def __init__(self, *, clinicians_only: bool = True) -> None:
        super().__init__()
        self.clinicians_only = clinicians_only

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        return _checked(user, self.clinicians_only)


class BrowserSessionAuth(SessionAuth):
    """The web app's own session; unsafe methods need the CSRF token, as in forms."""

    def __init__(self, *, clinicians_only: bool = True) -> None:
        super().__init__()
        self.clinicians_only = clinicians_only

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return None if user is None else _checked(user, self.clinicians_only)


def clinicians() -> list:
    return [TokenAuth(), BrowserSessionAuth()]


def anyone_signed_in() -> list:
    return [TokenAuth(clinicians_only=False), BrowserSessionAuth(clinicians_only=False)]
