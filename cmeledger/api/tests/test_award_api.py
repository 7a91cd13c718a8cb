"""GET /api/v1/award and /api/v1/award/summary.pdf: the standing, the PDF, privacy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from cmeledger.accounts.models import Board, Certification, ClinicianProfile
from cmeledger.api.tests.conftest import token_client
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields
from cmeledger.ledger.vocabulary import Source
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
    add(alice, "29.75", date(2026, 4, 1), credit_type="ama-pra-2", title="Journal reading")
    return alice


def test_it_returns_the_standing_with_each_tier(api, qualified):
    response = api.get("/api/v1/award")
    assert response.status_code == 200
    body = response.json()
    assert (body["today"], body["degree"], body["eligible"]) == ("2026-11-30", "MD", True)
    one = body["tiers"][0]
    assert (one["tier"], one["start"], one["end"]) == ("1y", "2025-12-01", "2026-11-30")
    assert (one["qualified"], Decimal(one["total_counted"])) == (False, Decimal("49.75"))
    assert one["missing"] == ["0.25 more for “50 credits in one year”"]
    assert body["best_tier"] is None
    add(qualified, "0.25", date(2026, 5, 1))
    assert api.get("/api/v1/award").json()["best_tier"] == "1y"


def test_it_reports_direct_credit_and_its_claim(api, alice):
    board = Board.objects.get(code="abpmr")
    cert = Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2001, 1, 1), cycle_end=date(2010, 8, 31)
    )
    entry = add(alice, "25", date(2010, 10, 1), source=Source.DIRECT_CREDIT)
    [claim] = api.get("/api/v1/award").json()["direct_credit"]
    assert claim["certification_id"] == cert.pk
    assert (claim["completed_on"], claim["how"]) == ("2010-08-31", "cycle-ended")
    assert Decimal(claim["credits"]) == 25
    assert claim["claimed_by"] == str(entry.pk)


def test_a_non_physician_gets_the_reason_and_a_400_for_the_summary(api, alice):
    ClinicianProfile.objects.filter(user=alice).update(degree="NP")
    body = api.get("/api/v1/award").json()
    assert body["eligible"] is False and body["tiers"] == []
    assert "ANCC" in body["alternatives"][0]
    response = api.get("/api/v1/award/summary.pdf", {"tier": "1y"})
    assert response.status_code == 400
    assert response.json()["error"] == body["eligibility"]


def test_the_summary_pdf_reads_back(api, qualified):
    response = api.get("/api/v1/award/summary.pdf", {"tier": "1y"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "ama-pra-1y-summary-2026-11-30.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content, squeeze=True)
    assert "Alice Abbot, MD" in text and "Gait analysis course" in text
    assert "Total 50 49.75" in text
    assert "Not yet qualified: 0.25 more" in text


@pytest.mark.parametrize("query", [{"tier": "9y"}, {"tier": ""}, {}, {"tier": "1y" * 40}])
def test_a_bad_tier_is_a_422_naming_the_field(api, qualified, query):
    before = CreditEntry.objects.count()
    response = api.get("/api/v1/award/summary.pdf", query)
    assert response.status_code == 422
    assert "tier" in response.json()["errors"]
    assert CreditEntry.objects.count() == before


def test_another_clinician_sees_only_their_own_standing(bob_api, qualified):
    body = bob_api.get("/api/v1/award").json()
    assert (body["clinician_name"], body["degree"]) == ("Bob Brandt", "DO")
    assert all(Decimal(t["total_counted"]) == 0 for t in body["tiers"])
    text = pdf_text(bob_api.get("/api/v1/award/summary.pdf", {"tier": "3y"}).content, squeeze=True)
    assert "Bob Brandt, DO" in text and "Gait analysis course" not in text


@pytest.mark.parametrize("url", ["/api/v1/award", "/api/v1/award/summary.pdf?tier=1y"])
def test_it_needs_credentials(url):
    assert Client().get(url).status_code == 401


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
@pytest.mark.parametrize("url", ["/api/v1/award", "/api/v1/award/summary.pdf?tier=1y"])
def test_other_roles_get_403(request, who, url):
    response = token_client(request.getfixturevalue(who)).get(url)
    assert response.status_code == 403
    assert "for clinicians" in response.json()["error"]


def test_the_openapi_document_describes_the_pdf_and_the_tier_values(client):
    document = client.get("/api/v1/openapi.json").json()
    pdf = document["paths"]["/api/v1/award/summary.pdf"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    [tier] = [p for p in pdf["parameters"] if p["name"] == "tier"]
    assert tier["required"] is True
    schemas = document["components"]["schemas"]
    assert schemas["AwardTier"]["enum"] == ["1y", "2y", "3y"]
