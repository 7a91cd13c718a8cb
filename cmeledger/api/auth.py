"""Who may call the API: a logged-in browser session (with CSRF) or a personal token;
for reporting, an organization's token or an organization member's session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from cmeledger.accounts.models import ApiToken, Role, User

CSRF_FAILED = (
    "CSRF check failed: a signed-in browser must send the X-CSRFToken header with the "
    "csrftoken cookie's value; scripts should use a personal API token instead."
)


class NotAClinician(Exception):
    """The caller is signed in, but the ledger belongs to clinicians."""


class NotAnOrganizationMember(Exception):
    """The caller is signed in, but reporting belongs to organizations."""


def _checked(user: User, clinicians_only: bool, role: str | None = None) -> User:
    if clinicians_only and user.role != Role.CLINICIAN:
        raise NotAClinician(
            "This endpoint is for clinicians; this account's role is "
            f"{user.get_role_display().lower()}."
        )
    if role is not None and user.role != role:
        raise NotAClinician(
            f"This endpoint is for {Role(role).label.lower()}; this account's role is "
            f"{user.get_role_display().lower()}."
        )
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cme_...`: a personal token from the API tokens page."""

    def __init__(self, *, clinicians_only: bool = True, role: str | None = None) -> None:
        super().__init__()
        self.clinicians_only = clinicians_only and role is None
        self.role = role

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        return _checked(user, self.clinicians_only, self.role)


class BrowserSessionAuth(SessionAuth):
    """The web app's own session; unsafe methods need the CSRF token, as in forms."""

    def __init__(self, *, clinicians_only: bool = True, role: str | None = None) -> None:
        super().__init__()
        self.clinicians_only = clinicians_only and role is None
        self.role = role

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is nothing for CSRF to protect: a script with a
        # missing or wrong token must get 401, not a CSRF failure.
        if self.param_name not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise HttpError(403, CSRF_FAILED) from None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if key is None:
            return None
        user = super().authenticate(request, key)
        return None if user is None else _checked(user, self.clinicians_only, self.role)


def clinicians() -> list:
    return [TokenAuth(), BrowserSessionAuth()]


def board_staff() -> list:
    """Staff of a certifying board; what they see is narrowed to their board."""
    return [TokenAuth(role=Role.BOARD_STAFF), BrowserSessionAuth(role=Role.BOARD_STAFF)]


def team_managers() -> list:
    return [TokenAuth(role=Role.TEAM_MANAGER), BrowserSessionAuth(role=Role.TEAM_MANAGER)]


def anyone_signed_in() -> list:
    return [TokenAuth(clinicians_only=False), BrowserSessionAuth(clinicians_only=False)]


class OrganizationTokenAuth(HttpBearer):
    """`Authorization: Bearer cme_...`: a token from the organization's API tokens page.
    It acts for its organization; personal tokens are not accepted here."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.authenticate_organization(token)
        if found is None:
            return None
        request.user = found.user
        request.organization = found.organization  # type: ignore[attr-defined]
        return found


class OrganizationSessionAuth(BrowserSessionAuth):
    """A signed-in member of a reporting organization, as in the organization portal."""

    def __init__(self) -> None:
        super().__init__(clinicians_only=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if user.role != Role.ORGANIZATION or user.organization_id is None:
            raise NotAnOrganizationMember(
                "This endpoint is for reporting organizations; this account's role is "
                f"{user.get_role_display().lower()}."
            )
        request.organization = user.organization  # type: ignore[attr-defined]
        return user


def organizations() -> list:
    return [OrganizationTokenAuth(), OrganizationSessionAuth()]
