"""Board staff in Chromium: compute and read the compliance list of their diplomates,
open one, draw an audit, and decide its items. Every key page is checked with axe-core."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cmeledger.accounts.models import Board, Certification, Role, User
from cmeledger.audits import services as audits
from cmeledger.audits.models import Audit, Item, ItemState
from cmeledger.boards.models import ComplianceRun
from cmeledger.conftest import PASSWORD, make_clinician
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import make_pdf
from cmeledger.requirements.sync import sync
from tests.browser.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF = "staff@abpmr.example.org"
SET = "abpmr-cc"


def diplomate(board: Board, n: int, last: str, credits: str) -> User:
    """A diplomate in the middle of a five-year cycle, with one entry two months ago."""
    today = timezone.localdate()
    user = make_clinician(f"d{n}@example.net", f"Dana{n}", last)
    Certification.objects.create(
        clinician=user,
        board=board,
        board_id_number=f"PMR{n:05d}",
        cycle_start=date(today.year - 3, 1, 1),
        cycle_end=date(today.year + 1, 12, 31),
    )
    CreditEntry.objects.create(
        clinician=user,
        title=f"Activity of {last}",
        completed_on=today - timedelta(days=60),
        credit_type="ama-pra-1",
        credits=Decimal(credits),
    )
    return user


@pytest.fixture
def cast(db) -> tuple[User, User, User]:
    sync()
    board, _ = Board.objects.get_or_create(
        code="abpmr",
        defaults={"name": "American Board of Physical Medicine and Rehabilitation"},
    )
    staff = User.objects.create_user(STAFF, PASSWORD, role=Role.BOARD_STAFF, board=board)
    return staff, diplomate(board, 1, "Zimmer", "200"), diplomate(board, 2, "Abbott", "5")


def test_staff_compute_the_list_open_a_diplomate_and_decide_an_audit(live_server, page, cast):
    staff, zimmer, abbott = cast
    log_in(page, live_server.url, STAFF, PASSWORD)
    page.get_by_role("link", name="Diplomates", exact=True).click()
    expect(page).to_have_url(re.compile(r"/board/diplomates/$"))
    expect(
        page.get_by_role("heading", name=re.compile("Diplomates of American Board"))
    ).to_be_visible()
    # The first snapshot is computed on opening the list (jobs run inline here).
    expect(page.locator("#computed")).to_contain_text("2 diplomates")
    expect(page.locator("#stale")).to_have_count(0)

    # The compliance list: computed again on demand, then read from its snapshot.
    page.get_by_role("button", name="Recompute now").click()
    expect(page.get_by_text(f"Recomputing {SET}: the list updates")).to_be_visible()
    table = page.get_by_role("table")
    zimmer_row = table.get_by_role("row", name=re.compile("Dana1 Zimmer"))
    abbott_row = table.get_by_role("row", name=re.compile("Dana2 Abbott"))
    expect(zimmer_row).to_contain_text("PMR00001")
    expect(zimmer_row.locator("td.num").first).to_have_text("200")
    expect(abbott_row.locator("td.num").first).to_have_text("5")
    expect(page.locator("#computed")).to_contain_text("2 diplomates")
    screenshot(page, "board-diplomates")
    assert_accessible(page, "board-diplomates")
    run = ComplianceRun.objects.filter(set_id=SET).first()  # the newest
    assert run.finished_at is not None and sum(run.counts.values()) == 2

    page.get_by_label("Search").fill("Zimmer")
    page.get_by_role("button", name="Show").click()
    expect(table.get_by_role("row", name=re.compile("Abbott"))).to_have_count(0)
    expect(zimmer_row).to_be_visible()

    # One diplomate, read-only.
    zimmer_row.get_by_role("link", name="Dana1 Zimmer").click()
    expect(page.get_by_role("heading", name="Dana1 Zimmer", level=1)).to_be_visible()
    expect(page.get_by_text("board ID PMR00001")).to_be_visible()
    expect(page.get_by_role("cell", name="Activity of Zimmer")).to_be_visible()
    screenshot(page, "board-diplomate")
    assert_accessible(page, "board-diplomate")

    # Draw an audit of both.
    page.get_by_role("link", name="Audits", exact=True).click()
    expect(page.get_by_text("No audits yet.")).to_be_visible()
    screenshot(page, "board-audits")
    assert_accessible(page, "board-audits")
    today = timezone.localdate()
    page.get_by_label("Title").fill("Winter audit")
    page.get_by_label("Entries completed from").fill(date(today.year - 3, 1, 1).isoformat())
    page.get_by_label("to:", exact=True).fill(today.isoformat())
    page.get_by_label("Proof due by").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label("Sample size").fill("2")
    page.get_by_label("Seed").fill("5")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("heading", name="Winter audit")).to_be_visible()
    expect(page.get_by_text("Drew 2 diplomate(s) with seed 5.")).to_be_visible()
    audit = Audit.objects.get()
    assert (audit.seed, audit.subjects.count()) == (5, 2)

    # Zimmer sends proof; staff accept it, and reject Abbott's missing proof with a reason.
    item = Item.objects.get(subject__audit=audit, subject__clinician=zimmer)
    proof = store_certificate(zimmer, make_pdf("Activity of Zimmer"), "zimmer-proof.pdf")
    audits.attach(zimmer, item, proof.certificate)
    page.reload()
    zimmer_item = page.get_by_role("row", name=re.compile("Activity of Zimmer"))
    expect(zimmer_item.get_by_role("link", name=re.compile("zimmer-proof"))).to_be_visible()
    expect(zimmer_item).to_contain_text("Proof submitted")
    screenshot(page, "board-audit")
    assert_accessible(page, "board-audit")
    zimmer_item.get_by_role("button", name="Accept").click()
    expect(zimmer_item).to_contain_text("Accepted")
    assert Item.objects.get(pk=item.pk).state == ItemState.ACCEPTED

    abbott_item = page.get_by_role("row", name=re.compile("Activity of Abbott"))
    abbott_item.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Say why the proof is rejected.")).to_be_visible()
    abbott_item.get_by_label("Reason").fill("No certificate was sent.")
    abbott_item.get_by_role("button", name="Reject").click()
    expect(abbott_item).to_contain_text("Rejected: No certificate was sent.")
    rejected = Item.objects.get(subject__audit=audit, subject__clinician=abbott)
    assert (rejected.state, rejected.decided_by) == (ItemState.REJECTED, staff)

    history = page.locator("ol.history")
    expect(history).to_contain_text("Accepted: “Activity of Zimmer”.")
    expect(history).to_contain_text("Rejected (No certificate was sent.): “Activity of Abbott”.")
    expect(
        page.get_by_text("1 diplomate(s) with every entry accepted, 1 not (yet).")
    ).to_be_visible()
    assert_accessible(page, "board-audit-decided")
