"""A whole-site backup: the database and every stored file in one tar archive, with a
manifest of SHA-256 checksums, and its restore.

The database is copied while the site runs: SQLite through its online backup API (a
consistent snapshot even with writers), PostgreSQL with pg_dump (one snapshot
transaction). Files are read through the storage API, so local folders and S3 buckets
back up the same way. A restore checks every checksum before it changes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connections

FORMAT = 1
MANIFEST = "MANIFEST.json"
CHUNK = 1024 * 1024
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup cannot be written or an archive cannot be restored; says why."""


@dataclass(frozen=True)
class Summary:
    engine: str
    files: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    vendor = connections["default"].vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env() -> dict[str, str]:
    config = settings.DATABASES["default"]
    env = {**os.environ}
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if config.get(key):
            env[variable] = str(config[key])
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install PostgreSQL's client tools.")
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-1000:]}")


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])


def _stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _stored_names(storage, f"{folder}/{sub}" if folder else sub)


def _migrations() -> dict[str, str]:
    """The newest applied migration of each app: a restore refuses a newer database."""
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _add(archive: tarfile.TarFile, path: Path, name: str) -> None:
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with path.open("rb") as handle:
        archive.addfile(info, handle)


def backup(output: Path) -> Summary:
    """Write the database and every stored file to `output` (a tar archive)."""
    vendor = _vendor()
    storage = storages["default"]
    checksums: dict[str, str] = {}
    size = 0
    with tempfile.TemporaryDirectory(prefix="cmeledger-backup-") as folder:
        work = Path(folder)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            dump = work / DUMPS[vendor]
            _dump_database(vendor, dump)
            checksums[DUMPS[vendor]] = _sha256(dump)
            size += dump.stat().st_size
            _add(archive, dump, DUMPS[vendor])
            dump.unlink()
            for name in _stored_names(storage):
                copy = work / "file"
                with storage.open(name, "rb") as source, copy.open("wb") as target:
                    shutil.copyfileobj(source, target, CHUNK)
                member = f"files/{name}"
                checksums[member] = _sha256(copy)
                size += copy.stat().st_size
                _add(archive, copy, member)
            manifest = work / MANIFEST
            manifest.write_text(
                json.dumps(
                    {
                        "format": FORMAT,
                        "created": datetime.now(UTC).isoformat(timespec="seconds"),
                        "engine": vendor,
                        "migrations": _migrations(),
                        "sha256": checksums,
                    },
                    indent=2,
                )
            )
            _add(archive, manifest, MANIFEST)
        partial.replace(output)  # a crash never leaves a half archive under the real name
    return Summary(vendor, len(checksums) - 1, size)


def _safe_member(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"The archive holds {member.name!r}, which is not a plain file in it.")
    return member.name


def _unpack(archive_path: Path, work: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:") as archive:
            names = [_safe_member(member) for member in archive.getmembers()]
            if MANIFEST not in names:
                raise BackupError(f"The archive has no {MANIFEST}; it is not a CME Ledger backup.")
            archive.extractall(work, filter="data")
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive: {error}.") from None
    try:
        manifest = json.loads((work / MANIFEST).read_text())
        checksums = manifest["sha256"]
        engine = manifest["engine"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"The archive's {MANIFEST} is damaged: {error}.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not {FORMAT}.")
    if engine not in DUMPS or DUMPS[engine] not in checksums:
        raise BackupError(f"The manifest names no database dump for {engine!r}.")
    unlisted = set(names) - set(checksums) - {MANIFEST}
    if unlisted:
        raise BackupError(
            f"The archive holds files its manifest does not list: {sorted(unlisted)[:5]}."
        )
    for name, expected in checksums.items():
        path = work / name
        if not path.is_file():
            raise BackupError(f"The archive is missing {name}, which its manifest lists.")
        if _sha256(path) != expected:
            raise BackupError(f"{name} does not match its checksum; the archive is damaged.")
    return manifest


def _check_migrations(manifest: dict) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [
        f"{app}.{name}" for app, name in manifest.get("migrations", {}).items()
        if (app, name) not in known
    ]  # fmt: skip
    if unknown:
        raise BackupError(
            f"The backup was made by a newer version (migrations {', '.join(unknown[:3])}); "
            "upgrade this install first, then restore."
        )


def _restore_database(engine: str, dump: Path) -> None:
    connections.close_all()
    if engine == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=30)
        try:
            # The backup API swaps the pages in under the database's own lock, WAL included.
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(
            [
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                "--single-transaction", f"--dbname={_pg_env()['PGDATABASE']}", str(dump),
            ]
        )  # fmt: skip


def _restore_files(work: Path, checksums: dict[str, str]) -> int:
    storage = storages["default"]
    restored = 0
    for member in checksums:
        if not member.startswith("files/"):
            continue
        name = member.removeprefix("files/")
        if storage.exists(name):
            with storage.open(name, "rb") as current:
                digest = hashlib.file_digest(current, "sha256").hexdigest()
            if digest == checksums[member]:
                continue
            storage.delete(name)
        with (work / member).open("rb") as source:
            saved = storage.save(name, File(source, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}; restore stopped.")
        restored += 1
    return restored


def restore(archive_path: Path) -> Summary:
    """Replace the database with the archive's and put its files back in storage."""
    vendor = _vendor()
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file.")
    with tempfile.TemporaryDirectory(prefix="cmeledger-restore-") as folder:
        work = Path(folder)
        manifest = _unpack(archive_path, work)
        if manifest["engine"] != vendor:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; this install runs "
                f"{vendor}. Move data between them with `cmeledger dumpdata`/`loaddata`."
            )
        _check_migrations(manifest)
        dump = work / DUMPS[vendor]
        _restore_database(vendor, dump)
        files = [name for name in manifest["sha256"] if name.startswith("files/")]
        size = sum((work / name).stat().st_size for name in manifest["sha256"])
        _restore_files(work, manifest["sha256"])
    return Summary(vendor, len(files), size)
