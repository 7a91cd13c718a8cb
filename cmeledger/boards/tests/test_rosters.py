"""Rosters: reading the files, upserting them, and what they do to clinicians' claims."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmeledger.accounts.models import Certification, ClinicianProfile, IdentifierState, License
from cmeledger.boards import compliance, listing, rosters
from cmeledger.boards.models import LicenseRosterEntry, RosterEntry
from cmeledger.boards.roster_files import RosterRejected, read_board_roster
from cmeledger.conftest import make_clinician

pytestmark = pytest.mark.django_db

HEADER = "board_id,first_name,last_name,birth_month,birth_day,certification_start,certification_end,status\n"
LICENSE_HEADER = (
    "state,license_number,profession,first_name,last_name,birth_month,birth_day,expires_on,status\n"
)
ALICE_ROW = "pmr-1001 ,Alice,Abbot,3,14,2022-01-01,2026-12-31,certified\n"
CAROL_ROW = "PMR-1002,Carol,Cortez,7,2,2019-01-01,,certified\n"


def roster(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def certify(user, board, board_id: str) -> Certification:
    return Certification.objects.create(
        clinician=user,
        board=board,
        board_id_number=board_id,
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )


def state_of(certification: Certification) -> tuple[str, str]:
    certification.refresh_from_db()
    return certification.board_id_state, certification.board_id_state_note


def today_note(board, reason: str = "") -> str:
    note = f"{board.code.upper()} roster, {timezone.localdate().isoformat()}"
    return f"{note}: {reason}" if reason else note


@pytest.fixture
def alice_born(alice):
    ClinicianProfile.objects.filter(user=alice).update(birth_month=3, birth_day=14)
    return alice


# --- reading ---------------------------------------------------------------------------


def test_it_reads_a_board_roster_with_ids_stripped_and_upper_case():
    checked = read_board_roster(roster(ALICE_ROW, CAROL_ROW))
    assert checked.problems == []
    assert sorted(checked.rows) == ["PMR-1001", "PMR-1002"]
    alice = checked.rows["PMR-1001"]
    assert (alice.last_name, alice.birth_month, alice.birth_day) == ("Abbot", 3, 14)
    assert alice.certification_end == date(2026, 12, 31)
    assert checked.rows["PMR-1002"].certification_end is None


def test_it_reads_columns_in_any_order_and_a_utf8_bom():
    data = (
        "\ufefflast_name,board_id,status,first_name,birth_day,birth_month,"
        "certification_end,certification_start\nAbbot,PMR-1,Certified,,,,,2020-01-01\n"
    ).encode()
    assert list(read_board_roster(data).rows) == ["PMR-1"]


def test_it_reports_each_bad_row_by_row_and_column_and_keeps_the_good_ones():
    checked = read_board_roster(
        roster(
            ALICE_ROW,  # row 2
            "PMR-3,Bo,Brandt,2,30,2020-01-01,,certified\n",  # 3
            "PMR-4,Bo,Brandt,2,,2020-01-01,,certified\n",  # 4
            "PMR-5,Bo,,,,2020-01-01,,certified\n",  # 5
            'PMR-6,Bo,=HYPERLINK("http://x"),,,2020-01-01,,certified\n',  # 6
            "PMR-7,Bo,Brandt,,,01/02/2020,,certified\n",  # 7
            "PMR-8,Bo,Brandt,,,2020-01-01,2019-01-01,certified\n",  # 8
            "PMR-9,Bo,Brandt,,,2020-01-01,,lapsed\n",  # 9
            "PMR 10!,Bo,Brandt,,,2020-01-01,,certified\n",  # 10
            "PMR-1001,Al,Abbot,,,2020-01-01,,expired\n",  # 11
            "PMR-12,Bo,Brandt\n",  # 12
            CAROL_ROW,  # 13
        )
    )
    assert [str(p) for p in checked.problems] == [
        "row 3, column birth_day: “30” is not a day of month 2: enter 1 to 29",
        "row 4, column birth_day: is empty while birth_month is given: give both or neither",
        "row 5, column last_name: is required",
        "row 6, column last_name: starts with “=”, which a spreadsheet runs as a formula",
        "row 7, column certification_start: enter a date as YYYY-MM-DD, not “01/02/2020”",
        "row 8, column certification_end: must be after certification_start",
        "row 9, column status: is “lapsed”: use one of certified, expired, revoked, inactive",
        "row 10, column board_id: “PMR 10!” is not an ID: use letters, digits, dots, "
        "hyphens and underscores",
        "row 11, column board_id: appears again; row 2 is kept",
        "row 12: has 3 fields; the header has 8",
    ]
    assert sorted(checked.rows) == ["PMR-1001", "PMR-1002"]
    assert checked.rows["PMR-1001"].status == "certified"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (
            b"%PDF-1.7\n\x00\x01binary",
            "This is not a CSV text file: it holds binary content "
            "(a NUL byte at byte 10). Save the roster as CSV and send it again.",
        ),
        (
            HEADER.encode() + b"PMR-1,Al,Abbot\x00,,,2020-01-01,,certified\n",
            "This is not a CSV text file: it holds binary content (a NUL byte at byte 112). "
            "Save the roster as CSV and send it again.",
        ),
        (
            HEADER.encode() + "PMR-1,Zoë,Ñúñez,,,2020-01-01,,certified\n".encode("cp1252"),
            "The file is not valid UTF-8 text (byte 106); save it as “CSV UTF-8”, or choose "
            "cp1252 if it was saved as “CSV (Comma delimited)” on Windows.",
        ),
        (
            b'{"board_id": "PMR-1"}\n',
            "row 1: a board roster has exactly the columns board_id,first_name,last_name,"
            "birth_month,birth_day,certification_start,certification_end,status (in any order); "
            'unknown: “{"board_id": "pmr-1"}”; missing: board_id,',
        ),
        (HEADER.encode(), "The file has a header but no rows."),
    ],
    ids=["empty", "pdf", "nul-later", "cp1252", "json", "header-only"],
)
def test_it_refuses_a_file_that_is_not_a_roster_and_stores_nothing(board, data, message):
    with pytest.raises(RosterRejected) as refused:
        rosters.load_board_roster(board, data)
    assert str(refused.value).startswith(message)
    assert not RosterEntry.objects.exists()


def test_it_reads_cp1252_when_told():
    data = HEADER.encode() + "PMR-1,Zoë,Ñúñez,,,2020-01-01,,certified\n".encode("cp1252")
    assert read_board_roster(data, "cp1252").rows["PMR-1"].last_name == "Ñúñez"


def test_it_refuses_a_file_over_the_size_limit(board, settings):
    settings.ROSTER_MAX_FILE_BYTES = 1_048_576
    data = roster(*[f"PMR-{n},Al,Abbot,,,2020-01-01,,certified\n" for n in range(40_000)])
    with pytest.raises(RosterRejected) as refused:
        rosters.load_board_roster(board, data)
    assert str(refused.value) == (
        "The file is 1.6 MB; a roster may be at most 1 MB. Split it into several files: "
        "each adds to the roster."
    )
    assert not RosterEntry.objects.exists()


# --- loading -----------------------------------------------------------------------------


def test_it_stores_the_good_rows_and_counts_them(board):
    result = rosters.load_board_roster(board, roster(ALICE_ROW, ",Bo,,,,,,\n", CAROL_ROW))
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 2, 0, 0)
    assert [str(p) for p in result.problems] == ["row 3, column board_id: is required"]
    entry = RosterEntry.objects.get(board=board, board_id_number="PMR-1001")
    assert (entry.first_name, entry.last_name, entry.status) == ("Alice", "Abbot", "certified")


def test_sending_the_same_file_again_changes_nothing(board, alice_born):
    certify(alice_born, board, "PMR-1001")
    data = roster(ALICE_ROW, CAROL_ROW)
    rosters.load_board_roster(board, data)
    before = list(RosterEntry.objects.values_list("pk", "updated_at"))
    with CaptureQueriesContext(connection) as queries:
        again = rosters.load_board_roster(board, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (again.effect.verified, again.effect.disputed, again.effect.claimed) == (0, 0, 0)
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert list(RosterEntry.objects.values_list("pk", "updated_at")) == before


def test_a_changed_row_is_updated_and_the_others_left_alone(board):
    rosters.load_board_roster(board, roster(ALICE_ROW, CAROL_ROW))
    carol_before = RosterEntry.objects.get(board_id_number="PMR-1002").updated_at
    result = rosters.load_board_roster(
        board, roster(ALICE_ROW.replace("certified", "revoked"), CAROL_ROW)
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert RosterEntry.objects.get(board_id_number="PMR-1001").status == "revoked"
    assert RosterEntry.objects.get(board_id_number="PMR-1002").updated_at == carol_before


def test_rows_left_out_of_a_later_file_stay_on_the_roster(board):
    rosters.load_board_roster(board, roster(ALICE_ROW, CAROL_ROW))
    rosters.load_board_roster(board, roster(CAROL_ROW))
    assert RosterEntry.objects.filter(board=board).count() == 2


# --- the effect on claims ---------------------------------------------------------------


def test_a_claim_the_roster_agrees_with_is_verified(board, alice_born):
    certification = certify(alice_born, board, "pmr-1001")
    with mock.patch("cmeledger.boards.rosters.identifiers_changed") as changed:
        result = rosters.load_board_roster(board, roster(ALICE_ROW))
    assert state_of(certification) == (IdentifierState.VERIFIED, today_note(board))
    assert result.effect.verified == 1
    changed.assert_called_once_with({alice_born.pk})


def test_a_claim_whose_last_name_differs_is_disputed(board, bob):
    certification = certify(bob, board, "PMR-1001")
    rosters.load_board_roster(board, roster(ALICE_ROW))
    assert state_of(certification) == (
        IdentifierState.DISPUTED,
        today_note(board, "roster last name differs"),
    )


def test_a_claim_whose_birth_date_differs_is_disputed(board, alice):
    ClinicianProfile.objects.filter(user=alice).update(birth_month=3, birth_day=15)
    certification = certify(alice, board, "PMR-1001")
    rosters.load_board_roster(board, roster(ALICE_ROW))
    assert state_of(certification) == (
        IdentifierState.DISPUTED,
        today_note(board, "roster month/day of birth differs"),
    )


def test_a_birth_date_only_one_side_has_does_not_count_against_the_claim(board, alice):
    certification = certify(alice, board, "PMR-1001")  # Alice gave no birth date
    rosters.load_board_roster(board, roster(ALICE_ROW))
    assert state_of(certification)[0] == IdentifierState.VERIFIED


def test_names_are_compared_after_normalising(board):
    user = make_clinician("ob@example.org", "Sean", "O'Brien-Smith Jr.")
    certification = certify(user, board, "PMR-7")
    rosters.load_board_roster(board, roster("PMR-7,Sean,OBRIEN SMITH,,,2020-01-01,,certified\n"))
    assert state_of(certification)[0] == IdentifierState.VERIFIED


def test_a_claim_not_on_the_roster_stays_claimed(board, alice):
    certification = certify(alice, board, "PMR-4444")
    rosters.load_board_roster(board, roster(ALICE_ROW))
    assert state_of(certification) == (IdentifierState.CLAIMED, "")


def test_a_state_set_by_site_staff_is_not_overridden(board, bob):
    certification = certify(bob, board, "PMR-1001")
    note = "Site staff: checked the diploma, 2026-11-30"
    Certification.objects.filter(pk=certification.pk).update(
        board_id_state=IdentifierState.VERIFIED, board_id_state_note=note
    )
    rosters.load_board_roster(board, roster(ALICE_ROW))
    assert state_of(certification) == (IdentifierState.VERIFIED, note)


def test_another_boards_roster_does_not_judge_this_boards_claims(board, other_board, alice):
    certification = certify(alice, board, "PMR-1001")
    rosters.load_board_roster(other_board, roster(ALICE_ROW))
    assert state_of(certification) == (IdentifierState.CLAIMED, "")


def test_two_accounts_claiming_one_board_id_are_both_disputed(board, alice):
    namesake = make_clinician("alice2@example.org", "Alicia", "Abbot")
    first, second = certify(alice, board, "PMR-1001"), certify(namesake, board, "PMR-1001")
    rosters.load_board_roster(board, roster(ALICE_ROW))
    reason = today_note(board, "board ID claimed by more than one account")
    assert state_of(first) == state_of(second) == (IdentifierState.DISPUTED, reason)
    second.delete()
    assert state_of(first) == (IdentifierState.VERIFIED, today_note(board))


def test_a_certification_saved_after_the_roster_is_judged_at_once(board, alice, bob):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    mine = certify(alice, board, "PMR-1001")
    assert state_of(mine) == (IdentifierState.VERIFIED, today_note(board))
    theirs = certify(bob, board, "pmr-1001")
    assert state_of(theirs)[0] == IdentifierState.DISPUTED


def test_changing_the_board_id_to_one_off_the_roster_makes_it_claimed_again(board, alice):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    certification = certify(alice, board, "PMR-1001")
    certification.refresh_from_db()
    certification.board_id_number = "PMR-9999"
    certification.save()
    assert state_of(certification) == (IdentifierState.CLAIMED, "")


def test_moving_a_verified_certification_to_a_board_without_a_roster_makes_it_claimed(
    board, other_board, alice
):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    certification = certify(alice, board, "PMR-1001")
    certification.refresh_from_db()
    certification.board = other_board
    certification.save()
    assert state_of(certification) == (IdentifierState.CLAIMED, "")


def test_a_license_moved_to_another_number_loses_the_rosters_verdict(alice):
    rosters.load_license_roster("TX", license_roster("TX,Q-123,MD,Alice,Abbot,,,,active\n"))
    mine = License.objects.create(clinician=alice, state="TX", profession="MD", number="Q-123")
    mine.refresh_from_db()
    mine.state = "CA"
    mine.save()
    mine.refresh_from_db()
    assert (mine.number_state, mine.number_state_note) == (IdentifierState.CLAIMED, "")


def test_a_clinician_who_changes_their_last_name_is_judged_again(board, alice):
    rosters.load_board_roster(board, roster(ALICE_ROW))
    certification = certify(alice, board, "PMR-1001")
    alice.last_name = "Someone-Else"
    alice.save()
    assert state_of(certification) == (
        IdentifierState.DISPUTED,
        today_note(board, "roster last name differs"),
    )


# --- license rosters ---------------------------------------------------------------------


def license_roster(*rows: str) -> bytes:
    return (LICENSE_HEADER + "".join(rows)).encode()


def test_a_license_roster_verifies_agreeing_claims_and_disputes_the_others(alice, bob):
    mine = License.objects.create(clinician=alice, state="TX", profession="MD", number="q-123")
    theirs = License.objects.create(clinician=bob, state="TX", profession="DO", number="R-9")
    unlisted = License.objects.create(clinician=bob, state="TX", profession="MD", number="R-9")
    result = rosters.load_license_roster(
        "TX",
        license_roster(
            "TX,Q-123,MD,Alice,Abbot,,,2027-08-31,active\n",
            "tx,R-9,do,Robert,Smith,,,,active\n",
            "CA,A-1,MD,Al,Abbot,,,,active\n",
        ),
    )
    assert [str(p) for p in result.problems] == [
        "row 4, column state: is “CA”: this is the TX roster"
    ]
    day = timezone.localdate().isoformat()
    mine.refresh_from_db(), theirs.refresh_from_db(), unlisted.refresh_from_db()
    assert (mine.number_state, mine.number_state_note) == (
        IdentifierState.VERIFIED,
        f"TX license roster, {day}",
    )
    assert (theirs.number_state, theirs.number_state_note) == (
        IdentifierState.DISPUTED,
        f"TX license roster, {day}: roster last name differs",
    )
    assert unlisted.number_state == IdentifierState.CLAIMED
    assert LicenseRosterEntry.objects.count() == 2
    again = rosters.load_license_roster(
        "TX", license_roster("TX,Q-123,MD,Alice,Abbot,,,2027-08-31,active\n")
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_license_added_after_the_roster_is_judged_at_once(alice):
    rosters.load_license_roster("TX", license_roster("TX,Q-123,MD,Alice,Abbot,,,,active\n"))
    mine = License.objects.create(clinician=alice, state="TX", profession="MD", number="Q-123")
    mine.refresh_from_db()
    assert mine.number_state == IdentifierState.VERIFIED


# --- the diplomate list --------------------------------------------------------------------


def test_without_a_roster_every_declared_certification_is_listed(board, alice, bob):
    certify(alice, board, "PMR-1001")
    certify(bob, board, "")
    assert set(listing.diplomates(board)) == {alice, bob}
    assert listing.unlisted_counts(board) == {"claimed": 0, "disputed": 0}


def test_with_a_roster_only_verified_certifications_are_listed(board, alice, bob):
    from cmeledger.requirements.sync import sync

    sync()
    carol = make_clinician("carol@example.org", "Carol", "Cortez")
    certify(alice, board, "PMR-1001")
    certify(bob, board, "PMR-1002")  # Carol's ID: disputed
    certify(carol, board, "PMR-5555")  # not on the roster: claimed
    before = compliance.compute(board, "abpmr-cc")
    assert before.cycles == 3
    rosters.load_board_roster(board, roster(ALICE_ROW, CAROL_ROW))
    assert list(listing.diplomates(board)) == [alice]
    assert listing.is_diplomate(board, alice.pk) and not listing.is_diplomate(board, bob.pk)
    assert listing.unlisted_counts(board) == {"claimed": 1, "disputed": 1}
    # The older snapshot's rows are filtered at once; a new run holds only Alice.
    assert [r.clinician for r in listing.rows(before, listing.Filters())] == [alice]
    after = compliance.compute(board, "abpmr-cc")
    assert (after.cycles, after.diplomates) == (1, 1)


# --- the command line --------------------------------------------------------------------


def test_the_command_loads_a_board_roster_and_prints_the_counts(board, alice, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    certify(alice, board, "PMR-1001")
    path = tmp_path / "abpmr.csv"
    path.write_bytes(roster(ALICE_ROW, ",Bo,Brandt,,,2020-01-01,,certified\n"))
    out, err = StringIO(), StringIO()
    call_command("roster", "board", "ABPMR", str(path), stdout=out, stderr=err)
    assert err.getvalue() == "row 3, column board_id: is required\n"
    assert out.getvalue() == (
        f"Loaded {path} into the ABPMR roster: 2 rows read, 1 added, 0 updated, 0 unchanged, "
        "1 with problems (not stored). Claims: 1 verified, 0 disputed, 0 back to claimed.\n"
    )


def test_the_command_loads_a_license_roster(alice, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    License.objects.create(clinician=alice, state="TX", profession="MD", number="Q-123")
    path = tmp_path / "tx.csv"
    path.write_bytes(license_roster("TX,Q-123,MD,Alice,Abbot,,,,active\n"))
    out = StringIO()
    call_command("roster", "license", "tx", str(path), stdout=out)
    assert "into the TX license roster: 1 row read, 1 added" in out.getvalue()
    assert License.objects.get().number_state == IdentifierState.VERIFIED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["board", "nope"], "No board with the code 'nope'; the codes are listed in the admin"),
        (["license", "XX"], "'XX' is not a state code such as TX."),
    ],
)
def test_the_command_refuses_an_unknown_board_or_state(board, tmp_path, args, message):
    from django.core.management import CommandError, call_command

    path = tmp_path / "r.csv"
    path.write_bytes(roster(ALICE_ROW))
    with pytest.raises(CommandError) as refused:
        call_command("roster", *args, str(path))
    assert str(refused.value).startswith(message)
    assert not RosterEntry.objects.exists()


def test_the_command_refuses_an_unusable_file_and_stores_nothing(board, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "r.csv"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(CommandError) as refused:
        call_command("roster", "board", "abpmr", str(path))
    assert str(refused.value) == (
        f"{path}: nothing was stored: This is not a CSV text file: it holds binary content "
        "(a NUL byte at byte 1). Save the roster as CSV and send it again."
    )
    assert not RosterEntry.objects.exists()
