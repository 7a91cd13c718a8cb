"""`cmeledger backup OUT`: the database and every stored file in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.backups.archive import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup (database and certificate files, with checksums) to a tar file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="the archive to write, e.g. cmeledger-2026-12-03.tar")

    def handle(self, *args, output: str, **options) -> None:
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        try:
            summary = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Wrote {target}: the {summary.engine} database and {summary.files} files "
            f"({summary.bytes:,} bytes), with SHA-256 checksums."
        )
