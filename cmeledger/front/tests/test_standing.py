"""Standing in the product: dashboard per set and rule, entries, the entry page, the planner."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmeledger.accounts.models import Board, Certification, License
from cmeledger.ledger import services
from cmeledger.ledger.testing import entry_fields
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


def add(user, title, completed_on, credits="1.00", credit_type="ama-pra-1", topics=()):
    fields = entry_fields(
        title=title,
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=Decimal(credits),
        credit_type=credit_type,
    )
    return services.create_entry(user, user, fields, topics=topics)


@pytest.fixture
def texan(alice):
    sync()
    License.objects.create(
        clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28), dea_registrant=True
    )
    return alice


@pytest.fixture
def ethics_board(texan):
    """A second set asking for ethics too, followed by hand, so gaps can combine."""
    definition = {
        "id": "ethics-board",
        "name": "Ethics board",
        "short_name": "EB",
        "authority": "A board",
        "kind": "custom",
        "version": 1,
        "effective_from": "2020-01-01",
        "sources": ["https://example.org"],
        "accepted_credit_types": ["ama-pra-1"],
        "cycle": {"months": 12, "anchor": "calendar", "first_start": "2026-01-01"},
        "rules": [
            {
                "id": "ethics",
                "kind": "minimum-subset",
                "name": "3 h ethics",
                "credits": "3",
                "select": {"topics": ["ethics"]},
                "source": "s",
            }
        ],
    }
    RequirementSetVersion.objects.create(
        set_id="ethics-board",
        version=1,
        name="Ethics board",
        authority="A board",
        kind="custom",
        effective_from=date(2020, 1, 1),
        definition=definition,
        digest="x",
    )
    Enrollment.objects.create(clinician=texan, set_id="ethics-board", started_on=date(2020, 1, 1))
    return texan


def test_the_dashboard_shows_each_set_with_status_rules_and_what_is_still_needed(texan, client):
    add(texan, "Cardiology update", date(2025, 6, 1), "10.00")
    client.force_login(texan)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Texas physician registration (MD)" in page
    assert "Still needed: 38 credits; 14 of them toward “At least 24 formal credits”;" in page
    assert "Next: <strong>2 h ethics by Feb 28, 2027</strong> — 97 days left" in page
    assert "2 hours of ethics or professional responsibility (formal)" in page
    # us-tx-md v3 reads every rule from the board's rule or the statute: nothing flagged
    # (the ABPMR test below shows a flagged rule).
    assert "Unconfirmed" not in page
    assert 'aria-valuenow="20"' in page  # 10 of 48 credits, rounded down


def test_the_dashboard_flags_abpmrs_unconfirmed_accreditors_and_says_what_is_unconfirmed(
    alice, client
):
    sync()
    board, _ = Board.objects.get_or_create(code="abpmr", defaults={"name": "ABPMR"})
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2023, 1, 1), cycle_end=date(2027, 12, 31)
    )
    client.force_login(alice)
    page = client.get(reverse("dashboard")).content.decode()
    [article] = re.findall(
        r'<article class="standing[^"]*" data-set="abpmr-cc">.*?</article>', page, re.S
    )
    [total] = re.findall(
        r'<li class="rule[^"]*">\s*<div class="rule-head">\s*<span>150 Category 1.*?</li>',
        article,
        re.S,
    )
    assert '<span class="badge unconfirmed"' in total
    assert "which accreditors&#x27; Category 1 ABPMR accepts is not" in total
    # A confirmed rule carries no badge.
    [pace] = re.findall(r"<span>An average of 30 credits a year</span>.*?</li>", article, re.S)
    assert "unconfirmed" not in pace


def test_each_entry_in_the_list_says_which_sets_and_rules_it_counted_toward(texan, client):
    add(texan, "Ethics grand rounds", date(2025, 6, 1), "2.00", topics=["ethics"])
    client.force_login(texan)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Counts toward TX MD: At least 24 formal credits, 2 hours of ethics" in page


def test_the_dashboard_query_count_stays_constant_with_sets_and_entries(ethics_board, client):
    client.force_login(ethics_board)
    add(ethics_board, "One", date(2026, 1, 5), topics=["ethics"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    for day in range(2, 28):
        add(ethics_board, f"More {day}", date(2026, 2, day), topics=["ethics", "geriatrics"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard"))
    assert len(many) == len(few)


def test_the_entry_page_explains_why_it_counted(texan, client):
    entry = add(texan, "Ethics grand rounds", date(2025, 6, 1), "2.00", topics=["ethics"])
    client.force_login(texan)
    page = client.get(reverse("entry-detail", args=[entry.pk])).content.decode()
    assert "Where it counts" in page
    assert "2 counted toward" in page
    assert (
        "topic ethics, AMA PRA Category 1 Credit™, completed Jun 1, 2025, inside the cycle" in page
    )


def test_the_entry_page_explains_why_an_old_entry_did_not_count(texan, client):
    entry = add(texan, "Long ago", date(2019, 6, 1), "2.00")
    client.force_login(texan)
    page = client.get(reverse("entry-detail", args=[entry.pk])).content.decode()
    assert (
        "Not counted: completed Jun 1, 2019, outside the current cycle Mar 1, 2025 to Feb 28, 2027."
        in page
    )


def test_the_planner_combines_a_topic_gap_shared_by_two_sets(ethics_board, client):
    client.force_login(ethics_board)
    page = client.get(reverse("planner")).content.decode()
    assert re.search(
        r"3 h ethics, AMA PRA Category 1 Credit™, before Dec 31, 2026, closes a gap in (TX MD and EB|EB and TX MD) at once",
        page,
    )


def test_the_planner_shows_what_a_planned_activity_would_change(ethics_board, client):
    client.force_login(ethics_board)
    query = {
        "credits": "3",
        "credit_type": "ama-pra-1",
        "topics": "ethics",
        "activity_kind": "live",
    }
    page = client.get(reverse("planner"), query).content.decode()
    assert "It would change" in page
    assert "3 h ethics: 0 → 3 (On track → Met)" in page
    assert ethics_board.entries.count() == 0  # nothing saved


@pytest.mark.parametrize(
    ("credits", "message"),
    [("abc", "Enter a number."), ("0.30", "step"), ("500", "less than or equal to 100")],
)
def test_the_planner_refuses_a_bad_planned_activity_by_name(ethics_board, client, credits, message):
    client.force_login(ethics_board)
    response = client.get(reverse("planner"), {"credits": credits, "credit_type": "ama-pra-1"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "It would change" not in response.content.decode()


def test_the_planner_refuses_an_unknown_credit_type(ethics_board, client):
    client.force_login(ethics_board)
    response = client.get(reverse("planner"), {"credits": "1", "credit_type": "gold-stars"})
    assert (
        "Select a valid choice. gold-stars is not one of the available choices."
        in response.content.decode()
    )


def test_the_planner_shows_only_the_callers_own_gaps(ethics_board, bob, client):
    client.force_login(bob)
    page = client.get(reverse("planner")).content.decode()
    assert "ethics" not in page.lower().split("what if")[0]
    assert "You follow no requirement sets yet" in page


def test_the_planner_and_standing_are_for_clinicians_only(client, board_staff, org_member):
    for user in (board_staff, org_member):
        client.force_login(user)
        assert client.get(reverse("planner")).status_code == 403
    client.logout()
    assert client.get(reverse("planner")).status_code == 302


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12"), "12"),
        (Decimal("12.00"), "12"),
        (Decimal("12.5"), "12.5"),
        (Decimal("0.25"), "0.25"),
        (Decimal("144.75"), "144.75"),
        (Decimal("-3.25"), "-3.25"),
        (Decimal("1E+1"), "10"),
        (Decimal("1250.5"), "1,250.5"),
        (Decimal("-0.001"), "0"),
        (7, "7"),
        (1.5, "1.5"),
        (Decimal("NaN"), ""),
        (None, ""),
        ("", ""),
        ("abc", ""),
        (True, ""),
    ],
)
def test_the_credits_filter_writes_amounts_in_the_sites_one_style(value, text):
    from cmeledger.front.templatetags.numbers import credits

    assert credits(value) == text
    assert credits(value) == text  # the remembered answer too
