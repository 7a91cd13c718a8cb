"""The audit packet read back: members in order, every checksum true, the PDFs' text, the
entries without proof; and the mock audit that finds those entries first."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.testing import entry_fields, make_image, make_pdf
from cmeledger.ledger.vocabulary import Source
from cmeledger.reports.models import IssuedTranscript
from cmeledger.reports.packet import (
    MANIFEST_COLUMNS,
    PacketError,
    missing_proof,
    slug,
    write_packet,
)
from cmeledger.reports.testing import follow_texas, pdf_text
from cmeledger.reports.transcript import TranscriptError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


@pytest.fixture
def texan(alice):
    """Alice holds a Texas license: she follows us-tx-md, cycle 2025-03-01 to 2027-02-28."""
    follow_texas(alice)
    return alice


def add(user, title, completed_on, credits="1.00", **extra):
    fields = entry_fields(
        title=title,
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=Decimal(credits),
        **extra,
    )
    source = fields.pop("source", Source.SELF)
    return services.create_entry(user, user, fields, source=source)


def attach(entry, data: bytes, name: str) -> Certificate:
    certificate = store_certificate(entry.clinician, data, name).certificate
    services.attach_certificate(entry, certificate, entry.clinician)
    return certificate


def build(user, **kwargs) -> tuple[zipfile.ZipFile, object]:
    target = io.BytesIO()
    summary = write_packet(user, target, **kwargs)
    return zipfile.ZipFile(io.BytesIO(target.getvalue())), summary


def manifest(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))


@pytest.fixture
def cycle(texan, organization):
    """Three entries in the cycle (two with proof, one reported without), one before it."""
    gait = add(texan, "Gait analysis: über-advanced", date(2025, 5, 4), "2.50")
    attach(gait, make_pdf("gait"), "gait.pdf")
    ethics = add(texan, "Ethics / law", date(2026, 1, 10), "1.25")
    png = attach(ethics, make_image("PNG"), "ethics.png")
    attach(ethics, make_pdf("ethics page"), "ethics.pdf")
    # The clock is frozen: upload order (which orders an entry's files) is set by hand.
    Certificate.objects.filter(pk=png.pk).update(uploaded_at=datetime(2026, 1, 1, tzinfo=UTC))
    add(
        texan,
        "Reported workshop",
        date(2026, 2, 1),
        source=Source.ORGANIZATION,
        reported_by=organization,
    )
    before = add(texan, "Before the cycle", date(2024, 1, 1))
    attach(before, make_pdf("old"), "old.pdf")
    return texan


def test_it_names_the_members_in_completion_order_with_the_certificate_types(cycle):
    archive, _ = build(cycle, set_id="us-tx-md")
    assert archive.namelist() == [
        "00_cover.pdf",
        "01_transcript.pdf",
        "02_2025-05-04_gait-analysis-uber-advanced.pdf",
        "03_2026-01-10_ethics-law.png",
        "04_2026-01-10_ethics-law.pdf",
        "manifest.csv",
        "SHA256SUMS",
    ]
    assert archive.testzip() is None


def test_every_checksum_in_the_manifest_and_sha256sums_matches_the_member_bytes(cycle):
    archive, _ = build(cycle, set_id="us-tx-md")
    sums = archive.read("SHA256SUMS").decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in sums)
    assert sorted(listed) == sorted(set(archive.namelist()) - {"SHA256SUMS"})
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    for row in manifest(archive):
        if row["member"]:
            data = archive.read(row["member"])
            assert row["sha256"] == hashlib.sha256(data).hexdigest()
            assert int(row["bytes"]) == len(data)


def test_certificates_are_the_stored_files_byte_for_byte_and_stored_uncompressed(cycle):
    archive, _ = build(cycle, set_id="us-tx-md")
    gait = CreditEntry.objects.get(title__startswith="Gait").certificates.get()
    member = "02_2025-05-04_gait-analysis-uber-advanced.pdf"
    assert hashlib.sha256(archive.read(member)).hexdigest() == gait.sha256
    assert archive.getinfo(member).compress_type == zipfile.ZIP_STORED
    assert archive.getinfo("manifest.csv").compress_type == zipfile.ZIP_DEFLATED


def test_the_manifest_ties_each_member_to_its_entry_and_names_entries_without_proof(cycle):
    archive, _ = build(cycle, set_id="us-tx-md")
    rows = manifest(archive)
    assert list(rows[0]) == MANIFEST_COLUMNS
    ethics = CreditEntry.objects.get(title="Ethics / law")
    by_member = {row["member"]: row for row in rows}
    assert by_member["03_2026-01-10_ethics-law.png"]["entry_id"] == str(ethics.pk)
    assert by_member["03_2026-01-10_ethics-law.png"]["credits"] == "1.25"
    missing = [row for row in rows if not row["member"]]
    assert [row["title"] for row in missing] == ["Reported workshop"]
    assert missing[0]["note"] == "no certificate on file; record held by Acme CME Institute"


def test_the_transcript_is_issued_and_its_code_is_on_the_cover(cycle):
    archive, summary = build(cycle, set_id="us-tx-md")
    issued = IssuedTranscript.objects.get()
    assert summary.code == issued.code
    transcript = archive.read("01_transcript.pdf")
    assert hashlib.sha256(transcript).hexdigest() == issued.sha256
    assert "Gait analysis" in pdf_text(transcript)
    cover = pdf_text(archive.read("00_cover.pdf"))
    assert issued.code in cover
    assert "Alice Abbot" in cover
    assert "Mar 1, 2025 to Feb 28, 2027" in cover
    assert "with a certificate: 2; without: 1" in cover
    assert "04_2026-01-10_ethics-law.pdf" in cover
    assert "Reported workshop" in cover and "Acme CME Institute" in cover


def test_a_certificate_shared_by_two_entries_is_packed_once_and_listed_for_both(texan):
    first = add(texan, "Day one", date(2025, 6, 1))
    second = add(texan, "Day two", date(2025, 6, 2))
    shared = attach(first, make_pdf("both days"), "both.pdf")
    services.attach_certificate(second, shared, texan)
    archive, summary = build(texan, set_id="us-tx-md")
    assert [n for n in archive.namelist() if n[:2] not in ("00", "01")] == [
        "02_2025-06-01_day-one.pdf",
        "manifest.csv",
        "SHA256SUMS",
    ]
    rows = [row for row in manifest(archive) if row["entry_id"]]
    assert [(row["title"], row["member"]) for row in rows] == [
        ("Day one", "02_2025-06-01_day-one.pdf"),
        ("Day two", "02_2025-06-01_day-one.pdf"),
    ]
    assert rows[1]["note"].startswith("same file")
    assert summary.certificate_count == 1 and summary.missing == []


def test_another_clinicians_entries_and_files_never_enter_the_packet(texan, bob):
    attach(add(bob, "Bob's course", date(2025, 6, 1)), make_pdf("bob"), "bob.pdf")
    archive, summary = build(texan, set_id="us-tx-md")
    assert archive.namelist() == [
        "00_cover.pdf", "01_transcript.pdf", "manifest.csv", "SHA256SUMS",
    ]  # fmt: skip
    assert "Bob" not in archive.read("manifest.csv").decode()
    assert summary.entry_count == 0


def test_a_packet_with_no_entries_says_so_on_the_cover(texan):
    archive, _ = build(texan, set_id="us-tx-md")
    assert "Entries in the cycle: 0" in pdf_text(archive.read("00_cover.pdf"))


def test_titles_with_formula_characters_are_defused_in_the_manifest(texan):
    add(texan, '=HYPERLINK("http://x")', date(2025, 6, 1))
    archive, _ = build(texan, set_id="us-tx-md")
    row = [r for r in manifest(archive) if r["entry_id"]][0]
    assert row["title"] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"set_id": "us-zz-md"}, "You do not follow the requirement set us-zz-md."),
        ({"set_id": "us-tx-md", "on": date(1800, 1, 1)}, "The date 1800-01-01 is out of range"),
    ],
)
def test_bad_requests_name_the_problem_and_issue_nothing(texan, kwargs, message):
    with pytest.raises(TranscriptError, match=message):
        write_packet(texan, io.BytesIO(), **kwargs)
    assert not IssuedTranscript.objects.exists()


def test_a_certificate_missing_from_storage_is_named(texan):
    entry = add(texan, "Lost file", date(2025, 6, 1))
    certificate = attach(entry, make_pdf("lost"), "lost.pdf")
    certificate.file.storage.delete(certificate.file.name)
    with pytest.raises(PacketError, match=f"certificate {certificate.pk} is missing"):
        write_packet(texan, io.BytesIO(), set_id="us-tx-md")
    assert not IssuedTranscript.objects.exists()


def test_memory_does_not_grow_with_the_size_of_the_certificates(texan):
    # One big file: a whole-file buffer would show up in the peak; chunks of 1 MiB do not.
    big = make_pdf("x" * 50, pages=1) + b"%" + b"0" * (12 << 20) + b"\n"
    certificate = Certificate.objects.create(
        clinician=texan,
        original_name="big.pdf",
        content_type="application/pdf",
        size=len(big),
        sha256=hashlib.sha256(big).hexdigest(),
    )
    from django.core.files.base import ContentFile

    certificate.file.save("big", ContentFile(big))
    del big
    services.attach_certificate(add(texan, "Big", date(2025, 6, 1)), certificate, texan)
    with tempfile.TemporaryFile() as sink:
        tracemalloc.start()
        write_packet(texan, sink, set_id="us-tx-md")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 6 << 20


def test_the_mock_audit_lists_the_entries_without_proof_and_who_holds_reported_ones(cycle):
    gaps = missing_proof(cycle, set_id="us-tx-md")
    assert [(gap.title, gap.reported_by, gap.organization_reported) for gap in gaps] == [
        ("Reported workshop", "Acme CME Institute", True)
    ]
    assert "holds the record" in gaps[0].advice
    mine = add(cycle, "No proof yet", date(2026, 3, 1))
    gaps = missing_proof(cycle, set_id="us-tx-md", on=date(2026, 6, 1))
    assert (
        gaps[-1].id == str(mine.pk) and gaps[-1].advice == "Attach the certificate to this entry."
    )


def test_the_mock_audit_refuses_a_set_not_followed(alice):
    with pytest.raises(TranscriptError, match="You do not follow the requirement set abpmr-cc."):
        missing_proof(alice, set_id="abpmr-cc")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Gait analysis", "gait-analysis"),
        ("Ünïcödé ™ talk", "unicode-tm-talk"),
        ("../../etc/passwd", "etc-passwd"),
        ("日本語", "certificate"),
        ("a" * 200, "a" * 60),
    ],
)
def test_slugs_are_short_safe_ascii(title, expected):
    assert slug(title) == expected


def test_the_summary_reads_as_one_line(cycle):
    _, summary = build(cycle, set_id="us-tx-md")
    assert str(summary) == (
        "us-tx-md cycle 2025-03-01 to 2027-02-28, 3 entries (1 without a certificate), "
        f"3 certificate files; verification code {summary.code}"
    )
    assert summary.filename == "audit-packet-us-tx-md-20250301-20270228.zip"


def test_the_command_line_writes_the_packet_and_refuses_a_lost_file(texan, tmp_path):
    from django.core.management import CommandError, call_command

    output = tmp_path / "packet.zip"
    call_command("report", "packet", texan.email, "--set", "us-tx-md", "--output", str(output))
    assert zipfile.ZipFile(output).namelist()[0] == "00_cover.pdf"
    certificate = attach(add(texan, "Lost", date(2025, 6, 1)), make_pdf("lost"), "lost.pdf")
    certificate.file.storage.delete(certificate.file.name)
    again = tmp_path / "again.zip"
    with pytest.raises(CommandError, match="is missing from storage"):
        call_command("report", "packet", texan.email, "--set", "us-tx-md", "--output", str(again))
    assert not again.exists() and not (tmp_path / "again.zip.partial").exists()
