"""The main navigation: a short list of links for each role (about seven at most), so it
fits one line on a laptop and a short menu on a phone (docs/design.md, "Navigation").

A clinician sees the audit, team and direct-credit links only when there is something of
theirs behind them: most never meet an audit or a team, and an empty page is a dead end.
Pages left out of the bar stay one click away: direct credit and the provider directory
from "Add credits", API tokens from the profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from cmeledger.accounts.models import Role, User


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


CLINICIAN = (
    Link("Dashboard", "dashboard"),
    Link("Add credits", "entry-add"),
    Link("Certificates", "certificates"),
    Link("Planner", "planner"),
    Link("Reports", "reports"),
    Link("Requirements", "requirements"),
)
ORGANIZATION = (
    Link("Portal", "organization"),
    Link("Submissions", "organization-submissions"),
    Link("Records", "organization-records"),
    Link("Corrections", "organization-corrections"),
    Link("Tokens", "organization-tokens"),
)
BOARD_STAFF = (
    Link("Diplomates", "board-diplomates"),
    Link("Roster", "board-roster"),
    Link("Audits", "board-audits"),
    Link("Direct credit", "board-direct-credit"),
    Link("Program", "board-program"),
    Link("Providers", "board-directory"),
    Link("Requirement sets", "sets"),
)
TEAM_MANAGER = (Link("Teams", "teams"), Link("Providers", "directory"))
SETS_ONLY = (Link("Requirement sets", "sets"),)


def links_for(user: User) -> list[Link]:
    """The links in the main navigation for this signed-in user, in order."""
    if user.role == Role.CLINICIAN:
        return [*CLINICIAN, *_clinician_extras(user), Link("Profile", "profile")]
    if user.role == Role.ORGANIZATION:
        links = list(ORGANIZATION)
    elif user.role == Role.BOARD_STAFF:  # a check constraint gives every one a board
        links = list(BOARD_STAFF)
    elif user.role == Role.TEAM_MANAGER:
        links = list(TEAM_MANAGER)
    elif user.is_site_admin:
        links = list(SETS_ONLY)
    else:
        links = []
    if user.is_site_admin:
        links += [Link("Site admin", "site-admin"), Link("Disputes", "identity-disputes")]
    if user.is_staff:
        links.append(Link("Admin", "admin:index"))
    return links


def _clinician_extras(user: User) -> list[Link]:
    """Audits, teams and direct credit, each only once the clinician has one."""
    from cmeledger.audits.models import Subject
    from cmeledger.directcredit.models import Application
    from cmeledger.teams.models import Membership

    extras = []
    if Subject.objects.filter(clinician=user).exists():
        extras.append(Link("Audits", "my-audits"))
    if Membership.objects.filter(clinician=user).exists():
        extras.append(Link("Teams", "my-teams"))
    if Application.objects.filter(clinician=user).exists():
        extras.append(Link("Direct credit", "direct-credit"))
    return extras


def navigation(request: HttpRequest) -> dict:
    """Context processor: `nav_links`, computed only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    return {"nav_links": lambda: links_for(user)}
