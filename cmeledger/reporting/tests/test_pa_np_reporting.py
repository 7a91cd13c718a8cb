"""Partner reporting for PAs and NPs (issue 21): a record names its learner by NCCPA ID
or AANPCB/ANCC certificate number in the `board` and `board_id` columns, checked as a
file row and matched under the same identity rules as a board ID (docs/identity.md)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from cmeledger.accounts.models import Board, Certification, IdentifierState, User
from cmeledger.conftest import make_clinician
from cmeledger.ledger.models import CreditEntry
from cmeledger.reporting import members
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.members import MemberListRejected
from cmeledger.reporting.models import RecordState, ReportedRecord
from cmeledger.reporting.records import Completion, RawRow, raw, validate
from cmeledger.reporting.sample import ensure_organization

TODAY = date(2026, 11, 23)
BODIES = frozenset({"abpmr", "nccpa", "aanpcb", "ancc"})


def pa_row(number: int = 2, **changes: str) -> RawRow:
    values = {
        "record_id": "PA-1",
        "activity_title": "Sepsis update for PAs",
        "completed_on": "2025-05-04",
        "board": "nccpa",
        "board_id": "1234567",
        "first_name": "Pat",
        "last_name": "Park",
        "birth_date": "03/07",
        "credits": "ama-pra-1=2.5",
    }
    values.update(changes)
    return RawRow(number, raw(**values))


@pytest.mark.parametrize(
    ("board", "board_id"),
    [("nccpa", "1234567"), ("aanpcb", "F0123456"), ("ancc", "2019012345")],
)
def test_a_row_naming_a_pa_or_np_by_their_bodys_number_is_a_completion(board, board_id):
    result = validate(pa_row(board=board, board_id=board_id), BODIES, TODAY)
    assert isinstance(result, Completion), result
    assert (result.board, result.board_id) == (board, board_id)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"board": "nbcrna"}, "board", "unknown board 'nbcrna'"),
        ({"board_id": ""}, "board_id", "give the board and the board ID together"),
        (
            {"board_id": "123 4567"},
            "board_id",
            "'123 4567' is not a board ID: use letters, digits and hyphens only",
        ),
        (
            {"board_id": "Pat Park"},
            "board_id",
            "'Pat Park' is not a board ID: use letters, digits and hyphens only",
        ),
        (
            {"board": "ancc", "board_id": "2019/012345"},
            "board_id",
            "'2019/012345' is not a board ID: use letters, digits and hyphens only",
        ),
        (
            {"board_id": "1" * 41},
            "board_id",
            f"'{'1' * 40}' is not a board ID: use at most 40 characters",
        ),
    ],
)
def test_an_unknown_body_or_a_malformed_number_is_refused_by_name(changes, field, message):
    result = validate(pa_row(**changes), BODIES, TODAY)
    assert isinstance(result, list)
    assert [(p.field, p.message) for p in result] == [(field, message)]


def test_a_member_list_takes_nccpa_ids_and_certificate_numbers(db):
    read = members.read(
        io.BytesIO(b"email,npi,board,board_id\n,,nccpa,1234567\n,,ANCC,2019012345\n")
    )
    assert [(m.board, m.board_id) for m in read] == [
        ("nccpa", "1234567"),
        ("ancc", "2019012345"),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b",,nbcrna,1234567", "row 2, board: unknown board 'nbcrna'"),
        (
            b",,nccpa,12 34567",
            "row 2, board_id: '12 34567' is not an ID: use letters, digits and hyphens only",
        ),
    ],
)
def test_a_member_list_with_an_unknown_body_or_a_malformed_number_is_refused(db, line, problem):
    with pytest.raises(MemberListRejected) as refused:
        members.read(io.BytesIO(b"email,npi,board,board_id\n" + line + b"\n"))
    assert refused.value.problems == [problem]


@pytest.fixture
def org(db):
    return ensure_organization("acme-cme", "Acme CME Institute")


def _certify(user: User, body: str, number: str, state: str = IdentifierState.CLAIMED) -> None:
    Certification.objects.create(
        clinician=user,
        board=Board.objects.get(code=body),
        board_id_number=number,
        board_id_state=state,
        cycle_start=date(2025, 1, 1),
        cycle_end=date(2026, 12, 31),
    )


@pytest.fixture
def pat(db) -> User:
    pat = make_clinician("pat@example.org", "Pat", "Park", degree="PA", birth_month=3, birth_day=7)
    _certify(pat, "nccpa", "1234567")
    return pat


def send(org, *rows: RawRow):
    return write_batch(Context.of(org), list(rows))


def test_a_record_with_the_nccpa_id_name_and_birth_date_reaches_the_pa(org, pat):
    [outcome] = send(org, pa_row())
    assert outcome.state == RecordState.MATCHED
    entry = CreditEntry.objects.get()
    assert (entry.clinician, entry.reported_by) == (pat, org)
    record = ReportedRecord.objects.get()
    assert record.match_evidence["identifier"] == "board"


def test_a_claimed_nccpa_id_without_a_birth_date_waits_as_a_board_id_would(org, pat):
    [outcome] = send(org, pa_row(birth_date=""))
    assert outcome.state == RecordState.UNMATCHED
    assert "only claimed" in ReportedRecord.objects.get().wait_reason
    assert not CreditEntry.objects.exists()


def test_an_nccpa_id_its_roster_verified_attaches_on_the_id_and_last_name(org, pat):
    Certification.objects.filter(clinician=pat).update(board_id_state=IdentifierState.VERIFIED)
    [outcome] = send(org, pa_row(birth_date=""))
    assert outcome.state == RecordState.MATCHED
    assert CreditEntry.objects.get().clinician == pat


def test_the_same_number_at_another_body_is_another_identifier(org, pat):
    # 1234567 is Pat's NCCPA ID; as an ANCC certificate number it names nobody here.
    [outcome] = send(org, pa_row(board="ancc"))
    assert outcome.state == RecordState.UNMATCHED
    assert not CreditEntry.objects.exists()


@pytest.mark.parametrize(("body", "number"), [("aanpcb", "F0123456"), ("ancc", "2019012345")])
def test_a_record_with_an_np_certificate_number_reaches_the_np(org, body, number):
    nora = make_clinician(
        "nora@example.org", "Nora", "Nash", degree="NP", birth_month=9, birth_day=1
    )
    _certify(nora, body, number)
    [outcome] = send(
        org,
        pa_row(
            board=body, board_id=number, first_name="Nora", last_name="Nash", birth_date="09/01"
        ),
    )
    assert outcome.state == RecordState.MATCHED
    assert CreditEntry.objects.get().clinician == nora
