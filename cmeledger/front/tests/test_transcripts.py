"""Transcript downloads, share links and their public pages, and verification."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cmeledger.conftest import PASSWORD
from cmeledger.reports.models import IssuedTranscript, ShareAccess, ShareLink
from cmeledger.reports.sharing import create_link
from cmeledger.reports.testing import add_entry as add
from cmeledger.reports.testing import follow_texas, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False) as traveller:
        yield traveller


@pytest.fixture
def texan(alice):
    follow_texas(alice, "T-1")
    add(alice, "Ethics in rehabilitation", date(2025, 6, 1), "2.00", topics=["ethics"])
    return alice


def signed_in(user) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)
    return client


def secret_of(response) -> str:
    return re.search(r'value="http://[^"]*/s/([^"/]+)/"', response.content.decode()).group(1)


def test_the_reports_page_offers_the_sets_the_clinician_follows(texan, alice_client):
    response = alice_client.get(reverse("reports"))
    assert response.status_code == 200
    assert b'<option value="us-tx-md">' in response.content


def test_a_clinician_downloads_a_set_transcript_as_a_pdf(texan, alice_client):
    response = alice_client.get(reverse("transcript-download"), {"set": "us-tx-md"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="transcript-us-tx-md-20250301-20270228.pdf"' in response["Content-Disposition"]
    issued = IssuedTranscript.objects.get()
    assert issued.code in pdf_text(response.content)
    assert issued.sha256 == hashlib.sha256(response.content).hexdigest()


def test_a_clinician_downloads_a_date_range_transcript(alice, alice_client):
    add(alice, "Range course", date(2025, 5, 4), "1.50")
    response = alice_client.get(
        reverse("transcript-download"), {"start": "2025-01-01", "end": "2025-12-31"}
    )
    assert response.status_code == 200
    assert "Range course" in pdf_text(response.content)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Choose a requirement set, or both a start and an end date."),
        ({"start": "2025-02-01", "end": "2025-01-01"}, "is before the start date"),
        ({"start": "yesterday", "end": "2025-01-01"}, "Enter a valid date."),
        (
            {"set": "us-ny-md"},
            "Select a valid choice. us-ny-md is not one of the available choices.",
        ),
    ],
)
def test_a_bad_transcript_request_is_400_and_says_why(texan, alice_client, query, message):
    response = alice_client.get(reverse("transcript-download"), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IssuedTranscript.objects.exists()


def test_making_a_share_link_shows_it_once_and_stores_only_its_fingerprint(texan, alice_client):
    response = alice_client.post(
        reverse("share-links"),
        {"recipient": "Credentialing, St. Mary's", "set": "us-tx-md", "days": 14},
    )
    assert response.status_code == 200
    secret = secret_of(response)
    link = ShareLink.objects.get()
    assert (
        secret not in link.secret_hash
        and link.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    )
    assert link.recipient == "Credentialing, St. Mary's"
    assert secret not in alice_client.get(reverse("share-links")).content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"recipient": "", "set": "us-tx-md", "days": 14}, "This field is required."),
        ({"recipient": "HR", "set": "us-tx-md", "days": 0}, "greater than or equal to 1"),
        ({"recipient": "HR", "set": "us-tx-md", "days": 9999}, "less than or equal to 365"),
        ({"recipient": "HR", "set": "", "days": 5}, "Choose a requirement set, or both"),
        ({"recipient": "HR", "set": "us-tx-md", "days": "ten"}, "Enter a whole number."),
    ],
)
def test_a_bad_share_link_is_refused_and_nothing_is_made(texan, alice_client, form, message):
    response = alice_client.post(reverse("share-links"), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_recipient_sees_the_transcript_and_each_use_is_logged(texan, bob):
    link, secret = create_link(texan, recipient="HR", set_id="us-tx-md")
    visitor = Client(HTTP_USER_AGENT="Credentialing browser")
    page = visitor.get(reverse("shared-transcript", args=[secret]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ethics in rehabilitation" in text and "Alice Abbot" in text
    assert page["Referrer-Policy"] == "same-origin"  # never to another site
    assert page["Cache-Control"] == "private, no-store"
    pdf = visitor.get(reverse("shared-transcript-pdf", args=[secret]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    issued = IssuedTranscript.objects.get()
    assert issued.share_link == link
    assert issued.code in pdf_text(pdf.content)
    assert list(ShareAccess.objects.order_by("id").values_list("kind", "user_agent")) == [
        ("page", "Credentialing browser"),
        ("pdf", "Credentialing browser"),
    ]
    detail = signed_in(texan).get(reverse("share-link-detail", args=[link.pk]))
    assert "Downloaded the PDF" in detail.content.decode()


def test_a_revoked_link_stops_working_at_once_and_the_attempt_is_logged(texan, alice_client):
    link, secret = create_link(texan, recipient="HR", set_id="us-tx-md")
    alice_client.post(reverse("share-link-revoke", args=[link.pk]))
    page = Client().get(reverse("shared-transcript", args=[secret]))
    assert page.status_code == 410
    assert "revoked" in page.content.decode()
    assert "Ethics" not in page.content.decode()
    assert Client().get(reverse("shared-transcript-pdf", args=[secret])).status_code == 410
    assert not IssuedTranscript.objects.exists()
    assert set(link.accesses.values_list("kind", flat=True)) == {"refused"}


def test_an_expired_link_stops_working(texan, fixed_clock):
    _, secret = create_link(texan, recipient="HR", set_id="us-tx-md", days=1)
    fixed_clock.shift(timedelta(days=1, seconds=1))
    page = Client().get(reverse("shared-transcript", args=[secret]))
    assert page.status_code == 410
    assert "expired" in page.content.decode()


@pytest.mark.parametrize("secret", ["s_made-up", "nonsense", "s_" + "x" * 200])
def test_an_unknown_link_is_404_and_says_nothing_more(texan, secret):
    assert Client().get(reverse("shared-transcript", args=[secret])).status_code == 404


def test_a_deactivated_clinicians_links_stop_working(texan):
    _, secret = create_link(texan, recipient="HR", set_id="us-tx-md")
    texan.is_active = False
    texan.save()
    assert Client().get(reverse("shared-transcript", args=[secret])).status_code == 404


def test_a_link_whose_set_was_dropped_says_so(texan):
    from cmeledger.requirements.models import Enrollment

    _, secret = create_link(texan, recipient="HR", set_id="us-tx-md")
    Enrollment.objects.filter(clinician=texan).update(dropped_at="2026-11-01T00:00:00Z")
    page = Client().get(reverse("shared-transcript", args=[secret]))
    assert page.status_code == 410
    assert "This transcript cannot be shown now." in page.content.decode()


def test_another_clinician_cannot_see_or_revoke_a_link(texan, bob):
    link, _ = create_link(texan, recipient="Mercy Credentialing", set_id="us-tx-md")
    bob_client = signed_in(bob)
    assert bob_client.get(reverse("share-link-detail", args=[link.pk])).status_code == 404
    assert bob_client.post(reverse("share-link-revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    # A short recipient could turn up inside the page's random CSRF token.
    assert "Mercy Credentialing" not in bob_client.get(reverse("share-links")).content.decode()


@pytest.mark.parametrize("name", ["reports", "transcript-download", "share-links"])
def test_the_clinician_pages_send_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["org_member", "board_staff"])
def test_other_roles_are_told_reports_are_for_clinicians(request, who):
    client = signed_in(request.getfixturevalue(who))
    for name in ["reports", "transcript-download", "share-links"]:
        assert client.get(reverse(name)).status_code == 403


def test_the_code_on_a_pdf_verifies_and_so_does_the_file(texan, alice_client):
    pdf = alice_client.get(reverse("transcript-download"), {"set": "us-tx-md"}).content
    issued = IssuedTranscript.objects.get()
    anyone = Client()
    page = anyone.get(reverse("verify"), {"code": issued.code.lower()})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Issued by CME Ledger" in text and "Alice Abbot" in text and issued.sha256 in text
    same = anyone.post(
        reverse("verify"),
        {"code": issued.code, "file": SimpleUploadedFile("t.pdf", pdf, "application/pdf")},
    )
    assert "exactly the PDF issued" in same.content.decode()
    changed = anyone.post(
        reverse("verify"),
        {"code": issued.code, "file": SimpleUploadedFile("t.pdf", pdf + b"%", "application/pdf")},
    )
    assert "is not the PDF issued" in changed.content.decode()


def test_verifying_a_shared_transcript_shows_the_links_state_and_is_logged(texan):
    link, secret = create_link(texan, recipient="HR", set_id="us-tx-md")
    Client().get(reverse("shared-transcript-pdf", args=[secret]))
    code = IssuedTranscript.objects.get().code
    link.revoke()
    page = Client().get(reverse("verify"), {"code": code})
    assert "a link for HR, now revoked" in page.content.decode()
    assert link.accesses.filter(kind="verify").count() == 1


@pytest.mark.parametrize("code", ["AAAA-BBBB-CCCC", "x" * 21])
def test_an_unknown_or_malformed_code_is_not_found(texan, code):
    page = Client().get(reverse("verify"), {"code": code})
    text = page.content.decode()
    assert "Issued by CME Ledger" not in text
    assert page.status_code in (200, 400)
    assert "No transcript has this code" in text or "at most 20 characters" in text


def test_issued_totals_match_the_set(texan, alice_client):
    alice_client.get(reverse("transcript-download"), {"set": "us-tx-md"})
    assert IssuedTranscript.objects.get().total_credits == Decimal("2.00")
