"""The demo's other workspaces: a reporting organization with an agreement and a member,
a board's staff member and a site admin, so every role can be tried at once
(`make run DEMO=1`). Idempotent, like the demo clinician (ledger.demo)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cmeledger.accounts.models import Board, Organization, Role, User
from cmeledger.ledger.demo import PASSWORD, REPORTER_SLUG
from cmeledger.onboarding.services import Terms, set_agreement
from cmeledger.reporting.models import Agreement, CredentialKind

ORGANIZATION_EMAIL = "demo-organization@cmeledger.example"
BOARD_EMAIL = "demo-board@cmeledger.example"
ADMIN_EMAIL = "demo-admin@cmeledger.example"
BOARD_CODE = "abpmr"


@dataclass(frozen=True)
class Login:
    workspace: str
    email: str


def _account(email: str, first: str, **fields) -> None:
    if not User.objects.filter(email=email).exists():
        User.objects.create_user(
            email,
            PASSWORD,
            first_name=first,
            last_name="Demo",
            email_confirmed_at=timezone.now(),
            **fields,
        )


@transaction.atomic
def create_workspaces() -> list[Login]:
    """The demo organization (the one that reported the demo clinician's webinars), its
    agreement and member, an ABPMR staff member and a site admin; their logins."""
    organization, _ = Organization.objects.get_or_create(
        slug=REPORTER_SLUG, defaults={"name": "American Academy of PM&R (demo)"}
    )
    board = Board.objects.filter(code=BOARD_CODE).first()
    if not Agreement.objects.filter(organization=organization).exists():
        kinds = [CredentialKind.STATE_LICENSE]
        if board is not None:
            kinds.append(CredentialKind.BOARD_CERTIFICATION)
        terms = Terms(credential_kinds=tuple(kinds), boards=(board,) if board else ())
        set_agreement(organization, terms)
    _account(ORGANIZATION_EMAIL, "Olive", role=Role.ORGANIZATION, organization=organization)
    logins = [Login(f"organization portal of {organization.name}", ORGANIZATION_EMAIL)]
    if board is not None:
        _account(BOARD_EMAIL, "Bo", role=Role.BOARD_STAFF, board=board)
        logins.append(Login(f"board workspace of {board.name}", BOARD_EMAIL))
    _account(ADMIN_EMAIL, "Sam", role=Role.SITE_ADMIN)
    logins.append(Login("site admin", ADMIN_EMAIL))
    return logins
