"""The attack that opened issue 17, in Chromium: a newcomer signs up, types another
physician's NPI into the profile, and tries to receive that physician's reported credits.
They must get nothing, whether the reports came before or after the claim."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cmeledger.ledger.models import CreditEntry
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.models import RecordState, ReportedRecord
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization
from tests.browser.conftest import screenshot
from tests.browser.test_journey import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VICTIM_NPI = make_npi("145678901")


def report(record_id: str, title: str) -> None:
    """Acme reports a completion of Dr. Priya Raman (who has no account here)."""
    organization = ensure_organization("acme-cme", "Acme CME Institute")
    values = dict(
        record_id=record_id,
        activity_title=title,
        completed_on="2025-05-04",
        npi=VICTIM_NPI,
        first_name="Priya",
        last_name="Raman",
        birth_date="11/23",
        credits="ama-pra-1=3",
    )
    write_batch(Context.of(organization), [RawRow(2, raw(**values))])


def test_claiming_another_physicians_npi_receives_none_of_their_credits(live_server, page):
    report("R-1", "Neuromuscular ultrasound course")
    sign_up(page, live_server.url, "newcomer@example.net")
    page.get_by_label("NPI").fill(VICTIM_NPI)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    report("R-2", "Electrodiagnosis update")

    page.goto(f"{live_server.url}/")
    entries = page.locator("#entries")
    expect(entries.get_by_role("link", name="Neuromuscular ultrasound course")).to_have_count(0)
    expect(entries.get_by_role("link", name="Electrodiagnosis update")).to_have_count(0)
    screenshot(page, "identity-attack-dashboard")
    assert CreditEntry.objects.count() == 0
    records = ReportedRecord.objects.order_by("record_key")
    assert [r.state for r in records] == [RecordState.UNMATCHED] * 2
    assert all(r.clinician_id is None for r in records)
    assert {r.wait_reason for r in records} <= {
        "last name differs from the account holding its NPI",
        "email not confirmed by the account holding its NPI",
    }
