"""GET /transcript.pdf, GET /transcripts and the share-link operations."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import time_machine
from django.test import Client

from cmeledger.api.tests.conftest import token_client
from cmeledger.reports.models import IssuedTranscript, ShareLink
from cmeledger.reports.testing import add_entry as add
from cmeledger.reports.testing import follow_texas, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


@pytest.fixture
def texan(alice):
    follow_texas(alice, "T-1")
    add(alice, "Ethics in rehabilitation", date(2025, 6, 1), "2.00", topics=["ethics"])
    return alice


def test_the_transcript_pdf_is_issued_and_listed_with_its_code(texan, api):
    response = api.get("/api/v1/transcript.pdf", {"set": "us-tx-md"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    listed = api.get("/api/v1/transcripts").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["code"] in pdf_text(response.content)
    assert item["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert (item["set_id"], item["total_credits"], item["entry_count"]) == ("us-tx-md", "2.00", 1)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({}, 400, "Choose a requirement set, or both a start and an end date."),
        ({"set": "us-ny-md"}, 400, "You do not follow the requirement set us-ny-md."),
        ({"set": "us-tx-md", "start": "2025-01-01"}, 400, "not both"),
        ({"start": "2025-03-01", "end": "2025-01-01"}, 400, "is before the start date"),
        ({"start": "not-a-date", "end": "2025-01-01"}, 422, "date"),
    ],
)
def test_a_bad_transcript_request_says_what_is_wrong(texan, api, query, status, message):
    response = api.get("/api/v1/transcript.pdf", query)
    assert response.status_code == status
    assert message in str(response.json())
    assert not IssuedTranscript.objects.exists()


def test_a_share_link_is_made_listed_read_and_revoked(texan, api):
    made = api.post(
        "/api/v1/share-links",
        {"recipient": "Credentialing", "set": "us-tx-md", "days": 10},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert body["state"] == "active" and body["uses"] == 0
    secret = body["url"].rstrip("/").rsplit("/", 1)[-1]
    assert Client().get(f"/s/{secret}/").status_code == 200
    listed = api.get("/api/v1/share-links").json()
    assert listed["count"] == 1 and "url" not in listed["items"][0]
    detail = api.get(f"/api/v1/share-links/{body['id']}").json()
    assert [a["kind"] for a in detail["accesses"]] == ["page"]
    revoked = api.post(f"/api/v1/share-links/{body['id']}/revoke").json()
    assert revoked["state"] == "revoked"
    assert Client().get(f"/s/{secret}/").status_code == 410


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"set": "us-tx-md", "days": 10}, 422, "recipient"),
        ({"recipient": "", "set": "us-tx-md"}, 422, "recipient"),
        ({"recipient": "HR", "set": "us-tx-md", "days": 0}, 422, "days"),
        ({"recipient": "HR", "set": "us-tx-md", "days": 366}, 422, "days"),
        ({"recipient": "HR", "set": "us-ny-md"}, 400, "You do not follow"),
        ({"recipient": "HR"}, 400, "Choose a requirement set"),
        ({"recipient": "HR", "set": "us-tx-md", "start": "2025-01-01"}, 422, "not both"),
        ({"recipient": "x" * 201, "set": "us-tx-md"}, 422, "recipient"),
    ],
)
def test_a_bad_share_link_is_refused_and_nothing_is_made(texan, api, payload, status, message):
    response = api.post("/api/v1/share-links", payload, content_type="application/json")
    assert response.status_code == status
    assert message in str(response.json())
    assert not ShareLink.objects.exists()


def test_another_clinicians_links_and_transcripts_are_hidden(texan, api, bob):
    link_id = api.post(
        "/api/v1/share-links",
        {"recipient": "HR", "set": "us-tx-md"},
        content_type="application/json",
    ).json()["id"]
    api.get("/api/v1/transcript.pdf", {"set": "us-tx-md"})
    bob_api = token_client(bob)
    assert bob_api.get(f"/api/v1/share-links/{link_id}").status_code == 404
    assert bob_api.post(f"/api/v1/share-links/{link_id}/revoke").status_code == 404
    assert bob_api.get("/api/v1/share-links").json()["count"] == 0
    assert bob_api.get("/api/v1/transcripts").json()["count"] == 0
    assert ShareLink.objects.get().revoked_at is None


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/transcript.pdf?set=us-tx-md"),
        ("get", "/api/v1/transcripts"),
        ("get", "/api/v1/share-links"),
        ("post", "/api/v1/share-links"),
        ("get", "/api/v1/share-links/1"),
        ("post", "/api/v1/share-links/1/revoke"),
    ],
)
def test_every_operation_needs_a_clinician(request, method, url, org_member, board_staff):
    assert getattr(Client(), method)(url).status_code == 401
    for user in (org_member, board_staff):
        assert getattr(token_client(user), method)(url).status_code == 403
