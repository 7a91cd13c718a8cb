"""The deadlines API: upcoming gaps, reminder preferences, a new calendar address."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from cmeledger.api.tests.conftest import token_client
from cmeledger.reports import deadlines
from cmeledger.reports.models import DeadlinePreferences
from cmeledger.reports.tests.deadline_helpers import (
    ONE_YEAR,
    add,
    follow_one_year,
    meet_one_year,
)
from cmeledger.requirements.models import Enrollment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
ROUTES = [
    ("get", "/api/v1/deadlines"),
    ("get", "/api/v1/deadlines/preferences"),
    ("put", "/api/v1/deadlines/preferences"),
    ("post", "/api/v1/deadlines/calendar-secret"),
]
GOOD = {"reminders_enabled": True, "reminder_days": [60, 14]}


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def put(client: Client, body) -> object:
    return client.put("/api/v1/deadlines/preferences", body, content_type="application/json")


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_every_route_is_401_without_credentials(method, url):
    response = getattr(Client(enforce_csrf_checks=True), method)(
        url, GOOD, content_type="application/json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_other_roles_get_403_and_change_nothing(request, who, method, url):
    user = request.getfixturevalue(who)
    response = getattr(token_client(user), method)(url, GOOD, content_type="application/json")
    assert response.status_code == 403
    assert "for clinicians" in response.json()["error"]
    assert not DeadlinePreferences.objects.filter(clinician=user).exists()


def test_it_lists_only_upcoming_deadlines_with_a_gap(api, alice):
    follow_one_year(alice)
    add(alice, "Spasticity", "12.00")
    Enrollment.objects.create(clinician=alice, set_id="no-such-set", started_on=TODAY)
    body = api.get("/api/v1/deadlines").json()
    assert body["on"] == "2026-11-23"
    [item] = body["items"]
    assert (item["set_id"], item["deadline"], item["days_left"]) == (ONE_YEAR, "2026-12-31", 38)
    assert item["missing"][0] == "38 credits"
    assert item["gap"].startswith("38 credits, ") and item["gap"].endswith("by Dec 31, 2026")
    assert body["problems"] == [
        {
            "set_id": "no-such-set",
            "message": "no-such-set: no deadline shown. The set no-such-set is not in the catalog.",
        }
    ]


def test_a_met_set_is_left_out(api, alice):
    follow_one_year(alice)
    meet_one_year(alice)
    assert api.get("/api/v1/deadlines").json()["items"] == []


def test_another_clinicians_deadlines_never_show(api, bob):
    follow_one_year(bob)
    assert api.get("/api/v1/deadlines").json()["items"] == []


def test_the_preferences_start_with_the_defaults_and_the_calendar_address(api, alice, settings):
    settings.SITE_URL = "https://cme.example.test"
    body = api.get("/api/v1/deadlines/preferences").json()
    secret = DeadlinePreferences.objects.get(clinician=alice).calendar_secret
    assert body == {
        "reminders_enabled": True,
        "reminder_days": [180, 90, 30, 7],
        "uses_defaults": True,
        "calendar_url": f"https://cme.example.test/calendar/{secret}.ics",
    }


def test_put_saves_the_days_largest_first_and_an_empty_list_restores_the_defaults(api, alice):
    body = put(api, {"reminders_enabled": False, "reminder_days": [7, 45]}).json()
    assert body["reminder_days"] == [45, 7] and body["reminders_enabled"] is False
    assert body["uses_defaults"] is False
    prefs = DeadlinePreferences.objects.get(clinician=alice)
    assert prefs.reminder_days == [45, 7] and not prefs.reminders_enabled
    body = put(api, {"reminders_enabled": True, "reminder_days": []}).json()
    assert body["uses_defaults"] is True and body["reminder_days"] == [180, 90, 30, 7]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"reminders_enabled": True, "reminder_days": [0]}, "reminder_days", "0 is out of range"),
        ({"reminders_enabled": True, "reminder_days": [731]}, "reminder_days", "731 is out"),
        ({"reminders_enabled": True, "reminder_days": [30, 30]}, "reminder_days", "30 appears"),
        ({"reminders_enabled": True, "reminder_days": list(range(1, 10))}, "reminder_days", "8"),
        ({"reminders_enabled": True, "reminder_days": ["30"]}, "reminder_days.0", "integer"),
        ({"reminders_enabled": True, "reminder_days": [True]}, "reminder_days.0", "integer"),
        ({"reminders_enabled": True, "reminder_days": [1.5]}, "reminder_days.0", "integer"),
        ({"reminders_enabled": True, "reminder_days": "30"}, "reminder_days", "list"),
        ({"reminders_enabled": "maybe", "reminder_days": []}, "reminders_enabled", "boolean"),
        ({"reminders_enabled": True}, "reminder_days", "required"),
    ],
)
def test_bad_preferences_are_422_naming_the_field_and_change_nothing(
    api, alice, body, field, message
):
    deadlines.save_preferences(alice, enabled=True, days=[14])
    response = put(api, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in errors, errors
    assert message in " ".join(errors[field]).lower() or message in " ".join(errors[field])
    prefs = DeadlinePreferences.objects.get(clinician=alice)
    assert (prefs.reminders_enabled, prefs.reminder_days) == (True, [14])


def test_a_new_calendar_secret_returns_the_new_address_and_the_old_one_404s(api, alice):
    old = deadlines.feed_url(deadlines.preferences_of(alice))
    response = api.post("/api/v1/deadlines/calendar-secret")
    assert response.status_code == 200
    new = response.json()["calendar_url"]
    assert new != old and new == deadlines.feed_url(
        DeadlinePreferences.objects.get(clinician=alice)
    )
    anonymous = Client()
    assert anonymous.get(old.removeprefix("http://127.0.0.1:8000")).status_code == 404
    assert anonymous.get(new.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_a_body_that_is_not_json_is_a_400_and_changes_nothing(api, alice):
    deadlines.save_preferences(alice, enabled=True, days=[14])
    response = put(api, "\x00{not json")
    assert response.status_code == 400
    assert response.json() == {"error": "Cannot parse request body"}
    assert DeadlinePreferences.objects.get(clinician=alice).reminder_days == [14]
