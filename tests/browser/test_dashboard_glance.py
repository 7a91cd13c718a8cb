"""The Certification Dashboard at a glance, in Chromium at 1366 and 390 px: the demo
clinician sees one summary per set at the top (what is still needed, days left, one next
step linking to the planner), each rule folded beneath it with bars at their true value;
nothing is wider than the screen, long titles included; a new account sees the first-run
checklist. Screenshots: ci-output/screenshots/dashboard-glance-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cmeledger.accounts.models import Board
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.ledger.demo import EMAIL, create_demo
from cmeledger.ledger.demo import PASSWORD as DEMO_PASSWORD
from cmeledger.reports.testing import add_entry
from cmeledger.requirements.sync import sync
from tests.browser.conftest import assert_accessible, log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
LONG_TITLE = "Pharmacokinetics" * 12  # one unbroken word, far wider than a phone


@pytest.fixture
def demo(db):
    # A transactional test empties the boards the migrations seed: the demo needs its own.
    Board.objects.get_or_create(
        code="abpmr", defaults={"name": "American Board of Physical Medicine and Rehabilitation"}
    )
    sync()
    user = create_demo().user
    add_entry(user, LONG_TITLE, timezone.localdate() - timedelta(days=1), "1.00")
    return user


def widths(page) -> tuple[int, int]:
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_demo_dashboard_answers_what_is_left_by_when(live_server, browser, demo, size):
    with open_page(browser, viewport=SIZES[size], is_mobile=size == "390") as page:
        log_in(page, live_server.url, EMAIL, DEMO_PASSWORD)
        standing = page.locator("section", has=page.get_by_role("heading", name="Where you stand"))
        texas = standing.locator("article[data-set='us-tx-md']")
        expect(texas.locator(".still-needed")).to_have_text(re.compile(r"^Still needed: \d"))
        expect(texas.locator(".next-step")).to_contain_text(re.compile(r"\d+ days? left"))
        expect(texas.get_by_role("link", name=re.compile("^Plan it"))).to_have_attribute(
            "href", "/planner/"
        )
        # The rules are folded; opened, a record not on file draws an empty bar.
        board = standing.locator("article[data-set='abpmr-cc']")
        board.get_by_text("How each rule stands").click()
        bar = board.get_by_role("progressbar", name="Longitudinal Assessment for PM&R (LA-PM&R)")
        expect(bar).to_have_attribute("aria-valuenow", "0")
        expect(board.locator(".limit")).to_contain_text("LA-PM&R counts for at most 12")
        expect(board.locator(".limit .badge")).to_have_text("Limit")
        # What is next comes before the entries; charts and cycles after them.
        headings = page.locator("main h2").all_inner_texts()
        assert headings.index("Where you stand") < headings.index("What is next")
        assert headings.index("What is next") < headings.index("Your credits")
        assert headings.index("Your credits") < headings.index("Charts")
        expect(page.get_by_role("link", name=LONG_TITLE)).to_be_visible()
        scroll, client = widths(page)
        assert scroll <= client, f"the page is {scroll} px wide in a {client} px window"
        height = page.evaluate("() => document.documentElement.scrollHeight")
        print(f"dashboard at {size} px: {height} px tall")
        screenshot(page, f"dashboard-glance-{size}")
        assert_accessible(page, f"dashboard-glance-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_a_new_account_sees_the_first_run_checklist(live_server, browser, db, size):
    make_clinician("nia@example.net", "Nia", "New", degree="MD")
    with open_page(browser, viewport=SIZES[size], is_mobile=size == "390") as page:
        log_in(page, live_server.url, "nia@example.net", PASSWORD)
        checklist = page.locator("section", has=page.get_by_role("heading", name="Get started"))
        expect(checklist).to_contain_text("0 of 4 done")
        for step in ("Add a license", "Add a certification", "Add credits"):
            expect(checklist.get_by_role("link", name=step)).to_be_visible()
        expect(page.get_by_role("heading", name="Your credits")).to_have_count(0)
        screenshot(page, f"dashboard-glance-new-{size}")
        assert_accessible(page, f"dashboard-glance-new-{size}")

        # The first entry ticks "Add credits"; a repeat is warned about before it is saved.
        checklist.get_by_role("link", name="Add credits").click()
        page.get_by_label("Activity title").fill("Ethics grand rounds")
        page.get_by_label("Completion date").fill("2026-01-15")
        page.get_by_label("Credit type").select_option("ama-pra-1")
        page.get_by_label("Credits").fill("1")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved “Ethics grand rounds”")).to_be_visible()
        page.goto(f"{live_server.url}/entries/add/")
        page.get_by_label("Activity title").fill("Ethics grand rounds")
        page.get_by_label("Completion date").fill("2026-01-15")
        page.get_by_label("Credit type").select_option("ama-pra-1")
        page.get_by_label("Credits").fill("1")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("You already saved “Ethics grand rounds”")
        scroll, client = widths(page)
        assert scroll <= client
        screenshot(page, f"entry-repeat-warning-{size}")
        assert_accessible(page, f"entry-repeat-warning-{size}")
        page.get_by_label("Save it again: I took this activity more than once").check()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved “Ethics grand rounds”")).to_be_visible()
        if size == "390":  # on a phone the links fold behind the menu button
            page.get_by_role("button", name="Menu").click()
        page.get_by_role("link", name="Dashboard", exact=True).click()
        expect(page.get_by_text("Add credits (done)")).to_be_visible()
