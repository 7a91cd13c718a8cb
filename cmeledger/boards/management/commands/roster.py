"""`cmeledger roster board CODE FILE` and `cmeledger roster license STATE FILE`: a site
admin loads a board's diplomate roster or a state licensing board's license roster
(there is no state-board role; docs/cli.md, docs/formats/roster.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.accounts.models import Board
from cmeledger.boards import rosters
from cmeledger.boards.roster_files import ENCODINGS, RosterRejected, check_size
from cmeledger.lib.states import USState


class Command(BaseCommand):
    help = "Load a board's diplomate roster or a state's license roster from a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        board = kinds.add_parser("board", help="a certifying board's diplomate roster")
        board.add_argument("code", help="the board's code, e.g. abpmr")
        board.add_argument("file", type=Path)
        board.add_argument("--encoding", choices=ENCODINGS, default="utf-8")
        license = kinds.add_parser("license", help="a state licensing board's license roster")
        license.add_argument("state", help="the two-letter state code, e.g. TX")
        license.add_argument("file", type=Path)
        license.add_argument("--encoding", choices=ENCODINGS, default="utf-8")

    def handle(self, *args, kind: str, file: Path, encoding: str, **options) -> None:
        try:
            check_size(file.stat().st_size)
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except RosterRejected as error:
            raise CommandError(f"{file}: nothing was stored: {error}") from None
        try:
            if kind == "board":
                board = Board.objects.filter(code=options["code"].lower()).first()
                if board is None:
                    raise CommandError(
                        f"No board with the code {options['code']!r}; the codes are listed "
                        "in the admin under Boards."
                    )
                result = rosters.load_board_roster(board, data, encoding)
                what = f"the {board.code.upper()} roster"
            else:
                state = options["state"].upper()
                if state not in USState.values:
                    raise CommandError(f"{options['state']!r} is not a state code such as TX.")
                result = rosters.load_license_roster(state, data, encoding)
                what = f"the {state} license roster"
        except RosterRejected as error:
            raise CommandError(f"{file}: nothing was stored: {error}") from None
        for problem in result.problems:
            self.stderr.write(str(problem))
        self.stdout.write(
            f"Loaded {file} into {what}: {result.rows} row{'' if result.rows == 1 else 's'} "
            f"read, {result.created} added, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.invalid} with "
            f"problems (not stored). Claims: {result.effect.verified} verified, "
            f"{result.effect.disputed} disputed, {result.effect.claimed} back to claimed."
        )
