"""The deadlines in words, and the calendar feed parsed back with icalendar."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from icalendar import Calendar

from cmeledger.accounts.models import License, Role, User
from cmeledger.reports import deadlines
from cmeledger.reports.calendar import feed
from cmeledger.reports.deadlines import missing_words
from cmeledger.reports.models import DeadlinePreferences
from cmeledger.reports.tests.deadline_helpers import (
    DEADLINE,
    ONE_YEAR,
    add,
    follow_one_year,
    meet_one_year,
)
from cmeledger.requirements.engine import Need, Status
from cmeledger.requirements.models import Enrollment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def need(rule_id, credits, types=("ama-pra-1",), topics=(), name="A rule", component=None):
    return Need(
        set_id="x",
        rule_id=rule_id,
        rule_name=name,
        credits=None if credits is None else Decimal(credits),
        credit_types=list(types),
        topics=list(topics),
        component=component,
        due=date(2027, 12, 31),
        confidence="confirmed",
    )


def parsed(user: User, today: date = TODAY) -> Calendar:
    return Calendar.from_ical(feed(user, today))


def texan(user: User) -> User:
    License.objects.create(clinician=user, state="TX", number="T-1", expires_on=date(2027, 2, 28))
    return user


# What is missing, in words ----------------------------------------------------------


def test_it_words_the_total_first_and_narrower_needs_as_part_of_it():
    words = missing_words([need("total", "12.00"), need("ethics", "2.00", topics=["ethics"])])
    item = deadlines.Deadline(
        "x", "X", "X", date(2026, 1, 1), date(2027, 12, 31), Status.BEHIND, 400, words
    )
    assert item.gap == "12 AMA PRA Category 1 credits, 2 of them on ethics, by Dec 31, 2027"


def test_it_words_quarters_singulars_components_and_several_types():
    words = missing_words(
        [
            need("total", "10.00", types=["ama-pra-1", "ama-pra-2"]),
            need("cat1", "1.00"),
            need("formal", "0.25", types=["ama-pra-1", "aoa-1a"], name="Formal credits"),
            need("hiv", "1.50", topics=["hiv-aids"]),
            need("la", None, types=[], name="Longitudinal assessment", component="la"),
        ]
    )
    assert words == [
        "10 credits",
        "1 of them AMA PRA Category 1 credit",
        "0.25 of them toward “Formal credits”",
        "1.5 of them on HIV/AIDS",
        "Longitudinal assessment",
    ]


def test_it_words_a_topic_need_alone_with_its_unit():
    words = missing_words([need("nursing", "3.00", types=["ancc-contact-hour"], topics=["ethics"])])
    assert words == ["3 ANCC contact hours on ethics"]


def test_a_set_with_a_gap_has_its_deadline_status_and_gap(alice):
    follow_one_year(alice)
    add(alice, "Spasticity", "12.00")
    [item] = deadlines.of(alice, TODAY).items
    assert (item.set_id, item.deadline, item.days_left) == (ONE_YEAR, DEADLINE, 38)
    assert item.status != Status.MET and item.has_gap
    assert item.gap.startswith("38 credits, ") and item.gap.endswith(", by Dec 31, 2026")


def test_a_met_set_has_a_deadline_but_no_gap(alice):
    follow_one_year(alice)
    meet_one_year(alice)
    found = deadlines.of(alice, TODAY)
    [item] = found.items
    assert item.status == Status.MET and not item.has_gap and item.gap == ""
    assert found.upcoming_gaps == []


def test_a_set_with_no_result_gives_a_problem_line_instead(alice):
    Enrollment.objects.create(clinician=alice, set_id="no-such-set", started_on=TODAY)
    found = deadlines.of(alice, TODAY)
    assert found.items == []
    assert [p.message for p in found.problems] == [
        "no-such-set: no deadline shown. The set no-such-set is not in the catalog."
    ]


# The feed -----------------------------------------------------------------------------


def test_the_feed_is_a_valid_calendar_with_one_all_day_event_per_deadline(alice):
    follow_one_year(alice)
    texan(alice)
    cal = parsed(alice)
    assert str(cal["PRODID"]) == "-//CME Ledger//Deadlines//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "CME deadlines (Alice)"
    events = cal.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [DEADLINE, date(2027, 2, 28)]
    assert [e.decoded("DTEND") for e in events] == [date(2027, 1, 1), date(2027, 3, 1)]
    assert all(e.get("DTSTAMP") is not None for e in events)
    assert str(events[0]["SUMMARY"]) == "CME deadline: AMA PRA certificate, 1 year"
    assert str(events[1]["SUMMARY"]) == "CME deadline: Texas physician registration (MD)"
    assert len({str(e["UID"]) for e in events}) == 2


def test_each_event_says_the_status_and_the_gap(alice):
    follow_one_year(alice)
    add(alice, "Spasticity", "12.00")
    [event] = parsed(alice).walk("VEVENT")
    text = str(event["DESCRIPTION"])
    assert "Cycle Jan 1, 2026 to Dec 31, 2026." in text
    assert "Status: behind." in text
    assert "Still missing: 38 credits, " in text and "by Dec 31, 2026." in text


def test_the_uid_is_stable_across_requests_and_days_but_not_across_cycles(alice, bob):
    follow_one_year(alice)
    follow_one_year(bob)
    first = str(parsed(alice).walk("VEVENT")[0]["UID"])
    again = str(parsed(alice, TODAY + timedelta(days=10)).walk("VEVENT")[0]["UID"])
    next_cycle = str(parsed(alice, date(2027, 2, 1)).walk("VEVENT")[0]["UID"])
    bobs = str(parsed(bob).walk("VEVENT")[0]["UID"])
    assert first == again
    assert next_cycle != first and bobs != first
    # Opaque: a keyed hash, so the UID names neither the clinician nor the set.
    assert re.fullmatch(r"deadline-[0-9a-f]{32}@127\.0\.0\.1", first)


def test_a_deadline_with_a_gap_has_an_alarm_per_chosen_day(alice):
    follow_one_year(alice)
    DeadlinePreferences.objects.create(clinician=alice, reminder_days=[14, 60, 3])
    [event] = parsed(alice).walk("VEVENT")
    alarms = event.walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [timedelta(days=-d) for d in (60, 14, 3)]
    assert all(str(a["ACTION"]) == "DISPLAY" for a in alarms)
    assert str(alarms[1]["DESCRIPTION"]).startswith("AMA PRA 1y is due in 14 days: 50 credits")


def test_the_default_days_are_the_alarms_of_a_clinician_who_chose_none(alice):
    follow_one_year(alice)
    [event] = parsed(alice).walk("VEVENT")
    triggers = [a.decoded("TRIGGER") for a in event.walk("VALARM")]
    assert triggers == [timedelta(days=-d) for d in (180, 90, 30, 7)]


def test_a_met_deadline_and_a_clinician_with_reminders_off_get_no_alarms(alice, bob):
    follow_one_year(alice)
    meet_one_year(alice)
    [met] = parsed(alice).walk("VEVENT")
    assert met.walk("VALARM") == []
    assert "Nothing is missing for this cycle." in str(met["DESCRIPTION"])
    follow_one_year(bob)
    DeadlinePreferences.objects.create(clinician=bob, reminders_enabled=False)
    [quiet] = parsed(bob).walk("VEVENT")
    assert quiet.walk("VALARM") == [] and "Still missing" in str(quiet["DESCRIPTION"])


def test_the_feed_names_no_entry_and_no_identifier_beyond_the_first_name(alice):
    follow_one_year(alice)
    texan(alice)
    add(alice, "Confidential course title", "3.00")
    text = feed(alice, TODAY).decode()
    for secret in ("Confidential course title", "Abbot", "alice@example.org", "T-1"):
        assert secret not in text


def test_a_clinician_following_nothing_gets_an_empty_but_valid_calendar(alice):
    cal = parsed(alice)
    assert cal.walk("VEVENT") == [] and str(cal["VERSION"]) == "2.0"


# The public address --------------------------------------------------------------------


def feed_path(user: User) -> str:
    return f"/calendar/{deadlines.preferences_of(user).calendar_secret}.ics"


def test_the_address_serves_the_feed_to_anyone_with_no_login(client, alice):
    follow_one_year(alice)
    response = client.get(feed_path(alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


@pytest.mark.parametrize("secret", ["made-up", "a" * 43, "x.y"])
def test_an_unknown_secret_is_a_bare_404(client, alice, secret):
    deadlines.preferences_of(alice)
    response = client.get(f"/calendar/{secret}.ics")
    assert response.status_code == 404
    assert b"Alice" not in response.content and b"calendar" not in response.content.lower()


def test_a_new_secret_makes_the_old_address_404_at_once(client, alice):
    old = feed_path(alice)
    deadlines.preferences_of(alice).regenerate_secret()
    assert client.get(old).status_code == 404
    assert client.get(feed_path(alice)).status_code == 200


def test_a_closed_account_or_a_non_clinician_gets_no_feed(client, alice, org_member):
    path = feed_path(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client.get(path).status_code == 404
    assert org_member.role == Role.ORGANIZATION
    assert client.get(feed_path(org_member)).status_code == 404


def test_the_feed_refuses_writes(client, alice):
    assert client.post(feed_path(alice)).status_code == 405
