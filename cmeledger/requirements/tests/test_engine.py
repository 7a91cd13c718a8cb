"""The calculator on small hand-made sets: each rule kind, caps, shares, weights, carry."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest

from cmeledger.requirements.catalog import parse
from cmeledger.requirements.cycles import Anchors, Window
from cmeledger.requirements.engine import Credit, Facts, Status, evaluate

CYCLE = Window(date(2025, 1, 1), date(2026, 12, 31))
MID = date(2026, 1, 1)
AFTER = date(2027, 1, 15)
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
months = 24
anchor = "calendar"
first_start = 2025-01-01
"""


def make_set(rules: str):
    return parse(HEAD + textwrap.dedent(rules), "test-set-v1.toml")


def credit(
    n: int, amount: str, kind: str = "ama-pra-1", on: date = date(2025, 6, 1), **extra
) -> Credit:
    topics = frozenset(extra.pop("topics", ()))
    return Credit(f"e{n:03d}", on, Decimal(amount), kind, topics, title=f"Activity {n}", **extra)


def rule(result, rule_id: str):
    return next(r for r in result.rules if r.id == rule_id)


TOTAL_AND_ETHICS = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "20 credits"
credits = 20
source = "s"

[[rules]]
id = "ethics"
kind = "minimum-subset"
name = "2 h ethics"
credits = 2
select = { topics = ["ethics"] }
source = "s"
"""


def test_credits_count_toward_every_rule_they_match():
    result = evaluate(
        make_set(TOTAL_AND_ETHICS),
        [credit(1, "18"), credit(2, "2", topics=["ethics"])],
        Facts(),
        MID,
    )
    assert result.status == Status.MET
    assert rule(result, "total").counted == Decimal(20)
    assert rule(result, "ethics").counted == Decimal(2)
    ethics_entry = result.entry("e002")
    assert {share.rule_id for share in ethics_entry.rules} == {"total", "ethics"}
    assert "topic ethics" in ethics_entry.explanation[0]


def test_a_missing_topic_after_the_deadline_is_not_met_and_named():
    result = evaluate(make_set(TOTAL_AND_ETHICS), [credit(1, "25")], Facts(), AFTER, cycle=CYCLE)
    assert result.status == Status.NOT_MET
    assert rule(result, "ethics").status == Status.NOT_MET
    assert rule(result, "ethics").remaining == Decimal(2)
    assert result.needed == []  # the cycle is over: nothing can still be done for it


def test_before_the_deadline_a_missing_topic_is_still_needed_with_its_date():
    result = evaluate(make_set(TOTAL_AND_ETHICS), [credit(1, "25")], Facts(), MID)
    assert result.status == Status.ON_TRACK
    [need] = result.needed
    assert (need.rule_id, need.credits, need.due, need.topics) == (
        "ethics",
        Decimal(2),
        date(2026, 12, 31),
        ["ethics"],
    )


def test_a_total_far_below_pace_is_behind():
    result = evaluate(make_set(TOTAL_AND_ETHICS), [credit(1, "1")], Facts(), MID)
    assert rule(result, "total").status == Status.BEHIND
    assert result.status == Status.BEHIND


def test_credits_outside_the_cycle_or_of_other_types_do_not_count_and_say_why():
    result = evaluate(
        make_set(TOTAL_AND_ETHICS),
        [credit(1, "5", on=date(2024, 12, 31)), credit(2, "5", kind="aoa-1b")],
        Facts(),
        MID,
    )
    assert rule(result, "total").counted == 0
    assert result.entry("e001") is None  # outside the cycle: not listed at all
    assert "AOA Category 1-B is not accepted" in result.entry("e002").explanation[0]


def test_cycle_edges_are_inclusive():
    edges = [credit(1, "10", on=CYCLE.start), credit(2, "10", on=CYCLE.end)]
    result = evaluate(make_set(TOTAL_AND_ETHICS), edges, Facts(), MID)
    assert rule(result, "total").counted == Decimal(20)


CAPPED = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "10 credits"
credits = 10
source = "s"

[[rules]]
id = "ethics"
kind = "minimum-subset"
name = "2 h ethics"
credits = 2
select = { topics = ["ethics"] }
source = "s"

[[rules]]
id = "opioids"
kind = "minimum-subset"
name = "2 h opioids"
credits = 2
select = { topics = ["opioid-prescribing"] }
source = "s"

[[rules]]
id = "category-2-cap"
kind = "maximum-subset"
name = "Category 2 cap of 2"
credits = 2
select = { credit_types = ["ama-pra-2"] }
source = "s"
"""


def test_a_cap_is_never_exceeded_and_its_excess_says_so():
    result = evaluate(make_set(CAPPED), [credit(1, "5", kind="ama-pra-2")], Facts(), MID)
    assert rule(result, "category-2-cap").counted == Decimal(2)
    assert rule(result, "total").counted == Decimal(2)
    assert (
        "3 not counted: Category 2 cap of 2 (at most 2) reached."
        in result.entry("e001").explanation
    )


def test_under_a_binding_cap_the_credit_that_closes_more_gaps_counts():
    # Two Category 2 credits compete for a cap of 2; counting the opioid one leaves
    # less missing because ethics is already met by Category 1 credit.
    entries = [
        credit(1, "2", kind="ama-pra-2", topics=["ethics"], on=date(2025, 2, 1)),
        credit(2, "2", kind="ama-pra-2", topics=["opioid-prescribing"], on=date(2025, 3, 1)),
        credit(3, "2", kind="ama-pra-1", topics=["ethics"], on=date(2025, 4, 1)),
    ]
    result = evaluate(make_set(CAPPED), entries, Facts(), MID)
    assert result.method == "optimized under caps"
    assert rule(result, "opioids").counted == Decimal(2)
    assert rule(result, "ethics").counted == Decimal(2)
    assert result.entry("e001").counted == 0


def test_the_allocation_does_not_depend_on_entry_order():
    entries = [
        credit(
            i,
            str(1 + i % 3),
            kind=("ama-pra-2" if i % 2 else "ama-pra-1"),
            topics=[("ethics", "opioid-prescribing", "geriatrics")[i % 3]],
            on=date(2025, 1 + i % 12, 1 + i),
        )
        for i in range(12)
    ]
    forward = evaluate(make_set(CAPPED), entries, Facts(), MID)
    backward = evaluate(make_set(CAPPED), list(reversed(entries)), Facts(), MID)
    assert [(e.id, e.counted) for e in forward.entries] == [
        (e.id, e.counted) for e in backward.entries
    ]


PER_YEAR = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "30 credits"
credits = 30
source = "s"

[[rules]]
id = "la-cap"
kind = "maximum-subset"
name = "LA credit cap"
credits = 12
per = "calendar-year"
select = { activity_kinds = ["longitudinal-assessment"] }
source = "s"
"""


def test_a_per_year_cap_applies_to_each_calendar_year_separately():
    la = {"activity_kind": "longitudinal-assessment"}
    entries = [
        credit(1, "10", on=date(2025, 3, 1), **la),
        credit(2, "10", on=date(2025, 9, 1), **la),
        credit(3, "10", on=date(2026, 3, 1), **la),
    ]
    result = evaluate(make_set(PER_YEAR), entries, Facts(), MID)
    assert rule(result, "total").counted == Decimal(22)  # 12 in 2025, 10 in 2026
    assert result.entry("e002").counted == Decimal(2)


SHARE = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "20 credits"
credits = 20
source = "s"

[[rules]]
id = "specialty"
kind = "minimum-share"
name = "Half specialty"
share = 0.5
select = { specialty_related = true }
source = "s"
"""


def test_a_share_is_of_the_credits_counted_up_to_the_required_total():
    lots_of_general = [credit(1, "40"), credit(2, "10", specialty_related=True)]
    result = evaluate(make_set(SHARE), lots_of_general, Facts(), MID)
    # 50 credits earned, but only 20 are required: 10 specialty is half of 20.
    assert rule(result, "specialty").required == Decimal(10)
    assert rule(result, "specialty").status == Status.MET
    early = evaluate(
        make_set(SHARE), [credit(1, "9"), credit(2, "3", specialty_related=True)], Facts(), MID
    )
    assert rule(early, "specialty").required == Decimal(6)
    assert rule(early, "specialty").remaining == Decimal(3)


DUTIES = """
[[rules]]
id = "opioids"
kind = "topic-duty"
name = "2 h opioids every 8 years"
credits = 2
every_years = 8
select = { topics = ["opioid-prescribing"] }
when = { dea_registrant = true }
source = "s"

[[rules]]
id = "child-abuse"
kind = "topic-duty"
name = "2 h child abuse, once"
credits = 2
select = { topics = ["child-abuse"] }
source = "s"

[[rules]]
id = "trafficking"
kind = "minimum-subset"
name = "Trafficking training, any credit type"
credits = 1
within_total = false
select = { topics = ["human-trafficking"] }
source = "s"
"""


def test_topic_duties_look_back_across_cycles_as_far_as_they_say():
    entries = [
        credit(1, "2", topics=["opioid-prescribing"], on=date(2019, 1, 1)),  # inside 8 years
        credit(2, "2", topics=["child-abuse"], on=date(2001, 5, 1)),  # once, ever
    ]
    result = evaluate(make_set(DUTIES), entries, Facts(dea_registrant=True), MID)
    assert rule(result, "opioids").status == Status.MET
    assert rule(result, "child-abuse").status == Status.MET
    too_old = [credit(1, "2", topics=["opioid-prescribing"], on=date(2018, 12, 31))]
    assert (
        rule(
            evaluate(make_set(DUTIES), too_old, Facts(dea_registrant=True), MID), "opioids"
        ).counted
        == 0
    )


def test_conditions_switch_rules_off_and_say_why():
    result = evaluate(make_set(DUTIES), [], Facts(dea_registrant=False), MID)
    opioids = rule(result, "opioids")
    assert opioids.status == Status.NOT_APPLICABLE
    assert opioids.explanation == "Does not apply: applies only to DEA registrants."


def test_a_duty_apart_from_the_total_accepts_any_credit_type():
    attendance = credit(1, "1", kind="attendance", topics=["human-trafficking"])
    result = evaluate(make_set(DUTIES), [attendance], Facts(), MID)
    assert rule(result, "trafficking").status == Status.MET


WEIGHTED = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "100 credits"
credits = 100
source = "s"

[[weights]]
select = { credit_types = ["ama-pra-2"] }
factor = 1.5
source = "s"

[[weights]]
select = { activity_kinds = ["performance-improvement"] }
factor = 2
first_credits = 20
source = "s"
"""


def test_weights_multiply_credit_and_a_bounded_weight_stops_at_its_limit():
    entries = [
        credit(1, "10", kind="ama-pra-2"),
        credit(2, "15", activity_kind="performance-improvement", on=date(2025, 2, 1)),
        credit(3, "15", activity_kind="performance-improvement", on=date(2025, 3, 1)),
    ]
    result = evaluate(make_set(WEIGHTED), entries, Facts(), MID)
    # 10 x 1.5 + (20 x 2 + 10 x 1)
    assert rule(result, "total").counted == Decimal(65)
    assert result.entry("e003").weighted == Decimal(20)  # 5 doubled, 10 single
    assert result.entry("e003").counted == Decimal(15)


CARRY = """
[[rules]]
id = "total"
kind = "minimum-total"
name = "48 credits"
credits = 48
source = "s"

[[rules]]
id = "ethics"
kind = "minimum-subset"
name = "2 h ethics"
credits = 2
select = { topics = ["ethics"] }
source = "s"

[carry_forward]
max_credits = 10
exclude_rules = ["ethics"]
source = "s"
"""


def test_excess_carries_into_the_next_cycle_up_to_its_limit_and_not_topic_credit():
    previous = [
        credit(1, "55", on=date(2024, 3, 1)),
        credit(2, "5", topics=["ethics"], on=date(2024, 4, 1)),
    ]
    result = evaluate(make_set(CARRY), previous + [credit(3, "30")], Facts(), MID, cycle=CYCLE)
    assert result.carry_in == Decimal(10)
    assert rule(result, "total").counted == Decimal(40)
    earlier = evaluate(
        make_set(CARRY),
        previous,
        Facts(),
        date(2024, 6, 1),
        cycle=Window(date(2023, 1, 1), date(2024, 12, 31)),
    )
    assert earlier.carry_out == Decimal(10)


def test_only_credits_outside_excluded_topics_can_carry():
    only_ethics_excess = [
        credit(1, "46", on=date(2024, 3, 1)),
        credit(2, "8", topics=["ethics"], on=date(2024, 4, 1)),
    ]
    result = evaluate(
        make_set(CARRY),
        only_ethics_excess,
        Facts(),
        date(2024, 6, 1),
        cycle=Window(date(2023, 1, 1), date(2024, 12, 31)),
    )
    assert result.carry_out == Decimal(6)  # 54 - 48, all of it from the 46 general credits


PRORATED = (
    TOTAL_AND_ETHICS
    + """
[proration]
by = "month"
source = "s"
"""
)


def test_a_partial_first_cycle_needs_its_share_of_credit_minimums():
    result = evaluate(make_set(PRORATED), [], Facts(started_on=date(2025, 12, 15)), MID)
    total = rule(result, "total")
    assert (result.prorated.months_inside, result.prorated.months_total) == (12, 24)
    assert total.required == Decimal(10)
    assert "prorated to 12 of 24 months" in total.explanation


COMPONENTS = """
[[rules]]
id = "la"
kind = "component"
name = "Longitudinal assessment"
component = "longitudinal-assessment"
source = "s"

[[rules]]
id = "license"
kind = "component"
name = "Valid license"
component = "valid-license"
source = "s"
"""


def test_components_are_met_by_activity_records_or_attested_facts():
    la = credit(1, "3", activity_kind="longitudinal-assessment")
    result = evaluate(
        make_set(COMPONENTS), [la], Facts(components=frozenset({"valid-license"})), MID
    )
    assert [r.status for r in result.rules] == [Status.MET, Status.MET]
    missing = evaluate(make_set(COMPONENTS), [], Facts(), MID)
    assert [n.component for n in missing.needed] == ["longitudinal-assessment", "valid-license"]


def test_a_set_anchored_on_a_license_needs_its_expiry():
    from cmeledger.requirements.cycles import MissingAnchor

    text = HEAD.replace(
        'anchor = "calendar"\nfirst_start = 2025-01-01', 'anchor = "license-expiry"'
    )
    with pytest.raises(MissingAnchor):
        evaluate(parse(text, "test-set-v1.toml"), [], Facts(anchors=Anchors()), MID)
