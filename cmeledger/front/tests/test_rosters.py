"""The roster pages of the board workspace, the diplomate list it restricts, and the
identifier states on the clinician's profile."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cmeledger.accounts.models import Certification, ClinicianProfile, License
from cmeledger.boards import compliance, rosters
from cmeledger.boards.models import RosterEntry
from cmeledger.boards.tests.test_rosters import ALICE_ROW, CAROL_ROW, HEADER, roster
from cmeledger.front.tests.test_board import SET, diplomate
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, encoding: str = "utf-8"):
    file = SimpleUploadedFile("roster.csv", data, content_type="text/csv")
    return client.post(reverse("board-roster-upload"), {"file": file, "encoding": encoding})


@pytest.fixture
def staff_client(client, board_staff):
    client.force_login(board_staff)
    return client


def test_staff_upload_their_roster_and_see_what_it_did(staff_client, board, alice):
    Certification.objects.create(
        clinician=alice,
        board=board,
        board_id_number="PMR-1001",
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    response = upload(staff_client, roster(ALICE_ROW, "PMR-9,Bo,Brandt,,,2020-01-01,,lapsed\n"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 rows read: 1 added, 0 updated, 0 unchanged, 1 with problems (not stored)." in page
    assert "Claims changed by this roster: 1 verified, 0 disputed, 0 back to claimed." in page
    assert (
        "row 3, column status: is “lapsed”: use one of certified, expired, revoked, inactive"
        in page
    )
    assert list(RosterEntry.objects.values_list("board", "board_id_number")) == [
        (board.pk, "PMR-1001")
    ]
    again = upload(staff_client, roster(ALICE_ROW))
    assert "1 row read: 0 added, 0 updated, 1 unchanged" in again.content.decode()


def test_an_unusable_file_is_refused_with_the_reason_and_nothing_is_stored(staff_client):
    response = upload(staff_client, b"%PDF-1.7\n\x00binary")
    assert response.status_code == 400
    assert (
        "Nothing was stored: This is not a CSV text file: it holds binary content (a NUL "
        "byte at byte 10)." in response.content.decode()
    )
    assert not RosterEntry.objects.exists()


def test_a_file_over_the_limit_is_refused(staff_client, settings):
    settings.ROSTER_MAX_FILE_BYTES = 100
    response = upload(staff_client, roster(ALICE_ROW, CAROL_ROW))
    assert response.status_code == 400
    assert "a roster may be at most" in response.content.decode()
    assert not RosterEntry.objects.exists()


def test_a_roster_goes_to_the_uploaders_own_board(client, other_board_staff, board, other_board):
    client.force_login(other_board_staff)
    upload(client, roster(ALICE_ROW))
    assert not RosterEntry.objects.filter(board=board).exists()
    assert RosterEntry.objects.filter(board=other_board).count() == 1


def test_staff_of_another_board_cannot_open_this_boards_roster_entry(
    client, board, other_board_staff, board_staff
):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    url = reverse("board-roster-entry", args=["PMR-1001"])
    client.force_login(other_board_staff)
    assert client.get(url).status_code == 404
    client.force_login(board_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "Alice Abbot" in response.content.decode()


def test_clinicians_cannot_reach_the_roster_pages(alice_client, board):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    for url in (
        reverse("board-roster"),
        reverse("board-roster-claims"),
        reverse("board-roster-entry", args=["PMR-1001"]),
    ):
        assert alice_client.get(url).status_code == 403
    response = upload(alice_client, roster(CAROL_ROW))
    assert response.status_code == 403
    assert RosterEntry.objects.count() == 1


def test_once_a_roster_exists_only_verified_diplomates_are_listed(staff_client, board):
    sync()
    listed = diplomate(1, board, "20", last="Abbot")
    claimed = diplomate(2, board, "20", last="Zimmer")
    disputed = diplomate(3, board, "20", last="Young")
    Certification.objects.filter(clinician=listed).update(board_id_number="PMR-1001")
    Certification.objects.filter(clinician=disputed).update(board_id_number="PMR-1002")
    compliance.compute(board, SET)
    rosters.load_board_roster(board, roster(ALICE_ROW, CAROL_ROW))

    page = staff_client.get(reverse("board-diplomates")).content.decode()
    assert listed.display_name in page
    assert claimed.display_name not in page and disputed.display_name not in page
    assert "1 claimed, not on your roster" in page and "1 disputed" in page
    # The claims page names them, without a way into their records.
    claims = staff_client.get(reverse("board-roster-claims") + "?state=disputed")
    text = claims.content.decode()
    assert disputed.display_name in text and claimed.display_name not in text
    assert "roster last name differs" in text
    assert reverse("board-diplomate", args=[disputed.pk]) not in text
    assert staff_client.get(reverse("board-diplomate", args=[disputed.pk])).status_code == 404
    assert staff_client.get(reverse("board-diplomate", args=[listed.pk])).status_code == 200


def test_without_a_roster_every_declared_diplomate_is_listed(staff_client, board):
    sync()
    people = [diplomate(1, board, "20"), diplomate(2, board, "20")]
    compliance.compute(board, SET)
    page = staff_client.get(reverse("board-diplomates")).content.decode()
    assert all(p.display_name in page for p in people)
    assert "not on your roster" not in page


def test_the_profile_shows_the_state_of_each_identifier(alice_client, alice, board, other_board):
    day = timezone.localdate().isoformat()
    rosters.load_board_roster(board, roster(ALICE_ROW))
    rosters.load_board_roster(other_board, roster(ALICE_ROW.replace("Abbot", "Other")))
    for which in (board, other_board):
        Certification.objects.create(
            clinician=alice,
            board=which,
            board_id_number="PMR-1001",
            cycle_start=date(2022, 1, 1),
            cycle_end=date(2026, 12, 31),
        )
    License.objects.create(
        clinician=alice,
        state="TX",
        number="Q-1",
        number_state="verified",
        number_state_note="Site staff: saw the license, 2026-11-30",
    )
    License.objects.create(clinician=alice, state="CA", number="A-1")
    ClinicianProfile.objects.filter(user=alice).update(npi="1234567893")
    page = alice_client.get(reverse("profile")).content.decode()
    assert 'NPI 1234567893: <span class="id-state id-claimed">Claimed</span>' in page
    assert f"Verified by ABPMR roster, {day}" in page
    assert f"Disputed: ABIM roster, {day}: roster last name differs" in page
    assert "Verified by site staff: saw the license, 2026-11-30" in page
    assert "Claimed" in page


def test_the_upload_form_documents_the_columns(staff_client):
    page = staff_client.get(reverse("board-roster")).content.decode()
    assert HEADER.strip().replace(",", ", ") in page
