"""The audit packet: one ZIP a clinician hands an auditor, and the mock audit before it.

The packet holds a cover sheet, the transcript (with its verification code), every
certificate behind the cycle's entries in completion order, a manifest and SHA256SUMS.
It is written straight into the caller's file: certificates are copied from storage in
chunks and hashed on the way, so memory stays flat whatever their number. Member names
and the rules for shared certificates are documented in docs/audit-packets.md.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer

from cmeledger.accounts.models import User
from cmeledger.ledger.models import Certificate, CertificateKind
from cmeledger.ledger.vocabulary import CreditType, Source
from cmeledger.lib import csvsafe
from cmeledger.lib.credits import credit_text, day_text
from cmeledger.reports.pdf import BODY, HEADING, ITEM, TITLE, build, text
from cmeledger.reports.transcript import (
    Transcript,
    TranscriptEntry,
    TranscriptError,
    gather,
    issue,
    label,
)

COVER = "00_cover.pdf"
TRANSCRIPT = "01_transcript.pdf"
MANIFEST = "manifest.csv"
SUMS = "SHA256SUMS"
FIRST_CERTIFICATE_NUMBER = 2
SLUG_LENGTH = 60
CHUNK = 1 << 20
# SQLite refuses more than a few thousand bound parameters in one query.
ID_BATCH = 500
MANIFEST_COLUMNS = [
    "member", "entry_id", "title", "completed_on", "credits", "sha256", "bytes", "note",
]  # fmt: skip
NO_CERTIFICATE = "no certificate on file"
SHARED = "same file as the earlier member, which this entry shares"


class PacketError(TranscriptError):
    """The packet cannot be made; the message says which record is at fault. A kind of
    TranscriptError, so every caller that reports those reports this too."""


@dataclass(frozen=True)
class MissingProof:
    """An entry in the cycle with no certificate attached."""

    id: str
    completed_on: date
    title: str
    provider: str
    credit_type: str
    credits: Decimal
    reported_by: str  # the reporting organization's name; "" for the clinician's own

    @property
    def organization_reported(self) -> bool:
        return bool(self.reported_by)

    @property
    def advice(self) -> str:
        if self.reported_by:
            return f"Reported by {self.reported_by}, who holds the record of attendance."
        return "Attach the certificate to this entry."


@dataclass(frozen=True)
class PlannedMember:
    """One certificate in the packet, named before any byte is copied."""

    name: str
    certificate_id: str
    entry: TranscriptEntry
    shared: bool  # the file is already in the packet under this name for an earlier entry


@dataclass(frozen=True)
class WrittenMember:
    name: str
    sha256: str
    size: int


@dataclass
class PacketSummary:
    set_id: str
    set_name: str
    start: date
    end: date
    code: str
    generated_at: datetime
    members: list[WrittenMember] = field(default_factory=list)
    missing: list[MissingProof] = field(default_factory=list)
    entry_count: int = 0
    certificate_count: int = 0

    @property
    def filename(self) -> str:
        return packet_filename(self.set_id, self.start, self.end)

    def __str__(self) -> str:
        return (
            f"{self.set_id} cycle {self.start} to {self.end}, {self.entry_count} entries "
            f"({len(self.missing)} without a certificate), {self.certificate_count} "
            f"certificate files; verification code {self.code}"
        )


def packet_filename(set_id: str, start: date, end: date) -> str:
    return f"audit-packet-{set_id}-{start:%Y%m%d}-{end:%Y%m%d}.zip"


def slug(title: str, length: int = SLUG_LENGTH) -> str:
    """A file-name part any system accepts: ASCII letters, digits and single hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return cleaned[:length].rstrip("-") or "certificate"


def _reporter(entry: TranscriptEntry) -> str:
    code, _, organization = entry.source.partition(":")
    return organization if code == Source.ORGANIZATION else ""


def _missing(data: Transcript) -> list[MissingProof]:
    return [
        MissingProof(
            id=entry.id,
            completed_on=entry.completed_on,
            title=entry.title,
            provider=entry.provider,
            credit_type=entry.credit_type,
            credits=entry.credits,
            reported_by=_reporter(entry),
        )
        for entry in data.entries
        if not entry.certificate_ids
    ]


def missing_proof(user: User, *, set_id: str, on: date | None = None) -> list[MissingProof]:
    """The entries of the set's cycle an auditor would ask proof for and find none."""
    return _missing(gather(user, set_id=set_id, on=on))


def plan(data: Transcript, kinds: dict[str, str]) -> list[PlannedMember]:
    """Certificates in completion order, numbered from 02; `kinds` maps id to MIME type."""
    pairs = [(entry, cid) for entry in data.entries for cid in entry.certificate_ids]
    width = max(2, len(str(FIRST_CERTIFICATE_NUMBER + len(pairs) - 1)))
    named: dict[str, str] = {}
    planned = []
    number = FIRST_CERTIFICATE_NUMBER
    for entry, certificate_id in pairs:
        if certificate_id not in kinds:
            # Only the clinician's own files go in; a link to anyone else's is ignored.
            continue
        if certificate_id in named:
            planned.append(PlannedMember(named[certificate_id], certificate_id, entry, True))
            continue
        extension = CertificateKind(kinds[certificate_id]).extension
        name = f"{number:0{width}d}_{entry.completed_on:%Y-%m-%d}_{slug(entry.title)}.{extension}"
        named[certificate_id] = name
        planned.append(PlannedMember(name, certificate_id, entry, False))
        number += 1
    return planned


def _certificates(user: User, ids: list[str]) -> dict[str, Certificate]:
    found: dict[str, Certificate] = {}
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start : start + ID_BATCH]
        rows = (
            Certificate.objects.owned_by(user)
            .filter(pk__in=batch)
            .only("id", "file", "content_type", "size")
        )
        found.update({str(row.pk): row for row in rows})
    return found


def _chunks(certificate: Certificate) -> Iterator[bytes]:
    try:
        source = certificate.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise PacketError(
            f"The file of certificate {certificate.pk} is missing from storage."
        ) from error
    with source:
        yield from iter(lambda: source.read(CHUNK), b"")


def _write(
    archive: zipfile.ZipFile,
    name: str,
    chunks: Iterator[bytes] | list[bytes],
    when: datetime,
    *,
    compress: bool,
) -> WrittenMember:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    # PDFs and images are compressed already: deflating them again costs time for nothing.
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w") as member:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            member.write(chunk)
    return WrittenMember(name, digest.hexdigest(), size)


def _manifest(
    written: list[WrittenMember], planned: list[PlannedMember], missing: list[MissingProof]
) -> bytes:
    by_name = {member.name: member for member in written}
    buffer = io.StringIO()
    out = csvsafe.writer(buffer, lineterminator="\r\n")
    out.writerow(MANIFEST_COLUMNS)
    for name in (COVER, TRANSCRIPT):
        out.writerow([name, "", "", "", "", by_name[name].sha256, by_name[name].size, ""])
    for item in planned:
        member, entry = by_name[item.name], item.entry
        note = SHARED if item.shared else ""
        out.writerow(_entry_row(item.name, entry.id, entry.title, entry.completed_on,
                                entry.credits, member.sha256, member.size, note))  # fmt: skip
    for gap in missing:
        note = NO_CERTIFICATE + (f"; record held by {gap.reported_by}" if gap.reported_by else "")
        out.writerow(_entry_row("", gap.id, gap.title, gap.completed_on, gap.credits, "", "", note))
    return buffer.getvalue().encode("utf-8")


def _entry_row(*cells) -> list[str]:
    return [str(cell) for cell in cells]


def _sums(written: list[WrittenMember]) -> bytes:
    # Two spaces: `sha256sum -c` reads that as a binary-safe text-mode line.
    return "".join(f"{member.sha256}  {member.name}\n" for member in written).encode("ascii")


@transaction.atomic
def write_packet(
    user: User, target: BinaryIO, *, set_id: str, on: date | None = None
) -> PacketSummary:
    """Write the audit packet of the set's cycle holding `on` (default today) into `target`.

    Raises TranscriptError for an unknown or unfollowed set or a bad date, and
    PacketError when a certificate's file is gone from storage. One transaction: a packet
    that fails half-way leaves no verification code recorded for a transcript never sent."""
    data = gather(user, set_id=set_id, on=on)
    ids = [cid for entry in data.entries for cid in entry.certificate_ids]
    certificates = _certificates(user, ids)
    planned = plan(data, {cid: row.content_type for cid, row in certificates.items()})
    missing = _missing(data)
    pdf, issued = issue(user, data=data)
    summary = PacketSummary(
        set_id=data.set_id,
        set_name=data.set_name,
        start=data.start,
        end=data.end,
        code=issued.code,
        generated_at=issued.generated_at or timezone.now(),
        missing=missing,
        entry_count=len(data.entries),
        certificate_count=sum(1 for item in planned if not item.shared),
    )
    contents = [COVER, TRANSCRIPT, *dict.fromkeys(item.name for item in planned), MANIFEST, SUMS]
    cover = cover_pdf(data, summary, contents)
    when = summary.generated_at
    with zipfile.ZipFile(target, "w") as archive:
        written = [
            _write(archive, COVER, [cover], when, compress=False),
            _write(archive, TRANSCRIPT, [pdf], when, compress=False),
        ]
        for item in planned:
            if not item.shared:
                chunks = _chunks(certificates[item.certificate_id])
                written.append(_write(archive, item.name, chunks, when, compress=False))
        manifest = _manifest(written, planned, missing)
        written.append(_write(archive, MANIFEST, [manifest], when, compress=True))
        _write(archive, SUMS, [_sums(written)], when, compress=True)
    summary.members = written
    return summary


def cover_pdf(data: Transcript, summary: PacketSummary, contents: list[str]) -> bytes:
    """The packet's first page(s): whose packet, for which cycle, and what is inside.
    Pure: nothing here reads the database."""
    title = f"Audit packet: {data.clinician_title or data.clinician_name}, {data.set_name}"
    story = _cover_story(data, summary, contents)
    return build(story, page=letter, margin=0.75 * inch, title=title)


def _cover_story(data: Transcript, summary: PacketSummary, contents: list[str]) -> list:
    version = f", version {data.set_version}" if data.set_version else ""
    with_proof = summary.entry_count - len(summary.missing)
    facts = [
        f"Clinician: {data.clinician_title or data.clinician_name} ({data.email})",
        f"Requirement set: {data.set_name}{version}",
        f"Cycle: {data.period}",
        f"Generated: {day_text(summary.generated_at)} {summary.generated_at:%H:%M} UTC",
        f"Transcript verification code: {summary.code}",
        f"Entries in the cycle: {summary.entry_count}; with a certificate: {with_proof}; "
        f"without: {len(summary.missing)}",
        f"Certificate files: {summary.certificate_count}",
    ]
    story: list = [Paragraph("CME audit packet", TITLE)]
    story += [Paragraph(text(line), BODY) for line in facts]
    story += [Spacer(1, 6), Paragraph("Contents", HEADING)]
    story += [Paragraph(text(name), ITEM) for name in contents]
    story.append(Paragraph("Entries without a certificate", HEADING))
    if not summary.missing:
        story.append(Paragraph("None: every entry has its certificate here.", BODY))
    for gap in summary.missing:
        line = (
            f"{day_text(gap.completed_on)} · {gap.title} · {credit_text(gap.credits)} "
            f"{label(CreditType, gap.credit_type)} · {gap.advice}"
        )
        story.append(Paragraph(text(line), ITEM))
    story += [
        Spacer(1, 6),
        Paragraph(
            text(
                f"Check the files with `sha256sum -c {SUMS}`; {MANIFEST} ties each "
                "certificate to its entry."
            ),
            BODY,
        ),
    ]
    return story
