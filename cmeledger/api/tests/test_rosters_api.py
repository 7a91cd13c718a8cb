"""The roster over the API: board staff send and read their own board's roster only;
the profile's identifier states are in /me."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cmeledger.accounts.models import Certification, License
from cmeledger.api.tests.conftest import token_client
from cmeledger.boards import rosters
from cmeledger.boards.models import RosterEntry
from cmeledger.boards.tests.test_rosters import ALICE_ROW, CAROL_ROW, roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(board_staff):
    return token_client(board_staff)


def send(client, data: bytes, **extra):
    file = SimpleUploadedFile("roster.csv", data, content_type="text/csv")
    return client.post("/api/v1/board/roster", {"file": file, **extra})


def certify(user, board, board_id: str) -> Certification:
    return Certification.objects.create(
        clinician=user,
        board=board,
        board_id_number=board_id,
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )


def test_it_loads_a_roster_and_reports_counts_and_problems(staff_api, board, alice):
    certify(alice, board, "PMR-1001")
    response = send(staff_api, roster(ALICE_ROW, "PMR-3,Bo,Brandt,2,30,2020-01-01,,certified\n"))
    assert response.status_code == 200
    assert response.json() == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "invalid": 1,
        "problems": [
            {
                "row": 3,
                "column": "birth_day",
                "message": "“30” is not a day of month 2: enter 1 to 29",
            }
        ],
        "changed": {"verified": 1, "disputed": 0, "claimed": 0},
    }
    again = send(staff_api, roster(ALICE_ROW)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert again["changed"] == {"verified": 0, "disputed": 0, "claimed": 0}


def test_it_refuses_an_unusable_file_with_400_and_stores_nothing(staff_api):
    response = send(staff_api, b"board_id;last_name\nPMR-1;Abbot\n")
    assert response.status_code == 400
    assert response.json()["error"].startswith(
        "Nothing was stored: row 1: a board roster has exactly the columns"
    )
    assert not RosterEntry.objects.exists()


def test_it_refuses_a_file_over_the_limit_with_413(staff_api, settings):
    settings.ROSTER_MAX_FILE_BYTES = 100
    response = send(staff_api, roster(ALICE_ROW, CAROL_ROW))
    assert response.status_code == 413
    assert not RosterEntry.objects.exists()


def test_it_takes_cp1252_when_told(staff_api):
    data = roster() + "PMR-1,Zoë,Ñúñez,,,2020-01-01,,certified\n".encode("cp1252")
    assert send(staff_api, data).status_code == 400
    assert send(staff_api, data, encoding="cp1252").status_code == 200
    assert RosterEntry.objects.get().last_name == "Ñúñez"


def test_staff_read_their_roster_and_the_claims_it_keeps_off_the_list(staff_api, board, bob):
    certify(bob, board, "PMR-1001")  # Alice's ID, Bob's name: disputed
    rosters.load_board_roster(board, roster(ALICE_ROW, CAROL_ROW))
    summary = staff_api.get("/api/v1/board/roster").json()
    assert summary["entries"] == 2
    assert summary["by_status"]["certified"] == 2
    assert summary["claims"] == {"verified": 0, "claimed": 0, "disputed": 1}
    entries = staff_api.get("/api/v1/board/roster/entries?q=cortez").json()
    assert [e["board_id"] for e in entries["items"]] == ["PMR-1002"]
    entry = staff_api.get("/api/v1/board/roster/entries/pmr-1001").json()
    assert entry["last_name"] == "Abbot"
    assert [(c["name"], c["state"]) for c in entry["claims"]] == [("Bob Brandt", "disputed")]
    claims = staff_api.get("/api/v1/board/roster/claims?state=disputed").json()
    assert claims["count"] == 1
    assert claims["items"][0]["note"].endswith(": roster last name differs")


def test_staff_of_another_board_get_404_for_this_boards_entry(board, other_board_staff):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    other = token_client(other_board_staff)
    assert other.get("/api/v1/board/roster/entries/PMR-1001").status_code == 404
    assert other.get("/api/v1/board/roster").json()["entries"] == 0
    assert send(other, roster(CAROL_ROW)).status_code == 200
    assert not RosterEntry.objects.filter(board=board, board_id_number="PMR-1002").exists()


def test_a_nul_in_the_path_or_search_is_refused_cleanly(staff_api, board):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    # The one rule for NUL on the API (decision 58): 422 naming the field.
    for url, field in (
        ("/api/v1/board/roster/entries/PMR%00", "board_id"),
        ("/api/v1/board/roster/entries?q=a%00", "q"),
    ):
        response = staff_api.get(url)
        assert response.status_code == 422
        assert field in response.content.decode()


def test_a_clinician_cannot_send_a_roster(api, board):
    response = send(api, roster(ALICE_ROW))
    assert response.status_code == 403
    assert not RosterEntry.objects.exists()


def test_me_gives_the_state_of_each_identifier(api, alice, board):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    certify(alice, board, "PMR-1001")
    License.objects.create(clinician=alice, state="TX", number="Q-1")
    data = api.get("/api/v1/me").json()
    day = timezone.localdate().isoformat()
    assert data["profile"]["npi_state"] == "claimed"
    assert data["profile"]["npi_state_note"] == ""
    assert data["licenses"][0]["number_state"] == "claimed"
    assert (
        data["certifications"][0]["board_id_state"],
        data["certifications"][0]["board_id_state_note"],
    ) == ("verified", f"ABPMR roster, {day}")
