"""`cmeledger backup` and `cmeledger restore` round-trip a whole site: every row of every
table and every stored file (compared by SHA-256) come back as they were. Sites run in
child processes on a database of their own (SQLite, or PostgreSQL when the suite is)."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from cmeledger.lib.testsite import Site, postgres_server


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A site with the demo clinician's three years of entries and certificate files."""
    site = Site(tmp_path_factory.mktemp("original"), postgres_server())
    try:
        site.run("migrate", "--no-input", "-v", "0")
        site.run("catalog", "sync")
        site.run("demo")
        yield site
    finally:
        site.drop()


@pytest.fixture(scope="module")
def archive(original, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backup") / "backup.tar"
    output = original.run("backup", str(path))
    assert f"Wrote {path}" in output
    return path


@pytest.fixture
def fresh(tmp_path):
    site = Site(tmp_path / "fresh", postgres_server())
    site.run("migrate", "--no-input", "-v", "0")
    yield site
    site.drop()


def test_the_archive_lists_every_file_with_its_checksum(original, archive):
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("MANIFEST.json"))
    assert names[-1] == "MANIFEST.json"
    stored = original.files()
    assert len(stored) >= 3  # the demo's certificates
    assert {f"files/{name}": digest for name, digest in stored.items()} == {
        name: digest for name, digest in manifest["sha256"].items() if name.startswith("files/")
    }
    assert manifest["engine"] in ("sqlite", "postgresql")
    assert manifest["migrations"]["ledger"].startswith("00")


def test_a_restore_into_a_new_install_gives_the_same_ledger_row_for_row(original, archive, fresh):
    output = fresh.run("restore", str(archive), "--yes")
    assert "every checksum matched" in output

    assert fresh.tables() == original.tables()
    assert fresh.files() == original.files()
    assert fresh.query("SELECT COUNT(*) FROM ledger_creditentry")[0][0] >= 90


def test_a_restore_undoes_deleted_rows_and_damaged_files(original, archive, tmp_path):
    damaged = original.copy_to(tmp_path / "damaged")
    media = tmp_path / "damaged" / "media"
    for name, _ in original.files().items():  # the copy shares no files: give it its own
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes((original.folder / "media" / name).read_bytes())
    try:
        damaged.run("shell", "-c", "from cmeledger.ledger.models import CreditEntry\n"
                    "CreditEntry.objects.filter(pk__in=CreditEntry.objects.values('pk')[:10]).delete()")  # fmt: skip
        first = sorted(media.rglob("*.pdf"))[0]
        first.write_bytes(b"%PDF-1.4 overwritten")
        assert damaged.tables() != original.tables()

        damaged.run("restore", str(archive), "--yes")

        assert damaged.tables() == original.tables()
        assert damaged.files() == original.files()
    finally:
        damaged.drop()


def test_a_restore_without_yes_changes_nothing(archive, fresh):
    before = fresh.tables()
    done = subprocess.run(
        fresh.command("restore", str(archive)), env=fresh.env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "run again with --yes" in done.stderr
    assert fresh.tables() == before


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _manifest(**overrides) -> bytes:
    fields = {"format": 1, "engine": "sqlite", "migrations": {}, "sha256": {}, **overrides}
    return json.dumps(fields).encode()


BAD_ARCHIVES = {
    "not a tar": (None, "is not a readable backup archive"),
    "no manifest": ({"database.sqlite3": b"x"}, "has no MANIFEST.json"),
    "damaged manifest": ({"MANIFEST.json": b"{not json"}, "MANIFEST.json is damaged"),
    "escaping path": ({"../../etc/evil": b"x", "MANIFEST.json": _manifest()}, "not a plain file"),
    "wrong checksum": (
        {
            "database.sqlite3": b"SQLite format 3\0",
            "MANIFEST.json": _manifest(sha256={"database.sqlite3": "0" * 64}),
        },
        "does not match its checksum",
    ),
    "unlisted file": (
        {
            "files/extra.pdf": b"x",
            "MANIFEST.json": _manifest(sha256={"database.sqlite3": "0" * 64}),
        },
        "does not list",
    ),
    "newer format": ({"MANIFEST.json": _manifest(format=99)}, "Backup format 99"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ARCHIVES)
def test_a_bad_archive_is_refused_with_the_reason_and_nothing_changes(case, tmp_path, alice_entry):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from cmeledger.ledger.models import CreditEntry

    members, message = BAD_ARCHIVES[case]
    path = tmp_path / "bad.tar"
    if members is None:
        path.write_bytes(b"this is not an archive at all" * 100)
    else:
        _tar(path, members)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--yes")
    assert list(CreditEntry.objects.all()) == [alice_entry]


@pytest.mark.django_db
def test_a_backup_of_the_other_engine_is_refused(tmp_path, alice_entry):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    dump = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    import hashlib

    path = _tar(
        tmp_path / "other.tar",
        {
            dump: b"dump",
            "MANIFEST.json": _manifest(
                engine=other, sha256={dump: hashlib.sha256(b"dump").hexdigest()}
            ),
        },
    )
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(path), "--yes")


@pytest.mark.django_db
def test_a_backup_from_a_newer_version_is_refused(tmp_path):
    import hashlib

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    dump = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    path = _tar(
        tmp_path / "newer.tar",
        {
            dump: b"dump",
            "MANIFEST.json": _manifest(
                engine=connection.vendor,
                migrations={"ledger": "0999_from_the_future"},
                sha256={dump: hashlib.sha256(b"dump").hexdigest()},
            ),
        },
    )
    with pytest.raises(CommandError, match="made by a newer version"):
        call_command("restore", str(path), "--yes")


def test_a_backup_into_a_missing_folder_is_refused(original, tmp_path):
    done = subprocess.run(
        original.command("backup", str(tmp_path / "nowhere" / "b.tar")),
        env=original.env,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "does not exist" in done.stderr
