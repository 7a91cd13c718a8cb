"""Certificate capture in Chromium: from "Add New Credits" upload a certificate (chosen,
or dropped on the upload box), get the form filled in with a confidence badge per field,
save, and find a captured entry that links the certificate."""

from __future__ import annotations

import base64
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cmeledger.capture import evaluation
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.ledger.models import CreditEntry
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRUTH = evaluation.example(learner_name="Dana Ferreira")


def log_in(page, base: str) -> None:
    make_clinician("dana@example.net", "Dana", "Ferreira", degree="MD")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill("dana@example.net")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def expect_filled_form(page) -> None:
    expect(page.get_by_role("heading", name="Add New Credits")).to_be_visible()
    expect(page.get_by_label("Activity title")).to_have_value(TRUTH.title)
    expect(page.get_by_label("Provider")).to_have_value(TRUTH.provider)
    expect(page.get_by_label("Credits")).to_have_value("6.25")
    expect(page.get_by_label("Credit type")).to_have_value("ama-pra-1")
    expect(page.locator(".badge.confidence-sure").first).to_be_visible()


def test_a_chosen_certificate_fills_the_form_and_saves_a_captured_entry(
    live_server, page, tmp_path
):
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/entries/add/")
    page.get_by_role("link", name=re.compile("Have a certificate")).click()
    path = tmp_path / "ethics.pdf"
    path.write_bytes(evaluation.draw([("classic", TRUTH)], seed=1))
    page.get_by_label("Certificate files").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect_filled_form(page)
    screenshot(page, "capture-filled-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved “Ethics in Rehabilitation Practice”")).to_be_visible()
    expect(page.locator(".badge.source-captured")).to_be_visible()
    entry = CreditEntry.objects.get(title=TRUTH.title)
    assert entry.source == "captured" and entry.credits == Decimal("6.25")
    assert [c.original_name for c in entry.certificates.all()] == ["ethics.pdf"]


def test_a_certificate_dropped_on_the_upload_box_fills_the_form(live_server, page):
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/certificates/?capture=1")
    pdf = base64.b64encode(evaluation.draw([("classic", TRUTH)], seed=1)).decode()
    dropped = page.evaluate_handle(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "dropped.pdf", {type: "application/pdf"}));
            return transfer;
        }""",
        pdf,
    )
    page.dispatch_event("form[data-dropzone]", "dragover", {"dataTransfer": dropped})
    expect(page.locator("form.dropping")).to_have_count(1)
    page.dispatch_event("form[data-dropzone]", "drop", {"dataTransfer": dropped})
    expect_filled_form(page)
