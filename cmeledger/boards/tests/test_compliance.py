"""Board-wide compliance: the set-based run gives the calculator's answer for every cycle."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal

import pytest
import time_machine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cmeledger.accounts.models import Certification, License
from cmeledger.boards import compliance
from cmeledger.boards.compliance import Bucket, ComplianceError, NeedsCalculator, judge, plan_for
from cmeledger.boards.models import ComplianceRow, ComplianceRun
from cmeledger.conftest import make_clinician
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.requirements import progress
from cmeledger.requirements.catalog import load_catalog, parse
from cmeledger.requirements.cycles import Anchors, Window, add_months
from cmeledger.requirements.engine import Credit, Facts, evaluate, matches
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.schema import (
    Component,
    MaximumSubset,
    MinimumShare,
    MinimumSubset,
    MinimumTotal,
    Pacing,
    RequirementSet,
    RuleBase,
    Selector,
)
from cmeledger.requirements.schema import Cycle as SetCycle
from cmeledger.requirements.sync import sync, version_row
from cmeledger.requirements.testing import board_set_toml

ON = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, tzinfo=UTC)
TYPES = ["ama-pra-1", "ama-pra-1", "aoa-1a", "ama-pra-2", "sa-cme"]
KINDS = ["live", "live", "enduring", "longitudinal-assessment"]


@pytest.fixture
def catalog(db):
    sync()


def diplomate(n: int, board, start: date, end: date, license_expiry: date | None = ON):
    user = make_clinician(f"d{n}@example.org", f"D{n}", f"Diplomate{n}", specialty="PM&R")
    if license_expiry is not None:
        License.objects.create(
            clinician=user, state="TX", number=f"L{n}", expires_on=license_expiry
        )
    Certification.objects.create(
        clinician=user, board=board, board_id_number=f"B{n}", cycle_start=start, cycle_end=end
    )
    return user


def random_ledger(user, rnd: random.Random, start: date, count: int) -> None:
    rows = []
    for _ in range(count):
        day = start + timedelta(days=rnd.randrange(-200, 5 * 365 + 100))
        rows.append(
            CreditEntry(
                clinician=user,
                title="Generated activity",
                completed_on=min(day, ON),
                credit_type=rnd.choice(TYPES),
                activity_kind=rnd.choice(KINDS),
                credits=Decimal(rnd.randrange(1, 64)) / 4,
                specialty_related=rnd.random() < 0.5,
                deleted_at=NOW if rnd.random() < 0.05 else None,
            )
        )
    CreditEntry.objects.bulk_create(rows)


def assert_same_as_calculator(run: ComplianceRun, set_id: str) -> int:
    checked = 0
    for row in ComplianceRow.objects.filter(run=run).select_related("clinician"):
        data = progress.report(row.clinician, run.on, set_id)
        [item] = [p for p in data.sets if p.result and p.result.cycle_start == row.cycle_start]
        expected = compliance.from_result(item.result)
        got = (row.status, row.counted, row.required, row.remaining, row.expected)
        want = (
            expected.status,
            expected.counted,
            expected.required,
            expected.remaining,
            expected.expected,
        )
        assert got == want, row.clinician.email
        assert row.missing == expected.missing, row.clinician.email
        checked += 1
    return checked


def test_a_board_run_gives_the_calculators_answer_for_every_diplomate(catalog, board):
    rnd = random.Random(7)
    for n in range(40):
        start = date(2021 + rnd.randrange(0, 4), rnd.randrange(1, 13), 1)
        end = date(start.year + 5, start.month, 1) - timedelta(days=1)
        expiry = rnd.choice([ON, date(2020, 1, 1), None, date(2028, 1, 1)])
        user = diplomate(n, board, start, end, expiry)
        random_ledger(user, rnd, start, rnd.randrange(0, 90))
    run = compliance.compute(board, "abpmr-cc", on=ON)
    assert run.cycles == 40
    assert run.by_calculator == 0
    assert sum(run.counts.values()) == 40
    assert len(run.counts) >= 3  # the generated ledgers reach several statuses
    assert assert_same_as_calculator(run, "abpmr-cc") == 40


def la_record(user, day: date) -> None:
    CreditEntry.objects.create(
        clinician=user,
        title="LA-PM&R quarter",
        completed_on=day,
        credit_type="ama-pra-1",
        activity_kind="longitudinal-assessment",
        credits=Decimal(3),
    )


def test_la_pmr_years_are_counted_from_the_certifications_own_start_day(catalog, board):
    # Years from the 15th of March: the 14th belongs to the year before, the 15th to the new.
    on_time = diplomate(1, board, date(2022, 3, 15), date(2027, 3, 14))
    for day in ["2022-03-15", "2023-03-14", "2023-03-15", "2025-03-14", "2026-01-10"]:
        la_record(on_time, date.fromisoformat(day))  # years 1, 1, 2, 3, 4
    late = diplomate(2, board, date(2022, 3, 15), date(2027, 3, 14))
    for day in ["2023-03-14", "2024-03-15", "2025-03-15"]:
        la_record(late, date.fromisoformat(day))  # years 1, 3, 4: year 2 is missing
    leap = diplomate(3, board, date(2024, 2, 29), date(2029, 2, 28))
    la_record(leap, date(2025, 2, 28))  # year 2 by the calendar of cycles.add_months
    run = compliance.compute(board, "abpmr-cc", on=ON)
    rows = {r.clinician_id: r.status for r in run.rows.all()}
    assert rows[on_time.pk] == "behind" and rows[late.pk] == "not-met"
    assert run.by_calculator == 1  # the cycle starting on 29 February
    assert assert_same_as_calculator(run, "abpmr-cc") == 3


def test_each_certification_is_judged_only_by_the_set_that_governs_it(catalog, board):
    five = diplomate(1, board, date(2023, 1, 1), date(2027, 12, 31))
    ten = diplomate(2, board, date(2018, 1, 1), date(2027, 12, 31))
    assert compliance.board_sets(board) == ["abpmr-cc", "abpmr-moc-10y"]
    cc = compliance.compute(board, "abpmr-cc", on=ON)
    assert [r.clinician_id for r in cc.rows.all()] == [five.pk]
    moc = compliance.compute(board, "abpmr-moc-10y", on=ON)
    assert [r.clinician_id for r in moc.rows.all()] == [ten.pk]
    assert (moc.cycles, moc.by_calculator) == (1, 1)  # parts of a cycle: the calculator
    assert assert_same_as_calculator(moc, "abpmr-moc-10y") == 1


def test_a_cycle_with_no_entries_is_judged_too(catalog, board):
    diplomate(1, board, date(2022, 1, 1), date(2026, 12, 31))
    run = compliance.compute(board, "abpmr-cc", on=ON)
    [row] = run.rows.all()
    # Years 1-4 (2022-2025) have gone by without LA-PM&R: lost, so not met already.
    assert (row.status, row.counted, row.remaining) == ("not-met", 0, 150)
    assert "Longitudinal Assessment" in row.missing


def test_linked_self_reports_and_deleted_entries_do_not_count(catalog, board, organization):
    user = diplomate(1, board, date(2022, 1, 1), date(2026, 12, 31))
    reported = CreditEntry.objects.create(
        clinician=user,
        title="Reported",
        completed_on=date(2024, 1, 1),
        credit_type="ama-pra-1",
        credits=Decimal(20),
        source="organization",
        reported_by=organization,
    )
    CreditEntry.objects.create(
        clinician=user,
        title="Same, self-reported",
        completed_on=date(2024, 1, 1),
        credit_type="ama-pra-1",
        credits=Decimal(20),
        reported_as=reported,
    )
    CreditEntry.objects.create(
        clinician=user,
        title="Deleted",
        completed_on=date(2024, 1, 1),
        credit_type="ama-pra-1",
        credits=Decimal(40),
        deleted_at=NOW,
    )
    run = compliance.compute(board, "abpmr-cc", on=ON)
    assert run.rows.get().counted == 20


def test_only_the_boards_own_certifications_are_in_its_run(catalog, board, other_board):
    diplomate(1, board, date(2022, 1, 1), date(2026, 12, 31))
    other = make_clinician("abim@example.org", "Ina", "Internist")
    Certification.objects.create(
        clinician=other,
        board=other_board,
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    run = compliance.compute(board, "abpmr-cc", on=ON)
    assert [r.clinician.email for r in run.rows.all()] == ["d1@example.org"]


def test_a_set_of_another_board_is_refused(catalog, board, other_board):
    with pytest.raises(ComplianceError, match="does not apply to ABIM"):
        compliance.compute(other_board, "abpmr-cc", on=ON)
    with pytest.raises(ComplianceError, match="not in the catalog"):
        compliance.compute(board, "no-such-set", on=ON)
    assert not ComplianceRun.objects.exists()


def test_a_set_the_buckets_cannot_judge_goes_to_the_calculator(catalog, board, alice):
    version_row(parse(board_set_toml(), "ethics"), board=board).save()
    user = diplomate(1, board, date(2026, 1, 1), date(2030, 12, 31))
    CreditEntry.objects.create(
        clinician=user,
        title="Ethics",
        completed_on=date(2026, 3, 1),
        credit_type="ama-pra-1",
        credits=Decimal(5),
    )
    EntryTopic.objects.create(entry=CreditEntry.objects.get(clinician=user), topic="ethics")
    run = compliance.compute(board, "abpmr-ethics", on=ON)
    assert run.by_calculator == 1
    assert run.rows.get().status == "met"


def test_competing_minimums_under_a_binding_cap_go_to_the_calculator(catalog, board):
    text = board_set_toml(set_id="abpmr-mix").replace(
        'select = { topics = ["ethics"] }', 'select = { activity_kinds = ["enduring"] }'
    ) + (
        '\n[[rules]]\nid = "spec"\nkind = "minimum-subset"\nname = "5 specialty"\ncredits = 5\n'
        'select = { specialty_related = true }\nsource = "made up"\n'
        '\n[[rules]]\nid = "cap"\nkind = "maximum-subset"\nname = "cap"\ncredits = 5\n'
        'select = { credit_types = ["ama-pra-1"] }\nsource = "made up"\n'
    )
    version_row(parse(text, "mix"), board=board).save()
    user = diplomate(1, board, date(2026, 1, 1), date(2030, 12, 31))
    for kind, specialty in [("enduring", False), ("live", True)]:
        CreditEntry.objects.create(
            clinician=user,
            title=kind,
            completed_on=date(2026, 3, 1),
            credit_type="ama-pra-1",
            activity_kind=kind,
            specialty_related=specialty,
            credits=Decimal(5),
        )
    run = compliance.compute(board, "abpmr-mix", on=ON)
    assert run.by_calculator == 1
    assert assert_same_as_calculator(run, "abpmr-mix") == 1


def test_an_ended_cycle_is_judged_by_the_version_in_force_on_its_last_day(catalog, board):
    old = diplomate(1, board, date(2020, 1, 1), date(2024, 12, 31))
    current = diplomate(2, board, date(2024, 1, 1), date(2028, 12, 31))
    latest = RequirementSetVersion.objects.filter(set_id="abpmr-cc").latest("version")
    definition = dict(latest.definition)
    definition.update(version=latest.version + 1, effective_from="2025-06-01")
    definition["rules"] = [
        {**r, "credits": "10"} if r["id"] == "total" else r for r in definition["rules"]
    ]
    version_row(RequirementSet.model_validate(definition), board=board).save()
    for user in (old, current):
        CreditEntry.objects.create(
            clinician=user,
            title="Twelve",
            completed_on=date(2024, 6, 1),
            credit_type="ama-pra-1",
            credits=Decimal(12),
        )
    run = compliance.compute(board, "abpmr-cc", on=ON)
    rows = {r.clinician_id: r for r in run.rows.all()}
    assert rows[old.pk].required == 150  # the catalog's version
    assert rows[current.pk].required == 10  # the one added here
    assert assert_same_as_calculator(run, "abpmr-cc") == 2


def test_only_the_newest_runs_are_kept(catalog, board):
    diplomate(1, board, date(2022, 1, 1), date(2026, 12, 31))
    runs = [compliance.compute(board, "abpmr-cc", on=ON) for _ in range(5)]
    kept = set(ComplianceRun.objects.values_list("pk", flat=True))
    assert kept == {r.pk for r in runs[-3:]}
    assert compliance.latest_run(board, "abpmr-cc") == runs[-1]
    assert ComplianceRow.objects.count() == 3


# The arithmetic alone, against the calculator, on generated credits -------------------------

ABPMR = load_catalog().get("abpmr-cc")
CYCLE = Window(date(2022, 1, 1), date(2026, 12, 31))

credit = st.builds(
    Credit,
    id=st.uuids().map(str),
    completed_on=st.dates(date(2021, 6, 1), date(2027, 6, 1)),
    credits=st.integers(1, 200).map(lambda q: Decimal(q) / 4),
    credit_type=st.sampled_from(TYPES),
    activity_kind=st.sampled_from(KINDS),
    specialty_related=st.booleans(),
)


def buckets_of(plan, credits: list[Credit], cycle: Window) -> list[Bucket]:
    """What the aggregate query returns, worked out in Python from the same credits."""
    tests: dict[int, object] = {}
    for rule in plan.rset.rules:
        if rule.id in plan.rule_flags:
            tests.setdefault(plan.rule_flags[rule.id], rule)
    yearly = [
        r for r in plan.rset.rules if isinstance(r, MaximumSubset) and r.per == "calendar-year"
    ]
    sums: dict[tuple, Decimal] = {}
    for c in credits:
        if c.completed_on not in cycle:
            continue
        flags = tuple(
            c.activity_kind == rule.component
            if isinstance(rule, Component)
            else matches(rule.select, c)
            for rule in (tests[i] for i in range(len(plan.flags)))
        )
        year = c.completed_on.year if any(matches(r.select, c) for r in yearly) else None
        by_cycle_year = any(
            c.activity_kind == r.component
            for r in plan.rset.rules
            if isinstance(r, Component) and (r.part is not None or r.each_year)
        )
        cycle_year = whole_years(cycle.start, c.completed_on) if by_cycle_year else None
        key = (year, c.credit_type in plan.rset.accepted_credit_types, flags, cycle_year)
        sums[key] = sums.get(key, Decimal(0)) + c.credits
    return [Bucket(y, a, f, v, cy) for (y, a, f, cy), v in sums.items()]


def whole_years(start: date, day: date) -> int:
    """Whole years from `start` to `day`, as the compliance query counts them."""
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    credits=st.lists(credit, max_size=40),
    on=st.dates(date(2022, 1, 1), date(2027, 6, 1)),
    valid=st.booleans(),
)
def test_judging_buckets_agrees_with_the_calculator(credits, on, valid):
    plan = plan_for(ABPMR)
    facts = Facts(
        anchors=Anchors(certification=CYCLE),
        components=frozenset({"valid-license"} if valid else ()),
    )
    result = evaluate(ABPMR, credits, facts, on, cycle=CYCLE)
    got = judge(plan, buckets_of(plan, credits, CYCLE), CYCLE, on, valid)
    assert got == compliance.from_result(result)


def test_the_plan_refuses_what_buckets_cannot_express():
    assert plan_for(ABPMR) is not None
    for set_id in ["us-tx-md", "nccpa-pa", "aoa-general"]:
        assert plan_for(load_catalog().get(set_id)) is None, set_id


def test_the_periodic_run_queues_one_compliance_run_per_board_and_set_a_day(catalog, board):
    from cmeledger.periodic.services import run_due

    diplomate(1, board, date(2022, 1, 1), date(2026, 12, 31))
    with time_machine.travel(datetime(2026, 12, 4, 9, tzinfo=UTC), tick=False) as clock:
        run_due()
        assert ComplianceRun.objects.filter(board=board, set_id="abpmr-cc").count() == 1
        clock.move_to(datetime(2026, 12, 4, 23, 59, tzinfo=UTC))
        run_due()
        assert ComplianceRun.objects.filter(board=board, set_id="abpmr-cc").count() == 1
        clock.move_to(datetime(2026, 12, 5, 0, 1, tzinfo=UTC))
        run_due()
    assert ComplianceRun.objects.filter(board=board, set_id="abpmr-cc").count() == 2


def test_a_failing_queue_is_reported_and_retried_later(catalog, monkeypatch):
    from cmeledger.boards import tasks
    from cmeledger.periodic.services import Outcome, run_due

    def broken(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(tasks, "compute_all_boards", broken)
    assert Outcome("boards.compute_compliance", "RuntimeError: queue down") in run_due()
    monkeypatch.undo()
    assert Outcome("boards.compute_compliance") in run_due()


# Every rule kind of the catalog: the fast path or the calculator, never two answers -------

CATALOG_RULES = [rule for rset in load_catalog().sets for rule in rset.rules]
ALL_TYPES = ["ama-pra-1", "ama-pra-2", "aoa-1a", "sa-cme", "aafp-prescribed", "aapa-1"]
ALL_KINDS = ["live", "enduring", "longitudinal-assessment", "improvement-project", "journal"]
SOME_TOPICS = ["ethics", "pain-management", "human-trafficking"]
quarters = st.integers(0, 160).map(lambda q: Decimal(q) / 4)
selector = st.builds(
    Selector,
    credit_types=st.lists(st.sampled_from(ALL_TYPES), max_size=3, unique=True),
    activity_kinds=st.lists(st.sampled_from(ALL_KINDS), max_size=2, unique=True),
    specialty_related=st.sampled_from([None, True, False]),
    topics=st.lists(st.sampled_from(SOME_TOPICS), max_size=1),
)
common = {"id": st.just("r"), "name": st.just("Generated rule"), "source": st.just("made up")}
generated_rule = st.one_of(
    st.builds(MinimumTotal, kind=st.just("minimum-total"), credits=quarters, **common),
    st.builds(
        MinimumSubset,
        kind=st.just("minimum-subset"),
        credits=quarters,
        select=selector,
        within_total=st.booleans(),
        **common,
    ),
    st.builds(
        MaximumSubset,
        kind=st.just("maximum-subset"),
        credits=quarters,
        select=selector,
        per=st.sampled_from(["cycle", "calendar-year"]),
        **common,
    ),
    st.builds(
        MinimumShare,
        kind=st.just("minimum-share"),
        share=st.integers(1, 4).map(lambda q: Decimal(q) / 4),
        select=selector,
        **common,
    ),
    st.builds(Pacing, kind=st.just("pacing"), credits_per_year=quarters, **common),
    st.builds(
        Component,
        kind=st.just("component"),
        component=st.sampled_from(
            ["longitudinal-assessment", "improvement-project", "valid-license"]
        ),
        **common,
    ),
)
any_credit = st.builds(
    Credit,
    id=st.uuids().map(str),
    completed_on=st.dates(date(2021, 6, 1), date(2027, 6, 1)),
    credits=st.integers(1, 80).map(lambda q: Decimal(q) / 4),
    credit_type=st.sampled_from(ALL_TYPES),
    activity_kind=st.sampled_from(ALL_KINDS),
    specialty_related=st.booleans(),
    topics=st.frozensets(st.sampled_from(SOME_TOPICS), max_size=1),
)


@st.composite
def rule_sets(draw) -> RequirementSet:
    months = draw(st.sampled_from([24, 60]))
    # A catalog rule over a part of the cycle fits only a cycle that long.
    fitting = [
        r
        for r in CATALOG_RULES
        if getattr(r, "part", None) is None or r.part.years[1] * 12 <= months
    ]
    rules = draw(
        st.lists(st.one_of(generated_rule, st.sampled_from(fitting)), min_size=1, max_size=5)
    )
    return RequirementSet(
        id="generated",
        name="Generated set",
        authority="Tests",
        kind="board",
        version=1,
        effective_from=date(2020, 1, 1),
        sources=["made up"],
        cycle=SetCycle(months=months, anchor="certification"),
        accepted_credit_types=draw(
            st.lists(st.sampled_from(ALL_TYPES), min_size=1, max_size=4, unique=True)
        ),
        rules=[rule.model_copy(update={"id": f"r{i}"}) for i, rule in enumerate(rules)],
    )


def test_generated_sets_cover_every_rule_kind_of_the_catalog():
    kinds = {rule.kind for rule in CATALOG_RULES}
    assert kinds == {"minimum-total", "minimum-subset", "maximum-subset", "minimum-share"} | {
        "pacing",
        "topic-duty",
        "component",
    }
    assert kinds - {"topic-duty"} == set(compliance.FAST_RULES)  # the rest: the calculator


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rset=rule_sets(),
    credits=st.lists(any_credit, max_size=30),
    on=st.dates(date(2022, 1, 1), date(2027, 6, 1)),
    valid=st.booleans(),
)
def test_the_fast_path_gives_the_calculators_answer_for_every_rule_kind(rset, credits, on, valid):
    cycle = Window(date(2022, 1, 1), add_months(date(2022, 1, 1), rset.cycle.months) - timedelta(1))
    facts = Facts(
        anchors=Anchors(certification=cycle),
        components=frozenset({"valid-license"} if valid else ()),
    )
    expected = compliance.from_result(evaluate(rset, credits, facts, on, cycle=cycle))
    plan = plan_for(rset)
    if plan is None:
        # The run sends the set to the calculator, which gives `expected` by definition.
        assert compliance.fast_path_refuses(rset)
        event("the set goes to the calculator")
        return
    try:
        got = judge(plan, buckets_of(plan, credits, cycle), cycle, on, valid)
    except NeedsCalculator:
        event("the cycle goes to the calculator")
        return
    event("judged from buckets")
    assert got == expected


class MinimumHours(RuleBase):
    """A rule kind added after the fast path was written."""

    kind: Literal["minimum-hours"]
    credits: Decimal


HOURS = MinimumHours(
    id="hours", kind="minimum-hours", name="Ten hours", source="made up", credits=Decimal(10)
)


def test_the_fast_path_refuses_a_rule_kind_it_does_not_know():
    with_hours = ABPMR.model_copy(update={"rules": [*ABPMR.rules, HOURS]})
    assert compliance.fast_path_refuses(with_hours) == "rule hours: kind minimum-hours"
    assert plan_for(with_hours) is None
    # Even handed a plan, judging refuses rather than guess.
    plan = plan_for(ABPMR)
    forced = compliance.Plan(with_hours, plan.flags, plan.rule_flags, plan.yearly)
    with pytest.raises(NeedsCalculator, match="kind minimum-hours"):
        judge(forced, [], CYCLE, ON, True)


def test_the_fast_path_refuses_a_known_kind_using_a_field_it_does_not_read():
    every_five = Component(
        id="ip",
        kind="component",
        name="IP",
        source="made up",
        component="improvement-project",
        every_years=5,
    )
    rset = ABPMR.model_copy(update={"rules": [*ABPMR.rules, every_five]})
    assert compliance.fast_path_refuses(rset) == "rule ip: every_years"


def test_a_set_with_a_rule_kind_the_fast_path_does_not_know_is_judged_by_the_calculator(
    catalog, board, monkeypatch
):
    original = RequirementSetVersion.requirement_set

    def with_hours(version):
        rset = original(version)
        return rset.model_copy(update={"rules": [*rset.rules, HOURS]})

    monkeypatch.setattr(RequirementSetVersion, "requirement_set", with_hours)
    rnd = random.Random(3)
    for n in range(3):
        user = diplomate(n, board, date(2022, 1, 1), date(2026, 12, 31))
        random_ledger(user, rnd, date(2022, 1, 1), 30)
    run = compliance.compute(board, "abpmr-cc", on=ON)
    assert (run.cycles, run.by_calculator) == (3, 3)
    assert all("Ten hours: 10 more" in row.missing for row in run.rows.all())
    assert assert_same_as_calculator(run, "abpmr-cc") == 3


def test_a_rule_kind_dropped_from_the_fast_paths_table_goes_to_the_calculator(
    catalog, board, monkeypatch
):
    monkeypatch.setattr(
        compliance, "FAST_RULES", {k: v for k, v in compliance.FAST_RULES.items() if k != "pacing"}
    )
    user = diplomate(1, board, date(2022, 1, 1), date(2026, 12, 31))
    random_ledger(user, random.Random(5), date(2022, 1, 1), 40)
    run = compliance.compute(board, "abpmr-cc", on=ON)
    assert run.by_calculator == 1
    assert assert_same_as_calculator(run, "abpmr-cc") == 1
