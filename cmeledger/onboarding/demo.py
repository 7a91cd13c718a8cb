"""The demo's other workspaces: a reporting organization with an agreement and a member,
a board's staff member and a site admin, so every role can be tried at once
(`make run DEMO=1`). Idempotent, like the demo clinician (ledger.demo)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cmeledger.accounts.models import Board, Organization, Role, User
from cmeledger.ledger.demo import EMAIL, PASSWORD, REPORTER_SLUG
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.vocabulary import Source
from cmeledger.onboarding.services import Terms, set_agreement
from cmeledger.reporting import services as reporting
from cmeledger.reporting.models import Agreement, CredentialKind
from cmeledger.reporting.records import BadRow, RawRow, raw

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
    _report_webinars(organization, User.objects.get(email=ORGANIZATION_EMAIL))
    logins = [Login(f"organization portal of {organization.name}", ORGANIZATION_EMAIL)]
    if board is not None:
        _account(BOARD_EMAIL, "Bo", role=Role.BOARD_STAFF, board=board)
        logins.append(Login(f"board workspace of {board.name}", BOARD_EMAIL))
    _account(ADMIN_EMAIL, "Sam", role=Role.SITE_ADMIN)
    logins.append(Login("site admin", ADMIN_EMAIL))
    return logins


def _report_webinars(organization: Organization, member: User) -> None:
    """The demo clinician's webinars, reported again the way a real organization reports
    them (a batch of records matched to her account), so the organization's portal lists
    them and her entries link to their records. Only entries not yet linked are sent."""
    unlinked = (
        CreditEntry.objects.filter(
            clinician__email=EMAIL,
            source=Source.ORGANIZATION,
            reported_by=organization,
            reported_record__isnull=True,
        )
        .select_related("clinician__profile")
        .prefetch_related("topic_links")
        .order_by("completed_on", "title")
    )
    rows: list[RawRow | BadRow] = []
    for number, entry in enumerate(unlinked, start=1):
        profile = entry.clinician.profile
        values = raw(
            record_id=f"DEMO-WEBINAR-{entry.completed_on.isoformat()}-{number}",
            activity_title=entry.title,
            activity_kind=entry.activity_kind,
            provider=entry.provider,
            accreditor=entry.accreditor,
            completed_on=entry.completed_on.isoformat(),
            credits=f"{entry.credit_type}={entry.credits}",
            topics=";".join(entry.topics),
            specialty_related="yes" if entry.specialty_related else "no",
            npi=profile.npi,
            first_name=entry.clinician.first_name,
            last_name=entry.clinician.last_name,
            birth_date=f"{profile.birth_month:02d}/{profile.birth_day:02d}",
        )
        rows.append(RawRow(number + 1, values))
    if not rows:
        return
    unlinked.delete()  # the reported records bring the same entries back, linked
    reporting.submit_batch(member, organization, rows)
