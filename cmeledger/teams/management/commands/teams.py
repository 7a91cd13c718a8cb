"""`cmeledger teams add-manager EMAIL [--first NAME] [--last NAME]`: a site admin makes a
team manager's account and gets a link for them to choose their password."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from cmeledger.teams.services import TeamError, create_manager, set_password_url


class Command(BaseCommand):
    help = "Manage team-manager accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser(
            "add-manager", help="create a team manager's account and print a set-password link"
        )
        add.add_argument("email")
        add.add_argument("--first", default="", help="first name")
        add.add_argument("--last", default="", help="last name")

    def handle(self, *args, action: str, **options) -> None:
        try:
            user, created = create_manager(options["email"], options["first"], options["last"])
        except TeamError as error:
            raise CommandError(str(error)) from error
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        what = "Created the team manager" if created else "The team manager already exists:"
        self.stdout.write(f"{what} {user.email}.")
        self.stdout.write(
            f"Send them this link to choose a password (valid {hours} hours, works once):"
        )
        self.stdout.write(set_password_url(user))
        login = settings.SITE_URL.rstrip("/") + reverse("login")
        self.stdout.write(f"They then sign in at {login} and create their teams under Teams.")
