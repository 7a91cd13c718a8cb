"""Teams, invitations and what a team sees, through the service functions."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmeledger.accounts.models import Role, User
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.reports import sharing
from cmeledger.reports.testing import add_entry, follow_texas
from cmeledger.requirements.progress import report
from cmeledger.teams import services
from cmeledger.teams.models import MAX_MEMBERS, Invitation, InvitationState, Membership, Team
from cmeledger.teams.services import InvitationGone, TeamError
from cmeledger.teams.testing import (
    SECRET_CERTIFICATE,
    SECRET_NPI,
    SECRET_TITLE,
    join,
    make_team,
    private_ledger,
)

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_team_and_manages_it(team_manager):
    team = services.create_team(team_manager, name="  Residents   2026 ", kind="residency-program")
    assert team.name == "Residents 2026"
    assert list(team.managers.all()) == [team_manager]
    assert list(Team.objects.managed_by(team_manager)) == [team]


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("", "employer", "name: give the team a name"),
        ("x" * 201, "employer", "name: use at most 200 characters."),
        ("Fine", "hospital", "kind: choose one of employer, residency-program, other."),
    ],
)
def test_a_team_with_a_bad_name_or_kind_is_refused(team_manager, name, kind, message):
    with pytest.raises(TeamError, match=message):
        services.create_team(team_manager, name=name, kind=kind)
    assert not Team.objects.exists()


def test_only_team_managers_create_teams(alice, board_staff):
    for user in (alice, board_staff):
        with pytest.raises(TeamError, match="Only team managers create teams."):
            services.create_team(user, name="Mine")
    assert not Team.objects.exists()


def test_a_co_manager_must_be_an_existing_team_manager_account(team_manager, alice):
    team = make_team(team_manager)
    other = User.objects.create_user("co@example.org", PASSWORD, role=Role.TEAM_MANAGER)
    assert services.add_manager(team, "CO@example.org ") == other
    with pytest.raises(TeamError, match="already manages this team"):
        services.add_manager(team, other.email)
    with pytest.raises(TeamError, match="no team manager account has the address alice@"):
        services.add_manager(team, alice.email)
    with pytest.raises(TeamError, match="is not an email address"):
        services.add_manager(team, "not\x00an-email")
    assert set(team.managers.all()) == {team_manager, other}


def test_the_last_manager_cannot_be_removed(team_manager):
    team = make_team(team_manager)
    with pytest.raises(TeamError, match="A team needs a manager"):
        services.remove_manager(team, team_manager)
    other = User.objects.create_user("co@example.org", PASSWORD, role=Role.TEAM_MANAGER)
    team.managers.add(other)
    services.remove_manager(team, team_manager)
    assert list(team.managers.all()) == [other]


# Invitations -----------------------------------------------------------------------------------


def test_an_invitation_stores_only_the_hash_of_its_secret(team_manager):
    team = make_team(team_manager)
    invitation, secret = services.invite(team, "New.Person@Example.org", team_manager)
    assert invitation.email == "new.person@example.org"
    assert secret.startswith("t_") and len(secret) == 34
    stored = Invitation.objects.get()
    assert stored.secret_hash == services.hash_secret(secret)
    assert secret not in str(Invitation.objects.values().get())
    assert stored.expires_at - stored.created_at == timedelta(days=14)
    assert services.open_invitation(secret) == stored


def test_the_invitation_email_carries_the_link_the_team_and_what_is_shared(team_manager):
    team = make_team(team_manager, "Spine <Clinic>")
    invitation, secret = services.invite(team, "new@example.org", team_manager)
    assert services.send_invitation(invitation, secret)
    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    assert message.subject == "Spine <Clinic> invites you to share your CME status"
    assert f"/teams/join/{secret}/" in message.body
    assert "never sees your entries, certificates or documents" in message.body
    assert "Morgan" in message.body  # the manager's name
    html = message.alternatives[0][0]
    assert "Spine &lt;Clinic&gt;" in html and "<Clinic>" not in html
    assert f"/teams/join/{secret}/" in html


def test_a_failed_email_leaves_the_invitation_in_place(team_manager, settings):
    settings.EMAIL_BACKEND = "cmeledger.teams.tests.test_services.BrokenBackend"
    team = make_team(team_manager)
    invitation, secret = services.invite(team, "new@example.org", team_manager)
    assert services.send_invitation(invitation, secret) is False
    assert Invitation.objects.get().is_pending


class BrokenBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise OSError("connection refused")


def test_a_new_invitation_replaces_a_pending_one_to_the_same_address(team_manager):
    team = make_team(team_manager)
    first, first_secret = services.invite(team, "new@example.org", team_manager)
    second, _ = services.invite(team, "new@example.org", team_manager)
    first.refresh_from_db()
    assert first.state == InvitationState.REVOKED
    assert list(team.invitations.pending()) == [second]
    with pytest.raises(InvitationGone, match="withdrawn"):
        services.usable_invitation(first_secret)


def test_a_member_cannot_be_invited_again(team_manager, alice):
    team = make_team(team_manager)
    join(team, alice)
    with pytest.raises(TeamError, match="already a member"):
        services.invite(team, alice.email, team_manager)
    assert not team.invitations.pending().exists()


@pytest.mark.parametrize("email", ["", "nobody", "a@b", "x" * 250 + "@example.org", "a\x00@b.org"])
def test_an_invitation_to_a_bad_address_is_refused(team_manager, email):
    team = make_team(team_manager)
    with pytest.raises(TeamError, match="^email: "):
        services.invite(team, email, team_manager)
    assert not Invitation.objects.exists()


def test_a_clinician_accepts_once_and_joins(team_manager, alice, bob):
    team = make_team(team_manager)
    invitation, secret = services.invite(team, alice.email, team_manager)
    membership = services.accept(services.usable_invitation(secret), alice)
    assert membership.team == team and membership.clinician == alice
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert invitation.answered_by == alice
    with pytest.raises(InvitationGone, match="already been used"):
        services.usable_invitation(secret)
    with pytest.raises(InvitationGone, match="already been used"):
        services.accept(invitation, bob)  # a stale object must not be used twice either
    assert list(team.memberships.values_list("clinician", flat=True)) == [alice.pk]


def test_declining_uses_the_invitation_and_shares_nothing(team_manager, alice):
    team = make_team(team_manager)
    invitation, secret = services.invite(team, alice.email, team_manager)
    services.decline(invitation, alice)
    assert not Membership.objects.exists()
    with pytest.raises(InvitationGone, match="already been used"):
        services.usable_invitation(secret)


def test_an_expired_invitation_cannot_be_used(team_manager, alice):
    team = make_team(team_manager)
    invitation, secret = services.invite(team, alice.email, team_manager)
    with time_machine.travel(timezone.now() + timedelta(days=14, seconds=1)):
        with pytest.raises(InvitationGone, match="expired"):
            services.usable_invitation(secret)
        with pytest.raises(InvitationGone, match="expired"):
            services.accept(invitation, alice)
    assert not Membership.objects.exists()


def test_a_revoked_invitation_cannot_be_used(team_manager, alice):
    team = make_team(team_manager)
    invitation, secret = services.invite(team, alice.email, team_manager)
    services.revoke_invitation(invitation)
    with pytest.raises(InvitationGone, match="withdrawn"):
        services.accept(invitation, alice)
    assert not Membership.objects.exists()


@pytest.mark.parametrize("secret", ["", "t_short", "t_" + "a" * 32, "s_" + "a" * 32, "t_\x00" * 12])
def test_an_unknown_or_malformed_secret_finds_nothing(secret):
    assert services.open_invitation(secret) is None
    assert services.usable_invitation(secret) is None


def test_only_clinicians_join(team_manager, board_staff, org_member):
    team = make_team(team_manager)
    for user in (board_staff, org_member, team_manager):
        invitation, _ = services.invite(team, user.email, team_manager)
        with pytest.raises(TeamError, match="Only clinicians join teams"):
            services.accept(invitation, user)
        assert invitation.is_pending
    assert not Membership.objects.exists()


def test_a_full_team_refuses_invitations_and_new_members(team_manager, alice, monkeypatch):
    team = make_team(team_manager)
    invitation, _ = services.invite(team, alice.email, team_manager)
    monkeypatch.setattr(services, "MAX_MEMBERS", 0)
    with pytest.raises(TeamError, match="already has 0 members"):
        services.accept(invitation, alice)
    with pytest.raises(TeamError, match="This team has 0 members"):
        services.invite(team, "another@example.org", team_manager)
    assert invitation.is_pending and not Membership.objects.exists()
    assert MAX_MEMBERS == 500


# Membership ----------------------------------------------------------------------------------------


def test_leaving_removes_the_row_at_once(team_manager, alice):
    team = make_team(team_manager)
    services.leave(join(team, alice))
    assert services.team_status(team).members == []


def test_a_member_shares_only_their_own_active_share_link(team_manager, alice, bob):
    follow_texas(alice)
    follow_texas(bob, number="T-2")
    team = make_team(team_manager)
    membership = join(team, alice)
    own, _ = sharing.create_link(alice, recipient="Team", set_id="us-tx-md")
    foreign, _ = sharing.create_link(bob, recipient="Team", set_id="us-tx-md")
    revoked, _ = sharing.create_link(alice, recipient="Old", set_id="us-tx-md")
    revoked.revoke()
    for link in (foreign, revoked):
        with pytest.raises(TeamError, match="share_link: choose one of your share links"):
            services.set_shared_link(membership, link.pk)
        membership.refresh_from_db()
        assert membership.share_link is None
    assert services.set_shared_link(membership, own.pk) == own
    assert services.shared_link(membership) == own
    own.revoke()
    membership.refresh_from_db()
    assert services.shared_link(membership) is None  # a revoked link shows nothing
    services.set_shared_link(membership, None)
    membership.refresh_from_db()
    assert membership.share_link is None


# What a team sees ---------------------------------------------------------------------------------


def test_the_team_status_matches_the_calculator_for_each_member_and_set(team_manager, alice):
    follow_texas(alice)
    add_entry(alice, "Pain management update", date(2025, 6, 1), credits="12.00")
    team = make_team(team_manager)
    join(team, alice)
    status = services.team_status(team)
    [member] = status.members
    [row] = member.rows
    expected = report(alice, timezone.localdate()).result("us-tx-md")
    assert row.set_id == "us-tx-md"
    assert row.status == str(expected.status)
    assert row.counted == expected.total_counted == Decimal("12.00")
    total = next(r for r in expected.rules if r.kind == "minimum-total")
    assert row.required == total.required
    assert row.cycle_end == expected.cycle_end
    assert f"{total.name}: " in row.missing
    counts = {code: n for code, _, n in status.counts}
    assert counts[row.status] == 1 and sum(counts.values()) == 1


def test_a_member_following_nothing_has_no_rows(team_manager, alice):
    team = make_team(team_manager)
    join(team, alice)
    [member] = services.team_status(team).members
    assert member.rows == [] and member.name == "Alice Abbot"


def test_nothing_private_reaches_the_team_status_or_its_csv(team_manager, alice):
    private_ledger(alice)
    team = make_team(team_manager)
    join(team, alice)
    text = services.status_csv(services.team_status(team))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == services.CSV_HEADER
    assert rows[1][:4] == ["Alice Abbot", alice.email, rows[1][2], "us-tx-md"]
    for secret in (SECRET_TITLE, SECRET_CERTIFICATE, SECRET_NPI, "T-0"):
        assert secret not in text


def test_the_csv_defuses_formulas_in_names(team_manager):
    evil = make_clinician("evil@example.org", "=HYPERLINK(1)", "x")
    team = make_team(team_manager)
    join(team, evil)
    text = services.status_csv(services.team_status(team))
    assert "'=HYPERLINK(1) x" in text


def test_the_team_status_takes_a_bounded_number_of_queries_per_member(team_manager):
    team = make_team(team_manager)

    def add_member(n: int) -> None:
        user = make_clinician(f"member{n}@example.org", f"Member{n}", "Test")
        follow_texas(user, number=f"T-{n}")
        for day in range(1, 4):
            add_entry(user, f"Activity {day}", date(2025, 6, day))
        join(team, user)

    add_member(1)
    with CaptureQueriesContext(connection) as one:
        services.team_status(team)
    for n in range(2, 6):
        add_member(n)
    with CaptureQueriesContext(connection) as five:
        status = services.team_status(team)
    assert len(status.members) == 5
    per_member = (len(five) - len(one)) / 4
    assert per_member <= 7, [q["sql"] for q in five.captured_queries]


# The add-manager command ------------------------------------------------------------------------------


def test_the_command_creates_a_manager_and_prints_a_working_set_password_link(client, capsys):
    call_command("teams", "add-manager", "Pat.Lee@Example.org", "--first", "Pat", "--last", "Lee")
    user = User.objects.get(email="pat.lee@example.org")
    assert user.role == Role.TEAM_MANAGER and user.get_full_name() == "Pat Lee"
    assert not user.has_usable_password()
    out = capsys.readouterr().out
    [url] = [line for line in out.splitlines() if "/password/reset/" in line]
    path = url.split("//", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    new = "another fine horse battery 77"
    response = client.post(response.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_the_command_refuses_an_address_used_by_another_role(alice):
    with pytest.raises(CommandError, match="already has an account with the role clinician"):
        call_command("teams", "add-manager", alice.email)
    alice.refresh_from_db()
    assert alice.role == Role.CLINICIAN


def test_the_command_gives_an_existing_manager_a_fresh_link(team_manager, capsys):
    call_command("teams", "add-manager", team_manager.email)
    out = capsys.readouterr().out
    assert "already exists" in out and "/password/reset/" in out
    assert User.objects.filter(role=Role.TEAM_MANAGER).count() == 1


def test_the_command_refuses_a_bad_address():
    with pytest.raises(CommandError, match="is not an email address"):
        call_command("teams", "add-manager", "nobody")
    assert not User.objects.exists()
