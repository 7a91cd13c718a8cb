"""Writing a clinician's ledger in the portable format (see portable.py)."""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from django.db.models import Prefetch

from cmeledger.accounts.models import ClinicianProfile, User
from cmeledger.ledger.models import Certificate, CertificateKind, CreditEntry, EntryRevision
from cmeledger.ledger.portable import (
    FORMAT,
    LEDGER_MEMBER,
    VERSION,
    CertificateDoc,
    CertificationDoc,
    ClinicianDoc,
    EntryDoc,
    LedgerDoc,
    LicenseDoc,
    ProfileDoc,
    RevisionDoc,
    dumps,
    now,
)
from cmeledger.ledger.services import EDITABLE_FIELDS


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


def _entry(entry: CreditEntry) -> EntryDoc:
    reporter = entry.reported_by
    return EntryDoc(
        # A blank accreditor is stored as "" and written as null.
        **{
            name: getattr(entry, name) or None if name == "accreditor" else getattr(entry, name)
            for name in EDITABLE_FIELDS
        },
        id=entry.pk,
        topics=entry.topics,
        source=entry.source,
        reported_by={"slug": reporter.slug, "name": reporter.name} if reporter else None,
        certificates=sorted(c.pk for c in entry.certificates.all()),
        created_at=entry.created_at,
        deleted_at=entry.deleted_at,
        history=[
            RevisionDoc(
                action=rev.action,
                at=rev.at,
                actor=rev.actor.email if rev.actor else None,
                changes=rev.changes,
            )
            for rev in entry.revisions.all()
        ],
    )


def build(user: User, *, with_files: bool = False) -> LedgerDoc:
    """The whole ledger in a handful of queries, in a stable order."""
    entries = (
        CreditEntry.objects.owned_by(user)
        .select_related("reported_by")
        .prefetch_related(
            "topic_links",
            Prefetch("certificates", queryset=Certificate.objects.only("id")),
            Prefetch(
                "revisions",
                queryset=EntryRevision.objects.select_related("actor").order_by("at", "id"),
            ),
        )
        .order_by("completed_on", "id")
    )
    certificates = Certificate.objects.owned_by(user).order_by("uploaded_at", "id")
    return LedgerDoc(
        format=FORMAT,
        version=VERSION,
        exported_at=now(),
        clinician=_clinician(user),
        certificates=[
            CertificateDoc(
                **{f: getattr(c, f) for f in CertificateDoc.model_fields if f != "file"},
                file=certificate_member(c) if with_files else None,
            )
            for c in certificates
        ],
        entries=[_entry(entry) for entry in entries],
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
                for chunk in iter(lambda source=source: source.read(1 << 20), b""):
                    member.write(chunk)
    return document
