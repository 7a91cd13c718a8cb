"""The authorization matrix: every URL route and every API operation, tried by every role
against objects that belong to another party, with the expected outcome written down in
the table below. A route or operation missing from the table fails the suite, so nothing
new ships without someone deciding who may use it.

The parties: the clinician Alice (her entries, certificates, licenses...), the
organization Acme (its submissions, records, tokens), the board ABPMR (its audits, its
direct-credit queue, its program) and a team manager's team. The strangers trying them:
nobody logged in, another clinician, a member of another organization, staff of another
board and the manager of another team. Each row also names the owner, who must get
through, so a route that refuses everybody cannot pass for a protected one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cmeledger.accounts.models import (
    ApiToken,
    Certification,
    ClinicianProfile,
    License,
    Organization,
    Role,
    User,
)
from cmeledger.api.api import api
from cmeledger.audits import services as audits
from cmeledger.audits.models import Item
from cmeledger.boards import compliance, rosters
from cmeledger.boards.models import RosterEntry
from cmeledger.conftest import PASSWORD
from cmeledger.directcredit.testing import article
from cmeledger.directory.models import BoardAccreditor, Provider
from cmeledger.directory.services import ReportingFields, set_reporting
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.testing import make_pdf
from cmeledger.onboarding import services as onboarding
from cmeledger.onboarding.models import RoleInvitation
from cmeledger.reporting import services as reporting
from cmeledger.reporting.models import CorrectionRequest, ReportedRecord, Submission
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization
from cmeledger.reports.deadlines import preferences_of
from cmeledger.reports.sharing import create_link
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync
from cmeledger.teams import services as teams
from cmeledger.teams.models import Membership
from cmeledger.teams.testing import join, make_team

pytestmark = pytest.mark.django_db

# Outcomes. LOGIN: sent to the login page. OK: served (2xx, or a redirect elsewhere than
# the login page; a 400 for the empty form the matrix posts counts too: the request got
# past the door and was judged on its content). Numbers: that status exactly.
LOGIN, OK = "login", "ok"
STRANGERS = ("anonymous", "clinician", "organization", "board", "manager")


@dataclass(frozen=True)
class Row:
    method: str
    args: str  # which of the world's objects fill the URL (see `url_args`)
    owner: str  # who may: alice, org, staff, manager, admin, anyone, nobody
    anonymous: object
    clinician: object
    organization: object
    board: object
    manager: object


def row(method, args, owner, *outcomes) -> Row:
    return Row(method, args, owner, *outcomes)


# The clinician's own pages: another clinician finds nothing (404), other roles are told
# the ledger is for clinicians (403).
MINE = (LOGIN, 404, 403, 403, 403)
CLINICIAN_PAGE = (LOGIN, OK, 403, 403, 403)  # a list or form: the caller's own, empty
ORG_OBJECT = (LOGIN, 404, 404, 404, 404)  # nobody outside the organization finds it
ORG_PAGE = (LOGIN, 403, OK, 403, 403)
BOARD_OBJECT = (LOGIN, 403, 403, 404, 403)
BOARD_PAGE = (LOGIN, 403, 403, OK, 403)
TEAM_OBJECT = (LOGIN, 403, 403, 403, 404)
TEAM_PAGE = (LOGIN, 403, 403, 403, OK)
ANY_USER = (LOGIN, OK, OK, OK, OK)
PUBLIC = (OK, OK, OK, OK, OK)
NOT_FOUND = (404, 404, 404, 404, 404)
SITE_PAGE = (LOGIN, 403, 403, 403, 403)

ROUTES: dict[str, Row] = {
    # Public: no login, nothing of anybody's.
    "healthz": row("get", "", "anyone", *PUBLIC),
    "login": row("get", "", "anyone", *PUBLIC),
    "signup": row("get", "", "anyone", *PUBLIC),
    "password_reset": row("get", "", "anyone", *PUBLIC),
    # allauth's pages (accounts/urls.py keeps the site's own names for the first few):
    # public ones hold nothing of anybody's, the rest act on the caller's own account.
    "account_login": row("get", "", "anyone", *PUBLIC),
    "account_signup": row("get", "", "anyone", *PUBLIC),
    "account_inactive": row("get", "", "anyone", *PUBLIC),
    "account_email_verification_sent": row("get", "", "anyone", *PUBLIC),
    "account_confirm_email": row("get", "confirm-key", "anyone", *PUBLIC),  # "no longer works"
    "account_reset_password": row("get", "", "anyone", *PUBLIC),
    "account_reset_password_done": row("get", "", "anyone", *PUBLIC),
    "account_reset_password_from_key": row("get", "reset", "anyone", *PUBLIC),
    "account_reset_password_from_key_done": row("get", "", "anyone", *PUBLIC),
    # Only with a log-in in progress; otherwise back to the log-in page or home.
    "account_confirm_login_code": row("get", "", "anyone", LOGIN, OK, OK, OK, OK),
    "mfa_authenticate": row("get", "", "anyone", LOGIN, OK, OK, OK, OK),
    "verify": row("get", "", "anyone", *PUBLIC),
    # Capability URLs: the secret is the key. A guessed one is 404 for everybody.
    "shared-transcript": row("get", "share-secret", "anyone", *NOT_FOUND),
    "shared-transcript-pdf": row("get", "share-secret", "anyone", *NOT_FOUND),
    "calendar-feed": row("get", "calendar-secret", "anyone", *NOT_FOUND),
    "team-join": row("get", "invitation-secret", "alice", LOGIN, 404, 403, 403, 403),
    "team-join-accept": row("post", "invitation-secret", "alice", LOGIN, 404, 403, 403, 403),
    "team-join-decline": row("post", "invitation-secret", "alice", LOGIN, 404, 403, 403, 403),
    # Every signed-in user.
    # Logging out ends up on the login page, whoever asks.
    "logout": row("post", "", "anyone", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    "account_logout": row("post", "", "anyone", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    "password_change": row("get", "", "alice", *ANY_USER),
    # The caller's own account: password, email address, two-factor set-up.
    "account_change_password": row("get", "", "alice", *ANY_USER),
    "account_set_password": row("get", "", "alice", *ANY_USER),
    "account_email": row("get", "", "alice", *ANY_USER),
    "email-resend": row("post", "", "alice", *ANY_USER),
    "account_reauthenticate": row("get", "", "alice", *ANY_USER),
    "account_request_reauthentication_code": row("get", "", "alice", *ANY_USER),
    "account_confirm_reauthentication_code": row("get", "", "alice", *ANY_USER),
    "mfa_index": row("get", "", "alice", *ANY_USER),
    "mfa_activate_totp": row("get", "", "alice", *ANY_USER),
    "mfa_reauthenticate": row("get", "", "alice", *ANY_USER),
    "mfa_generate_recovery_codes": row("get", "", "alice", *ANY_USER),
    # Nothing to show or remove without an authenticator app (accounts/tests/test_two_factor.py
    # covers them with one).
    "mfa_deactivate_totp": row("get", "", "nobody", LOGIN, 404, 404, 404, 404),
    "mfa_view_recovery_codes": row("get", "", "nobody", LOGIN, 404, 404, 404, 404),
    "mfa_download_recovery_codes": row("get", "", "nobody", LOGIN, 404, 404, 404, 404),
    "tokens": row("get", "", "alice", *ANY_USER),
    "token-revoke": row("post", "token", "alice", LOGIN, 404, 404, 404, 404),
    "directory": row("get", "", "alice", *ANY_USER),
    "directory-provider": row("get", "provider", "alice", *ANY_USER),
    # The clinician's ledger.
    "profile": row("get", "", "alice", *CLINICIAN_PAGE),
    "license-add": row("get", "", "alice", *CLINICIAN_PAGE),
    "license-edit": row("get", "license", "alice", *MINE),
    "license-delete": row("post", "license", "alice", *MINE),
    "certification-add": row("get", "", "alice", *CLINICIAN_PAGE),
    "certification-edit": row("get", "certification", "alice", *MINE),
    "certification-delete": row("post", "certification", "alice", *MINE),
    "dashboard": row("get", "", "alice", LOGIN, OK, OK, OK, OK),  # sends each role home
    "planner": row("get", "", "alice", *CLINICIAN_PAGE),
    "entry-add": row("get", "", "alice", *CLINICIAN_PAGE),
    "entries-deleted": row("get", "", "alice", *CLINICIAN_PAGE),
    "entry-detail": row("get", "entry", "alice", *MINE),
    "entry-edit": row("get", "entry", "alice", *MINE),
    "entry-correction": row("post", "reported-entry", "alice", *MINE),
    "entry-delete": row("post", "entry", "alice", *MINE),
    "entry-restore": row("post", "entry", "alice", *MINE),
    "entry-attach": row("post", "entry", "alice", *MINE),
    "entry-detach": row("post", "entry+certificate", "alice", *MINE),
    "certificates": row("get", "", "alice", *CLINICIAN_PAGE),
    "capture-queue": row("get", "", "alice", *CLINICIAN_PAGE),
    "capture-queue-progress": row("get", "", "alice", *CLINICIAN_PAGE),
    "certificate-capture": row("get", "certificate", "alice", *MINE),
    "certificate-capture-page": row("get", "certificate+page", "alice", *MINE),
    "certificate-detail": row("get", "certificate", "alice", *MINE),
    "certificate-attach": row("post", "certificate", "alice", *MINE),
    "certificate-share": row("post", "certificate", "alice", *MINE),
    "certificate-delete": row("post", "certificate", "alice", *MINE),
    "certificate-preview": row("get", "certificate", "alice", *MINE),
    "certificate-download": row("get", "certificate", "alice", *MINE),
    "requirements": row("get", "", "alice", *CLINICIAN_PAGE),
    "requirement-add": row("post", "", "alice", *CLINICIAN_PAGE),
    "requirement-drop": row("post", "enrollment", "alice", *MINE),
    "sets": row("get", "", "alice", *ANY_USER),  # the catalog, public to every user
    "set-upload": row("get", "", "staff", LOGIN, 403, 403, OK, 403),  # board staff add sets
    # Site staff decide identity disputes; every other role is told so.
    "identity-disputes": row("get", "", "admin", LOGIN, 403, 403, 403, 403),
    # The site-admin area: site staff only; everyone else is told so before any lookup.
    "site-admin": row("get", "", "admin", *SITE_PAGE),
    "site-organization-add": row("post", "", "admin", *SITE_PAGE),
    "site-organization": row("get", "site-organization", "admin", *SITE_PAGE),
    "site-board-add": row("post", "", "admin", *SITE_PAGE),
    "site-invite": row("post", "", "admin", *SITE_PAGE),
    "site-invitation-revoke": row("post", "role-invitation", "admin", *SITE_PAGE),
    # The invitee's page: the secret is the key; a guessed one is "not valid" (404).
    "invitation": row("get", "role-invitation-secret", "anyone", *NOT_FOUND),
    "identity-decide": row("post", "npi-identifier", "admin", LOGIN, 403, 403, 403, 403),
    "reports": row("get", "", "alice", *CLINICIAN_PAGE),
    "transcript-download": row("get", "", "alice", *CLINICIAN_PAGE),
    "share-links": row("get", "", "alice", *CLINICIAN_PAGE),
    "share-link-detail": row("get", "share-link", "alice", *MINE),
    "share-link-revoke": row("post", "share-link", "alice", *MINE),
    "mock-audit": row("get", "", "alice", *CLINICIAN_PAGE),
    "packet-download": row("get", "", "alice", *CLINICIAN_PAGE),
    "exports": row("get", "", "alice", *CLINICIAN_PAGE),
    "export-csv": row("get", "", "alice", *CLINICIAN_PAGE),
    "export-json": row("get", "", "alice", *CLINICIAN_PAGE),
    "deadlines": row("get", "", "alice", *CLINICIAN_PAGE),
    "deadline-preferences": row("post", "", "alice", *CLINICIAN_PAGE),
    "deadline-calendar-secret": row("post", "", "alice", *CLINICIAN_PAGE),
    "award": row("get", "", "alice", *CLINICIAN_PAGE),
    "award-summary": row("get", "", "alice", *CLINICIAN_PAGE),
    "my-audits": row("get", "", "alice", *CLINICIAN_PAGE),
    "my-audit-attach": row("post", "audit-item", "alice", *MINE),
    "direct-credit": row("get", "", "alice", *CLINICIAN_PAGE),
    "direct-credit-new": row("get", "", "alice", *CLINICIAN_PAGE),
    "direct-credit-detail": row("get", "application", "alice", *MINE),
    "direct-credit-withdraw": row("post", "application", "alice", *MINE),
    "my-teams": row("get", "", "alice", *CLINICIAN_PAGE),
    "my-team-leave": row("post", "membership", "alice", *MINE),
    "my-team-sharing": row("post", "membership", "alice", *MINE),
    # The organization's portal.
    "organization": row("get", "", "org", *ORG_PAGE),
    "organization-submissions": row("get", "", "org", *ORG_PAGE),
    "organization-submission-new": row("get", "", "org", *ORG_PAGE),
    "organization-submission": row("get", "submission", "org", *ORG_OBJECT),
    "organization-submission-progress": row("get", "submission", "org", *ORG_OBJECT),
    "organization-submission-errors": row("get", "submission", "org", *ORG_OBJECT),
    "organization-submission-cancel": row("post", "submission", "org", *ORG_OBJECT),
    "organization-records": row("get", "", "org", *ORG_PAGE),
    "organization-record": row("get", "record", "org", *ORG_OBJECT),
    "organization-record-correct": row("post", "record", "org", *ORG_OBJECT),
    "organization-record-withdraw": row("post", "record", "org", *ORG_OBJECT),
    "organization-corrections": row("get", "", "org", *ORG_PAGE),
    "organization-correction-decline": row("post", "correction", "org", *ORG_OBJECT),
    "organization-tokens": row("get", "", "org", *ORG_PAGE),
    "organization-token-revoke": row("post", "org-token", "org", *ORG_OBJECT),
    "organization-members": row("get", "", "org", *ORG_PAGE),
    # The board's workspace.
    "board-diplomates": row("get", "", "staff", *BOARD_PAGE),
    # Another board downloads its own list (its own snapshot), never ABPMR's.
    "board-diplomates-csv": row("get", "", "staff", *BOARD_PAGE),
    "board-recompute": row("post", "", "staff", *BOARD_PAGE),
    "board-diplomate": row("get", "diplomate", "staff", *BOARD_OBJECT),
    "board-diplomate-certificate": row("get", "diplomate+certificate", "staff", *BOARD_OBJECT),
    "board-audits": row("get", "", "staff", *BOARD_PAGE),
    "board-audit": row("get", "audit", "staff", *BOARD_OBJECT),
    "board-audit-decide": row("post", "audit+item", "staff", *BOARD_OBJECT),
    "board-audit-close": row("post", "audit", "staff", *BOARD_OBJECT),
    "board-audit-outcome": row("get", "audit", "staff", *BOARD_OBJECT),
    "board-direct-credit": row("get", "", "staff", *BOARD_PAGE),
    "board-direct-credit-detail": row("get", "application", "staff", *BOARD_OBJECT),
    "board-direct-credit-approve": row("post", "application", "staff", *BOARD_OBJECT),
    "board-direct-credit-decline": row("post", "application", "staff", *BOARD_OBJECT),
    "board-direct-credit-evidence": row("get", "application+evidence", "staff", *BOARD_OBJECT),
    "board-directory": row("get", "", "staff", *BOARD_PAGE),
    "board-directory-new": row("get", "", "staff", *BOARD_PAGE),
    "board-directory-accreditor-add": row("post", "", "staff", *BOARD_PAGE),
    "board-directory-accreditor-remove": row("post", "accreditor", "staff", *BOARD_OBJECT),
    # The directory is shared by every board: any board's staff keep providers current.
    "board-directory-edit": row("get", "provider", "staff", *BOARD_PAGE),
    "board-directory-reporting": row("get", "provider", "staff", *BOARD_PAGE),
    # Each board keeps its own reporting details: another board has none here to remove.
    "board-directory-reporting-remove": row("post", "provider", "staff", *BOARD_OBJECT),
    "board-program": row("get", "", "staff", *BOARD_PAGE),
    "board-program-set": row("get", "program-set", "staff", *BOARD_OBJECT),
    "board-program-edit": row("get", "program-set", "staff", *BOARD_OBJECT),
    "board-program-toml": row("get", "program-set+version", "staff", *BOARD_OBJECT),
    # The roster: each board's own; another board's staff see their own (empty) one.
    "board-roster": row("get", "", "staff", *BOARD_PAGE),
    "board-roster-upload": row("post", "", "staff", *BOARD_PAGE),
    "board-roster-claims": row("get", "", "staff", *BOARD_PAGE),
    "board-roster-entry": row("get", "roster-entry", "staff", *BOARD_OBJECT),
    # Teams.
    "teams": row("get", "", "manager", *TEAM_PAGE),
    "team-add": row("post", "", "manager", *TEAM_PAGE),
    "team-detail": row("get", "team", "manager", *TEAM_OBJECT),
    "team-csv": row("get", "team", "manager", *TEAM_OBJECT),
    "team-delete": row("post", "team", "manager", *TEAM_OBJECT),
    "team-invite": row("post", "team", "manager", *TEAM_OBJECT),
    "team-invitation-revoke": row("post", "team+invitation", "manager", *TEAM_OBJECT),
    "team-manager-add": row("post", "team", "manager", *TEAM_OBJECT),
    "team-manager-remove": row("post", "team+manager", "manager", *TEAM_OBJECT),
    "team-member-remove": row("post", "team+member", "manager", *TEAM_OBJECT),
    "team-member-transcript": row("get", "team+member", "manager", *TEAM_OBJECT),
    "team-member-transcript-pdf": row("get", "team+member", "manager", *TEAM_OBJECT),
}

# API operations by token. Unauthenticated calls are 401, and so is a token of the other
# kind (an organization's token is no credential for the clinician API, nor a person's for
# the reporting API); the wrong role with the right kind of token is 403; the right role
# asking for another party's object 404.
API_MINE = (401, 404, 401, 403, 403)
API_CLINICIAN = (401, OK, 401, 403, 403)
API_ORG_OBJECT = (401, 401, 404, 401, 401)
API_ORG = (401, 401, OK, 401, 401)
API_BOARD_OBJECT = (401, 403, 401, 404, 403)
API_BOARD = (401, 403, 401, OK, 403)
API_ANY = (401, OK, 401, OK, OK)

OPERATIONS: dict[str, Row] = {
    "GET /api/v1/me": row("get", "", "alice", *API_ANY),
    "GET /api/v1/entries": row("get", "", "alice", *API_CLINICIAN),
    "POST /api/v1/entries": row("post", "", "alice", *API_CLINICIAN),
    "GET /api/v1/entries/{entry_id}": row("get", "entry", "alice", *API_MINE),
    "PATCH /api/v1/entries/{entry_id}": row("patch", "entry", "alice", *API_MINE),
    "DELETE /api/v1/entries/{entry_id}": row("delete", "entry", "alice", *API_MINE),
    "POST /api/v1/entries/{entry_id}/restore": row("post", "entry", "alice", *API_MINE),
    "GET /api/v1/certificates": row("get", "", "alice", *API_CLINICIAN),
    "POST /api/v1/certificates": row("post", "", "alice", *API_CLINICIAN),
    "GET /api/v1/certificates/{certificate_id}": row("get", "certificate", "alice", *API_MINE),
    "DELETE /api/v1/certificates/{certificate_id}": row(
        "delete", "certificate", "alice", *API_MINE
    ),
    "GET /api/v1/certificates/{certificate_id}/download": row(
        "get", "certificate", "alice", *API_MINE
    ),
    "GET /api/v1/certificates/{certificate_id}/drafts": row(
        "get", "certificate", "alice", *API_MINE
    ),
    "GET /api/v1/certificates/readings": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/progress": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/enrollments": row("get", "", "alice", *API_CLINICIAN),
    "POST /api/v1/enrollments": row("post", "", "alice", *API_CLINICIAN),
    "DELETE /api/v1/enrollments/{enrollment_id}": row("delete", "enrollment", "alice", *API_MINE),
    "POST /api/v1/reports/completions": row("post", "", "org", *API_ORG),
    "POST /api/v1/reports/files": row("post", "", "org", *API_ORG),
    "GET /api/v1/reports/jobs/{job_id}": row("get", "submission", "org", *API_ORG_OBJECT),
    "GET /api/v1/reports/jobs/{job_id}/errors": row("get", "submission", "org", *API_ORG_OBJECT),
    "GET /api/v1/reports/jobs/{job_id}/errors.csv": row(
        "get", "submission", "org", *API_ORG_OBJECT
    ),
    "POST /api/v1/reports/jobs/{job_id}/cancel": row("post", "submission", "org", *API_ORG_OBJECT),
    "GET /api/v1/reports/records": row("get", "", "org", *API_ORG),
    "GET /api/v1/reports/records/{record_id}": row("get", "record-key", "org", *API_ORG_OBJECT),
    "POST /api/v1/reports/records/{record_id}/withdraw": row(
        "post", "record-key", "org", *API_ORG_OBJECT
    ),
    "GET /api/v1/reports/corrections": row("get", "", "org", *API_ORG),
    "POST /api/v1/reports/corrections/{correction_id}/decline": row(
        "post", "correction", "org", *API_ORG_OBJECT
    ),
    "GET /api/v1/transcript.pdf": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/transcripts": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/share-links": row("get", "", "alice", *API_CLINICIAN),
    "POST /api/v1/share-links": row("post", "", "alice", *API_CLINICIAN),
    "GET /api/v1/share-links/{link_id}": row("get", "share-link", "alice", *API_MINE),
    "POST /api/v1/share-links/{link_id}/revoke": row("post", "share-link", "alice", *API_MINE),
    "GET /api/v1/packet": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/mock-audit": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/exports/entries.csv": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/exports/ledger.json": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/deadlines": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/deadlines/preferences": row("get", "", "alice", *API_CLINICIAN),
    "PUT /api/v1/deadlines/preferences": row("put", "", "alice", *API_CLINICIAN),
    "POST /api/v1/deadlines/calendar-secret": row("post", "", "alice", *API_CLINICIAN),
    "GET /api/v1/award": row("get", "", "alice", *API_CLINICIAN),
    "GET /api/v1/award/summary.pdf": row("get", "", "alice", *API_CLINICIAN),
    # Another board (ABIM, which has a set of its own) sees its own list: no run yet, so
    # no rows; never the owner board's diplomates.
    "GET /api/v1/board/diplomates": row("get", "", "staff", 401, 403, 401, 200, 403),
    "GET /api/v1/board/diplomates/{clinician_id}/progress": row(
        "get", "diplomate", "staff", *API_BOARD_OBJECT
    ),
    "POST /api/v1/board/compliance-runs": row("post", "", "staff", *API_BOARD),
    "GET /api/v1/board/roster": row("get", "", "staff", *API_BOARD),
    "POST /api/v1/board/roster": row("post", "", "staff", *API_BOARD),
    "GET /api/v1/board/roster/entries": row("get", "", "staff", *API_BOARD),
    "GET /api/v1/board/roster/entries/{board_id}": row(
        "get", "roster-entry", "staff", *API_BOARD_OBJECT
    ),
    "GET /api/v1/board/roster/claims": row("get", "", "staff", *API_BOARD),
    "GET /api/v1/direct-credit": row("get", "", "alice", *API_CLINICIAN),
    "POST /api/v1/direct-credit": row("post", "", "alice", *API_CLINICIAN),
    "GET /api/v1/direct-credit/{application_id}": row("get", "application", "alice", *API_MINE),
    "POST /api/v1/direct-credit/{application_id}/withdraw": row(
        "post", "application", "alice", *API_MINE
    ),
    "GET /api/v1/board/direct-credit": row("get", "", "staff", *API_BOARD),
    "POST /api/v1/board/direct-credit/{application_id}/approve": row(
        "post", "application", "staff", *API_BOARD_OBJECT
    ),
    "POST /api/v1/board/direct-credit/{application_id}/decline": row(
        "post", "application", "staff", *API_BOARD_OBJECT
    ),
    "GET /api/v1/providers": row("get", "", "alice", *API_ANY),
    "POST /api/v1/providers": row("post", "", "staff", *API_BOARD),
    "GET /api/v1/providers/{slug}": row("get", "provider", "alice", *API_ANY),
    "PUT /api/v1/providers/{slug}": row("put", "provider", "staff", *API_BOARD),
    "PUT /api/v1/providers/{slug}/reporting": row("put", "provider", "staff", *API_BOARD),
    # Each board's own reporting details: another board has none here to remove.
    "DELETE /api/v1/providers/{slug}/reporting": row(
        "delete", "provider", "staff", *API_BOARD_OBJECT
    ),
    "GET /api/v1/accepted-accreditors": row("get", "", "staff", *API_ANY),  # who accepts what
    "POST /api/v1/accepted-accreditors": row("post", "", "staff", *API_BOARD),
    "DELETE /api/v1/accepted-accreditors/{accepted_id}": row(
        "delete", "accreditor", "staff", *API_BOARD_OBJECT
    ),
}

# Django's admin has its own gate (is_staff), checked separately below.
NOT_IN_THE_MATRIX = ("admin/", "api/v1/")


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(NOT_IN_THE_MATRIX):
                yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name


def every_route() -> dict[str, str]:
    return {name: route for route, name in _walk(get_resolver().url_patterns)}


def every_operation() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}


def test_every_url_route_has_a_row_in_the_matrix():
    routes = every_route()
    assert None not in routes, "every route needs a name to be in the matrix"
    missing = sorted(set(routes) - set(ROUTES))
    assert not missing, f"add these routes to ROUTES with who may use them: {missing}"
    stale = sorted(set(ROUTES) - set(routes))
    assert not stale, f"these ROUTES rows name no route any more: {stale}"


def test_every_api_operation_has_a_row_in_the_matrix():
    operations = every_operation()
    missing = sorted(operations - set(OPERATIONS))
    assert not missing, f"add these operations to OPERATIONS with who may call them: {missing}"
    stale = sorted(set(OPERATIONS) - operations)
    assert not stale, f"these OPERATIONS rows name no operation any more: {stale}"


# The world: the parties' objects, and the strangers.


@pytest.fixture
def world(alice, bob, board, other_board, org_member, organization, board_staff, team_manager):
    sync()
    acme = ensure_organization(organization.slug)
    rival = ensure_organization("rival-cme", "Rival CME")
    w: dict = {"alice": alice, "staff": board_staff, "manager": team_manager, "org": org_member}
    w["admin"] = User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)
    ClinicianProfile.objects.filter(user=alice).update(
        npi="1234567893", birth_month=4, birth_day=12
    )
    w["license"] = License.objects.create(clinician=alice, state="TX", number="T-1")
    w["certification"] = Certification.objects.create(
        clinician=alice,
        board=board,
        board_id_number="PMR00001",
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    w["enrollment"] = Enrollment.objects.filter(clinician=alice).first()
    w["certificate"] = store_certificate(alice, make_pdf("Alice"), "alice.pdf").certificate
    from cmeledger.ledger import services as ledger
    from cmeledger.ledger.testing import entry_fields

    w["entry"] = ledger.create_entry(alice, alice, entry_fields(), topics=["ethics"])
    w["entry"].certificates.add(w["certificate"])
    w["token"], _ = ApiToken.issue(alice, "matrix")
    w["share-link"], w["share-secret"] = create_link(
        alice, recipient="Texas board", start=date(2024, 1, 1), end=date(2025, 12, 31)
    )
    w["calendar-secret"] = preferences_of(alice).calendar_secret

    reporting.submit_batch(
        org_member,
        acme,
        [
            RawRow(
                2,
                raw(
                    record_id="R-1",
                    activity_title="Spasticity management update",
                    activity_kind="live",
                    completed_on="2025-05-04",
                    credits="ama-pra-1=2.5",
                    npi="1234567893",
                    first_name="Alice",
                    last_name="Abbot",
                    birth_date="04/12",
                ),
            )
        ],
    )
    w["record"] = ReportedRecord.objects.get(organization=acme, record_key="R-1")
    w["reported-entry"] = CreditEntry.objects.get(reported_record=w["record"])
    w["correction"] = reporting.request_correction(alice, w["reported-entry"], "Three, please.")
    w["submission"] = Submission.objects.create(organization=acme, channel="upload", size=10)
    w["org-token"], _ = reporting.issue_token(org_member, "sync")

    from cmeledger.audits.tests.test_audits import plan

    w["audit"] = audits.start(board_staff, plan(sample_size=1))
    w["audit-item"] = Item.objects.filter(subject__audit=w["audit"]).first()
    w["application"] = article(alice, board, title="Spasticity after stroke: a cohort")
    w["provider"] = Provider.objects.order_by("slug").first()
    set_reporting(
        board_staff, w["provider"], ReportingFields(reports_automatically=True, details="Monthly.")
    )
    Certificate.objects.filter(pk=w["certificate"].pk).update(shared_with_boards=True)
    # Alice is on her board's roster, so she stays a listed diplomate.
    rosters.load_board_roster(
        board,
        b"board_id,first_name,last_name,birth_month,birth_day,certification_start,"
        b"certification_end,status\nPMR00001,Alice,Abbot,,,2022-01-01,,certified\n",
    )
    compliance.compute(board, "abpmr-cc")
    # The other board's list has its snapshot too (opening the list would make its first).
    for set_id in compliance.board_sets(other_board):
        compliance.compute(other_board, set_id)
    w["accreditor"] = BoardAccreditor.objects.filter(board=board).first()

    w["team"] = make_team(team_manager, "Wound care unit 7")
    w["member"] = join(w["team"], alice)
    Membership.objects.filter(pk=w["member"].pk).update(share_link=w["share-link"])
    second = User.objects.create_user("invitee@example.org", PASSWORD, first_name="Ivy")
    w["invitation"], w["invitation-secret"] = teams.invite(w["team"], second.email, team_manager)
    w["role-invitation"], w["role-invitation-secret"] = onboarding.invite(
        "newcomer@example.org", Role.BOARD_STAFF, board=board
    )

    w["strangers"] = {
        "anonymous": None,
        "clinician": bob,
        "organization": User.objects.create_user(
            "rival@example.org", PASSWORD, role=Role.ORGANIZATION, organization=rival
        ),
        "board": User.objects.create_user(
            "staff@abim.example.org", PASSWORD, role=Role.BOARD_STAFF, board=other_board
        ),
        "manager": User.objects.create_user(
            "other-manager@example.org", PASSWORD, role=Role.TEAM_MANAGER
        ),
    }
    make_team(w["strangers"]["manager"], "Another team")
    w["keys"] = {role: _token(user) for role, user in w["strangers"].items() if user}
    w["keys"].update({owner: _token(w[owner]) for owner in ("alice", "org", "staff", "manager")})
    return w


def url_args(kind: str, w: dict) -> list:
    """The URL's arguments, from the world's objects; secrets are guessed ones (the right
    secret is the owner's)."""
    one = {
        "": [],
        "reset": ["1", "set-password"],
        "confirm-key": ["not-the-key-0000"],
        "share-secret": ["not-the-secret-0000"],
        "calendar-secret": ["not-the-secret-0000"],
        "invitation-secret": ["not-the-secret-0000"],
        "role-invitation-secret": ["i_" + "0" * 32],
        "role-invitation": [w["role-invitation"].pk],
        "site-organization": [w["org"].organization_id],
        "license": [w["license"].pk],
        "npi-identifier": ["npi", w["alice"].profile.pk],
        "certification": [w["certification"].pk],
        "entry": [w["entry"].pk],
        "reported-entry": [w["reported-entry"].pk],
        "entry+certificate": [w["entry"].pk, w["certificate"].pk],
        "certificate": [w["certificate"].pk],
        "certificate+page": [w["certificate"].pk, 1],
        "enrollment": [w["enrollment"].pk],
        "share-link": [w["share-link"].pk],
        "token": [w["token"].pk],
        "audit-item": [w["audit-item"].pk],
        "application": [w["application"].pk],
        "application+evidence": [w["application"].pk, w["application"].evidence.first().pk],
        "team": [w["team"].pk],
        "team+invitation": [w["team"].pk, w["invitation"].pk],
        "team+manager": [w["team"].pk, w["manager"].pk],
        "team+member": [w["team"].pk, w["member"].pk],
        "membership": [w["member"].pk],
        "submission": [w["submission"].pk],
        "record": [w["record"].pk],
        "record-key": [w["record"].record_key],
        "correction": [w["correction"].pk],
        "org-token": [w["org-token"].pk],
        "diplomate": [w["alice"].pk],
        "diplomate+certificate": [w["alice"].pk, w["certificate"].pk],
        "audit": [w["audit"].pk],
        "audit+item": [w["audit"].pk, w["audit-item"].pk],
        "accreditor": [w["accreditor"].pk],
        "provider": [w["provider"].slug],
        "program-set": ["abpmr-cc"],
        "program-set+version": ["abpmr-cc", 1],
        "roster-entry": ["PMR00001"],
    }
    return one[kind]


def owner_args(kind: str, w: dict) -> list:
    """For the owner, capability URLs carry the real secret."""
    secret = {"share-secret": "share-secret", "calendar-secret": "calendar-secret"}
    if kind in secret:
        return [w[secret[kind]]]
    if kind == "invitation-secret":
        _, fresh = teams.invite(w["team"], "bob@example.org", w["manager"])
        return [fresh]
    return url_args(kind, w)


def snapshot() -> tuple:
    """What a refused request must leave as it was, in pk order: PostgreSQL returns an
    unordered query's rows as they lie, and a row another request touched (a log-in
    stamps the user) moves."""
    return (
        list(
            CreditEntry.objects.order_by("pk").values_list("pk", "title", "credits", "deleted_at")
        ),
        list(Certificate.objects.order_by("pk").values_list("pk", "shared_with_boards")),
        list(License.objects.order_by("pk").values_list("pk", "number")),
        list(Certification.objects.order_by("pk").values_list("pk", "cycle_end")),
        list(Enrollment.objects.order_by("pk").values_list("pk")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(ReportedRecord.objects.order_by("pk").values_list("pk", "state")),
        list(CorrectionRequest.objects.order_by("pk").values_list("pk", "status")),
        list(Submission.objects.order_by("pk").values_list("pk", "status")),
        list(Item.objects.order_by("pk").values_list("pk", "state")),
        list(Organization.objects.order_by("pk").values_list("pk")),
        list(BoardAccreditor.objects.order_by("pk").values_list("pk")),
        list(Provider.objects.order_by("pk").values_list("pk", "updated_at")),
        list(RosterEntry.objects.order_by("pk").values_list("pk", "updated_at")),
        list(RoleInvitation.objects.order_by("pk").values_list("pk", "revoked_at", "used_at")),
        list(User.objects.order_by("pk").values_list("pk", "role")),
    )


def outcome(response) -> object:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def allowed(response) -> bool:
    status = outcome(response)
    return status != LOGIN and status in {200, 201, 202, 204, 301, 302, 303, 400}


def matches(expected, response) -> bool:
    return allowed(response) if expected == OK else outcome(response) == expected


def as_role(client, user: User | None) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def test_strangers_get_what_the_matrix_says_on_every_route(client, world):
    """Every route, as every stranger: the outcome in the table, and no data changed."""
    before = snapshot()
    wrong = []
    for name, entry in sorted(ROUTES.items()):
        url = reverse(name, args=url_args(entry.args, world))
        for role in STRANGERS:
            expected = getattr(entry, role)
            as_role(client, world["strangers"][role])
            response = getattr(client, entry.method)(url)
            if not matches(expected, response):
                wrong.append(
                    f"{entry.method.upper()} {url} ({name}) as {role}: "
                    f"{outcome(response)}, expected {expected}"
                )
            if expected != OK and snapshot() != before:
                pytest.fail(f"{entry.method.upper()} {url} as {role} changed data")
    assert not wrong, "\n".join(wrong)


def rolled_back(send):
    """Send a request and undo what it wrote, so each owner request meets the same world."""
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


def test_owners_get_through_every_route(client, world):
    """The table's owner of each route is let in: reads first, then each write undone."""
    refused = []
    rows = sorted(ROUTES.items(), key=lambda item: (item[1].method != "get", item[0]))
    for name, entry in rows:
        if entry.owner in ("anyone", "nobody"):
            continue
        as_role(client, world[entry.owner])
        url = reverse(name, args=owner_args(entry.args, world))
        response = rolled_back(lambda: getattr(client, entry.method)(url))  # noqa: B023
        if not allowed(response):
            refused.append(f"{entry.method.upper()} {url} ({name}): {outcome(response)}")
    assert not refused, "routes that refuse their owner:\n" + "\n".join(refused)


def _token(user: User) -> str:
    from cmeledger.accounts.models import Role as Roles

    if user.role == Roles.ORGANIZATION:
        return reporting.issue_token(user, "matrix")[1]
    return ApiToken.issue(user, "matrix")[1]


def api_path(operation: str, kind: str, w: dict) -> tuple[str, str]:
    method, template = operation.split(" ", 1)
    values = url_args(kind, w)
    path = template
    for value in values[:1]:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + str(value) + path[end + 1 :]
    return method.lower(), path


# Bodies that pass validation, so the answer is about who asks, not what was sent.
BODIES = {"POST /api/v1/reports/corrections/{correction_id}/decline": '{"reason": "Not ours."}'}


def call(client, method: str, path: str, key: str | None, body: str = "{}"):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {} if method == "get" else {"data": body}
    return getattr(client, method)(path, content_type="application/json", headers=headers, **body)


def test_strangers_get_what_the_matrix_says_on_every_api_operation(client, world):
    before = snapshot()
    wrong = []
    for operation, entry in sorted(OPERATIONS.items()):
        method, path = api_path(operation, entry.args, world)
        for role in STRANGERS:
            expected = getattr(entry, role)
            key = world["keys"].get(role)
            response = call(client, method, path, key, BODIES.get(operation, "{}"))
            status = response.status_code
            if (status in (401, 403, 404)) if expected == OK else status != expected:
                wrong.append(f"{operation} as {role}: {status}, expected {expected}")
            if expected != OK and snapshot() != before:
                pytest.fail(f"{operation} as {role} changed data")
    assert not wrong, "\n".join(wrong)


def test_owners_get_through_every_api_operation(client, world):
    refused = []
    rows = sorted(OPERATIONS.items(), key=lambda item: (not item[0].startswith("GET"), item[0]))
    for operation, entry in rows:
        method, path = api_path(operation, entry.args, world)
        key = world["keys"][entry.owner]
        body = BODIES.get(operation, "{}")
        response = rolled_back(lambda: call(client, method, path, key, body))  # noqa: B023
        if response.status_code in (401, 403, 404):
            refused.append(f"{operation}: {response.status_code}")
    assert not refused, "operations that refuse their owner:\n" + "\n".join(refused)


def test_the_admin_is_only_for_site_staff(client, world):
    client.force_login(world["alice"])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(world["staff"])  # a board's staff are not the site's staff
    assert client.get("/admin/").status_code == 302
