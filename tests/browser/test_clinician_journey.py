"""A clinician's path past the first day, in Chromium: add a license, see its cycle on
the dashboard and the planner, download a transcript, share it with a link that opens
for someone signed out; and add credits with the keyboard alone. Every key page is
checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cmeledger.accounts.models import License
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.ledger.models import CreditEntry
from cmeledger.reports.models import IssuedTranscript, ShareAccess, ShareLink
from cmeledger.reports.testing import add_entry, pdf_text
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync
from tests.browser.conftest import assert_accessible, log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "lee@example.net"
RECIPIENT = "Credentialing office, St. Mary's"


@pytest.fixture
def lee(db):
    """A clinician with two entries this year and the catalog synced, but no license."""
    sync()
    lee = make_clinician(EMAIL, "Lee", "Okafor", degree="MD", npi="1234567893")
    recently = timezone.localdate() - timedelta(days=40)
    add_entry(lee, "Ethics in rehabilitation", recently, "2.00", topics=["ethics"])
    add_entry(lee, "Stroke recovery update", recently - timedelta(days=10), "3.50")
    return lee


def test_a_license_puts_its_cycle_on_the_dashboard_planner_and_a_shared_transcript(
    live_server, browser, page, lee, tmp_path
):
    base = live_server.url
    log_in(page, base, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Certification Dashboard")).to_be_visible()
    # A new account: the first-run checklist, with "Add credits" already ticked.
    checklist = page.locator("section", has=page.get_by_role("heading", name="Get started"))
    expect(checklist.get_by_role("link", name="Add a license")).to_be_visible()
    expect(checklist).to_contain_text("Add credits (done)")

    # Licenses: the profile's "Add a license" form.
    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_role("link", name="Add a license").click()
    expect(page).to_have_url(re.compile(r"/accounts/licenses/add/$"))
    expect(page.get_by_role("heading", name="Add a license")).to_be_visible()
    page.get_by_label("State", exact=True).select_option("TX")
    page.get_by_label("Profession").select_option("MD")
    page.get_by_label("License number").fill("TX-55501")
    expires = timezone.localdate() + timedelta(days=400)
    page.get_by_label("Expires").fill(expires.isoformat())
    page.get_by_label("DEA registrant").check()
    screenshot(page, "clinician-license-form")
    assert_accessible(page, "clinician-license-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Added TX MD license TX-55501.")).to_be_visible()
    licenses = page.locator("section", has=page.get_by_role("heading", name="Licenses"))
    expect(licenses.get_by_role("cell", name="TX-55501")).to_be_visible()
    screenshot(page, "clinician-profile")
    assert_accessible(page, "clinician-profile")
    license = License.objects.get(clinician=lee)
    assert (license.state, license.number, license.expires_on) == ("TX", "TX-55501", expires)
    assert license.dea_registrant
    assert Enrollment.objects.filter(clinician=lee, set_id="us-tx-md").exists()

    # Dashboard: the Texas cycle now counts the credits.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    cycles = page.locator("section", has=page.get_by_role("heading", name="Your cycles"))
    cycles.get_by_text("The timeline, and each cycle's credits by type").click()  # folded
    texas = cycles.locator("article.cycle").filter(has_text="Texas")
    expect(texas.first).to_be_visible()
    expect(texas.first.locator(".cycle-total")).to_contain_text("5.5")
    entries = page.locator("#entries")
    expect(entries.get_by_role("link", name="Ethics in rehabilitation")).to_be_visible()
    screenshot(page, "clinician-dashboard")
    assert_accessible(page, "clinician-dashboard")

    # Planner: what is still needed, and what one more activity would change.
    page.get_by_role("link", name="Planner", exact=True).click()
    expect(page).to_have_url(re.compile(r"/planner/$"))
    expect(page.locator("ol.suggestions > li").first).to_be_visible()
    page.get_by_label("Credits").fill("2")
    page.get_by_label("Credit type").select_option("ama-pra-1")
    page.get_by_role("button", name="Show what would change").click()
    what_if = page.locator(".what-if")
    expect(what_if.get_by_role("heading", name="It would change")).to_be_visible()
    expect(what_if).to_contain_text("48 credits per two-year registration period: 5.50 → 7.50")
    screenshot(page, "clinician-planner")
    assert_accessible(page, "clinician-planner")

    # Reports: the transcript PDF of the Texas cycle downloads.
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    screenshot(page, "clinician-reports")
    assert_accessible(page, "clinician-reports")
    page.get_by_label("Requirement set").select_option("us-tx-md")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download transcript (PDF)").click()
    download = download_info.value
    assert re.fullmatch(r"transcript-us-tx-md-\d{8}-\d{8}\.pdf", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    issued = IssuedTranscript.objects.get(clinician=lee)
    text = pdf_text(saved.read_bytes(), squeeze=True)
    assert "Lee Okafor" in text and issued.code in text
    assert issued.total_credits == Decimal("5.50")

    # Share links: make one for the credentialing office.
    page.get_by_role("link", name="Share a transcript with a link").click()
    expect(page).to_have_url(re.compile(r"/reports/share/$"))
    page.get_by_label("Who is it for?").fill(RECIPIENT)
    page.get_by_label("Requirement set").select_option("us-tx-md")
    page.get_by_label("Expires after (days)").fill("14")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="Your new link")).to_be_visible()
    created = page.get_by_label("Link", exact=True).input_value()
    secret = re.fullmatch(r"https?://[^/]+/s/([^/]+)/", created).group(1)
    links = page.locator("section", has=page.get_by_role("heading", name="Your links"))
    expect(links.get_by_role("link", name=RECIPIENT)).to_be_visible()
    screenshot(page, "clinician-share-links")
    assert_accessible(page, "clinician-share-links")
    link = ShareLink.objects.get(clinician=lee)
    assert (link.recipient, link.set_id) == (RECIPIENT, "us-tx-md")

    # The recipient opens the link in a browser that was never signed in.
    with open_page(browser, viewport={"width": 1200, "height": 900}) as anonymous:
        anonymous.goto(f"{base}/s/{secret}/")
        expect(
            anonymous.get_by_role("heading", name="CME transcript of Lee Okafor")
        ).to_be_visible()
        expect(anonymous.get_by_text(f"Shared read-only with {RECIPIENT}")).to_be_visible()
        shared_entries = anonymous.locator("section", has_text="Entries (2)")
        expect(shared_entries.get_by_role("cell", name="Ethics in rehabilitation")).to_be_visible()
        expect(anonymous.get_by_role("button", name="Log out")).to_have_count(0)
        screenshot(anonymous, "shared-transcript")
        assert_accessible(anonymous, "shared-transcript")
        # Anyone holding the downloaded PDF checks its code and the file itself.
        anonymous.get_by_role("link", name="/verify/").first.click()
        anonymous.get_by_label("Verification code").fill(issued.code)
        anonymous.get_by_label("The PDF you received (optional)").set_input_files(str(saved))
        anonymous.get_by_role("button", name="Check").click()
        expect(anonymous.get_by_role("heading", name="Issued by CME Ledger")).to_be_visible()
        expect(anonymous.get_by_text("The file you gave is exactly the PDF issued")).to_be_visible()
        assert_accessible(anonymous, "verify-transcript")
    assert ShareAccess.objects.filter(link=link, kind="page").count() == 1

    # The clinician sees the use in the link's log.
    page.get_by_role("link", name=RECIPIENT).click()
    log = page.locator("section", has=page.get_by_role("heading", name="Every use"))
    expect(log.get_by_role("cell", name="Viewed the transcript")).to_be_visible()
    assert_accessible(page, "clinician-share-link-detail")


def press_tab_until(page, selector: str, *, limit: int = 60, key: str = "Tab") -> None:
    """Move the focus with the keyboard alone until it rests on `selector`."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def choose_with_arrows(page, wanted: str, *, limit: int = 40) -> None:
    """Step through the focused <select> with the down arrow until `wanted` is chosen."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.value") == wanted:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never chose {wanted}")


def test_a_clinician_adds_credits_with_the_keyboard_alone(live_server, page):
    clinician = make_clinician("kai@example.net", "Kai", "Moreau", degree="DO")
    log_in(page, live_server.url, "kai@example.net", PASSWORD)
    expect(page.get_by_role("heading", name="Certification Dashboard")).to_be_visible()

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    press_tab_until(page, "a.button[href$='/entries/add/']")
    expect(page.get_by_role("link", name="Add New Credits")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add New Credits")).to_be_visible()

    # The title field has the focus on arrival.
    expect(page.get_by_label("Activity title")).to_be_focused()
    page.keyboard.type("Neuropathic pain: a case review")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Provider")).to_be_focused()
    page.keyboard.type("Keyboard Rehab Society")
    press_tab_until(page, "#id_completed_on")
    # Chromium's date field takes the digits of month, day and year in turn.
    page.keyboard.type("03142026")
    press_tab_until(page, "#id_credit_type")
    choose_with_arrows(page, "ama-pra-1")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Credits")).to_be_focused()
    page.keyboard.type("1.75")
    press_tab_until(page, "#id_specialty_related")
    page.keyboard.press("Space")
    press_tab_until(page, "input[name='topics'][value='ethics']")
    page.keyboard.press("Space")
    screenshot(page, "keyboard-add-credits")
    assert_accessible(page, "keyboard-add-credits")
    press_tab_until(page, "button[name='save']")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Neuropathic pain: a case review")).to_be_visible()
    expect(page.get_by_text("Saved “Neuropathic pain: a case review”")).to_be_visible()
    entry = CreditEntry.objects.get(clinician=clinician)
    assert entry.title == "Neuropathic pain: a case review"
    assert entry.provider == "Keyboard Rehab Society"
    assert entry.completed_on.isoformat() == "2026-03-14"
    assert (entry.credit_type, entry.credits) == ("ama-pra-1", Decimal("1.75"))
    assert entry.specialty_related
    assert entry.topics == ["ethics"]
    assert_accessible(page, "entry-detail")
