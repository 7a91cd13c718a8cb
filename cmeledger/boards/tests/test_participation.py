"""Board-wide runs count certificates of participation exactly as the calculator does."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cmeledger.boards import compliance
from cmeledger.boards.tests.test_compliance import ON, assert_same_as_calculator, diplomate
from cmeledger.ledger.models import CreditEntry
from cmeledger.requirements.catalog import parse
from cmeledger.requirements.sync import sync, version_row


def board_set(set_id: str, participation: str) -> str:
    """A made-up board set: 50 Category 1 credits and a 100-credit total in five years."""
    return f"""\
id = "{set_id}"
name = "Made-up PA programme"
authority = "Test board"
kind = "board"
version = 1
effective_from = 2020-01-01
sources = ["https://example.org/board-policy"]
accepted_credit_types = ["ama-pra-1", "aapa-1", "ama-pra-2"]
{participation}

[applies]
boards = ["abpmr"]

[cycle]
months = 60
anchor = "certification"

[[rules]]
id = "total"
kind = "minimum-total"
name = "100 credits"
credits = 100
source = "s"

[[rules]]
id = "category-1"
kind = "minimum-subset"
name = "50 Category 1 credits"
credits = 50
select = {{ credit_types = ["ama-pra-1", "aapa-1"] }}
source = "s"

[[rules]]
id = "category-2"
kind = "maximum-subset"
name = "Category 2 at most 50"
credits = 50
select = {{ credit_types = ["ama-pra-2"] }}
source = "s"
"""


@pytest.fixture
def sets(db, board):
    sync()
    version_row(
        parse(board_set("test-pa-accepting", 'accepted_participation = ["ama-pra-1"]'), "a"),
        board=board,
    ).save()
    version_row(parse(board_set("test-pa-plain", ""), "p"), board=board).save()


def ledger(user, rnd: random.Random, start: date) -> None:
    rows = []
    for _ in range(rnd.randrange(0, 40)):
        day = start + timedelta(days=rnd.randrange(-100, 5 * 365))
        rows.append(
            CreditEntry(
                clinician=user,
                title="Generated activity",
                completed_on=min(day, ON),
                credit_type=rnd.choice(["ama-pra-1", "aapa-1", "ama-pra-2", "attendance"]),
                awarded_as=rnd.choice(["credit", "participation"]),
                credits=Decimal(rnd.randrange(1, 64)) / 4,
            )
        )
    CreditEntry.objects.bulk_create(rows)


@pytest.mark.parametrize("set_id", ["test-pa-accepting", "test-pa-plain"])
def test_the_fast_path_counts_participation_as_the_calculator_does(sets, board, set_id):
    rnd = random.Random(21)
    for n in range(12):
        start = date(2022 + rnd.randrange(0, 3), rnd.randrange(1, 13), 1)
        user = diplomate(n, board, start, date(start.year + 5, start.month, 1) - timedelta(1))
        ledger(user, rnd, start)
    run = compliance.compute(board, set_id, on=ON)
    assert (run.cycles, run.by_calculator) == (12, 0)
    assert assert_same_as_calculator(run, set_id) == 12


def test_the_worked_case_is_met_only_where_participation_is_accepted(sets, board):
    user = diplomate(1, board, date(2022, 1, 1), date(2026, 12, 31))
    for credit_type, amount, received in (
        ("ama-pra-1", 30, "participation"),
        ("aapa-1", 20, "credit"),
        ("ama-pra-2", 50, "credit"),
    ):
        CreditEntry.objects.create(
            clinician=user,
            title="Activity",
            completed_on=date(2024, 3, 1),
            credit_type=credit_type,
            credits=Decimal(amount),
            awarded_as=received,
        )
    accepting = compliance.compute(board, "test-pa-accepting", on=ON).rows.get()
    plain = compliance.compute(board, "test-pa-plain", on=ON).rows.get()
    assert (accepting.status, accepting.counted) == ("met", Decimal(100))
    assert plain.counted == Decimal(70)
    assert plain.status != "met"
    assert "50 Category 1 credits: 30 more" in plain.missing
