"""Writing a clinician's ledger in the portable format (see schema.py)."""

from __future__ import annotations

import zipfile
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO
from uuid import UUID

from cmeledger.accounts.models import ClinicianProfile, User
from cmeledger.ledger.models import (
    Certificate,
    CertificateKind,
    CreditEntry,
    EntryRevision,
    EntryTopic,
)
from cmeledger.ledger.services import EDITABLE_FIELDS
from cmeledger.portable.schema import (
    FORMAT,
    LEDGER_MEMBER,
    VERSION,
    CertificateDoc,
    CertificationDoc,
    CertificationKey,
    ClinicianDoc,
    EnrollmentDoc,
    EntryDoc,
    LedgerDoc,
    LicenseDoc,
    LicenseKey,
    ProfileDoc,
    RevisionDoc,
    dumps,
    now,
)
from cmeledger.requirements.models import Enrollment


def certificate_member(certificate: Certificate) -> str:
    return f"certificates/{certificate.pk}.{CertificateKind(certificate.content_type).extension}"


def _clinician(user: User) -> ClinicianDoc:
    profile = ClinicianProfile.objects.filter(user=user).first()
    profile_fields = ("middle_name", "degree", "npi", "birth_month", "birth_day", "specialty")
    license_fields = LicenseDoc.model_fields.keys()
    return ClinicianDoc(
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        profile=ProfileDoc(**{f: getattr(profile, f) for f in profile_fields}) if profile else None,
        licenses=[
            LicenseDoc(**{f: getattr(lic, f) for f in license_fields})
            for lic in user.licenses.order_by("state", "profession", "number")
        ],
        certifications=[
            CertificationDoc(
                board=cert.board.code,
                board_id_number=cert.board_id_number,
                specialty=cert.specialty,
                cycle_start=cert.cycle_start,
                cycle_end=cert.cycle_end,
            )
            for cert in user.certifications.select_related("board").order_by(
                "cycle_start", "board__code", "board_id_number"
            )
        ],
    )


def _fields(entry: CreditEntry) -> dict:
    fields = {name: getattr(entry, name) for name in EDITABLE_FIELDS}
    fields["accreditor"] = entry.accreditor or None  # stored as "", written as null
    return fields


@dataclass(frozen=True)
class _Related:
    """Topics, certificate links and history of all the clinician's entries, by entry id."""

    topics: dict[UUID, list[str]]
    certificates: dict[UUID, list[UUID]]
    history: dict[UUID, list[RevisionDoc]]


def _related(user: User) -> _Related:
    # One joined query each rather than prefetches with thousands of ids in an IN list.
    topics, certificates, history = defaultdict(list), defaultdict(list), defaultdict(list)
    for entry_id, topic in EntryTopic.objects.filter(entry__clinician=user).values_list(
        "entry_id", "topic"
    ):
        topics[entry_id].append(topic)
    links = CreditEntry.certificates.through.objects.filter(creditentry__clinician=user)
    for entry_id, certificate_id in links.values_list("creditentry_id", "certificate_id"):
        certificates[entry_id].append(certificate_id)
    revisions = EntryRevision.objects.filter(entry__clinician=user).order_by("at", "id")
    for entry_id, action, at, actor, changes in revisions.values_list(
        "entry_id", "action", "at", "actor__email", "changes"
    ):
        history[entry_id].append(RevisionDoc(action=action, at=at, actor=actor, changes=changes))
    return _Related(topics, certificates, history)


def _entry(entry: CreditEntry, related: _Related) -> EntryDoc:
    reporter = entry.reported_by
    return EntryDoc(
        **_fields(entry),
        id=entry.pk,
        topics=sorted(related.topics[entry.pk]),
        source=entry.source,
        reported_by={"slug": reporter.slug, "name": reporter.name} if reporter else None,
        certificates=sorted(related.certificates[entry.pk]),
        created_at=entry.created_at,
        deleted_at=entry.deleted_at,
        history=related.history[entry.pk],
    )


def _enrollments(user: User) -> list[EnrollmentDoc]:
    rows = Enrollment.objects.filter(clinician=user).select_related(
        "license", "certification__board"
    )
    docs = [
        EnrollmentDoc(
            set_id=row.set_id,
            license=LicenseKey(
                state=row.license.state,
                profession=row.license.profession,
                number=row.license.number,
            )
            if row.license
            else None,
            certification=CertificationKey(
                board=row.certification.board.code,
                board_id_number=row.certification.board_id_number,
                cycle_start=row.certification.cycle_start,
            )
            if row.certification
            else None,
            automatic=row.automatic,
            started_on=row.started_on,
            dropped_at=row.dropped_at,
        )
        for row in rows
    ]
    return sorted(docs, key=lambda d: d.model_dump_json())


def build(user: User, *, with_files: bool = False) -> LedgerDoc:
    """The whole ledger in a handful of queries, in a stable order."""
    entries = (
        CreditEntry.objects.owned_by(user)
        .select_related("reported_by")
        .order_by("completed_on", "id")
    )
    related = _related(user)
    certificates = Certificate.objects.owned_by(user).order_by("uploaded_at", "id")
    return LedgerDoc(
        format=FORMAT,
        version=VERSION,
        exported_at=now(),
        clinician=_clinician(user),
        enrollments=_enrollments(user),
        certificates=[
            CertificateDoc(
                **{f: getattr(c, f) for f in CertificateDoc.model_fields if f != "file"},
                file=certificate_member(c) if with_files else None,
            )
            for c in certificates
        ],
        entries=[_entry(entry, related) for entry in entries],
    )


def write_zip(user: User, target: BinaryIO) -> LedgerDoc:
    """The ledger JSON plus every certificate file, streamed into a zip."""
    document = build(user, with_files=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(LEDGER_MEMBER, dumps(document))
        for certificate in Certificate.objects.owned_by(user):
            with (
                certificate.file.open("rb") as source,
                archive.open(certificate_member(certificate), "w") as member,
            ):
                for chunk in iter(partial(source.read, 1 << 20), b""):
                    member.write(chunk)
    return document
