"""Team pages: managers see status of members who joined, never their ledger; every other
role and every other manager is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from cmeledger.accounts.models import Role
from cmeledger.conftest import PASSWORD
from cmeledger.reports.sharing import create_link
from cmeledger.teams import services
from cmeledger.teams.models import Membership, Team
from cmeledger.teams.testing import (
    SECRET_CERTIFICATE,
    SECRET_NPI,
    SECRET_TITLE,
    join,
    make_team,
    private_ledger,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(team_manager):
    # Not the name the form's help text uses as its example.
    return make_team(team_manager, "Wound care unit 7")


@pytest.fixture
def member(team, alice):
    private_ledger(alice)
    return join(team, alice)


@pytest.fixture
def stranger_manager(db):
    return get_user_model().objects.create_user(
        "other-manager@example.org", PASSWORD, role=Role.TEAM_MANAGER
    )


def manager_urls(team: Team, member: Membership) -> list[tuple[str, str, dict]]:
    pk = team.pk
    return [
        ("get", reverse("team-detail", args=[pk]), {}),
        ("get", reverse("team-csv", args=[pk]), {}),
        ("post", reverse("team-invite", args=[pk]), {"email": "new@example.org"}),
        ("post", reverse("team-manager-add", args=[pk]), {"email": "x@example.org"}),
        ("post", reverse("team-member-remove", args=[pk, member.pk]), {}),
        ("get", reverse("team-member-transcript", args=[pk, member.pk]), {}),
        ("get", reverse("team-member-transcript-pdf", args=[pk, member.pk]), {}),
        ("post", reverse("team-delete", args=[pk]), {}),
    ]


def test_a_manager_creates_a_team_and_invites_by_email(client, team_manager):
    client.force_login(team_manager)
    response = client.post(reverse("team-add"), {"name": "Night shift", "kind": "employer"})
    team = Team.objects.get(name="Night shift")
    assert response.status_code == 302
    client.post(reverse("team-invite", args=[team.pk]), {"email": "bob@example.org"})
    assert mail.outbox and "bob@example.org" in mail.outbox[0].to


@pytest.mark.parametrize("name", ["", "x" * 500, "bad\x00name"])
def test_a_bad_team_name_is_a_400_and_creates_nothing(client, team_manager, name):
    client.force_login(team_manager)
    assert client.post(reverse("team-add"), {"name": name, "kind": "employer"}).status_code == 400
    assert not Team.objects.exists()


@pytest.mark.parametrize("email", ["", "not-an-email", "a\x00@example.org", "x" * 300 + "@e.org"])
def test_a_bad_invitation_email_is_a_400_and_sends_nothing(client, team_manager, team, email):
    client.force_login(team_manager)
    assert client.post(reverse("team-invite", args=[team.pk]), {"email": email}).status_code == 400
    assert not mail.outbox


def test_the_invited_clinician_accepts_and_the_team_sees_status_but_not_the_ledger(
    client, team_manager, team, alice
):
    private_ledger(alice)
    invitation, secret = services.invite(team, alice.email, team_manager)
    client.force_login(alice)
    assert client.get(reverse("team-join", args=[secret])).status_code == 200
    client.post(reverse("team-join-accept", args=[secret]))
    assert Membership.objects.filter(team=team, clinician=alice).exists()
    client.force_login(team_manager)
    page = client.get(reverse("team-detail", args=[team.pk])).content.decode()
    assert alice.email in page and "Texas" in page and "Counted / required" in page
    csv_text = client.get(reverse("team-csv", args=[team.pk])).content.decode()
    for secret_text in (SECRET_TITLE, SECRET_CERTIFICATE, SECRET_NPI):
        assert secret_text not in page and secret_text not in csv_text


def test_a_used_or_unknown_invitation_cannot_be_used_again(client, team_manager, team, alice, bob):
    _invitation, secret = services.invite(team, alice.email, team_manager)
    client.force_login(alice)
    client.post(reverse("team-join-decline", args=[secret]))
    assert not Membership.objects.exists()
    client.force_login(bob)
    assert client.post(reverse("team-join-accept", args=[secret])).status_code in (404, 410)
    assert client.get(reverse("team-join", args=["no-such-secret"])).status_code == 404
    assert not Membership.objects.exists()


def test_the_transcript_opens_only_once_the_member_shares_a_link(
    client, team_manager, team, member, alice
):
    client.force_login(team_manager)
    url = reverse("team-member-transcript", args=[team.pk, member.pk])
    assert client.get(url).status_code == 404
    link, _ = create_link(alice, recipient="St. Elsewhere", set_id="us-tx-md")
    client.force_login(alice)
    client.post(reverse("my-team-sharing", args=[member.pk]), {"share_link": link.pk})
    client.force_login(team_manager)
    assert client.get(url).status_code == 200


def test_a_member_sees_their_teams_and_leaves(client, team, member, alice):
    client.force_login(alice)
    assert team.name in client.get(reverse("my-teams")).content.decode()
    client.post(reverse("my-team-leave", args=[member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_another_clinician_cannot_leave_or_share_for_a_member(client, member, bob):
    client.force_login(bob)
    assert client.post(reverse("my-team-leave", args=[member.pk])).status_code == 404
    assert client.post(reverse("my-team-sharing", args=[member.pk]), {}).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()


def test_a_manager_of_another_team_gets_404_everywhere(client, stranger_manager, team, member):
    client.force_login(stranger_manager)
    for method, url, data in manager_urls(team, member):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert (
        Team.objects.filter(pk=team.pk).exists()
        and Membership.objects.filter(pk=member.pk).exists()
    )
    assert team.name not in client.get(reverse("teams")).content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "org_member", "board_staff", "other_board_staff"])
def test_other_roles_are_refused_every_manager_page(client, request, who, team, member):
    client.force_login(request.getfixturevalue(who))
    for method, url, data in [("get", reverse("teams"), {}), *manager_urls(team, member)]:
        assert getattr(client, method)(url, data).status_code == 403, url
    assert Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("who", ["team_manager", "org_member", "board_staff"])
def test_only_clinicians_have_the_member_pages(client, request, who, member):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("my-teams")).status_code == 403
    assert client.post(reverse("my-team-leave", args=[member.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, team, member):
    urls = [
        ("get", reverse("teams"), {}),
        ("get", reverse("my-teams"), {}),
        *manager_urls(team, member),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), (
            url
        )


def test_team_pages_keep_their_address_from_other_sites_but_let_forms_post(
    client, team_manager, team
):
    # no-referrer would make Chromium post these pages' forms with "Origin: null", which
    # the CSRF check refuses; same-origin keeps the address from every other site.
    client.force_login(team_manager)
    page = client.get(reverse("team-detail", args=[team.pk]))
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cache-Control"] == "private, no-store"
