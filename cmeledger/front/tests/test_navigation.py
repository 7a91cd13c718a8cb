"""The main navigation: about seven links a role, a menu button for phones, and no link
to an empty audits, teams or direct-credit page for a clinician who has none."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cmeledger.accounts.models import Certification, Role, User
from cmeledger.audits.models import Audit, Subject
from cmeledger.conftest import PASSWORD
from cmeledger.directcredit.testing import article
from cmeledger.front.navigation import links_for
from cmeledger.teams.testing import join, make_team

pytestmark = pytest.mark.django_db

MOST = 7  # "about seven": what fits one line on a laptop and a short menu on a phone


def labels(user: User) -> list[str]:
    return [link.label for link in links_for(user)]


def test_a_new_clinician_sees_seven_links_and_none_to_pages_that_would_be_empty(alice):
    assert labels(alice) == [
        "Dashboard",
        "Add credits",
        "Certificates",
        "Planner",
        "Reports",
        "Requirements",
        "Profile",
    ]


def test_a_clinician_in_a_team_sees_the_teams_link(alice, team_manager):
    join(make_team(team_manager), alice)
    assert "Teams" in labels(alice)


def test_a_clinician_drawn_for_an_audit_sees_the_audits_link(alice, board):
    audit = Audit.objects.create(
        board=board,
        title="2026 audit",
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
        due=date(2027, 3, 1),
        sample_size=1,
        seed=7,
    )
    Subject.objects.create(audit=audit, clinician=alice)
    assert "Audits" in labels(alice)


def certified(clinician: User, board) -> User:
    """Direct credit is asked of a board the clinician holds a certification from."""
    Certification.objects.create(
        clinician=clinician,
        board=board,
        board_id_number=f"PMR{clinician.pk:05d}",
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    return clinician


def test_a_clinician_who_applied_for_direct_credit_sees_its_link(alice, board):
    article(certified(alice, board), board)
    assert "Direct credit" in labels(alice)


def test_another_clinicians_team_audit_or_application_adds_no_link(alice, bob, board, team_manager):
    join(make_team(team_manager), bob)
    article(certified(bob, board), board)
    assert len(labels(alice)) == MOST


def test_every_role_has_about_seven_links_at_most(org_member, board_staff, team_manager):
    admin = User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)
    for user in (org_member, board_staff, team_manager, admin):
        assert 0 < len(links_for(user)) <= MOST, user.role


def test_a_site_admin_sees_the_site_admin_area_and_the_disputes(db):
    admin = User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)
    assert labels(admin) == ["Requirement sets", "Site admin", "Disputes"]


def test_every_link_leads_to_a_page_its_role_may_open(
    client, alice, org_member, board_staff, team_manager
):
    admin = User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)
    for user in (alice, org_member, board_staff, team_manager, admin):
        client.force_login(user)
        for link in links_for(user):
            assert client.get(link.url).status_code == 200, (user.role, link.label)


def test_the_page_marks_the_current_link_and_has_a_menu_button_for_phones(alice_client):
    html = alice_client.get(reverse("planner")).content.decode()
    assert f'<a href="{reverse("planner")}" aria-current="page">Planner</a>' in html
    assert html.count('aria-current="page"') == 1
    # Hidden until app.js wires it up, so without the script the links stay in view.
    assert 'class="menu-button" aria-expanded="false" aria-controls="main-nav" hidden' in html
    assert 'id="main-nav"' in html


def test_nobody_signed_in_gets_no_navigation(client):
    html = client.get(reverse("login")).content.decode()
    assert "main-nav" not in html
    assert "Log out" not in html
