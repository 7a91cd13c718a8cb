"""`cmeledger restore IN`: put a backup back, after checking every checksum."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.backups.archive import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `cmeledger backup`: it replaces the whole database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="a tar file written by `cmeledger backup`")
        parser.add_argument(
            "--yes", action="store_true", help="replace the current database without asking"
        )

    def handle(self, *args, archive: str, yes: bool, **options) -> None:
        if not yes:
            raise CommandError(
                "A restore replaces everything in this install's database. Stop the web and "
                "worker processes, then run again with --yes."
            )
        try:
            summary = restore(Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {archive}: the {summary.engine} database and {summary.files} files, "
            "every checksum matched."
        )
