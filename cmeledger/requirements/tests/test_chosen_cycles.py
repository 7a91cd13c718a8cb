"""Judging a chosen cycle: current, previous, N from the first or -N back; an ended cycle
shows not met when it was not met (the AMA award windows too), and every bad choice is
refused with the reason (issue 19)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cmeledger.accounts.models import License
from cmeledger.requirements import choices, progress
from cmeledger.requirements.cycles import (
    Anchors,
    NoSuchCycle,
    Window,
    chosen_window,
    number_of,
    window,
)
from cmeledger.requirements.engine import Status
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.schema import Anchor, Cycle
from cmeledger.requirements.sync import sync
from cmeledger.requirements.tests.test_progress import add_entry

ON = date(2026, 11, 23)
PA_CALENDAR = Cycle(months=24, anchor=Anchor.CALENDAR, first_start=date(2023, 1, 1))
LICENSE = Cycle(months=24, anchor=Anchor.LICENSE_EXPIRY)
AWARD = Cycle(months=12, anchor=Anchor.ENROLLMENT)
BIRTH = Cycle(months=24, anchor=Anchor.BIRTH_MONTH)
CERTIFIED = Cycle(months=60, anchor=Anchor.CERTIFICATION)


def pick(cycle: Cycle, anchors: Anchors, started: date | None, choice: int):
    current = window(cycle, anchors, ON)
    found, number = chosen_window(cycle, anchors, current, started, choice)
    return (found.start, found.end), number


# The cycle arithmetic, pure ------------------------------------------------------------


def test_a_calendar_cycle_is_numbered_from_the_one_holding_the_start():
    anchors = Anchors()
    current = window(PA_CALENDAR, anchors, ON)
    assert number_of(PA_CALENDAR, anchors, current, date(2023, 5, 1)) == 2
    assert pick(PA_CALENDAR, anchors, date(2023, 5, 1), 1) == (
        (date(2023, 1, 1), date(2024, 12, 31)),
        1,
    )
    assert pick(PA_CALENDAR, anchors, date(2023, 5, 1), -1) == pick(
        PA_CALENDAR, anchors, date(2023, 5, 1), 1
    )
    assert pick(PA_CALENDAR, anchors, date(2023, 5, 1), 2) == (
        (date(2025, 1, 1), date(2026, 12, 31)),
        2,
    )


def test_a_license_cycle_steps_back_from_its_expiry():
    anchors = Anchors(license_expiry=date(2027, 2, 28))
    assert pick(LICENSE, anchors, date(2021, 6, 1), -1) == (
        (date(2023, 3, 1), date(2025, 2, 28)),
        2,
    )
    assert pick(LICENSE, anchors, date(2021, 6, 1), 1) == (
        (date(2021, 3, 1), date(2023, 2, 28)),
        1,
    )


def test_an_award_cycle_counts_from_the_enrollment():
    anchors = Anchors(enrolled_on=date(2024, 1, 5))
    assert pick(AWARD, anchors, date(2024, 1, 5), -1) == (
        (date(2025, 1, 5), date(2026, 1, 4)),
        2,
    )
    assert pick(AWARD, anchors, date(2024, 1, 5), -2) == (
        (date(2024, 1, 5), date(2025, 1, 4)),
        1,
    )


def test_a_birth_month_cycle_steps_back_to_the_one_ending_before():
    anchors = Anchors(birth_month=3)
    assert window(BIRTH, anchors, ON) == Window(date(2025, 4, 1), date(2027, 3, 31))
    assert pick(BIRTH, anchors, None, -1) == ((date(2023, 4, 1), date(2025, 3, 31)), None)


def test_a_cycle_before_the_first_is_refused_with_the_first_cycle_named():
    anchors = Anchors(enrolled_on=date(2025, 6, 1))
    with pytest.raises(NoSuchCycle) as refused:
        pick(AWARD, anchors, date(2025, 6, 1), -2)
    assert str(refused.value) == (
        "cycle -2 would be before the first cycle, 2025-06-01 to 2026-05-31 "
        "(cycle 1; the current one is cycle 2)"
    )


def test_a_future_cycle_is_refused_with_the_current_one_named():
    with pytest.raises(NoSuchCycle) as refused:
        pick(PA_CALENDAR, Anchors(), date(2023, 5, 1), 3)
    assert str(refused.value) == (
        "cycle 3 has not begun: the current cycle is cycle 2 (2025-01-01 to 2026-12-31)"
    )


def test_counting_from_the_first_needs_the_day_it_began():
    with pytest.raises(NoSuchCycle, match="that day is not on record"):
        pick(LICENSE, Anchors(license_expiry=date(2027, 2, 28)), None, 1)


def test_counting_back_without_a_first_day_stops_at_1900():
    with pytest.raises(NoSuchCycle, match="would begin before 1900-01-01"):
        pick(AWARD, Anchors(enrolled_on=date(2024, 1, 5)), None, -1_000_000)


def test_a_certification_has_only_its_own_cycle():
    anchors = Anchors(certification=Window(date(2023, 1, 1), date(2027, 12, 31)))
    assert pick(CERTIFIED, anchors, None, 1) == ((date(2023, 1, 1), date(2027, 12, 31)), 1)
    with pytest.raises(NoSuchCycle, match="an earlier cycle is an earlier certification"):
        pick(CERTIFIED, anchors, None, -1)


# Parsing the choice ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "set_id", "choice"),
    [
        (None, None, None),
        ("current", None, None),
        (" Previous ", None, -1),
        ("-1", "ama-pra-1y", -1),
        ("3", "ama-pra-1y", 3),
        ("-2", "ama-pra-1y", -2),
    ],
)
def test_a_cycle_choice_reads_words_and_numbers(text, set_id, choice):
    assert progress.cycle_choice(text, set_id) == choice


@pytest.mark.parametrize(
    ("text", "set_id", "message"),
    [
        ("0", "ama-pra-1y", "0 is not a cycle: cycles count from 1"),
        ("last", None, "'last' is not a cycle: write current, previous"),
        ("1.5", "ama-pra-1y", "'1.5' is not a cycle"),
        ("", None, "'' is not a cycle"),
        ("2", None, "cycle 2 counts the cycles of one set: name the set too"),
    ],
)
def test_a_bad_cycle_choice_is_refused_by_name(text, set_id, message):
    with pytest.raises(progress.BadCycle, match=message):
        progress.cycle_choice(text, set_id)


# The report, from the database ---------------------------------------------------------


@pytest.fixture
def awardee(alice):
    """Alice follows the 1-year AMA award from 2025-01-01 and earned 10 Category 1 in it."""
    sync()
    choices.add_enrollment(alice, "ama-pra-1y", date(2025, 1, 1))
    add_entry(alice, "10", date(2025, 3, 1))
    add_entry(alice, "40", date(2025, 4, 1), credit_type="ama-pra-2")
    return alice


@pytest.fixture
def texan(alice):
    sync()
    License.objects.create(
        clinician=alice,
        state="TX",
        number="T1",
        expires_on=date(2027, 2, 28),
        first_licensed_on=date(2021, 6, 1),
    )
    return alice


def test_an_ended_award_window_shows_not_met(awardee):
    [item] = progress.report(awardee, date(2026, 2, 1), cycle=-1).sets
    assert (item.result.cycle_start, item.result.cycle_end) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert item.result.status == Status.NOT_MET
    assert item.cycle_number == 1
    rules = {r.id: r for r in item.result.rules}
    assert (rules["category-1"].status, rules["category-1"].remaining) == (
        Status.NOT_MET,
        Decimal(10),
    )
    assert item.result.needed == []


def test_the_current_cycle_is_still_the_default(awardee):
    data = progress.report(awardee, date(2026, 2, 1))
    [item] = data.sets
    assert (item.result.cycle_start, item.cycle_number, data.cycle) == (
        date(2026, 1, 1),
        2,
        "current",
    )
    assert item.result.status == Status.BEHIND


def test_an_ended_award_window_that_was_met_shows_met(awardee):
    add_entry(awardee, "10", date(2025, 12, 31))
    result = progress.report(awardee, date(2026, 2, 1), cycle=-1).result("ama-pra-1y")
    assert result.status == Status.MET


def test_an_ended_license_cycle_shows_not_met_by_number(texan):
    add_entry(texan, "30", date(2024, 6, 1))
    data = progress.report(texan, ON, set_id="us-tx-md", cycle=2)
    [item] = data.sets
    assert (item.result.cycle_start, item.result.cycle_end) == (date(2023, 3, 1), date(2025, 2, 28))
    assert (item.result.status, item.result.total_counted, data.cycle) == (
        Status.NOT_MET,
        Decimal(30),
        "2",
    )


def test_a_past_cycle_is_judged_by_the_version_in_force_when_it_ended(texan):
    latest = RequirementSetVersion.objects.filter(set_id="us-tx-md").order_by("version").last()
    RequirementSetVersion.objects.filter(pk=latest.pk).update(effective_to=date(2025, 12, 31))
    newer = latest.version + 1
    RequirementSetVersion.objects.create(
        set_id="us-tx-md",
        version=newer,
        name=latest.name,
        authority=latest.authority,
        kind=latest.kind,
        effective_from=date(2026, 1, 1),
        definition=dict(latest.definition, version=newer, effective_from="2026-01-01"),
        digest="x",
    )
    rows = list(RequirementSetVersion.objects.filter(set_id="us-tx-md"))
    then = progress.version_in_force(rows, date(2025, 2, 28))
    assert progress.report(texan, ON).result("us-tx-md").version == newer
    assert progress.report(texan, ON, cycle=-1).result("us-tx-md").version == then.version
    assert then.version < newer


def test_a_set_without_the_cycle_says_why_while_others_are_judged(texan):
    choices.add_enrollment(texan, "ama-pra-1y", date(2026, 6, 1))
    data = progress.report(texan, ON, cycle=-1)
    by_set = {item.set_id: item for item in data.sets}
    assert by_set["us-tx-md"].result.cycle_end == date(2025, 2, 28)
    award = by_set["ama-pra-1y"]
    assert award.result is None
    assert award.problem == (
        "AMA PRA 1y has no previous cycle: cycle -1 would be before the first cycle, "
        "2026-06-01 to 2027-05-31 (cycle 1; the current one is cycle 1)."
    )


def test_a_cycle_no_set_has_is_an_error(texan):
    with pytest.raises(NoSuchCycle, match="cycle 4 has not begun: the current cycle is cycle 3"):
        progress.report(texan, ON, set_id="us-tx-md", cycle=4)


# The command and the API -----------------------------------------------------------------


def test_the_command_judges_the_previous_cycle(awardee):
    out = io.StringIO()
    call_command("progress", awardee.email, "--on", "2026-02-01", "--cycle", "previous", stdout=out)
    assert "not-met, cycle 1, 2025-01-01 to 2025-12-31" in out.getvalue()


def test_the_command_prints_json_for_a_numbered_cycle(awardee):
    out = io.StringIO()
    call_command(
        "progress",
        awardee.email,
        "--json",
        "--on",
        "2026-02-01",
        "--set",
        "ama-pra-1y",
        "--cycle",
        "1",
        stdout=out,
    )
    document = json.loads(out.getvalue())
    assert document["cycle"] == "1"
    assert document["sets"][0]["cycle_number"] == 1
    assert document["sets"][0]["result"]["status"] == "not-met"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cycle", "0", "--set", "ama-pra-1y"], "--cycle: 0 is not a cycle"),
        (["--cycle", "soon"], "--cycle: 'soon' is not a cycle"),
        (["--cycle", "2"], "--cycle: cycle 2 counts the cycles of one set"),
        (
            ["--cycle", "5", "--set", "ama-pra-1y"],
            "--cycle 5: AMA PRA 1y: cycle 5 has not begun: the current cycle is cycle 2 "
            r"\(2026-01-01 to 2026-12-31\)\.",
        ),
        (
            ["--cycle", "-2", "--set", "ama-pra-1y"],
            "--cycle -2: AMA PRA 1y: cycle -2 would be before the first cycle, 2025-01-01",
        ),
    ],
)
def test_the_command_refuses_a_bad_cycle(awardee, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "progress", awardee.email, "--on", "2026-02-01", *arguments, stdout=io.StringIO()
        )


def test_the_api_judges_a_chosen_cycle(awardee, client):
    client.force_login(awardee)
    response = client.get("/api/v1/progress", {"on": "2026-02-01", "cycle": "previous"})
    assert response.status_code == 200
    body = response.json()
    assert body["cycle"] == "previous"
    assert body["sets"][0]["result"]["status"] == "not-met"
    assert body["sets"][0]["result"]["rules"][1]["remaining"] == "10.00"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"cycle": "0", "set": "ama-pra-1y"}, "0 is not a cycle"),
        ({"cycle": "next"}, "'next' is not a cycle"),
        ({"cycle": "3"}, "cycle 3 counts the cycles of one set: name the set too."),
        ({"cycle": "9", "set": "ama-pra-1y"}, "AMA PRA 1y: cycle 9 has not begun"),
        ({"cycle": "-5", "set": "ama-pra-1y"}, "would be before the first cycle"),
        ({"cycle": "1" * 13}, "at most 12 characters"),
    ],
)
def test_the_api_refuses_a_bad_cycle_with_the_reason(awardee, client, query, message):
    client.force_login(awardee)
    response = client.get("/api/v1/progress", {"on": "2026-02-01", **query})
    assert response.status_code == 422
    [text] = response.json()["errors"]["cycle"]
    assert message in text
