"""`cmeledger capture FILE [FILE...] [--json] [--name NAME]`: read certificates into drafts."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.capture.extract import FIELDS, Confidence
from cmeledger.capture.extract import as_json as draft_json
from cmeledger.capture.reading import capture
from cmeledger.ledger.certificates import CertificateRejected


class Command(BaseCommand):
    help = "Read certificate files (PDF, JPEG, PNG) into draft credit entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the drafts as JSON"
        )
        parser.add_argument(
            "--name",
            default="",
            help="the clinician's name, to flag certificates made out to another",
        )

    def handle(self, *args, files: list[Path], as_json: bool, name: str, **options) -> None:
        results, failed = [], []
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as error:
                failed.append((path, f"cannot be read ({error.strerror})"))
                continue
            try:
                found = capture(data, name)
            except CertificateRejected as error:
                failed.append((path, str(error)))
                continue
            results.append(
                {
                    "file": str(path),
                    "sha256": found.sha256,
                    "drafts": [draft_json(draft) for draft in found.drafts],
                }
            )
        if as_json:
            self._print_json(results, failed)
        else:
            self._print_text(results, failed)
        if failed:
            raise CommandError(f"{len(failed)} of {len(files)} file(s) could not be read.")

    def _print_json(self, results: list[dict], failed: list[tuple[Path, str]]) -> None:
        errors = [{"file": str(path), "error": message} for path, message in failed]
        self.stdout.write(json_dumps({"files": results, "errors": errors}))

    def _print_text(self, results: list[dict], failed: list[tuple[Path, str]]) -> None:
        marks = {Confidence.SURE: "sure ", Confidence.CHECK: "check", Confidence.NOT_FOUND: "  -  "}
        for result in results:
            for draft in result["drafts"]:
                self.stdout.write(f"{result['file']}, page {draft['page']}:")
                for field in FIELDS:
                    guess = draft["fields"][field]
                    value = "" if guess["value"] in (None, []) else guess["value"]
                    self.stdout.write(f"  {marks[guess['confidence']]}  {field:13} {value}")
                for warning in draft["warnings"]:
                    self.stdout.write(f"  ! {warning}")
        for path, message in failed:
            self.stderr.write(f"{path}: {message}")


def json_dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
