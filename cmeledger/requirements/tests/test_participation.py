"""Certificates of participation: counted where a set accepts them, explained where not."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest

from cmeledger.requirements.catalog import CatalogError, parse
from cmeledger.requirements.cycles import Window
from cmeledger.requirements.engine import Credit, Facts, Status, evaluate

CYCLE = Window(date(2025, 1, 1), date(2026, 12, 31))
MID = date(2026, 1, 1)


def pa_set(extra: str = "", rules: str = "") -> str:
    """A made-up PA set: 50 Category 1 credits in two years, AMA PRA or AAPA."""
    return (
        textwrap.dedent(
            """\
            id = "test-pa"
            name = "Test PA set"
            authority = "Test PA body"
            kind = "custom"
            version = 1
            effective_from = 2020-01-01
            sources = ["https://example.org"]
            accepted_credit_types = ["ama-pra-1", "aapa-1"]
            """
        )
        + extra
        + textwrap.dedent(
            """
            [cycle]
            months = 24
            anchor = "calendar"
            first_start = 2025-01-01

            [[rules]]
            id = "category-1"
            kind = "minimum-subset"
            name = "50 Category 1 credits"
            credits = 50
            select = { credit_types = ["ama-pra-1", "aapa-1"] }
            source = "s"
            """
        )
        + textwrap.dedent(rules)
    )


ACCEPTING = pa_set('accepted_participation = ["ama-pra-1"]\n')
NOT_ACCEPTING = pa_set()


def credit(n: int, amount: str, kind: str, participation: bool = False, **extra) -> Credit:
    topics = frozenset(extra.pop("topics", ()))
    return Credit(
        f"e{n:03d}",
        date(2025, 6, 1),
        Decimal(amount),
        kind,
        topics,
        title=f"Activity {n}",
        participation=participation,
        **extra,
    )


WORKED = [credit(1, "30", "ama-pra-1", participation=True), credit(2, "20", "aapa-1")]


def category_1(result):
    return next(r for r in result.rules if r.id == "category-1")


def test_a_set_accepting_participation_counts_it_as_its_credit_type():
    # Worked by hand: 30 AMA PRA Category 1 (participation) + 20 AAPA Category 1 = 50 of 50.
    result = evaluate(parse(ACCEPTING, "a.toml"), WORKED, Facts(degree="PA"), MID, CYCLE)
    assert category_1(result).counted == Decimal("50")
    assert category_1(result).status == Status.MET
    words = result.entry("e001").explanation
    assert words[0].startswith("30 counted toward 50 Category 1 credits")
    assert "AMA PRA Category 1 Credit™, certificate of participation" in words[0]


def test_a_set_without_the_key_leaves_participation_out_and_says_why():
    result = evaluate(parse(NOT_ACCEPTING, "n.toml"), WORKED, Facts(degree="PA"), MID, CYCLE)
    assert category_1(result).counted == Decimal("20")
    assert category_1(result).remaining == Decimal("30")
    assert result.entry("e001").counted == 0
    assert result.entry("e001").explanation == [
        "Not counted: certificate of participation for AMA PRA Category 1 Credit™ — "
        "Test PA set does not accept these, only the credit itself."
    ]


def test_participation_for_a_type_the_set_does_not_list_is_not_counted():
    # The set takes AMA PRA certificates of participation, not AAPA ones.
    entries = [credit(1, "30", "aapa-1", participation=True)]
    result = evaluate(parse(ACCEPTING, "a.toml"), entries, Facts(degree="PA"), MID, CYCLE)
    assert category_1(result).counted == 0
    assert "does not accept these" in result.entry("e001").explanation[0]


def test_an_unaccepted_credit_type_is_explained_as_before_even_as_participation():
    entries = [credit(1, "3", "aoa-1a", participation=True)]
    result = evaluate(parse(ACCEPTING, "a.toml"), entries, Facts(degree="PA"), MID, CYCLE)
    assert result.entry("e001").explanation == [
        "Not counted: AOA Category 1-A is not accepted by Test PA set."
    ]


def test_a_total_counts_participation_only_where_accepted():
    total = """
    [[rules]]
    id = "total"
    kind = "minimum-total"
    name = "100 credits"
    credits = 100
    source = "s"
    """
    for text, counted in ((pa_set('accepted_participation = ["ama-pra-1"]\n', total), 50),
                          (pa_set("", total), 20)):  # fmt: skip
        result = evaluate(parse(text, "t.toml"), WORKED, Facts(degree="PA"), MID, CYCLE)
        assert result.total_counted == Decimal(counted)


def test_a_duty_apart_from_the_total_takes_a_participation_certificate_on_its_topic():
    # Like a certificate of attendance (any credit type), the training was taken.
    duty = """
    [[rules]]
    id = "trafficking"
    kind = "topic-duty"
    name = "Human trafficking training"
    credits = 1
    select = { topics = ["human-trafficking"] }
    within_total = false
    source = "s"
    """
    entries = [credit(1, "1", "ama-pra-1", participation=True, topics=["human-trafficking"])]
    result = evaluate(parse(pa_set("", duty), "d.toml"), entries, Facts(degree="PA"), MID, CYCLE)
    trafficking = next(r for r in result.rules if r.id == "trafficking")
    assert trafficking.status == Status.MET
    assert result.total_counted == 0


def test_a_set_must_accept_the_credit_types_whose_participation_it_accepts():
    text = pa_set('accepted_participation = ["ama-pra-2"]\n')
    with pytest.raises(CatalogError, match="accepted_participation: ama-pra-2 not in"):
        parse(text, "bad.toml")


def test_an_unknown_credit_type_in_accepted_participation_is_refused():
    with pytest.raises(CatalogError, match="accepted_participation"):
        parse(pa_set('accepted_participation = ["ama-pra-9"]\n'), "bad.toml")
