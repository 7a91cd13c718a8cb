"""`cmeledger ledger export|import|schema`: move a clinician's ledger between installs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.accounts.models import Role, User
from cmeledger.portable import ledger_export
from cmeledger.portable.ledger_import import LedgerFileError, import_ledger
from cmeledger.portable.schema import dumps, schema_text


class Command(BaseCommand):
    help = "Export or import a clinician's ledger in the portable JSON format."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write one clinician's ledger")
        export.add_argument("email")
        export.add_argument("--output", "-o", help="file to write (default: standard output)")
        export.add_argument(
            "--with-files", action="store_true", help="write a zip with the certificate files"
        )
        load = actions.add_parser("import", help="read a ledger file (JSON or zip)")
        load.add_argument("file")
        actions.add_parser("schema", help="print the format's JSON Schema")

    def handle(self, *args, action: str, **options) -> None:
        if action == "export":
            self._export(options["email"], options.get("output"), options["with_files"])
        elif action == "import":
            self._import(options["file"])
        else:
            self.stdout.write(schema_text(), ending="")

    def _export(self, email: str, output: str | None, with_files: bool) -> None:
        user = User.objects.filter(email__iexact=email, role=Role.CLINICIAN).first()
        if user is None:
            raise CommandError(f"No clinician with the email {email}.")
        if with_files:
            if not output:
                raise CommandError("--with-files writes a zip; name it with --output FILE.")
            with open(output, "wb") as target:
                document = ledger_export.write_zip(user, target)
        else:
            document = ledger_export.build(user)
            if output:
                Path(output).write_text(dumps(document), encoding="utf-8")
            else:
                self.stdout.write(dumps(document), ending="")
        if output:
            self.stderr.write(
                f"Wrote {len(document.entries)} entries and {len(document.certificates)} "
                f"certificates of {user.email} to {output}."
            )

    def _import(self, name: str) -> None:
        try:
            source = open(name, "rb")  # noqa: SIM115 (closed by the with below)
        except OSError as error:
            raise CommandError(f"{name}: {error.strerror}.") from None
        with source:
            try:
                result = import_ledger(source)
            except LedgerFileError as error:
                listed = "\n".join(f"  {problem}" for problem in error.problems)
                raise CommandError(f"{name}: nothing imported.\n{listed}") from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(f"Imported {name}: {result.summary()}.")
