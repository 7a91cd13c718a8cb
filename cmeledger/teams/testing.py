"""Test helpers of the teams: a team, a member who joined by invitation, and a clinician
whose ledger holds things a team must never see. Generated people only."""

from __future__ import annotations

from datetime import date

from cmeledger.accounts.models import ClinicianProfile, User
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.testing import make_pdf
from cmeledger.reports.testing import add_entry, follow_texas
from cmeledger.teams import services
from cmeledger.teams.models import Membership, Team

# What must never appear on a manager's page or in the team API.
SECRET_TITLE = "Zebrafish grand rounds on ulnar neuropathy"
SECRET_CERTIFICATE = "zebrafish-certificate-7731.pdf"
SECRET_NPI = "1234567893"


def make_team(manager: User, name: str = "Hospitalists, St. Elsewhere") -> Team:
    return services.create_team(manager, name=name)


def join(team: Team, clinician: User) -> Membership:
    manager = team.managers.first()
    assert manager is not None  # make_team made one
    invitation, _ = services.invite(team, clinician.email, manager)
    return services.accept(invitation, clinician)


def private_ledger(user: User) -> User:
    """`user` follows us-tx-md, with an entry, a certificate and an NPI on file."""
    follow_texas(user, number=f"T-{user.pk:05d}")
    add_entry(user, SECRET_TITLE, date(2025, 6, 1), credits="4.00")
    store_certificate(user, make_pdf("Zebrafish"), SECRET_CERTIFICATE)
    ClinicianProfile.objects.filter(user=user).update(npi=SECRET_NPI)
    return user
