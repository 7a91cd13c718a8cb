"""Properties of the calculator over generated ledgers, for every catalog set and a capped one."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.cycles import Anchors, Window
from cmeledger.requirements.engine import Credit, Facts, evaluate, matches
from cmeledger.requirements.schema import MaximumSubset
from cmeledger.requirements.tests.test_engine import CAPPED, PER_YEAR, make_set

SETS = [*load_catalog().sets, make_set(CAPPED), make_set(PER_YEAR)]
ON = date(2026, 6, 1)
ANCHORS = Anchors(
    license_expiry=date(2027, 2, 28),
    certification=Window(date(2023, 1, 1), date(2027, 12, 31)),
    birth_month=6,
    enrolled_on=date(2025, 1, 1),
)
TYPES = ["ama-pra-1", "ama-pra-2", "aoa-1a", "aapa-1", "sa-cme", "attendance"]
TOPICS = [
    "ethics",
    "opioid-prescribing",
    "pain-management",
    "human-trafficking",
    "child-abuse",
    "patient-safety",
    "medical-errors",
    "implicit-bias",
    "domestic-violence",
]
KINDS = [
    "live",
    "enduring",
    "performance-improvement",
    "longitudinal-assessment",
    "self-assessment",
]

counter = iter(range(10**9))
credits = st.builds(
    lambda day, quarters, kind, topics, activity, specialty: Credit(
        id=f"c{next(counter):09d}",
        completed_on=date(2018, 1, 1) + timedelta(days=day),
        credits=Decimal(quarters) / 4,
        credit_type=kind,
        topics=frozenset(topics),
        activity_kind=activity,
        specialty_related=specialty,
    ),
    st.integers(0, 365 * 10),
    st.integers(1, 80),
    st.sampled_from(TYPES),
    st.sets(st.sampled_from(TOPICS), max_size=2),
    st.sampled_from(KINDS),
    st.booleans(),
)
facts = st.builds(
    Facts,
    degree=st.sampled_from(["MD", "DO", "PA"]),
    dea_registrant=st.booleans(),
    direct_patient_care=st.booleans(),
    anchors=st.just(ANCHORS),
)
ledgers = st.lists(credits, max_size=25)
PROPERTY = settings(
    max_examples=int(os.environ.get("ENGINE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def minimum_rules(result):
    kinds = {"minimum-total", "minimum-subset", "topic-duty", "minimum-share"}
    return [r for r in result.rules if r.kind in kinds]


@PROPERTY
@given(st.sampled_from(SETS), ledgers, credits, facts)
def test_adding_an_entry_never_lowers_what_a_rule_counts(rset, ledger, extra, who):
    before = evaluate(rset, ledger, who, ON)
    after = evaluate(rset, [*ledger, extra], who, ON)
    if after.method == "all counted":
        for old, new in zip(before.rules, after.rules, strict=True):
            assert new.counted >= old.counted, old.id
    elif not any(r.kind == "minimum-share" for r in rset.rules):
        # A binding cap may move a capped credit to where it closes more; what is still
        # missing overall never grows (docs/decisions.md, "Exact allocation under caps").
        missing = sum(r.remaining for r in minimum_rules(before))
        assert sum(r.remaining for r in minimum_rules(after)) <= missing


@PROPERTY
@given(st.sampled_from(SETS), ledgers, facts)
def test_no_entry_counts_more_than_it_claims(rset, ledger, who):
    result = evaluate(rset, ledger, who, ON)
    for entry in result.entries:
        assert 0 <= entry.counted <= entry.claimed
        for share in entry.rules:
            factor = max([w.factor for w in rset.weights] + [Decimal(1)])
            assert share.credits <= entry.claimed * factor


@PROPERTY
@given(st.sampled_from(SETS), ledgers, facts)
def test_caps_are_never_exceeded(rset, ledger, who):
    result = evaluate(rset, ledger, who, ON)
    by_id = {c.id: c for c in ledger}
    for rule in rset.rules:
        if not isinstance(rule, MaximumSubset):
            continue
        per_period: dict[int | None, Decimal] = defaultdict(Decimal)
        for entry in result.entries:
            if matches(rule.select, by_id[entry.id]):
                year = entry.completed_on.year if rule.per == "calendar-year" else None
                per_period[year] += entry.counted
        assert all(total <= rule.credits for total in per_period.values())


@PROPERTY
@given(st.sampled_from(SETS), ledgers, facts, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_entry_order(rset, ledger, who, random):
    shuffled = list(ledger)
    random.shuffle(shuffled)
    assert asdict(evaluate(rset, ledger, who, ON)) == asdict(evaluate(rset, shuffled, who, ON))
