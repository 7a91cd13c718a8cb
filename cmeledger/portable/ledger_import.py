"""Reading a portable ledger (JSON or zip) into this install.

Phase one reads and checks everything, collecting every problem with its path in the
file (`entries[3].credits: ...`). Only a clean file reaches phase two, which writes it
all in one transaction; stored certificate files are removed again if that fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import zipfile
import zlib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePosixPath
from typing import Any, BinaryIO

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch

from cmeledger.accounts.models import (
    Board,
    Certification,
    ClinicianProfile,
    License,
    Organization,
    Role,
    User,
)
from cmeledger.ledger import bulk as ledger_bulk
from cmeledger.ledger.bulk import HistoryRow, NewEntry
from cmeledger.ledger.certificates import CertificateRejected, inspect
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.services import EDITABLE_FIELDS
from cmeledger.portable.schema import LEDGER_MEMBER, EntryDoc, LedgerDoc
from cmeledger.requirements import choices
from cmeledger.requirements.models import Enrollment

MAX_JSON_BYTES = 200 * 1_048_576
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_TOTAL = 4 * 1_073_741_824
# Certificates are already-compressed PDFs and images; a member that inflates more than
# this is a zip bomb, not a certificate.
MAX_COMPRESSION_RATIO = 200


class LedgerFileError(Exception):
    """The file cannot be imported; `problems` lists each with its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    clinician_created: bool = False
    entries_created: int = 0
    entries_updated: int = 0
    entries_unchanged: int = 0
    certificates_created: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.entries_created} entries created, {self.entries_updated} updated, "
            f"{self.entries_unchanged} unchanged; {self.certificates_created} certificates stored"
            + ("; clinician account created" if self.clinician_created else "")
        )


def _path(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


# --- phase one: read ---------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not (name.startswith("/") or "\\" in name or ".." in path.parts or ":" in name)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    # The header's size can lie; read at most one byte past the limit.
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error, lzma.LZMAError) as error:
        # A bad CRC, a cut-off or garbled member, a header that does not match
        raise LedgerFileError([f"{info.filename}: damaged in the zip ({error})"]) from None
    except NotImplementedError:
        raise LedgerFileError(
            [f"{info.filename}: compressed with a method this install cannot read"]
        ) from None
    if len(data) > limit:
        raise LedgerFileError([f"{info.filename}: larger than {limit} bytes"])
    return data


def _check_zip(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise LedgerFileError([f"the zip holds {len(infos)} files; at most {MAX_ZIP_MEMBERS}"])
    problems = []
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:  # which copy would be read is the zip tool's choice
            problems.append(f"{info.filename}: appears twice in the zip")
        seen.add(info.filename)
        if not _safe_member(info.filename):
            problems.append(f"{info.filename}: unsafe path in the zip")
        elif info.flag_bits & 0x1:
            problems.append(f"{info.filename}: encrypted; export the ledger without a password")
        elif info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            problems.append(
                f"{info.filename}: compressed {info.file_size // info.compress_size}:1, refused as a zip bomb"
            )
    if sum(info.file_size for info in infos) > MAX_ZIP_TOTAL:
        problems.append("the zip expands to more than 4 GiB")
    if problems:
        raise LedgerFileError(problems)
    return {info.filename: info for info in infos if not info.is_dir()}


def _parse_json(raw: bytes) -> Any:
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise LedgerFileError(["ledger.json: not UTF-8 text"]) from None
    except json.JSONDecodeError as error:
        raise LedgerFileError(
            [f"ledger.json: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        ) from None
    except RecursionError:
        raise LedgerFileError(["ledger.json: nested too deeply"]) from None
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        raise LedgerFileError(["ledger.json: holds a number of more than 4,300 digits"]) from None
    problems = _nul_problems(data)
    if problems:
        raise LedgerFileError(problems)
    return data


def _nul_problems(data: Any) -> list[str]:
    """Where a text holds a NUL ("\\u0000"): no ledger needs one and PostgreSQL cannot
    store one. A loop, not recursion: the document may be as deep as json allowed."""
    problems: list[str] = []
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack and len(problems) < 20:
        location, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if "\x00" in key:
                    problems.append(f"{_path(location)}: a key holds a NUL character")
                stack.append(((*location, key), value))
        elif isinstance(node, list):
            stack.extend(((*location, index), value) for index, value in enumerate(node))
        elif isinstance(node, str) and "\x00" in node:
            problems.append(f"{_path(location)}: holds a NUL character, which is not text")
    return sorted(problems)


def _validate(data: Any) -> LedgerDoc:
    try:
        return LedgerDoc.model_validate(data)
    except pydantic.ValidationError as error:
        problems = [f"{_path(e['loc'])}: {e['msg']}" for e in error.errors()[:200]]
        raise LedgerFileError(problems) from None


@dataclass
class LedgerFile:
    document: LedgerDoc
    files: dict[str, bytes]  # certificate id -> bytes, for certificates included


def read(source: BinaryIO) -> LedgerFile:
    head = source.read(4)
    source.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _read_zip(source)
    raw = source.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise LedgerFileError([f"the file is larger than {MAX_JSON_BYTES // 1_048_576} MB"])
    if not raw.lstrip()[:1] == b"{":
        raise LedgerFileError(["not a ledger: expected a JSON object or a zip file"])
    document = _validate(_parse_json(raw))
    return LedgerFile(document, _files(document, None, {}))


def _read_zip(source: BinaryIO) -> LedgerFile:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise LedgerFileError(["the zip file is damaged"]) from None
    with archive:
        members = _check_zip(archive)
        if LEDGER_MEMBER not in members:
            raise LedgerFileError([f"the zip has no {LEDGER_MEMBER}"])
        raw = _read_member(archive, members[LEDGER_MEMBER], MAX_JSON_BYTES)
        document = _validate(_parse_json(raw))
        return LedgerFile(document, _files(document, archive, members))


def _files(document: LedgerDoc, archive, members: dict) -> dict[str, bytes]:
    files, problems = {}, []
    for index, cert in enumerate(document.certificates):
        where = f"certificates[{index}]"
        if cert.file is None:
            continue
        if archive is None:
            problems.append(f"{where}.file: names {cert.file}, but a JSON file holds no files")
            continue
        if cert.file not in members:
            problems.append(f"{where}.file: {cert.file} is not in the zip")
            continue
        data = _read_member(archive, members[cert.file], settings.CERTIFICATE_MAX_BYTES)
        if hashlib.sha256(data).hexdigest() != cert.sha256:
            problems.append(f"{where}.sha256: does not match the file {cert.file}")
            continue
        try:
            found = inspect(data)
        except CertificateRejected as error:
            problems.append(f"{where}.file: {error}")
            continue
        if found.kind.value != cert.content_type:
            problems.append(f"{where}.content_type: the file is {found.kind.label}")
            continue
        files[str(cert.id)] = data
    if problems:
        raise LedgerFileError(problems)
    return files


# --- phase one: check against this install ----------------------------------------


def _entry_problems(index: int, doc: EntryDoc, known_certificates: set[str]) -> list[str]:
    where = f"entries[{index}]"
    fields = _entry_fields(doc)
    probe = CreditEntry(**fields, source=doc.source)
    problems = []
    try:
        probe.clean_fields(exclude=["clinician", "id"])
        probe.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            problems += [f"{where}.{name}: {message}" for message in messages]
    for position, cert_id in enumerate(doc.certificates):
        if str(cert_id) not in known_certificates:
            problems.append(
                f"{where}.certificates[{position}]: no certificate {cert_id} in the file"
            )
    return problems


def _entry_fields(doc: EntryDoc) -> dict[str, Any]:
    fields = {name: getattr(doc, name) for name in EDITABLE_FIELDS}
    fields["accreditor"] = fields["accreditor"] or ""
    return fields


def _license_key(lic) -> tuple:
    return (lic.state, lic.profession, lic.number)


def _certification_key(cert) -> tuple:
    return (cert.board, cert.board_id_number, cert.cycle_start)


def _enrollment_key(doc) -> tuple:
    return (
        doc.set_id,
        _license_key(doc.license) if doc.license else None,
        _certification_key(doc.certification) if doc.certification else None,
    )


def _file_degree(document: LedgerDoc) -> str | None:
    """The degree the clinician will have once the file is in: the file's profile, or
    the stored one when the file has none."""
    if document.clinician.profile is not None:
        return document.clinician.profile.degree
    email = document.clinician.email
    return (
        ClinicianProfile.objects.filter(user__email__iexact=email)
        .values_list("degree", flat=True)
        .first()
    )


def _enrollment_problems(document: LedgerDoc) -> list[str]:
    """The enrollments obey the rules of the Requirements page: a known set, each listed
    once, and a set chosen by hand only when the page would let the clinician add it.
    Those that name a license or certification are checked in phase two, against what
    the record enrolls in (`_enrollments`)."""
    licenses = {_license_key(lic) for lic in document.clinician.licenses}
    certifications = {_certification_key(c) for c in document.clinician.certifications}
    versions = choices.latest_versions()
    degree = _file_degree(document)
    seen: set[tuple] = set()
    problems = []
    for index, enrollment in enumerate(document.enrollments):
        where = f"enrollments[{index}]"
        if enrollment.license and _license_key(enrollment.license) not in licenses:
            problems.append(f"{where}.license: not among clinician.licenses")
        if enrollment.certification and (
            _certification_key(enrollment.certification) not in certifications
        ):
            problems.append(f"{where}.certification: not among clinician.certifications")
        key = _enrollment_key(enrollment)
        if key in seen:
            problems.append(f"{where}: {enrollment.set_id} with the same record is listed twice")
        seen.add(key)
        row = versions.get(enrollment.set_id)
        if row is None:
            problems.append(
                f"{where}.set_id: there is no requirement set “{enrollment.set_id}” here"
            )
            continue
        by_hand = enrollment.license is None and enrollment.certification is None
        if by_hand and enrollment.dropped_at is None:
            reason = choices.refusal(row.requirement_set(), degree)
            if reason:
                problems.append(f"{where} ({enrollment.set_id}): refused, {reason}")
    return problems


def check(ledger: LedgerFile) -> None:
    document = ledger.document
    problems = []
    email = document.clinician.email.lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.role != Role.CLINICIAN:
        problems.append(f"clinician.email: {email} is a {existing.get_role_display()} account")
    boards = set(Board.objects.values_list("code", flat=True))
    for index, cert in enumerate(document.clinician.certifications):
        if cert.board not in boards:
            problems.append(
                f"clinician.certifications[{index}].board: unknown board {cert.board!r}"
            )
    problems += _enrollment_problems(document)
    ids = [str(c.id) for c in document.certificates]
    if len(set(ids)) != len(ids):
        problems.append("certificates: the same id appears twice")
    entry_ids = [str(e.id) for e in document.entries]
    if len(set(entry_ids)) != len(entry_ids):
        problems.append("entries: the same id appears twice")
    for index, entry in enumerate(document.entries):
        problems += _entry_problems(index, entry, set(ids))
    foreign = set(
        CreditEntry.objects.filter(pk__in=entry_ids)
        .exclude(clinician__email__iexact=email)
        .values_list("pk", flat=True)
    )
    problems += [
        f"entries[{i}].id: {e.id} belongs to another clinician"
        for i, e in enumerate(document.entries)
        if e.id in foreign
    ]
    if problems:
        raise LedgerFileError(problems)


# --- phase two: write --------------------------------------------------------------


def _clinician(document: LedgerDoc, result: ImportResult) -> User:
    doc = document.clinician
    user = User.objects.filter(email__iexact=doc.email).first()
    if user is None:
        user = User.objects.create_user(doc.email.lower(), None, role=Role.CLINICIAN)
        result.clinician_created = True
    user.first_name, user.last_name = doc.first_name, doc.last_name
    user.save(update_fields=["first_name", "last_name"])
    if doc.profile is not None:
        ClinicianProfile.objects.update_or_create(user=user, defaults=doc.profile.model_dump())
    for lic in doc.licenses:
        key: dict[str, Any] = {
            "state": lic.state,
            "profession": lic.profession,
            "number": lic.number,
        }
        License.objects.update_or_create(clinician=user, **key, defaults=lic.model_dump())
    boards = {b.code: b for b in Board.objects.all()}
    for cert in doc.certifications:
        data = cert.model_dump() | {"board": boards[cert.board]}
        key = {k: data[k] for k in ("board", "board_id_number", "cycle_start")}
        Certification.objects.update_or_create(clinician=user, **key, defaults=data)
    return user


def _certificates(user: User, ledger: LedgerFile, result: ImportResult, stored: list) -> dict:
    """Map each certificate id in the file to a certificate of this clinician."""
    mapping: dict[str, Certificate] = {}
    by_hash = {c.sha256: c for c in Certificate.objects.owned_by(user)}
    taken = set(
        str(pk)
        for pk in Certificate.objects.filter(
            pk__in=[c.id for c in ledger.document.certificates]
        ).values_list("pk", flat=True)
    )
    for index, doc in enumerate(ledger.document.certificates):
        key = str(doc.id)
        if doc.sha256 in by_hash:
            mapping[key] = by_hash[doc.sha256]
            continue
        data = ledger.files.get(key)
        if data is None:
            result.warnings.append(
                f"certificates[{index}]: {doc.original_name} not included (export with "
                "--with-files to move files); entries keep no link to it"
            )
            continue
        certificate = Certificate(
            clinician=user,
            original_name=doc.original_name,
            content_type=doc.content_type,
            size=len(data),
            sha256=doc.sha256,
            page_count=doc.page_count,
            uploaded_at=doc.uploaded_at,
        )
        if key not in taken:  # keep the id unless this install already uses it
            certificate.id = doc.id
        certificate.file.save("import", ContentFile(data), save=False)
        stored.append(certificate.file.name)
        certificate.save(force_insert=True)
        mapping[key] = by_hash[doc.sha256] = certificate
        result.certificates_created += 1
    return mapping


def _organizations(document: LedgerDoc) -> dict[str, Organization]:
    orgs = {}
    for entry in document.entries:
        if entry.reported_by and entry.reported_by.slug not in orgs:
            orgs[entry.reported_by.slug], _ = Organization.objects.get_or_create(
                slug=entry.reported_by.slug, defaults={"name": entry.reported_by.name}
            )
    return orgs


def _text(value: Any) -> Any:
    """A choice as its stored text: the bulk writers take plain values."""
    return value.value if isinstance(value, Enum) else value


def _new_entry(user: User, doc: EntryDoc, certs, orgs) -> NewEntry:
    fields = {name: _text(value) for name, value in _entry_fields(doc).items()}
    return NewEntry(
        clinician_id=user.pk,
        source=_text(doc.source),
        reported_by_id=orgs[doc.reported_by.slug].pk if doc.reported_by else None,
        topics=tuple(_text(topic) for topic in doc.topics),
        certificate_ids=tuple(certs[str(c)].pk for c in doc.certificates if str(c) in certs),
        id=doc.id,
        created_at=doc.created_at,
        deleted_at=doc.deleted_at,
        **fields,
    )


def _create_entries(user, docs: list[EntryDoc], certs, orgs) -> None:
    """The entries arrive with their history, which is written as it was (no second
    "created" row)."""
    actors = dict(
        User.objects.filter(
            email__in={r.actor for d in docs for r in d.history if r.actor}
        ).values_list("email", "pk")
    )
    history = [
        HistoryRow(doc.id, actors.get(rev.actor or ""), _text(rev.action), rev.at, rev.changes)
        for doc in docs
        for rev in doc.history
    ]
    entries = [_new_entry(user, doc, certs, orgs) for doc in docs]
    ledger_bulk.create_entries(entries, None, history=history)


def _update_entry(entry: CreditEntry, doc: EntryDoc, certs, orgs) -> bool:
    """Bring an existing entry to the file's state; True if anything changed. The file
    is the clinician's own ledger, so entries reported by others follow it too."""
    fields: dict[str, Any] = dict(_entry_fields(doc))
    fields["source"] = doc.source
    fields["reported_by_id"] = orgs[doc.reported_by.slug].pk if doc.reported_by else None
    chosen = [certs[str(c)] for c in doc.certificates if str(c) in certs]
    revision = ledger_bulk.Revision(entry, fields, topics=list(doc.topics), certificates=chosen)
    changed = ledger_bulk.revise_entries([revision], None, enforce_lock=False) > 0
    if doc.deleted_at is not None and entry.deleted_at is None:
        changed |= (
            ledger_bulk.retire_entries([entry.pk], None, enforce_lock=False, at=doc.deleted_at) > 0
        )
    elif doc.deleted_at is None and entry.deleted_at is not None:
        changed |= ledger_bulk.restore_entries([entry.pk], None, enforce_lock=False) > 0
    return changed


def _enrollments(user: User, document: LedgerDoc) -> None:
    """Merge on set and enrolling record; the file's dates and state win. A license or
    certification enrolls only in the sets it governs: by now (the profile is written)
    those enrollments exist, made by `enroll_automatically` as for a record saved on the
    page, so a file's enrollment through a record that made none is refused."""
    licenses = {_license_key(lic): lic for lic in user.licenses.all()}
    certifications = {
        (c.board.code, c.board_id_number, c.cycle_start): c
        for c in user.certifications.select_related("board")
    }
    made = set(
        Enrollment.objects.filter(clinician=user).values_list(
            "set_id", "license_id", "certification_id"
        )
    )
    problems = []
    for index, doc in enumerate(document.enrollments):
        lic = licenses[_license_key(doc.license)] if doc.license else None
        cert = certifications[_certification_key(doc.certification)] if doc.certification else None
        record = lic or cert
        if (
            record is not None
            and (doc.set_id, getattr(lic, "pk", None), getattr(cert, "pk", None)) not in made
        ):
            problems.append(
                f"enrollments[{index}] ({doc.set_id}): refused, the {_record_words(doc)} does "
                f"not enroll in {choices.set_name(doc.set_id)}; a license or certification "
                "enrolls only in the sets that govern it"
            )
            continue
        Enrollment.objects.update_or_create(
            clinician=user,
            set_id=doc.set_id,
            license=lic,
            certification=cert,
            defaults={
                "automatic": doc.automatic,
                "started_on": doc.started_on,
                "dropped_at": doc.dropped_at,
            },
        )
    if problems:
        raise LedgerFileError(problems)  # the transaction around write() undoes it all


def _record_words(doc) -> str:
    if doc.license:
        lic = doc.license
        return f"{lic.state} {lic.profession} license {lic.number}"
    cert = doc.certification
    return f"{cert.board.upper()} certification from {cert.cycle_start}"


def write(ledger: LedgerFile) -> ImportResult:
    result = ImportResult()
    stored: list[str] = []
    try:
        with transaction.atomic():
            user = _clinician(ledger.document, result)
            _enrollments(user, ledger.document)
            certs = _certificates(user, ledger, result, stored)
            orgs = _organizations(ledger.document)
            docs = ledger.document.entries
            existing = {
                e.pk: e
                for e in CreditEntry.objects.filter(
                    clinician=user, pk__in=[d.id for d in docs]
                ).prefetch_related(
                    "topic_links", Prefetch("certificates", Certificate.objects.only("id"))
                )
            }
            _create_entries(user, [d for d in docs if d.id not in existing], certs, orgs)
            result.entries_created = sum(1 for d in docs if d.id not in existing)
            for doc in (d for d in docs if d.id in existing):
                if _update_entry(existing[doc.id], doc, certs, orgs):
                    result.entries_updated += 1
                else:
                    result.entries_unchanged += 1
    except BaseException:
        storage = Certificate._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return result


def import_ledger(source: BinaryIO) -> ImportResult:
    ledger = read(source)
    check(ledger)
    return write(ledger)


def import_bytes(data: bytes) -> ImportResult:
    return import_ledger(io.BytesIO(data))
