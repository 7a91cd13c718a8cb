"""`cmeledger board create CODE --name NAME [--profession PA --credential PA-C]`,
`cmeledger board list`: certifying boards and other certifying bodies."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.accounts.models import Board, Profession
from cmeledger.onboarding import services
from cmeledger.onboarding.services import OnboardingError


class Command(BaseCommand):
    help = "Create and list certifying boards."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a certifying board")
        create.add_argument("code", help="short code in lowercase letters, digits and hyphens")
        create.add_argument("--name", required=True, help="the board's full name")
        create.add_argument(
            "--profession",
            choices=Profession.values,
            default=Profession.PHYSICIAN,
            help="whom it certifies (default: physician)",
        )
        create.add_argument(
            "--credential", default="", help="what its certificants write, e.g. PA-C"
        )
        actions.add_parser("list", help="list the boards and how many staff each has")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for board in Board.objects.order_by("code"):
                staff = board.staff.count()
                certifies = board.profession + (
                    f" ({board.credential})" if board.credential else ""
                )
                self.stdout.write(f"{board.code}\t{board.name}\t{certifies}\t{staff} staff")
            return
        try:
            board = services.create_board(
                options["code"], options["name"], options["profession"], options["credential"]
            )
        except OnboardingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created the board {board.name} ({board.code}).")
        self.stdout.write(
            f"Invite its staff: cmeledger invite EMAIL --role board-staff --board {board.code}"
        )
