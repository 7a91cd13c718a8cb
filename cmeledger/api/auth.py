"""Who may call the API: a logged-in browser session (with CSRF) or a personal token;
for reporting, an organization's token or an organization member's session."""

from __future__ import annotations

import rules
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from cmeledger import permissions
from cmeledger.accounts.models import ApiToken, User

CSRF_FAILED = (
    "CSRF check failed: a signed-in browser must send the X-CSRFToken header with the "
    "csrftoken cookie's value; scripts should use a personal API token instead."
)


class NotAClinician(Exception):
    """The caller is signed in, but the ledger belongs to clinicians."""


class NotAnOrganizationMember(Exception):
    """The caller is signed in, but reporting belongs to organizations."""


class Audience:
    """Who an endpoint is for: a predicate of cmeledger.permissions, and its name in words."""

    def __init__(self, predicate: rules.Predicate, wanted: str) -> None:
        self.predicate = predicate
        self.wanted = wanted

    def checked(self, user: User) -> User:
        reason = permissions.refusal(user, self.predicate, self.wanted)
        if reason is not None:
            raise NotAClinician(reason)
        return user


CLINICIANS = Audience(permissions.is_clinician, "clinicians")
BOARD_STAFF = Audience(permissions.is_board_staff, "board staff")
TEAM_MANAGERS = Audience(permissions.is_team_manager, "team manager")
ANYONE = Audience(rules.always_true, "anyone signed in")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cme_...`: a personal token from the API tokens page."""

    def __init__(self, audience: Audience = CLINICIANS) -> None:
        super().__init__()
        self.audience = audience

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        return self.audience.checked(user)


class BrowserSessionAuth(SessionAuth):
    """The web app's own session; unsafe methods need the CSRF token, as in forms."""

    def __init__(self, audience: Audience = CLINICIANS) -> None:
        super().__init__()
        self.audience = audience

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
        return None if user is None else self.audience.checked(user)


def clinicians() -> list:
    return [TokenAuth(), BrowserSessionAuth()]


def board_staff() -> list:
    """Staff of a certifying board; what they see is narrowed to their board."""
    return [TokenAuth(BOARD_STAFF), BrowserSessionAuth(BOARD_STAFF)]


def team_managers() -> list:
    return [TokenAuth(TEAM_MANAGERS), BrowserSessionAuth(TEAM_MANAGERS)]


def anyone_signed_in() -> list:
    return [TokenAuth(ANYONE), BrowserSessionAuth(ANYONE)]


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
        super().__init__(ANYONE)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not permissions.is_organization_member(user):
            raise NotAnOrganizationMember(
                "This endpoint is for reporting organizations; this account's role is "
                f"{user.get_role_display().lower()}."
            )
        request.organization = user.organization  # type: ignore[attr-defined]
        return user


def organizations() -> list:
    return [OrganizationTokenAuth(), OrganizationSessionAuth()]
