"""Who may do what: every role check of the pages and the API, written once.

The predicates are django-rules predicates over a user (and, for the `_of` ones, the
object asked about), so they compose (`is_site_staff | is_any_board_staff`) and tests call
them directly. The page decorators and the API's authentication classes
(cmeledger.api.auth) are built on them; nothing else checks a role.

This module sits just below the pages and the API: it may import domain models, and no
domain app imports it. Domain services keep their own guard on what they write, so a
caller that forgets a check still cannot act for another board or organization.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import cast

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import permission_denied

from cmeledger.accounts.http import SignedInRequest
from cmeledger.accounts.models import Board, Organization, Role, User
from cmeledger.teams.models import Team

View = Callable[..., HttpResponse]

# --- predicates ------------------------------------------------------------------------


@rules.predicate
def is_clinician(user: User) -> bool:
    return user.is_authenticated and user.role == Role.CLINICIAN


@rules.predicate
def is_board_staff(user: User) -> bool:
    """Staff of a certifying board: the role and the board it works for. The database
    refuses the role without a board (board_staff_has_board); the rule says it again so an
    unsaved or half-built account is never taken for some board's staff."""
    return user.is_authenticated and user.role == Role.BOARD_STAFF and user.board_id is not None


@rules.predicate
def is_board_staff_of(user: User, board: Board | None) -> bool:
    return is_board_staff(user) and board is not None and user.board_id == board.pk


@rules.predicate
def is_site_staff(user: User) -> bool:
    """Runs the site: the site-admin role or a Django superuser."""
    return user.is_authenticated and user.is_site_admin


@rules.predicate
def is_team_manager(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.TEAM_MANAGER


@rules.predicate
def is_team_manager_of(user: User, team: Team | None) -> bool:
    return is_team_manager(user) and team is not None and team.managers.filter(pk=user.pk).exists()


@rules.predicate
def is_organization_member(user: User) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.ORGANIZATION
        and user.organization_id is not None
    )


@rules.predicate
def is_organization_member_of(user: User, organization: Organization | None) -> bool:
    return (
        is_organization_member(user)
        and organization is not None
        and user.organization_id == organization.pk
    )


may_add_sets = is_site_staff | is_board_staff

# A named permission, for the accounts pages: accounts sits below this module, so it
# asks django-rules' registry by name. Read it with rules.has_perm, never user.has_perm:
# Django lets an active superuser pass every has_perm, and a superuser is not a clinician.
KEEP_OWN_RECORDS = "accounts.keep_own_records"
rules.add_perm(KEEP_OWN_RECORDS, is_clinician)


# --- pages -----------------------------------------------------------------------------


def not_for_role(request: SignedInRequest, reason: str = "") -> HttpResponse:
    """The page every role refusal shows, with status 403."""
    context = {"role": request.user.get_role_display(), "reason": reason}
    return render(request, "front/not_for_role.html", context, status=403)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: a PermissionDenied raised below this layer (the accounts pages) shows
    the same refusal as the decorators here."""
    if not isinstance(request.user, User) or not isinstance(exception, PermissionDenied):
        return permission_denied(request, exception)
    return not_for_role(cast(SignedInRequest, request), str(exception))


def _page(predicate: rules.Predicate, reason: str) -> Callable[[View], View]:
    """Signed in (else the login page), and passing the predicate (else a 403 saying why)."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: SignedInRequest, *args, **kwargs) -> HttpResponse:
            if not predicate.test(request.user):
                return not_for_role(request, reason)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# One rule each; where a rule guards several areas, each area keeps its own words.
clinician_required = _page(is_clinician, "")
board_staff_required = _page(
    is_board_staff, "The board workspace is for a certifying board's staff."
)
program_staff_required = _page(is_board_staff, "Defining a board's program is for its board staff.")
direct_credit_staff_required = _page(
    is_board_staff, "Deciding direct-credit applications is for board staff."
)
directory_staff_required = _page(
    is_board_staff, "Keeping the provider directory is for board staff."
)
set_editor_required = _page(
    may_add_sets, "Adding a requirement set is for site admins and board staff."
)
site_staff_required = _page(is_site_staff, "Identity disputes are decided by the site's staff.")
site_admin_required = _page(
    is_site_staff, "Organizations, boards and invitations are managed by the site's staff."
)
team_manager_required = _page(is_team_manager, "Teams are managed by team-manager accounts.")

NOT_A_MEMBER = "The organization portal is for members of a reporting organization."


def _organization(*, objects: bool) -> Callable[[View], View]:
    """Signed in, and a member of an organization; the view gets that organization.
    Anyone else is told the page is not for them, or gets a 404 for an object URL, so an
    object's address says nothing about whether it exists."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: SignedInRequest, *args, **kwargs) -> HttpResponse:
            if not is_organization_member(request.user):
                if objects:
                    raise Http404("No such object.")
                return not_for_role(request, NOT_A_MEMBER)
            return view(request, request.user.organization, *args, **kwargs)

        return wrapper

    return decorate


organization_member_required = _organization(objects=False)
organization_object_required = _organization(objects=True)


# --- API -------------------------------------------------------------------------------


def refusal(user: User, predicate: rules.Predicate, wanted: str) -> str | None:
    """Why the API refuses this user an endpoint for `wanted` (a role in words), or None
    when the predicate lets them in."""
    if predicate.test(user):
        return None
    return (
        f"This endpoint is for {wanted}; this account's role is {user.get_role_display().lower()}."
    )
