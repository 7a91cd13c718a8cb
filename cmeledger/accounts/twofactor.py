"""Who must use two-factor authentication, and the gate that holds them until they do.

Site admins, board staff, organization members and team managers see other people's
records (a board's diplomates, an organization's learners, a team's members), so a
stolen password alone must not open them: after log-in, such an account without an
authenticator app reaches only the set-up pages. Clinicians see only their own records
and may turn it on. MFA_REQUIRED=0 lifts the requirement (development only).
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from cmeledger.accounts.models import Role, User

ROLES_THAT_REQUIRE_IT = {Role.SITE_ADMIN, Role.BOARD_STAFF, Role.ORGANIZATION, Role.TEAM_MANAGER}

# What an account held at the gate may still reach: setting up the app (allauth asks for
# the password again first when the log-in is not recent), confirming its email address
# (allauth lets only a confirmed address add an authenticator), and logging out.
OPEN_AT_THE_GATE = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "account_reauthenticate",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_email",
    "email-resend",
    "logout",
    "account_logout",
}

GATE_MESSAGE = (
    "Your account can see other people's records, so it needs two-factor authentication. "
    "Set up an authenticator app to continue."
)
CONFIRM_FIRST = (
    "Your account can see other people's records, so it needs two-factor authentication. "
    "First confirm your email address: open the link we sent, or send it again here."
)


def is_required_for(user: User) -> bool:
    return user.role in ROLES_THAT_REQUIRE_IT or user.is_staff or user.is_superuser


def has_authenticator(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def is_held(user: User) -> bool:
    """Whether this signed-in account must set up an authenticator before anything else."""
    return (
        settings.MFA_REQUIRED
        and user.is_authenticated
        and is_required_for(user)
        and not has_authenticator(user)
    )


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_held(request.user) and not self._open(request.path_info):  # type: ignore[arg-type]
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": GATE_MESSAGE}, status=403)
            if EmailAddress.objects.filter(user=request.user, verified=False).exists():
                # allauth adds an authenticator only to an account whose addresses are
                # confirmed, so a stranger who signed up with someone's address cannot
                # lock its owner out.
                messages.info(request, CONFIRM_FIRST)
                return redirect("account_email")
            messages.info(request, GATE_MESSAGE)
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        try:
            return resolve(path).url_name in OPEN_AT_THE_GATE
        except Resolver404:
            return False
