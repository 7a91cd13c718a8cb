"""The clinician's name with the credential of their profession: PA-C for a PA whose
NCCPA certification is current, the degree for nurse practitioners, physicians as before."""

from __future__ import annotations

from datetime import date

import pytest

from cmeledger.accounts.credentials import (
    credential,
    display_name_with_credential,
    license_kind,
    license_words,
)
from cmeledger.accounts.models import Board, Certification, IdentifierState, License, User
from cmeledger.conftest import make_clinician

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def nccpa() -> Board:
    # bodies21 adds the row for real; the test makes its own so it works without it.
    board, _ = Board.objects.get_or_create(
        code="nccpa",
        defaults={"name": "National Commission on Certification of Physician Assistants"},
    )
    return board


@pytest.fixture
def pat() -> User:
    return make_clinician("pat@example.org", "Pat", "Lee", degree="PA")


def certify(user: User, board: Board, start: date, end: date, **extra) -> Certification:
    return Certification.objects.create(
        clinician=user, board=board, cycle_start=start, cycle_end=end, **extra
    )


def test_a_pa_whose_nccpa_certification_is_current_is_pa_c(pat, nccpa):
    certify(pat, nccpa, date(2025, 1, 1), date(2026, 12, 31))
    assert display_name_with_credential(pat, TODAY) == "Pat Lee, PA-C"
    assert credential(pat, TODAY) == "PA-C"


def test_a_pa_whose_nccpa_certification_has_lapsed_is_pa(pat, nccpa):
    certify(pat, nccpa, date(2022, 1, 1), date(2023, 12, 31))
    assert display_name_with_credential(pat, TODAY) == "Pat Lee, PA"


def test_a_pa_whose_nccpa_id_a_roster_disputed_is_not_pa_c(pat, nccpa):
    certify(
        pat,
        nccpa,
        date(2025, 1, 1),
        date(2026, 12, 31),
        board_id_number="1100223",
        board_id_state=IdentifierState.DISPUTED,
    )
    assert display_name_with_credential(pat, TODAY) == "Pat Lee, PA"


def test_without_an_nccpa_board_row_a_pa_is_pa(pat):
    Board.objects.filter(code="nccpa").delete()
    assert display_name_with_credential(pat, TODAY) == "Pat Lee, PA"


def test_another_boards_certification_does_not_make_a_pa_pa_c(pat, board):
    certify(pat, board, date(2025, 1, 1), date(2026, 12, 31))
    assert display_name_with_credential(pat, TODAY) == "Pat Lee, PA"


def test_a_nurse_practitioner_shows_the_degree():
    sam = make_clinician("sam@example.org", "Sam", "Ortiz", degree="NP")
    assert display_name_with_credential(sam, TODAY) == "Sam Ortiz, NP"
    assert credential(sam, TODAY) == "NP"


def test_physicians_stay_as_before(alice, bob, nccpa):
    certify(alice, nccpa, date(2025, 1, 1), date(2026, 12, 31))  # not a PA: no PA-C
    assert display_name_with_credential(alice, TODAY) == "Alice Abbot"
    assert display_name_with_credential(bob, TODAY) == "Bob Brandt"
    assert (credential(alice, TODAY), credential(bob, TODAY)) == ("MD", "DO")


def test_an_account_without_a_name_or_profile_is_its_email_alone(db):
    nameless = make_clinician("np@example.org", "", "", degree="NP")
    assert display_name_with_credential(nameless, TODAY) == "np@example.org"
    bare = User.objects.create_user("bare@example.org", "x" * 20)
    assert display_name_with_credential(bare, TODAY) == "bare@example.org"
    assert credential(bare, TODAY) == ""


def test_licenses_are_named_by_kind_and_state(pat):
    lic = License.objects.create(clinician=pat, state="CA", profession="PA", number="PA 77")
    assert license_words(lic) == "Physician assistant license, California, number PA 77"
    assert license_kind("NP") == "Nurse practitioner license (APRN)"
    assert license_kind("MD") == "Physician license (MD)"
    assert license_kind("other") == "License"
