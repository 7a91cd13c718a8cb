"""Names, not codes: a clinician who follows several sets never reads a set id
(`us-tx-md`) or a credit-type code (`ama-pra-1`) on a page, in an e-mail or in a PDF.

Codes stay where people do not read them: addresses, form values, CSS classes, file names
and the CSV and JSON exports meant for programs."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cmeledger.accounts.models import Certification, License
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.vocabulary import CreditType
from cmeledger.reports import deadlines
from cmeledger.reports.models import IssuedTranscript
from cmeledger.reports.reminders import reminder_email
from cmeledger.reports.sharing import create_link
from cmeledger.reports.testing import add_entry, follow_texas, pdf_text
from cmeledger.requirements.models import Enrollment, RequirementSetVersion
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db


class _VisibleText(HTMLParser):
    """The words a reader sees: text outside <script> and <style>, and the titles and
    labels that assistive technology reads aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        for name, value in attrs:
            if name in {"title", "aria-label", "alt", "placeholder"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def codes_in(text: str) -> set[str]:
    set_ids = set(RequirementSetVersion.objects.values_list("set_id", flat=True))
    # A code that is also a word ("attendance") is a word in a sentence.
    codes = {code for code in set_ids | set(CreditType.values) if "-" in code}
    return {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)}


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


@pytest.fixture
def several_sets(alice, board):
    """Texas and California licenses and a board certification, with credits of several
    types, one of them on a topic."""
    follow_texas(alice, "T-1")
    License.objects.create(clinician=alice, state="CA", number="A-1", expires_on=date(2027, 6, 30))
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2022, 1, 1), cycle_end=date(2026, 12, 31)
    )
    add_entry(alice, "Ethics in rehabilitation", date(2025, 6, 1), "2.00", topics=["ethics"])
    add_entry(alice, "Grand rounds", date(2025, 9, 1), "1.25", credit_type="ama-pra-2")
    add_entry(alice, "Self-assessment module", date(2026, 1, 5), "10.00", credit_type="sa-cme")
    add_entry(alice, "Osteopathic update", date(2026, 2, 5), "3.00", credit_type="aoa-1a")
    followed = set(Enrollment.objects.filter(clinician=alice).values_list("set_id", flat=True))
    assert len(followed) >= 3, followed
    return alice


def _around(text: str, codes: set[str]) -> list[str]:
    """Where each code appears, for the failure message."""
    return [
        text[max(m.start() - 60, 0) : m.end() + 30] for c in codes for m in re.finditer(c, text)
    ]


def set_ids(user) -> list[str]:
    return sorted(Enrollment.objects.filter(clinician=user).values_list("set_id", flat=True))


def test_the_fixture_follows_the_sets_whose_ids_the_check_looks_for(several_sets):
    # The check below can fail: these ids are what it searches for.
    assert {"us-tx-md", "us-ca-md", "abpmr-cc"} <= set(set_ids(several_sets))
    assert codes_in("Follows us-tx-md and ama-pra-1.") == {"us-tx-md", "ama-pra-1"}
    assert codes_in('<a href="?set=us-tx-md">Texas</a>') == {"us-tx-md"}
    assert codes_in(visible_text('<a href="?set=us-tx-md">Texas</a>')) == set()


PAGES = [
    "dashboard",
    "requirements",
    "planner",
    "deadlines",
    "reports",
    "share-links",
    "mock-audit",
    "exports",
    "award",
    "certificates",
    "entry-add",
    "direct-credit",
    "profile",
]


@pytest.mark.parametrize("name", PAGES)
def test_a_clinicians_page_shows_names_not_codes(several_sets, client, name):
    client.force_login(several_sets)
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert codes_in(text) == set(), _around(text, codes_in(text))


def test_each_set_and_its_detail_pages_show_names_not_codes(several_sets, client):
    client.force_login(several_sets)
    for set_id in set_ids(several_sets):
        for page in (
            client.get(reverse("mock-audit"), {"set": set_id}),
            client.get(reverse("share-links"), {"set": set_id}),
        ):
            text = visible_text(page.content.decode())
            assert codes_in(text) == set(), _around(text, codes_in(text))
    entry = CreditEntry.objects.filter(clinician=several_sets, credit_type="sa-cme").get()
    page = client.get(reverse("entry-detail", args=[entry.pk]))
    assert codes_in(visible_text(page.content.decode())) == set()


def test_the_shared_transcript_and_its_pdf_show_names_not_codes(several_sets):
    link, secret = create_link(several_sets, recipient="HR", set_id="us-tx-md")
    visitor = Client()
    page = visitor.get(reverse("shared-transcript", args=[secret]))
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    assert codes_in(text) == set(), _around(text, codes_in(text))
    pdf = visitor.get(reverse("shared-transcript-pdf", args=[secret]))
    text = pdf_text(pdf.content, squeeze=True)
    assert codes_in(text) == set(), _around(text, codes_in(text))


def test_transcripts_verification_and_packets_show_names_not_codes(several_sets, client):
    client.force_login(several_sets)
    for set_id in set_ids(several_sets):
        pdf = client.get(reverse("transcript-download"), {"set": set_id})
        assert pdf.status_code == 200, set_id
        text = pdf_text(pdf.content, squeeze=True)
        assert codes_in(text) == set(), _around(text, codes_in(text))
    issued = IssuedTranscript.objects.filter(clinician=several_sets).first()
    verify = Client().get(reverse("verify"), {"code": issued.code})
    assert codes_in(visible_text(verify.content.decode())) == set()
    packet = client.get(reverse("packet-download"), {"set": "us-tx-md"})
    assert packet.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(packet.streaming_content)))
    for name in archive.namelist():
        if name.endswith(".pdf"):
            text = pdf_text(archive.read(name), squeeze=True)
            assert codes_in(text) == set(), (name, _around(text, codes_in(text)))


def test_reminder_e_mails_show_names_not_codes(several_sets):
    upcoming = deadlines.of(several_sets, date(2026, 11, 23)).items
    assert len(upcoming) >= 2
    for item in upcoming:
        message = reminder_email(several_sets, item)
        [(html, _type)] = message.alternatives
        texts = [message.subject, message.body, visible_text(html)]
        text = " ".join(texts)
        assert codes_in(text) == set(), _around(text, codes_in(text))


def test_the_boards_diplomate_list_names_its_sets(several_sets, board_staff, client):
    client.force_login(board_staff)
    response = client.get(reverse("board-diplomates"))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "ABPMR Continuing Certification" in text
    assert codes_in(text) == set(), _around(text, codes_in(text))


def test_a_set_that_cannot_be_worked_out_yet_is_named_on_the_dashboard(alice, client):
    # A license with no expiry date has no cycle yet: the dashboard says so under the
    # set's name, never its id.
    sync()
    License.objects.create(clinician=alice, state="CA", number="A-2")
    assert set_ids(alice) == ["us-ca-md"]
    client.force_login(alice)
    response = client.get(reverse("dashboard"))
    text = visible_text(response.content.decode())
    assert "Complete your profile" in text
    assert codes_in(text) == set(), _around(text, codes_in(text))
