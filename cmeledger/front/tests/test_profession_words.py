"""Pages and documents speak each profession's language (issue 21): a nurse
practitioner's sets count contact hours, a certified PA is "PA-C", a physician reads as
before; the transcript names the certifying body and each license's kind and state.

Generated people only: a PA, an NP and an MD, each with a license and a few credits."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cmeledger.accounts.models import Board, Certification, License, User
from cmeledger.conftest import make_clinician
from cmeledger.front.tests.test_names_not_codes import visible_text
from cmeledger.reports import deadlines
from cmeledger.reports.reminders import reminder_email
from cmeledger.reports.sharing import create_link
from cmeledger.reports.testing import add_entry, follow_texas, pdf_text
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
NCCPA_NAME = "National Commission on Certification of Physician Assistants"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def nurse_practitioner() -> User:
    """A California NP: us-ca-np asks 30 contact hours in the two years to expiry."""
    sync()
    sam = make_clinician("sam@example.org", "Sam", "Ortiz", degree="NP")
    License.objects.create(
        clinician=sam, state="CA", profession="NP", number="NP 95001", expires_on=date(2027, 6, 30)
    )
    add_entry(sam, "Heart failure update", date(2026, 1, 10), "12.50", "ancc-contact-hour")
    return sam


@pytest.fixture
def physician_assistant() -> User:
    """A California PA certified by NCCPA (the Board row made here: bodies21 adds it)."""
    sync()
    pat = make_clinician("pat@example.org", "Pat", "Lee", degree="PA")
    nccpa, _ = Board.objects.get_or_create(code="nccpa", defaults={"name": NCCPA_NAME})
    Certification.objects.create(
        clinician=pat,
        board=nccpa,
        board_id_number="1100223",
        cycle_start=date(2025, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    License.objects.create(
        clinician=pat, state="CA", profession="PA", number="PA 40001", expires_on=date(2027, 6, 30)
    )
    add_entry(pat, "Suturing workshop", date(2026, 2, 1), "10.00")
    return pat


@pytest.fixture
def physician(alice) -> User:
    follow_texas(alice)
    add_entry(alice, "Ethics in rehabilitation", date(2025, 6, 1), "2.00", topics=["ethics"])
    return alice


def dashboard_text(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return " ".join(visible_text(response.content.decode()).split())


def standing_text(user: User) -> str:
    """The dashboard's "Where you stand" section: the sets' numbers, not the filters."""
    text = dashboard_text(user)
    return text[text.index("Where you stand") : text.index("What is next")]


def transcript_pdf_text(user: User, set_id: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("transcript-download"), {"set": set_id})
    assert response.status_code == 200
    return pdf_text(response.content, squeeze=True)


def shared_page_text(user: User, set_id: str) -> str:
    _link, secret = create_link(user, recipient="Credentialing office", set_id=set_id)
    response = Client().get(reverse("shared-transcript", args=[secret]))
    assert response.status_code == 200
    return " ".join(visible_text(response.content.decode()).split())


def email_text(user: User, set_id: str) -> str:
    [item] = [d for d in deadlines.of(user, TODAY).items if d.set_id == set_id]
    message = reminder_email(user, item)
    [(html, _type)] = message.alternatives
    return " ".join([message.subject, message.body, visible_text(html)])


# The nurse practitioner: contact hours ------------------------------------------------


def test_an_nps_dashboard_counts_contact_hours(nurse_practitioner):
    assert "Sam Ortiz, NP" in dashboard_text(nurse_practitioner)
    text = standing_text(nurse_practitioner)
    assert "Still needed: 17.5 contact hours." in text
    assert "12.5 of 30 contact hours counted" in text
    assert "Next: 17.5 more contact hours by Jun 30, 2027" in text
    assert not re.search(r"\d credits?\b", text), "an NP's set speaks of credits"


def test_an_nps_pace_chart_says_contact_hours_on_its_axis_and_in_its_table(nurse_practitioner):
    text = dashboard_text(nurse_practitioner)
    assert "Your contact hours (solid line)" in text
    assert "Contact hours that month" in text
    assert "Credits that month" not in text


def test_an_nps_planner_and_deadlines_say_contact_hours(nurse_practitioner, client):
    client.force_login(nurse_practitioner)
    planner = visible_text(client.get(reverse("planner")).content.decode())
    assert "17.5 ANCC contact hours, before" in planner  # the nursing kind, named once
    page = visible_text(client.get(reverse("deadlines")).content.decode())
    assert "17.5 contact hours" in page


def test_an_nps_transcript_counts_contact_hours_and_names_the_license(nurse_practitioner):
    text = transcript_pdf_text(nurse_practitioner, "us-ca-np")
    assert "Sam Ortiz, NP" in text
    assert "Nurse practitioner license (APRN), California, number NP 95001" in text
    assert "Counted: 12.5 contact hours" in text
    assert "Totals against each rule, in contact hours" in text
    page = shared_page_text(nurse_practitioner, "us-ca-np")
    assert "CME transcript of Sam Ortiz, NP" in page
    assert "Behind, 12.5 contact hours counted" in page
    assert "Nurse practitioner license (APRN), California" in page


def test_an_nps_reminder_e_mail_says_contact_hours(nurse_practitioner):
    text = email_text(nurse_practitioner, "us-ca-np")
    assert "Still needed: 17.5 contact hours, by Jun 30, 2027." in text
    assert "credits" not in text


def test_the_progress_json_names_the_unit_and_keeps_its_numbers(nurse_practitioner, client):
    client.force_login(nurse_practitioner)
    body = client.get("/api/v1/progress").json()
    [item] = [s for s in body["sets"] if s["set_id"] == "us-ca-np"]
    assert item["result"]["unit"] == "contact-hours"
    assert item["result"]["total_counted"] == "12.50"


# The physician assistant: PA-C, credits -----------------------------------------------


def test_a_certified_pas_dashboard_says_pa_c_and_credits(physician_assistant):
    assert "Pat Lee, PA-C" in dashboard_text(physician_assistant)
    text = standing_text(physician_assistant)
    assert "contact hour" not in text
    assert re.search(r"Still needed: 40 (\S+ )*credits", text), text


def test_a_pas_next_steps_suggest_aapa_credit_not_ama_credit_a_pa_is_not_awarded(
    physician_assistant,
):
    text = dashboard_text(physician_assistant)
    upcoming = text[text.index("What is next") : text.index("See the whole plan")]
    assert "AAPA Category 1 CME" in upcoming, upcoming
    assert "AMA PRA Category 1 Credit™" not in upcoming, upcoming


def test_a_pas_transcript_names_nccpa_in_full_and_the_license(physician_assistant):
    text = transcript_pdf_text(physician_assistant, "us-ca-pa")
    assert "Pat Lee, PA-C" in text
    assert f"{NCCPA_NAME}, ID 1100223" in text
    assert "Physician assistant license, California, number PA 40001" in text
    assert "Counted: 10 credits" in text
    page = shared_page_text(physician_assistant, "us-ca-pa")
    assert "CME transcript of Pat Lee, PA-C" in page
    assert NCCPA_NAME in page


def test_a_pas_packet_cover_says_pa_c(physician_assistant, client):
    import io
    import zipfile

    client.force_login(physician_assistant)
    response = client.get(reverse("packet-download"), {"set": "us-ca-pa"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    cover = next(n for n in archive.namelist() if "cover" in n and n.endswith(".pdf"))
    assert "Clinician: Pat Lee, PA-C" in pdf_text(archive.read(cover), squeeze=True)


def test_a_pas_reminder_e_mail_speaks_of_credits(physician_assistant):
    text = email_text(physician_assistant, "us-ca-pa")
    assert re.search(r"Still needed: 40 (\S+ )*credits, by Jun 30, 2027\.", text), text
    assert "contact hour" not in text


# The physician: as before ----------------------------------------------------------------


def test_a_physicians_pages_and_documents_read_as_before(physician):
    dashboard = dashboard_text(physician)
    assert "Alice Abbot" in dashboard and "Alice Abbot, MD" not in dashboard
    assert "contact hour" not in standing_text(physician)
    assert "2 of 2 counted" in dashboard  # a credit set keeps its bare numbers
    text = transcript_pdf_text(physician, "us-tx-md")
    assert "Alice Abbot, MD" in text
    assert "Physician license (MD), Texas, number T-12345" in text
    assert "Counted: 2 credits" in text
    assert "Totals against each rule Rule" in text  # no unit after a credit set's heading
    assert "contact hour" not in email_text(physician, "us-tx-md")
