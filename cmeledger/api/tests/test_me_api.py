"""GET /me: who the caller is, and for clinicians what the requirements are computed from."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.django_db


def test_me_shows_the_profile_licenses_and_certifications(api, alice, board):
    alice.profile.npi = "1234567893"
    alice.profile.birth_month, alice.profile.birth_day = 3, 14
    alice.profile.save()
    alice.licenses.create(state="TX", number="Q1", expires_on=date(2026, 8, 31))
    alice.certifications.create(
        board=board, cycle_start=date(2022, 1, 1), cycle_end=date(2026, 12, 31)
    )
    body = api.get("/api/v1/me").json()
    assert body["email"] == "alice@example.org"
    assert (body["first_name"], body["last_name"], body["role"]) == ("Alice", "Abbot", "clinician")
    assert body["profile"] == {
        "middle_name": "",
        "degree": "MD",
        "npi": "1234567893",
        "npi_state": "claimed",
        "npi_state_note": "",
        "birth_month": 3,
        "birth_day": 14,
        "specialty": "PM&R",
    }
    assert body["licenses"][0]["state"] == "TX"
    assert body["licenses"][0]["expires_on"] == "2026-08-31"
    assert body["certifications"][0]["board"] == "abpmr"
    assert body["certifications"][0]["cycle_end"] == "2026-12-31"


def test_me_works_with_the_session_too(alice_client):
    assert alice_client.get("/api/v1/me").json()["email"] == "alice@example.org"


def test_me_never_shows_another_clinicians_records(bob_api, alice, board):
    alice.licenses.create(state="TX", number="Q1")
    body = bob_api.get("/api/v1/me").json()
    assert body["email"] == "bob@example.org" and body["licenses"] == []
