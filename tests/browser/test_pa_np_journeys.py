"""A physician assistant's and a nurse practitioner's first day, in Chromium (issue 21):
each signs up with their degree, adds their certification (the form offers the bodies of
their degree only) and a state license, adds credits, and finds on the dashboard, under
"Name, PA-C" or "Name, NP", every set they follow by its name, with the numbers worked
out by hand below. The PA's certificate of participation for an AMA PRA Category 1
activity counts toward NCCPA and not toward California; the NP's sets count in contact
hours. Dashboards are photographed at 1366 and 390 px, folded and unfolded
(ci-output/screenshots/pa-dashboard-*.png, np-dashboard-*.png), and checked with axe-core."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cmeledger.accounts.models import Board, Certification, License
from cmeledger.ledger.models import CreditEntry
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync
from tests.browser.conftest import assert_accessible, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long browser passphrase 21"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# What a page must never show a PA or NP: the catalog's set ids and credit-type codes.
CODES = re.compile(
    r"\b(nccpa-pa|us-ca-pa|aanpcb-np|ancc-np|us-tx-np|aapa-1|ama-pra-1|ama-pra-2|ancc-contact-hour)\b"
)
# The certifying bodies as migration 0007 seeds them; a transactional test empties the
# table the migrations filled, so each journey puts them back.
BODIES = [
    ("nccpa", "National Commission on Certification of Physician Assistants", "PA", "PA-C"),
    ("aanpcb", "American Academy of Nurse Practitioners Certification Board", "NP", "NP-C"),
    ("ancc", "American Nurses Credentialing Center", "NP", "-BC"),
    # A physician board, which neither the PA nor the NP may be offered.
    ("abim", "American Board of Internal Medicine", "physician", ""),
]


@pytest.fixture
def catalog(db) -> None:
    for code, name, profession, credential in BODIES:
        Board.objects.get_or_create(
            code=code, defaults={"name": name, "profession": profession, "credential": credential}
        )
    sync()


def day(value: date) -> str:
    """A date as the pages write it: "Mar 4, 2026"."""
    return f"{value:%b} {value.day}, {value.year}"


def sign_up(page, base: str, email: str, first: str, last: str, degree: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Degree").select_option(degree)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    # The link arrives by email; opened in the same browser, it confirms and logs in.
    [message] = [m for m in mail.outbox if m.to == [email]]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(base + urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_text(f"Welcome, {first}.")).to_be_visible()


def fill_profile(page, degree: str, npi: str, specialty: str) -> None:
    # The degree chosen at sign-up is already on the profile; saving it keeps it.
    expect(page.get_by_label("Degree")).to_have_value(degree)
    page.get_by_label("Degree").select_option(degree)
    page.get_by_label("NPI").fill(npi)
    page.get_by_label("Specialty").fill(specialty)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()


def add_license(page, state: str, profession: str, number: str, expires: date) -> None:
    page.get_by_role("link", name="Add a license").click()
    page.get_by_label("State", exact=True).select_option(state)
    page.get_by_label("Profession").select_option(profession)
    page.get_by_label("License number").fill(number)
    page.get_by_label("Expires").fill(expires.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Added {state} {profession} license {number}.")).to_be_visible()


def add_credits(
    page,
    title: str,
    credit_type: str,
    credits: str,
    completed: date,
    *,
    topics: tuple[str, ...] = (),
    participation: bool = False,
) -> None:
    page.get_by_role("link", name="Add credits").first.click()
    page.get_by_label("Activity title").fill(title)
    page.get_by_label("Provider").fill("Gulf Coast Clinical Education")
    page.get_by_label("Completion date").fill(completed.isoformat())
    page.get_by_label("Credit type").select_option(label=credit_type)
    page.get_by_label("Credits").fill(credits)
    for topic in topics:
        page.get_by_label(topic, exact=True).check()
    if participation:
        page.get_by_label(re.compile("A certificate of participation for an activity")).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def dashboard_at_both_widths(page, base: str, name: str) -> str:
    """Open the dashboard, photograph and check it at 1366 and 390 px (where it must not
    scroll sideways), folded as it arrives and then with every fold open, and return its
    text as a reader sees it with everything open."""
    page.goto(f"{base}/")
    for label, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"the dashboard is {scroll} px wide in a {client} px window"
        screenshot(page, f"{name}-{label}")
        assert_accessible(page, f"{name}-{label}")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        screenshot(page, f"{name}-open-{label}")
    page.set_viewport_size(DESKTOP)
    return page.locator("main").inner_text()


def standing(page, name: str):
    """The dashboard's summary of one set, found by the set's name, its rules unfolded."""
    section = page.locator("section", has=page.get_by_role("heading", name="Where you stand"))
    article = section.locator("article").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )
    expect(article).to_have_count(1)
    article.get_by_text("How each rule stands").click()
    return article


def add_certification(page, body: str, id_label: str, number: str, start: date, end: date):
    """Add the certification on the profile; returns the bodies the form offered."""
    page.get_by_role("link", name=re.compile("Add a .*certification")).click()
    field = page.get_by_label("Certifying body")
    offered = field.locator("option").all_inner_texts()
    field.select_option(label=body)
    page.get_by_label(id_label).fill(number)
    page.get_by_label("Cycle start").fill(start.isoformat())
    page.get_by_label("Cycle end").fill(end.isoformat())
    page.get_by_role("button", name="Save").click()
    code = re.search(r"\((\w+)\)$", body).group(1)
    expect(page.get_by_text(f"Added {code}")).to_be_visible()
    return offered


def test_a_pa_signs_up_adds_nccpa_and_a_california_license_and_sees_both_sets(
    live_server, browser, catalog
):
    base = live_server.url
    today = timezone.localdate()
    recently = today - timedelta(days=20)
    cycle_start, cycle_end = today - timedelta(days=400), today + timedelta(days=330)
    expires = today + timedelta(days=300)
    with open_page(browser, viewport=DESKTOP) as page:
        sign_up(page, base, "pat.rivera@example.net", "Pat", "Rivera", "PA")
        fill_profile(page, "PA", "1234567893", "Emergency medicine")

        # NCCPA is the only body the form offers a PA, and it asks for the NCCPA ID.
        nccpa = "National Commission on Certification of Physician Assistants (NCCPA)"
        offered = add_certification(page, nccpa, "NCCPA ID", "1100123", cycle_start, cycle_end)
        assert offered == ["Choose your certifying body", nccpa]
        add_license(page, "CA", "PA", "PA-70123", expires)

        add_credits(
            page, "Sepsis in the emergency department", "AAPA Category 1 CME", "20", recently
        )
        add_credits(
            page, "Point-of-care ultrasound", "AMA PRA Category 1 Credit™", "12.5", recently
        )
        add_credits(page, "Wound care journal reading", "AMA PRA Category 2 Credit™", "5", recently)
        # A PA at an activity designated for AMA PRA Category 1 Credit™ receives a
        # certificate of participation: NCCPA counts it as Category 1, California does not.
        add_credits(
            page, "Trauma update", "AMA PRA Category 1 Credit™", "4", recently, participation=True
        )
        expect(
            page.get_by_text("AMA PRA Category 1 Credit™ — certificate of participation")
        ).to_be_visible()
        counts = page.locator("section", has=page.get_by_role("heading", name="Where it counts"))
        expect(counts).to_contain_text("NCCPA certification maintenance (PA-C) Counted")
        expect(counts).to_contain_text("California physician assistant license (PA) Not counted")
        expect(counts).to_contain_text(
            "Not counted: certificate of participation for AMA PRA Category 1 Credit™"
        )

        dashboard_at_both_widths(page, base, "pa-dashboard")
        # NCCPA certification is current, so the PA is a PA-C.
        expect(page.locator(".clinician-name")).to_have_text("Pat Rivera, PA-C")
        # NCCPA counts all four entries toward its 100: 20 + 12.5 + 5 + 4 = 41.5, so 58.5
        # are still needed. Category 1 is the AAPA and AMA PRA Category 1 credit and the
        # certificate of participation, 20 + 12.5 + 4 = 36.5 of 50, so 13.5 more (the
        # Category 2 reading is not Category 1). The PANRE is not on record yet.
        nccpa_set = standing(page, "NCCPA certification maintenance (PA-C)")
        expect(nccpa_set.locator(".still-needed")).to_have_text(
            "Still needed: 58.5 credits; 13.5 of them toward “At least 50 Category 1 CME "
            "credits”; Pass PANRE or PANRE-LA by the end of the tenth year."
        )
        expect(nccpa_set).to_contain_text(
            f"41.5 of 100 counted; 58.5 still needed by {day(cycle_end)}."
        )
        expect(nccpa_set).to_contain_text(
            f"36.5 of 50 counted; 13.5 still needed by {day(cycle_end)}."
        )
        # California takes Category I credit only (AAPA and AMA PRA Category 1), neither
        # the Category 2 reading nor the certificate of participation: 20 + 12.5 = 32.5
        # of 50, so 17.5 more by the license's expiry.
        california = standing(page, "California physician assistant license (PA)")
        expect(california.locator(".still-needed")).to_have_text("Still needed: 17.5 credits.")
        expect(california).to_contain_text(
            f"32.5 of 50 counted; 17.5 still needed by {day(expires)}."
        )
        cycles = page.locator("section", has=page.get_by_role("heading", name="Your cycles"))
        expect(cycles).to_contain_text("Certification cycle")
        expect(cycles).not_to_contain_text("Board certification")
        text = page.locator("main").inner_text()
        assert not CODES.search(text), f"a code on the PA's dashboard: {CODES.search(text)}"
        assert_accessible(page, "pa-dashboard-rules")

    assert set(Enrollment.objects.values_list("set_id", flat=True)) == {"nccpa-pa", "us-ca-pa"}
    assert Certification.objects.get().board.code == "nccpa"
    assert (License.objects.get().state, License.objects.get().profession) == ("CA", "PA")
    assert CreditEntry.objects.count() == 4
    assert CreditEntry.objects.get(title="Trauma update").awarded_as == "participation"


def test_an_np_signs_up_adds_aanpcb_and_a_texas_license_and_sees_both_sets(
    live_server, browser, catalog
):
    base = live_server.url
    today = timezone.localdate()
    recently = today - timedelta(days=20)
    cycle_start, cycle_end = today - timedelta(days=700), today + timedelta(days=1125)
    expires = today + timedelta(days=300)
    with open_page(browser, viewport=DESKTOP) as page:
        sign_up(page, base, "nora.quinn@example.net", "Nora", "Quinn", "NP")
        fill_profile(page, "NP", "1234567893", "Family practice")

        # An NP is offered the two NP bodies, and asked for the certificate number.
        aanpcb = "American Academy of Nurse Practitioners Certification Board (AANPCB)"
        offered = add_certification(
            page, aanpcb, "Certificate number", "F0912345", cycle_start, cycle_end
        )
        assert offered == [
            "Choose your certifying body",
            aanpcb,
            "American Nurses Credentialing Center (ANCC)",
        ]
        add_license(page, "TX", "NP", "AP-551234", expires)

        hours = "ANCC contact hours"
        pharmacology = ("Pharmacology",)
        add_credits(page, "Antibiotic stewardship", hours, "3.5", recently, topics=pharmacology)
        add_credits(page, "Diabetes in primary care", hours, "15", recently)
        add_credits(
            page, "Texas nursing jurisprudence and ethics", hours, "2", recently, topics=("Ethics",)
        )
        add_credits(
            page,
            "Hypertension pharmacotherapy",
            "AMA PRA Category 1 Credit™",
            "6",
            recently,
            topics=pharmacology,
        )

        dashboard_at_both_widths(page, base, "np-dashboard")
        expect(page.locator(".clinician-name")).to_have_text("Nora Quinn, NP")
        # AANPCB takes contact hours and AMA PRA Category 1: 3.5 + 15 + 2 + 6 = 26.5 of
        # 100, so 73.5 more; pharmacology is 3.5 + 6 = 9.5 of 25, so 15.5 more.
        aanpcb_set = standing(page, "AANPCB recertification (NP-C) by CE and clinical practice")
        # NP sets count in contact hours, and say so.
        expect(aanpcb_set.locator(".still-needed")).to_have_text(
            "Still needed: 73.5 contact hours; 15.5 of them on pharmacology."
        )
        expect(aanpcb_set).to_contain_text(
            f"26.5 of 100 contact hours counted; 73.5 still needed by {day(cycle_end)}."
        )
        expect(aanpcb_set).to_contain_text(
            f"9.5 of 25 contact hours counted; 15.5 still needed by {day(cycle_end)}."
        )
        # The precepting cap has nothing to limit, in words that fit contact hours too.
        expect(aanpcb_set.locator(".limit")).to_contain_text(
            "At most 25 contact hours count in the cycle; none of your entries in this cycle"
        )
        # Texas takes ANCC contact hours only: the AMA PRA pharmacology hours do not
        # count, so pharmacotherapeutics is 3.5 of 5, 1.5 more; the 2 hours of
        # jurisprudence and ethics are done; the opioid hours are for DEA registrants.
        texas = standing(page, "Texas APRN license renewal (NP)")
        expect(texas.locator(".still-needed")).to_have_text(
            "Still needed: 1.5 ANCC contact hours on pharmacology."
        )
        expect(texas).to_contain_text(
            f"3.5 of 5 contact hours counted; 1.5 still needed by {day(expires)}."
        )
        expect(texas).to_contain_text("2 of 2 contact hours counted")
        expect(texas).to_contain_text("Does not apply: applies only to DEA registrants.")
        text = page.locator("main").inner_text()
        assert not CODES.search(text), f"a code on the NP's dashboard: {CODES.search(text)}"
        assert_accessible(page, "np-dashboard-rules")

    assert set(Enrollment.objects.values_list("set_id", flat=True)) == {"aanpcb-np", "us-tx-np"}
    assert Certification.objects.get().board.code == "aanpcb"
    assert CreditEntry.objects.count() == 4
