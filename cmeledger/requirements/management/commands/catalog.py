"""`cmeledger catalog list|check|sync|coverage`: see, validate and store requirement-set files."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.requirements import coverage
from cmeledger.requirements.catalog import CATALOG_DIR, CatalogError, load_catalog, load_file
from cmeledger.requirements.sync import sync


class Command(BaseCommand):
    help = "List the requirement catalog, or check catalog files."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="every requirement set and version")
        listing.add_argument("--json", action="store_true", help="machine-readable output")
        check = actions.add_parser("check", help="validate catalog files")
        check.add_argument("files", nargs="+")
        actions.add_parser("sync", help="add new set versions from the catalog files")
        cover = actions.add_parser(
            "coverage", help="per state and license kind, and per board: which set, how sure"
        )
        cover.add_argument("--json", action="store_true", help="machine-readable output")
        cover.add_argument(
            "--dir", default=str(CATALOG_DIR), help="catalog directory (default: the built-in one)"
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            self._list(options["json"])
        elif action == "sync":
            self._sync()
        elif action == "coverage":
            self._coverage(Path(options["dir"]), options["json"])
        else:
            self._check(options["files"])

    def _sync(self) -> None:
        try:
            result = sync()
        except CatalogError as error:
            raise CommandError(str(error)) from None
        added = ", ".join(result.added) or "nothing new"
        self.stdout.write(f"Catalog synced: {added} ({result.unchanged} unchanged).")

    def _coverage(self, directory: Path, as_json: bool) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory}: no such directory")
        if not any(directory.glob("*.toml")):
            raise CommandError(f"{directory}: no catalog files (*.toml) in it")
        try:
            catalog = load_catalog(directory)
        except CatalogError as error:
            raise CommandError(str(error)) from None
        result = coverage.coverage(catalog)
        if as_json:
            self.stdout.write(json.dumps(coverage.as_json(result), indent=2))
        else:
            self.stdout.write(coverage.as_markdown(result))

    def _list(self, as_json: bool) -> None:
        try:
            catalog = load_catalog()
        except CatalogError as error:
            raise CommandError(str(error)) from None
        if as_json:
            rows = [
                s.model_dump(
                    mode="json",
                    include={
                        "id",
                        "version",
                        "name",
                        "authority",
                        "kind",
                        "effective_from",
                        "effective_to",
                    },
                )
                | {"rules": len(s.rules)}
                for s in catalog.sets
            ]
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for s in catalog.sets:
            self.stdout.write(
                f"{s.id:<16} v{s.version:<3} {s.kind:<10} {s.name} ({len(s.rules)} rule{'s' if len(s.rules) != 1 else ''})"
            )

    def _check(self, files: list[str]) -> None:
        problems = []
        for name in files:
            try:
                found = load_file(Path(name))
            except CatalogError as error:
                problems += error.problems
            else:
                self.stdout.write(
                    f"{name}: ok ({found.id} v{found.version}, {len(found.rules)} rule{'s' if len(found.rules) != 1 else ''})"
                )
        if problems:
            raise CommandError("\n".join(problems))
