"""`cmeledger enroll EMAIL SET` and `cmeledger drop EMAIL SET`: the Requirements page's
rules from the command line, with every refusal in words (issue 19)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from cmeledger.accounts.models import Certification, License
from cmeledger.conftest import make_clinician
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalog(db):
    sync()


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()


def test_enroll_follows_a_set_from_a_chosen_day(alice):
    text = run("enroll", alice.email, "ama-pra-3y", "--from", "2025-03-01")
    assert text == (
        "alice@example.org follows AMA PRA certificate, 3 years (ama-pra-3y) from 2025-03-01.\n"
    )
    row = Enrollment.objects.get(clinician=alice, set_id="ama-pra-3y")
    assert (row.automatic, row.started_on, row.dropped_at) == (False, date(2025, 3, 1), None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody@example.org", "ama-pra-3y"], "No clinician with the email nobody@example.org."),
        (
            ["alice@example.org", "us-zz-md"],
            "alice@example.org: There is no requirement set “us-zz-md”.",
        ),
        (
            ["alice@example.org", "us-ny-md"],
            "alice@example.org: New York physician registration .*follows from a license",
        ),
        (
            ["alice@example.org", "abpmr-moc-10y"],
            "alice@example.org: ABPMR MOC, legacy 10-year cycle follows from a board certification",
        ),
        (
            ["alice@example.org", "ama-pra-3y", "--from", "1/3/2025"],
            "--from must be a date written YYYY-MM-DD, not '1/3/2025'.",
        ),
    ],
)
def test_enroll_refuses_with_the_reason(alice, arguments, message):
    with pytest.raises(CommandError, match=message):
        run("enroll", *arguments)
    assert not Enrollment.objects.filter(clinician=alice).exists()


def test_enroll_refuses_a_set_the_degree_does_not_allow(db):
    pat = make_clinician("pat@example.org", "Pat", "Payne", degree="PA")
    with pytest.raises(CommandError, match="only for MD or DO clinicians; your profile says PA"):
        run("enroll", pat.email, "ama-pra-1y")


def test_enroll_twice_is_refused(alice):
    run("enroll", alice.email, "ama-pra-1y", "--from", "2025-01-01")
    with pytest.raises(CommandError, match="You already follow AMA PRA .*, since Jan 1, 2025."):
        run("enroll", alice.email, "ama-pra-1y")


def test_enroll_is_for_clinicians_only(board_staff):
    with pytest.raises(CommandError, match="No clinician with the email"):
        run("enroll", board_staff.email, "ama-pra-1y")


def test_drop_stops_following_and_keeps_the_record(alice):
    run("enroll", alice.email, "ama-pra-1y")
    assert run("drop", alice.email, "ama-pra-1y") == (
        "alice@example.org no longer follows AMA PRA certificate, 1 year (ama-pra-1y; chosen).\n"
    )
    assert Enrollment.objects.get(clinician=alice, set_id="ama-pra-1y").dropped_at is not None


def test_drop_takes_an_automatic_set_too(alice, board):
    License.objects.create(clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28))
    assert "(us-tx-md; TX MD license T1)" in run("drop", alice.email, "us-tx-md")
    # a saved license does not bring the dropped set back
    Certification.objects.create(
        clinician=alice,
        board=board,
        board_id_number="1",
        cycle_start=date(2023, 1, 1),
        cycle_end=date(2027, 12, 31),
    )
    assert Enrollment.objects.get(clinician=alice, set_id="us-tx-md").dropped_at is not None


def test_drop_twice_says_when_it_was_dropped(alice):
    run("enroll", alice.email, "ama-pra-1y")
    run("drop", alice.email, "ama-pra-1y")
    with pytest.raises(
        CommandError, match=r"You stopped following AMA PRA .* on \w+ \d+, \d+ already"
    ):
        run("drop", alice.email, "ama-pra-1y")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody@example.org", "ama-pra-1y"], "No clinician with the email nobody@example.org."),
        (
            ["alice@example.org", "us-zz-md"],
            "alice@example.org: There is no requirement set “us-zz-md”.",
        ),
        (
            ["alice@example.org", "ama-pra-1y"],
            "alice@example.org: You do not follow AMA PRA certificate, 1 year.",
        ),
    ],
)
def test_drop_refuses_with_the_reason(alice, arguments, message):
    with pytest.raises(CommandError, match=message):
        run("drop", *arguments)
