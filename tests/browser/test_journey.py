"""The first-day journey in Chromium: sign up, fill the profile, add a conference's
sessions with Save and Add Another, upload a certificate, and see it all on the dashboard."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.testing import make_pdf
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long browser passphrase 7"


def sign_up(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Nguyen")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign up|Create", re.I)).click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    # The link arrives by email; opened in the same browser, it confirms and logs in.
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(base + urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_text("Welcome, Casey.")).to_be_visible()


def add_session(page, title: str, credits: str, *, first: bool) -> None:
    page.get_by_label("Activity title").fill(title)
    if first:
        page.get_by_label("Provider").fill("Gulf Coast Rehab Society")
        page.get_by_label("Completion date").fill("2025-04-12")
        page.get_by_label("Credit type").select_option("ama-pra-1")
    page.get_by_label("Credits").fill(credits)


def test_sign_up_fill_profile_add_credits_upload_and_see_the_dashboard(live_server, page, tmp_path):
    base = live_server.url
    sign_up(page, base, "casey@example.net")

    page.get_by_label("Degree").select_option("MD")
    page.get_by_label("NPI").fill("1234567893")
    page.get_by_label("Specialty").fill("Physical medicine and rehabilitation")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()

    page.get_by_role("link", name="Add credits").click()
    add_session(page, "Spasticity: botulinum toxin dosing", "1.5", first=True)
    page.get_by_role("button", name="Save and Add Another").click()
    expect(page.get_by_text("Saved “Spasticity: botulinum toxin dosing”")).to_be_visible()
    # The conference's provider, date and credit type carried over to the next session.
    expect(page.get_by_label("Provider")).to_have_value("Gulf Coast Rehab Society")
    expect(page.get_by_label("Completion date")).to_have_value("2025-04-12")
    expect(page.get_by_label("Credit type")).to_have_value("ama-pra-1")
    add_session(page, "Gait analysis in stroke", "2.25", first=False)
    page.get_by_label("Ethics").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Gait analysis in stroke")).to_be_visible()

    certificate = tmp_path / "gait-certificate.pdf"
    certificate.write_bytes(make_pdf("Gait analysis in stroke"))
    page.get_by_label("Upload and attach").set_input_files(str(certificate))
    page.get_by_role("button", name="Upload", exact=True).click()
    certificates = page.locator("section", has=page.get_by_role("heading", name="Certificates"))
    expect(certificates.get_by_role("link", name="gait-certificate.pdf")).to_be_visible()
    screenshot(page, "entry-detail")

    page.get_by_role("link", name="Dashboard", exact=True).click()
    # Typing before the page has loaded would beat htmx to the search box.
    page.wait_for_url(f"{base}/")
    entries = page.locator("#entries")
    expect(entries.get_by_role("link", name="Spasticity: botulinum toxin dosing")).to_be_visible()
    expect(entries.get_by_role("link", name="Gait analysis in stroke")).to_be_visible()
    expect(entries.get_by_text("1 certificate", exact=True)).to_be_visible()

    page.get_by_label("Search").fill("gait")
    expect(entries.get_by_role("link", name="Spasticity: botulinum toxin dosing")).to_be_hidden()
    expect(entries.get_by_role("link", name="Gait analysis in stroke")).to_be_visible()
    screenshot(page, "dashboard")

    assert CreditEntry.objects.filter(clinician__email="casey@example.net").count() == 2
    assert Certificate.objects.get().entries.get().title == "Gait analysis in stroke"


def test_on_a_phone_a_clinician_can_add_credits_and_upload_a_certificate(
    live_server, phone, tmp_path
):
    base = live_server.url
    sign_up(phone, base, "robin@example.net")

    phone.goto(f"{base}/entries/add/")
    add_session(phone, "Journal CME: pressure injuries", "1", first=True)
    screenshot(phone, "phone-add-credits")
    save = phone.get_by_role("button", name="Save", exact=True)
    box = save.bounding_box()
    assert box is not None and box["width"] > 300  # full-width button on a phone
    save.click()
    expect(phone.get_by_role("heading", name="Journal CME: pressure injuries")).to_be_visible()

    photo = tmp_path / "photo.pdf"
    photo.write_bytes(make_pdf("Pressure injuries"))
    phone.goto(f"{base}/certificates/")
    phone.get_by_label("Certificate files").set_input_files(str(photo))
    phone.get_by_role("button", name="Upload", exact=True).click()
    expect(phone.get_by_text("Stored")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    screenshot(phone, "phone-certificates")
