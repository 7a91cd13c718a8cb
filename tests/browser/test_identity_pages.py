"""The identity pages as people see them, on a laptop and a phone: the site staff's
dispute list and decision, and the two clinicians' profiles and dashboards. Checked with
axe-core; screenshots in ci-output/screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cmeledger.accounts.models import IdentifierState, Role, User
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.lib.npi import make_npi
from cmeledger.reporting.intake import Context, write_batch
from cmeledger.reporting.models import RecordState, ReportedRecord
from cmeledger.reporting.records import RawRow, raw
from cmeledger.reporting.sample import ensure_organization
from tests.browser.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NPI = make_npi("145678901")


@pytest.fixture
def dispute(db):
    """Two accounts claim one NPI; a report for it waits."""
    owner = make_clinician(
        "priya@example.net", "Priya", "Raman", npi=NPI, birth_month=11, birth_day=23
    )
    make_clinician("impostor@example.net", "Priya", "Raman", npi=NPI, birth_month=11, birth_day=23)
    organization = ensure_organization("acme-cme", "Acme CME Institute")
    values = dict(
        record_id="R-1",
        activity_title="Neuromuscular ultrasound course",
        completed_on="2025-05-04",
        npi=NPI,
        last_name="Raman",
        birth_date="11/23",
        credits="ama-pra-1=3",
    )
    write_batch(Context.of(organization), [RawRow(2, raw(**values))])
    return owner


@pytest.mark.parametrize("device", ["page", "phone"])
def test_site_staff_resolve_a_dispute_and_the_record_reaches_its_owner(
    live_server, request, dispute, device
):
    page = request.getfixturevalue(device)
    User.objects.create_user("admin@example.net", PASSWORD, role=Role.SITE_ADMIN)
    log_in(page, live_server.url, "admin@example.net", PASSWORD)
    page.goto(f"{live_server.url}/staff/identity/")
    expect(page.get_by_role("heading", name=f"NPI {NPI}")).to_be_visible()
    expect(page.get_by_text("Its NPI is claimed by 2 accounts")).to_be_visible()
    screenshot(page, f"identity-disputes-{device}")
    assert_accessible(page, f"identity-disputes-{device}")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    owner_item = page.get_by_role("listitem").filter(has_text="priya@example.net")
    owner_item.get_by_label("Reason").fill("Checked NPPES and the board ID by phone")
    owner_item.get_by_role("button", name="Verify for this account").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()
    expect(page.get_by_text("No identifier is in dispute.")).to_be_visible()
    dispute.profile.refresh_from_db()
    assert dispute.profile.npi_state == IdentifierState.VERIFIED
    record = ReportedRecord.objects.get()
    assert (record.state, record.clinician) == (RecordState.MATCHED, dispute)


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_clinician_sees_the_dispute_on_dashboard_and_profile(
    live_server, request, dispute, device
):
    page = request.getfixturevalue(device)
    log_in(page, live_server.url, "priya@example.net", PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text(re.compile(f"Your NPI {NPI} is also claimed"))).to_be_visible()
    screenshot(page, f"identity-dashboard-notice-{device}")
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(
        page.get_by_text(re.compile("Disputed: also claimed by another account"))
    ).to_be_visible()
    screenshot(page, f"identity-profile-{device}")
    assert_accessible(page, f"identity-profile-{device}")
