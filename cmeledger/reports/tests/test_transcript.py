"""The transcript: what it gathers, the PDF read back, and the code that verifies it."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import make_pdf
from cmeledger.reports.models import IssuedTranscript
from cmeledger.reports.testing import add_entry as add
from cmeledger.reports.testing import follow_texas, page_count, pdf_text
from cmeledger.reports.transcript import TranscriptError, gather, issue
from cmeledger.reports.transcript_pdf import transcript_pdf
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


@pytest.fixture
def texan(alice):
    """Alice holds a Texas license, so she follows us-tx-md (two years ending at expiry)."""
    follow_texas(alice)
    return alice


def test_a_set_transcript_lists_the_cycles_entries_with_what_the_set_counted(texan, bob):
    add(texan, "Ethics in rehabilitation", date(2025, 6, 1), "2.00", topics=["ethics"])
    add(texan, "Gait analysis", date(2026, 1, 10), "10.50")
    add(texan, "Before the cycle", date(2024, 1, 10), "5.00")
    add(bob, "Bob's course", date(2026, 1, 10), "3.00")
    data = gather(texan, set_id="us-tx-md")
    assert (data.start, data.end) == (date(2025, 3, 1), date(2027, 2, 28))
    assert [e.title for e in data.entries] == ["Ethics in rehabilitation", "Gait analysis"]
    assert [e.counted for e in data.entries] == [Decimal("2.00"), Decimal("10.50")]
    assert data.entries[0].topics == ["ethics"]
    assert data.total_counted == Decimal("12.50")
    assert data.set_name and data.set_version == 3
    assert any(rule.required == Decimal("48") for rule in data.rules)


def test_a_range_transcript_lists_every_entry_in_the_range_with_totals_by_type(alice):
    add(alice, "One", date(2025, 2, 1), "1.25")
    add(alice, "Two", date(2025, 3, 1), "2.00", credit_type="ama-pra-2")
    add(alice, "Three", date(2025, 12, 31), "0.75")
    add(alice, "Outside", date(2026, 1, 1), "9.00")
    data = gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert [e.title for e in data.entries] == ["One", "Two", "Three"]
    assert data.total_claimed == Decimal("4.00")
    assert [(t.credit_type, t.credits, t.entries) for t in data.totals] == [
        ("ama-pra-1", Decimal("2.00"), 2),
        ("ama-pra-2", Decimal("2.00"), 1),
    ]
    assert all(e.counted is None for e in data.entries)


def test_a_certificate_of_participation_is_named_as_one_on_the_transcript_and_in_its_totals(
    alice,
):
    add(alice, "Credit", date(2025, 2, 1), "2.00")
    add(alice, "Participation", date(2025, 3, 1), "3.00", awarded_as="participation")
    data = gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert [(t.credit_words, t.credits) for t in data.totals] == [
        ("AMA PRA Category 1 Credit™", Decimal("2.00")),
        ("AMA PRA Category 1 Credit™ — certificate of participation", Decimal("3.00")),
    ]
    text = " ".join(pdf_text(transcript_pdf(data)).split())
    assert "certificate of participation" in text


def test_deleted_entries_and_linked_self_reports_stay_off_the_transcript(alice):
    gone = add(alice, "Deleted one", date(2025, 2, 1))
    services.delete_entry(gone, alice)
    add(alice, "Kept", date(2025, 2, 2))
    data = gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert [e.title for e in data.entries] == ["Kept"]


def test_entries_carry_their_certificates_in_upload_order(alice):
    entry = add(alice, "With proof", date(2025, 2, 1))
    first = store_certificate(alice, make_pdf("first"), "first.pdf").certificate
    second = store_certificate(alice, make_pdf("second"), "second.pdf").certificate
    Certificate.objects.filter(pk=first.pk).update(uploaded_at=datetime(2025, 3, 1, tzinfo=UTC))
    Certificate.objects.filter(pk=second.pk).update(uploaded_at=datetime(2025, 2, 1, tzinfo=UTC))
    entry.certificates.add(first, second)
    data = gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert data.entries[0].certificate_ids == [str(second.pk), str(first.pk)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Choose a requirement set, or both a start and an end date."),
        ({"start": date(2025, 1, 1)}, "Choose a requirement set, or both a start and an end date."),
        ({"start": date(2025, 2, 1), "end": date(2025, 1, 1)}, "is before the start date"),
        ({"start": date(1900, 1, 1), "end": date(1901, 1, 1)}, "must be between 1950-01-01"),
        ({"start": date(2027, 1, 1), "end": date(2027, 2, 1)}, "must be between 1950-01-01"),
        ({"start": date(1990, 1, 1), "end": date(2026, 1, 1)}, "at most 12 years"),
        ({"set_id": "us-tx-md"}, "You do not follow the requirement set us-tx-md."),
        ({"set_id": "no-such-set"}, "You do not follow the requirement set no-such-set."),
        (
            {"set_id": "us-tx-md", "start": date(2025, 1, 1)},
            "Ask for a set's cycle or for a date range, not both.",
        ),
    ],
)
def test_it_refuses_what_cannot_be_a_transcript_and_says_why(alice, kwargs, message):
    with pytest.raises(TranscriptError, match=message):
        gather(alice, **kwargs)
    assert not IssuedTranscript.objects.exists()


def test_a_set_the_clinician_does_not_follow_is_refused_even_if_someone_else_follows_it(texan, bob):
    with pytest.raises(TranscriptError, match="You do not follow"):
        gather(bob, set_id="us-tx-md")


def test_the_pdf_names_the_clinician_the_set_every_entry_and_the_totals(texan):
    add(texan, "Ethics in rehabilitation", date(2025, 6, 1), "2.00", topics=["ethics"])
    add(texan, "Gait analysis", date(2026, 1, 10), "10.50", provider="Acme CME Institute")
    pdf, issued = issue(texan, set_id="us-tx-md")
    text = pdf_text(pdf)
    for expected in [
        "CME transcript",
        "Alice Abbot",
        "Physician license (MD), Texas, number T-12345",
        "Mar 1, 2025 to Feb 28, 2027",
        "Ethics in rehabilitation",
        "Gait analysis",
        "Acme CME Institute",
        "Jun 1, 2025",
        "10.5",
        "Counted: 12.5 credits",
        "Totals against each rule",
        "Page 1 of 1",
        f"Verification code {issued.code}",
    ]:
        assert expected in text, expected
    assert issued.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (issued.set_id, issued.total_credits, issued.entry_count) == (
        "us-tx-md",
        Decimal("12.50"),
        2,
    )


def test_unconfirmed_rules_are_marked_and_explained_in_the_notes(alice):
    sync()
    from cmeledger.requirements.models import Enrollment

    Enrollment.objects.create(clinician=alice, set_id="ama-pra-3y", started_on=date(2024, 1, 1))
    data = gather(alice, set_id="ama-pra-3y")
    assert any(rule.unconfirmed for rule in data.rules)
    text = pdf_text(transcript_pdf(data))
    assert "Rules marked with an asterisk are not confirmed" in text
    assert data.notes and data.notes[0].split(":")[0] in text


def test_a_long_transcript_numbers_its_pages_and_keeps_every_row(alice):
    for n in range(260):
        add(alice, f"Course number {n:03}", date(2025, 1, 1 + n % 28), "0.25")
    data = gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    pdf = transcript_pdf(data)
    pages = page_count(pdf)
    assert pages > 3
    text = pdf_text(pdf)
    assert f"Page {pages} of {pages}" in text
    assert all(f"Course number {n:03}" in text for n in range(260))
    assert "Credits claimed: 65" in text


def test_markup_in_a_title_prints_as_typed(alice):
    add(alice, "<b>Bold</b> & <unclosed tag", date(2025, 2, 1), provider="A & B <Co>")
    data = gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    text = pdf_text(transcript_pdf(data))
    assert "<b>Bold</b> & <unclosed tag" in text
    assert "A & B <Co>" in text


def test_the_same_data_gives_the_same_text(alice):
    add(alice, "One", date(2025, 2, 1))
    data = gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert pdf_text(transcript_pdf(data)) == pdf_text(transcript_pdf(data))


def test_each_issued_transcript_gets_its_own_code(alice):
    add(alice, "One", date(2025, 2, 1))
    _, first = issue(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    _, second = issue(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert first.code != second.code
    assert len(first.code) == 14 and first.code.count("-") == 2


def test_gathering_takes_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for n in range(40):
        entry = add(alice, f"Course {n}", date(2025, 2, 1), topics=["ethics"])
        entry.certificates.add(store_certificate(alice, make_pdf(f"c{n}"), f"c{n}.pdf").certificate)
    with django_assert_max_num_queries(8):
        gather(alice, start=date(2025, 1, 1), end=date(2025, 12, 31))


@pytest.mark.parametrize("set_id", ["\x00us-tx-md", "US-TX-MD", "us tx", "x" * 65])
def test_a_set_id_of_the_wrong_shape_names_no_set_and_reaches_no_query(
    texan, set_id, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(TranscriptError, match="You do not follow"):
        gather(texan, set_id=set_id)
