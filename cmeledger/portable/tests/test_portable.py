"""The portable ledger: export, import, round trip, idempotence and refused files."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cmeledger.accounts.models import Certification, License, User
from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate, CreditEntry, EntryRevision
from cmeledger.ledger.testing import entry_fields, make_image, make_pdf
from cmeledger.ledger.vocabulary import Source
from cmeledger.portable.ledger_import import LedgerFileError, import_bytes
from cmeledger.portable.schema import schema_text

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "formats" / "ledger-v1.schema.json"


@pytest.fixture
def rich_ledger(alice, board, organization):
    """Alice with a license, a certification, two certificates and varied entries."""
    License.objects.create(
        clinician=alice, state="TX", number="Q1234", expires_on=date(2026, 8, 31)
    )
    Certification.objects.create(
        clinician=alice,
        board=board,
        board_id_number="7788",
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    pdf = store_certificate(alice, make_pdf("Rich"), "rich.pdf").certificate
    png = store_certificate(alice, make_image("PNG"), "scan.png").certificate
    first = services.create_entry(
        alice, alice, entry_fields(), topics=["ethics", "pain-management"], certificates=[pdf, png]
    )
    services.update_entry(first, alice, {"credits": Decimal("3.00")})
    gone = services.create_entry(alice, alice, entry_fields(title="Deleted one"))
    services.delete_entry(gone, alice)
    reported = services.create_entry(
        alice, None, entry_fields(title="Reported"), source=Source.ORGANIZATION
    )
    CreditEntry.objects.filter(pk=reported.pk).update(reported_by=organization)
    return alice


def export(email: str, *extra: str) -> dict:
    out = io.StringIO()
    call_command("ledger", "export", email, *extra, stdout=out)
    return json.loads(out.getvalue())


def export_zip(email: str, target: Path) -> Path:
    call_command("ledger", "export", email, "--with-files", "-o", str(target), stderr=io.StringIO())
    return target


def without_time(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported_at"}


def test_the_committed_schema_matches_the_format():
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "docs/formats/ledger-v1.schema.json is stale: regenerate it with "
        "`cmeledger ledger schema > docs/formats/ledger-v1.schema.json`"
    )


def test_an_export_holds_the_profile_certificates_entries_and_history(rich_ledger):
    document = export(rich_ledger.email)
    assert document["format"] == "cmeledger-ledger" and document["version"] == 1
    assert document["clinician"]["licenses"][0]["number"] == "Q1234"
    assert document["clinician"]["certifications"][0]["board"] == "abpmr"
    assert len(document["certificates"]) == 2
    assert all(c["file"] is None for c in document["certificates"])
    first = next(e for e in document["entries"] if e["credits"] == "3.00")
    assert first["topics"] == ["ethics", "pain-management"]
    assert [h["action"] for h in first["history"]] == ["created", "updated"]
    assert first["history"][0]["actor"] == rich_ledger.email
    reported = next(e for e in document["entries"] if e["title"] == "Reported")
    assert reported["reported_by"] == {"slug": "acme-cme", "name": "Acme CME Institute"}
    assert any(e["deleted_at"] for e in document["entries"])


def test_export_with_files_writes_a_zip_with_every_certificate(rich_ledger, tmp_path):
    target = export_zip(rich_ledger.email, tmp_path / "alice.zip")
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        document = json.loads(archive.read("ledger.json"))
    files = {c["file"] for c in document["certificates"]}
    assert names == {"ledger.json"} | files
    assert all(name.startswith("certificates/") for name in files)


def test_exporting_an_unknown_clinician_names_the_email():
    with pytest.raises(CommandError, match="nobody@example.org"):
        export("nobody@example.org")


def test_with_files_needs_an_output_file(rich_ledger):
    with pytest.raises(CommandError, match="--output"):
        export(rich_ledger.email, "--with-files")


def test_export_then_import_into_an_empty_install_gives_an_identical_ledger(rich_ledger, tmp_path):
    target = export_zip(rich_ledger.email, tmp_path / "alice.zip")
    before = export(rich_ledger.email)
    rich_ledger.delete()  # the entries, certificates and history go with her
    assert not CreditEntry.objects.exists() and not Certificate.objects.exists()

    out = io.StringIO()
    call_command("ledger", "import", str(target), stdout=out)
    assert "3 entries created" in out.getvalue()
    assert "clinician account created" in out.getvalue()
    assert without_time(export(rich_ledger.email)) == without_time(before)
    assert not User.objects.get(email=rich_ledger.email).has_usable_password()


def test_importing_the_same_file_twice_changes_nothing(rich_ledger, tmp_path):
    target = export_zip(rich_ledger.email, tmp_path / "alice.zip")
    revisions = EntryRevision.objects.count()
    before = export(rich_ledger.email)
    for _ in range(2):
        out = io.StringIO()
        call_command("ledger", "import", str(target), stdout=out)
        assert "0 entries created, 0 updated, 3 unchanged" in out.getvalue()
    assert EntryRevision.objects.count() == revisions
    assert without_time(export(rich_ledger.email)) == without_time(before)


def test_an_import_updates_a_changed_entry_and_records_it(rich_ledger):
    document = export(rich_ledger.email)
    entry = document["entries"][0]
    entry["title"] = "Renamed elsewhere"
    result = import_bytes(json.dumps(document).encode())
    assert result.entries_updated == 1
    changed = CreditEntry.objects.get(pk=entry["id"])
    assert changed.title == "Renamed elsewhere"
    assert changed.revisions.first().changes["title"][1] == "Renamed elsewhere"


def test_a_json_import_without_files_keeps_entries_and_warns(rich_ledger):
    document = export(rich_ledger.email)
    rich_ledger.delete()
    result = import_bytes(json.dumps(document).encode())
    assert result.entries_created == 3
    assert len(result.warnings) == 2
    assert not Certificate.objects.exists()


def broken(document: dict, path: str, value) -> dict:
    *parents, last = path.split(".")
    node = document
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("entries.0.credits", "1.3", "entries[0].credits: Enter credits in steps of 0.25"),
        ("entries.0.credits", "-2", "entries[0].credits: Enter a number of credits above 0"),
        ("entries.1.credit_type", "ama-pra-9", "entries[1].credit_type: Input should be"),
        ("entries.0.completed_on", "2025-02-30", "entries[0].completed_on:"),
        ("entries.0.topics", ["astrology"], "entries[0].topics[0]:"),
        (
            "entries.0.certificates",
            ["00000000-0000-4000-8000-000000000000"],
            "entries[0].certificates[0]: no certificate",
        ),
        ("entries.0.surprise", 1, "entries[0].surprise: Extra inputs are not permitted"),
        ("version", 2, "version: Input should be 1"),
        ("clinician.email", "not-an-email", "clinician.email:"),
        (
            "clinician.certifications.0.board",
            "abxyz",
            "clinician.certifications[0].board: unknown board",
        ),
    ],
)
def test_a_bad_file_names_the_path_and_imports_nothing(rich_ledger, path, value, message):
    document = broken(export(rich_ledger.email), path, value)
    document["clinician"]["email"] = (
        document["clinician"]["email"] if path == "clinician.email" else "new@example.org"
    )
    with pytest.raises(LedgerFileError) as caught:
        import_bytes(json.dumps(document).encode())
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert not User.objects.filter(email="new@example.org").exists()


def test_an_entry_id_owned_by_another_clinician_is_refused(rich_ledger):
    document = export(rich_ledger.email)
    document["clinician"]["email"] = "mallory@example.org"
    with pytest.raises(LedgerFileError, match=r"entries\[0\].id: .* belongs to another clinician"):
        import_bytes(json.dumps(document).encode())
    assert not User.objects.filter(email="mallory@example.org").exists()


def test_importing_into_a_non_clinician_account_is_refused(rich_ledger, org_member):
    document = export(rich_ledger.email)
    document["clinician"]["email"] = org_member.email
    with pytest.raises(LedgerFileError, match="clinician.email"):
        import_bytes(json.dumps(document).encode())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a ledger"),
        (b"<html></html>", "not a ledger"),
        (b'{"format": ', "invalid JSON at line 1"),
        (b"[1, 2]", "not a ledger"),
        (b"PK\x03\x04garbage", "damaged"),
        (b'{"a": ' + b"[" * 100_000, "nested too deeply"),
    ],
)
def test_files_that_are_not_ledgers_are_refused(data, message):
    with pytest.raises(LedgerFileError, match=message):
        import_bytes(data)


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_members_with_unsafe_paths_are_refused(rich_ledger):
    document = json.dumps(export(rich_ledger.email)).encode()
    with pytest.raises(LedgerFileError, match="unsafe path"):
        import_bytes(zip_of({"ledger.json": document, "../../etc/cron.d/x": b"boom"}))


def test_a_zip_bomb_is_refused_before_it_is_expanded(rich_ledger):
    document = json.dumps(export(rich_ledger.email)).encode()
    with pytest.raises(LedgerFileError, match="zip bomb"):
        import_bytes(zip_of({"ledger.json": document, "certificates/x.pdf": b"\0" * 5_000_000}))


def test_a_zip_without_the_ledger_or_with_a_wrong_file_is_refused(rich_ledger, tmp_path):
    with pytest.raises(LedgerFileError, match="no ledger.json"):
        import_bytes(zip_of({"notes.txt": b"hello"}))
    target = export_zip(rich_ledger.email, tmp_path / "alice.zip")
    with zipfile.ZipFile(target) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    pdf_member = next(name for name in members if name.endswith(".pdf"))
    members[pdf_member] = make_pdf("Swapped")
    with pytest.raises(LedgerFileError, match="sha256: does not match"):
        import_bytes(zip_of(members))
    del members[pdf_member]
    with pytest.raises(LedgerFileError, match="is not in the zip"):
        import_bytes(zip_of(members))


def test_the_import_command_reports_problems_and_a_missing_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cmeledger-ledger"}')
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("ledger", "import", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("ledger", "import", str(tmp_path / "missing.json"))


def test_import_creates_the_clinician_when_missing(rich_ledger):
    document = export(rich_ledger.email)
    document["clinician"]["email"] = "Carol@Example.org"
    for entry in document["entries"]:
        entry["id"] = entry["id"][:-4] + "beef"
    document["certificates"] = []
    for entry in document["entries"]:
        entry["certificates"] = []
    import_bytes(json.dumps(document).encode())
    carol = User.objects.get(email="carol@example.org")
    assert carol.entries.count() == 3
    assert carol.licenses.get().number == "Q1234"
    assert carol.profile.degree == "MD"


@pytest.fixture
def enrolled_ledger(rich_ledger):
    from cmeledger.requirements.enrollment import enroll_automatically
    from cmeledger.requirements.models import Enrollment
    from cmeledger.requirements.sync import sync

    sync()
    enroll_automatically(rich_ledger)
    Enrollment.objects.create(
        clinician=rich_ledger, set_id="ama-pra-3y", started_on=date(2024, 1, 1)
    )
    return rich_ledger


def test_enrollments_travel_in_the_ledger(enrolled_ledger, tmp_path):
    document = export(enrolled_ledger.email)
    sets = {e["set_id"]: e for e in document["enrollments"]}
    assert set(sets) == {"us-tx-md", "abpmr-cc", "ama-pra-3y"}
    assert sets["us-tx-md"]["license"] == {"state": "TX", "profession": "MD", "number": "Q1234"}
    assert sets["ama-pra-3y"]["automatic"] is False

    target = export_zip(enrolled_ledger.email, tmp_path / "alice.zip")
    enrolled_ledger.delete()
    call_command("ledger", "import", str(target), stdout=io.StringIO())
    assert without_time(export(document["clinician"]["email"])) == without_time(document)


def test_an_enrollment_naming_an_unknown_license_is_refused(enrolled_ledger):
    document = export(enrolled_ledger.email)
    tx = next(e for e in document["enrollments"] if e["set_id"] == "us-tx-md")
    tx["license"]["number"] = "NOPE"
    with pytest.raises(LedgerFileError, match=r"enrollments\[\d\]\.license: not among"):
        import_bytes(json.dumps(document).encode())
