"""The AMA PRA award page and its summary PDF: what they show, privacy, bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cmeledger.accounts.models import Board, Certification, ClinicianProfile
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields
from cmeledger.reports.testing import pdf_text
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog_and_clock(db):
    sync()
    with time_machine.travel(date(2026, 11, 30), tick=False):
        yield


def add(user, credits: str, on: date, credit_type: str = "ama-pra-1", **extra) -> CreditEntry:
    fields = entry_fields(completed_on=on, start_date=None, end_date=None, **extra)
    fields.update(credits=Decimal(credits), credit_type=credit_type)
    return CreditEntry.objects.create(clinician=user, **fields)


@pytest.fixture
def qualified(alice):
    add(alice, "20", date(2026, 3, 1), title="Gait analysis course")
    add(alice, "30", date(2026, 4, 1), credit_type="ama-pra-2", title="Journal reading")
    return alice


def test_it_shows_the_tiers_the_best_one_and_the_unconfirmed_note(alice_client, qualified):
    response = alice_client.get(reverse("award"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You qualify now for the <strong>1-year certificate</strong>" in page
    assert "Dec 1, 2025 to Nov 30, 2026" in page
    assert "50 of 50" in page and "20 of 20" in page
    assert "50 more for “100 credits in two years”" in page
    assert "have not been checked against the current one" in page
    assert '<option value="1y" selected>' in page


def test_it_shows_direct_credit_for_a_completed_cycle(alice_client, alice):
    board = Board.objects.get(code="abpmr")
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2011, 1, 1), cycle_end=date(2020, 12, 31)
    )
    page = alice_client.get(reverse("award")).content.decode()
    assert "<li>ABPMR cycle Jan 1, 2011 to Dec 31, 2020: completed Dec 31, 2020" in page
    assert "Not claimed yet: apply to the AMA" in page
    assert "Teaching at a live activity" in page and "(unconfirmed)" in page


def test_a_non_physician_is_told_why_and_sees_no_tiers(alice_client, alice):
    ClinicianProfile.objects.filter(user=alice).update(degree="PA")
    page = alice_client.get(reverse("award")).content.decode()
    assert "Not eligible." in page
    assert "for physicians (MD or DO) only; your profile says PA" in page
    assert "AAPA Category 1" in page
    assert "Download application summary" not in page
    response = alice_client.get(reverse("award-summary"), {"tier": "1y"})
    assert response.status_code == 400
    assert "for physicians (MD or DO) only" in response.content.decode()


def test_the_summary_downloads_as_a_private_attachment_that_reads_back(alice_client, qualified):
    response = alice_client.get(reverse("award-summary"), {"tier": "1y"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="ama-pra-1y-summary-2026-11-30.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content, squeeze=True)
    assert "Alice Abbot, MD" in text
    assert "Gait analysis course" in text and "Journal reading" in text
    assert "Total 50 50" in text
    assert "generated 2026-11-30 00:00 UTC" in text


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"tier": "4y"}, "Unknown tier “4y”"),
        ({"tier": ""}, "Unknown tier nothing"),
        ({}, "Unknown tier nothing"),
        ({"tier": "<script>"}, "Unknown tier “&lt;script&gt;”"),
    ],
)
def test_a_bad_tier_is_a_400_page_naming_it(alice_client, qualified, query, named):
    before = CreditEntry.objects.count()
    response = alice_client.get(reverse("award-summary"), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert named in page and "choose 1y, 2y or 3y" in page
    assert "<script>" not in page.split("<main", 1)[-1]
    assert CreditEntry.objects.count() == before


def test_the_pages_only_show_the_signed_in_clinicians_own_credits(client, bob, qualified):
    client.force_login(bob)
    page = client.get(reverse("award")).content.decode()
    assert "You do not qualify for any certificate yet." in page
    text = pdf_text(client.get(reverse("award-summary"), {"tier": "1y"}).content)
    assert "Bob Brandt, DO" in text
    assert "Gait analysis course" not in text and "Alice" not in text


@pytest.mark.parametrize("name", ["award", "award-summary"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name), {"tier": "1y"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
@pytest.mark.parametrize("name", ["award", "award-summary"])
def test_other_roles_are_refused(client, request, who, name):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(name), {"tier": "1y"})
    assert response.status_code == 403
    assert b"clinician" in response.content


@pytest.mark.parametrize("name", ["award", "award-summary"])
def test_the_pages_refuse_other_methods(alice_client, name):
    assert alice_client.post(reverse(name), {"tier": "1y"}).status_code == 405


def test_the_reports_page_links_to_the_award_page(alice_client):
    page = alice_client.get(reverse("reports")).content.decode()
    assert 'id="award-heading"' in page
    assert f'href="{reverse("award")}"' in page
