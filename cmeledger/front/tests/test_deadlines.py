"""The deadlines page: upcoming gaps, the calendar address, reminder preferences."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cmeledger.reports import deadlines
from cmeledger.reports.models import DeadlinePreferences, SentReminder
from cmeledger.reports.tests.deadline_helpers import (
    DEADLINE,
    ONE_YEAR,
    add,
    follow_one_year,
    meet_one_year,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
POSTS = ["deadline-preferences", "deadline-calendar-secret"]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def page(client: Client) -> str:
    response = client.get(reverse("deadlines"))
    assert response.status_code == 200
    return response.content.decode()


# Privacy -------------------------------------------------------------------------------


def test_every_deadline_route_sends_anonymous_visitors_to_log_in(client):
    for method, name in [("get", "deadlines"), *(("post", n) for n in POSTS)]:
        response = getattr(client, method)(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_get_403_and_change_nothing(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("deadlines")).status_code == 403
    for name in POSTS:
        assert client.post(reverse(name), {"reminder_days": "5"}).status_code == 403, name
    assert not DeadlinePreferences.objects.filter(clinician=user).exists()


def test_the_page_shows_only_the_clinicians_own_address_and_reminders(alice_client, alice, bob):
    bobs = deadlines.preferences_of(bob)
    SentReminder.objects.create(
        clinician=bob, set_id="us-ca-md", deadline=DEADLINE, days_before=30, subject="Bob's"
    )
    html = page(alice_client)
    assert bobs.calendar_secret not in html and "Bob&#x27;s" not in html
    assert deadlines.preferences_of(alice).calendar_secret in html


def test_the_actions_take_only_post(alice_client):
    for name in POSTS:
        assert alice_client.get(reverse(name)).status_code == 405, name
    assert alice_client.post(reverse("deadlines")).status_code == 405


# What the page shows ---------------------------------------------------------------------


def test_it_lists_upcoming_deadlines_with_their_gaps(alice_client, alice):
    follow_one_year(alice)
    add(alice, "Spasticity", "12.00")
    html = page(alice_client)
    assert "AMA PRA certificate, 1 year" in html
    assert "2026-12-31" in html and '<td data-label="Days left">38</td>' in html
    assert deadlines.of(alice, TODAY).items[0].gap in html


def test_a_met_set_is_not_listed_as_a_gap(alice_client, alice):
    follow_one_year(alice)
    meet_one_year(alice)
    html = page(alice_client)
    assert "Nothing is missing before any deadline" in html
    assert "AMA PRA certificate, 1 year" not in html


def test_it_shows_the_calendar_address_and_the_reminders_sent(alice_client, alice, settings):
    settings.SITE_URL = "https://cme.example.test"
    SentReminder.objects.create(
        clinician=alice, set_id=ONE_YEAR, deadline=DEADLINE, days_before=30, subject="Sent one"
    )
    html = page(alice_client)
    secret = DeadlinePreferences.objects.get(clinician=alice).calendar_secret
    assert f'value="https://cme.example.test/calendar/{secret}.ics"' in html
    assert "Sent one" in html and '<td data-label="Days before">30</td>' in html


def test_the_reports_page_links_to_the_deadlines_page(alice_client):
    html = alice_client.get(reverse("reports")).content.decode()
    assert f'href="{reverse("deadlines")}"' in html
    assert "Deadlines and reminders" in html


# A new calendar address ------------------------------------------------------------------


def test_a_new_address_makes_the_old_one_404_at_once(alice_client, alice, client):
    old = deadlines.preferences_of(alice).calendar_secret
    response = alice_client.post(reverse("deadline-calendar-secret"))
    assert response.status_code == 302 and response["Location"] == reverse("deadlines")
    new = DeadlinePreferences.objects.get(clinician=alice).calendar_secret
    assert new != old
    anonymous = Client()
    assert anonymous.get(reverse("calendar-feed", args=[old])).status_code == 404
    assert anonymous.get(reverse("calendar-feed", args=[new])).status_code == 200
    assert "the old one stopped working" in page(alice_client)


# Reminder preferences ----------------------------------------------------------------------


def test_it_saves_reminders_off_and_chosen_days_largest_first(alice_client, alice):
    response = alice_client.post(reverse("deadline-preferences"), {"reminder_days": "7, 60 ,21"})
    assert response.status_code == 302
    prefs = DeadlinePreferences.objects.get(clinician=alice)
    assert (prefs.reminders_enabled, prefs.reminder_days) == (False, [60, 21, 7])
    html = page(alice_client)
    assert "Reminder preferences saved." in html and 'value="60, 21, 7"' in html


def test_an_empty_days_field_means_the_defaults(alice_client, alice):
    deadlines.save_preferences(alice, enabled=True, days=[5])
    alice_client.post(
        reverse("deadline-preferences"), {"reminders_enabled": "on", "reminder_days": ""}
    )
    prefs = DeadlinePreferences.objects.get(clinician=alice)
    assert prefs.reminder_days == [] and prefs.days == [180, 90, 30, 7]
    assert "Now: 180, 90, 30, 7." in page(alice_client)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "“abc” is not a whole number of days."),
        ("30, 1.5", "“1.5” is not a whole number of days."),
        ("-3", "“-3” is not a whole number of days."),
        ("0", "0 is out of range: choose from 1 to 730 days."),
        ("731", "731 is out of range: choose from 1 to 730 days."),
        ("1 2 3 4 5 6 7 8 9", "Choose at most 8 days; 9 were given."),
        ("30, 7, 30", "Each day once only: 30 appears twice."),
        ("9" * 30, "is out of range"),
    ],
)
def test_bad_days_get_a_clear_error_and_change_nothing(alice_client, alice, value, message):
    deadlines.save_preferences(alice, enabled=True, days=[14])
    response = alice_client.post(reverse("deadline-preferences"), {"reminder_days": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    prefs = DeadlinePreferences.objects.get(clinician=alice)
    assert (prefs.reminders_enabled, prefs.reminder_days) == (True, [14])
