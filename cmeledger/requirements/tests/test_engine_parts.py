"""Rules over a part of the cycle, components each year, and a cure after the cycle, on
small hand-made sets (the catalog's own cases are in catalog_cases/round_two.py)."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest

from cmeledger.requirements.catalog import CatalogError, parse
from cmeledger.requirements.cycles import Window, years_of
from cmeledger.requirements.engine import Credit, Facts, Status, evaluate

# A four-year calendar cycle: years 1-2 are 2025-2026, years 3-4 are 2027-2028.
CYCLE = Window(date(2025, 1, 1), date(2028, 12, 31))
HEAD = """
id = "test-set"
name = "Test set"
authority = "Test board"
kind = "custom"
version = 1
effective_from = 2020-01-01
sources = ["https://example.org"]
accepted_credit_types = ["ama-pra-1", "ama-pra-2"]
[cycle]
months = 48
anchor = "calendar"
first_start = 2025-01-01
"""
HALVES = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "40 credits"
credits = 40
source = "s"

[[rules]]
id = "early"
kind = "minimum-subset"
name = "20 credits in years 1-2"
credits = 20
select = {}
part = { years = [1, 2] }
source = "s"

[[rules]]
id = "late"
kind = "minimum-subset"
name = "20 credits in years 3-4"
credits = 20
select = {}
part = { years = [3, 4] }
source = "s"
"""
YEARLY = """
[[rules]]
id = "assessment"
kind = "component"
name = "An assessment each year"
component = "longitudinal-assessment"
each_year = true
source = "s"
"""
CURE = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "40 credits"
credits = 40
source = "s"

[[rules]]
id = "ethics"
kind = "minimum-subset"
name = "2 h ethics"
credits = 2
select = { topics = ["ethics"], credit_types = ["ama-pra-1"] }
source = "s"

[carry_forward]
max_credits = 40
source = "s"

[cure]
days = 30
source = "s"
"""


def make_set(rules: str):
    return parse(HEAD + textwrap.dedent(rules), "test-set-v1.toml")


def credit(n: int, amount: str, on: date, kind: str = "ama-pra-1", **extra) -> Credit:
    topics = frozenset(extra.pop("topics", ()))
    return Credit(f"e{n:03d}", on, Decimal(amount), kind, topics, title=f"Activity {n}", **extra)


def rule(result, rule_id: str):
    return next(r for r in result.rules if r.id == rule_id)


def test_the_years_of_a_cycle_are_counted_from_its_start():
    assert years_of(CYCLE, 3, 4) == Window(date(2027, 1, 1), date(2028, 12, 31))
    july = Window(date(2023, 7, 1), date(2028, 6, 30))
    assert years_of(july, 1, 1) == Window(date(2023, 7, 1), date(2024, 6, 30))
    # The last year ends with the cycle, however short it is.
    short = Window(date(2025, 1, 1), date(2026, 3, 31))
    assert years_of(short, 2, 2) == Window(date(2026, 1, 1), date(2026, 3, 31))


def test_a_part_counts_only_its_own_years_and_says_so():
    result = evaluate(
        make_set(HALVES),
        [credit(1, "30", date(2026, 12, 31)), credit(2, "10", date(2027, 1, 1))],
        Facts(),
        date(2029, 1, 1),
        cycle=CYCLE,
    )
    assert (rule(result, "early").status, rule(result, "early").counted) == (
        Status.MET,
        Decimal(30),
    )
    late = rule(result, "late")
    assert (late.status, late.counted, late.due) == (Status.NOT_MET, Decimal(10), CYCLE.end)
    assert late.explanation == (
        "10.0 of 20.0 counted in years 3–4 of the cycle (2027-01-01 to 2028-12-31); "
        "10.0 still needed by 2028-12-31."
    )
    assert rule(result, "total").status == Status.MET
    assert result.status == Status.NOT_MET


def test_a_part_gone_by_is_lost_and_no_longer_listed_as_needed():
    result = evaluate(
        make_set(HALVES),
        [credit(1, "10", date(2025, 6, 1))],
        Facts(),
        date(2027, 6, 1),
        cycle=CYCLE,
    )
    early = rule(result, "early")
    assert (early.status, early.due) == (Status.NOT_MET, date(2026, 12, 31))
    assert result.status == Status.NOT_MET  # lost, though the cycle runs to 2028
    assert {n.rule_id: n.due for n in result.needed} == {
        "total": CYCLE.end,
        "late": CYCLE.end,
    }


def test_a_part_the_cycle_does_not_reach_does_not_apply():
    result = evaluate(
        make_set(HALVES),
        [credit(1, "40", date(2025, 6, 1))],
        Facts(),
        date(2025, 12, 31),
        cycle=Window(date(2025, 1, 1), date(2026, 6, 30)),  # a short cycle, given as such
    )
    late = rule(result, "late")
    assert late.status == Status.NOT_APPLICABLE
    assert late.explanation == "Does not apply: the cycle 2025-01-01 to 2026-06-30 has no year 3."


def test_a_yearly_component_names_the_missing_year_the_open_one_and_those_to_come():
    result = evaluate(
        make_set(YEARLY),
        [credit(1, "1", date(2025, 3, 1), activity_kind="longitudinal-assessment")],
        Facts(),
        date(2027, 2, 1),
        cycle=CYCLE,
    )
    assessment = rule(result, "assessment")
    assert assessment.status == Status.NOT_MET
    assert (assessment.counted, assessment.remaining) == (Decimal(1), Decimal(3))
    assert assessment.explanation == (
        "A record in each of years 1–4: year 1 on record; year 2 (2026-01-01 to 2026-12-31) "
        "missing; year 3 still needed by 2027-12-31; year 4 from 2028-01-01."
    )


def test_a_yearly_component_with_every_year_so_far_is_on_track_and_due_this_year():
    records = [
        credit(i, "1", date(year, 3, 1), activity_kind="longitudinal-assessment")
        for i, year in enumerate((2025, 2026))
    ]
    result = evaluate(make_set(YEARLY), records, Facts(), date(2027, 2, 1), cycle=CYCLE)
    assessment = rule(result, "assessment")
    assert (assessment.status, assessment.due) == (Status.ON_TRACK, date(2027, 12, 31))
    assert [n.due for n in result.needed] == [date(2027, 12, 31)]


def test_a_shortfall_made_up_after_the_cycle_counts_for_it_and_the_entry_says_when():
    result = evaluate(
        make_set(CURE),
        [
            credit(1, "38", date(2026, 6, 1)),
            credit(2, "5", date(2029, 1, 20), topics=["ethics"]),
        ],
        Facts(),
        date(2029, 2, 15),
        cycle=CYCLE,
    )
    total, ethics = rule(result, "total"), rule(result, "ethics")
    assert (total.status, total.counted) == (Status.MET, Decimal(40))
    assert (ethics.status, ethics.counted) == (Status.MET, Decimal(2))
    assert total.explanation == (
        "40.0 of 40.0 counted, including 2.0 completed after 2028-12-31 to make up the shortfall."
    )
    entry = result.entry("e002")
    assert entry is not None and entry.counted == Decimal(2)
    assert entry.explanation[0].endswith(
        ", after the cycle 2025-01-01 to 2028-12-31, in time to make up its shortfall "
        "(by 2029-01-30)."
    )
    assert result.carry_out == 0  # a cure never makes an excess


def test_while_a_cure_is_open_the_shortfall_is_behind_with_the_cure_deadline():
    result = evaluate(
        make_set(CURE),
        [credit(1, "38", date(2026, 6, 1), topics=["ethics"])],
        Facts(),
        date(2029, 1, 10),
        cycle=CYCLE,
    )
    total = rule(result, "total")
    assert (total.status, total.due) == (Status.BEHIND, date(2029, 1, 30))
    assert total.explanation.endswith(
        "2.0 still needed by 2029-01-30, within the 30 days after 2028-12-31 in which a "
        "shortfall may be made up."
    )
    assert result.status == Status.BEHIND
    assert [(n.rule_id, n.due) for n in result.needed] == [("total", date(2029, 1, 30))]
    after = evaluate(make_set(CURE), [], Facts(), date(2029, 1, 31), cycle=CYCLE)
    assert after.status == Status.NOT_MET and after.needed == []


def test_a_set_without_a_cure_is_not_met_the_day_after_its_cycle():
    without = make_set(CURE.split("[cure]")[0])
    result = evaluate(without, [], Facts(), date(2029, 1, 1), cycle=CYCLE)
    assert rule(result, "total").status == Status.NOT_MET


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        (
            HALVES.replace("years = [3, 4]", "years = [3, 5]"),
            "rules: late: part ends in year 5, after the 48-month cycle",
        ),
        (HALVES.replace("years = [3, 4]", "years = [4, 3]"), "first <= last"),
        (HALVES.replace("years = [3, 4]", "years = [0, 2]"), "first <= last"),
        (HALVES.replace("years = [3, 4]", 'years = "3-4"'), "rules[2].part.years"),
        (YEARLY.replace("each_year = true", "each_year = true\nevery_years = 2"), "every_years"),
        (CURE.replace("days = 30", "days = 0"), "cure.days"),
        (CURE.replace('days = 30\nsource = "s"', "days = 30"), "cure.source"),
    ],
)
def test_bad_parts_yearly_components_and_cures_are_refused_naming_the_key(rules, problem):
    with pytest.raises(CatalogError) as error:
        make_set(rules)
    assert problem in str(error.value)
