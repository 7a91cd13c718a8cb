"""`cmeledger invite EMAIL --role ROLE [--org SLUG] [--board CODE] [--no-email]`: a
single-use, expiring link to create an account with a role."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.onboarding import services
from cmeledger.onboarding.services import INVITABLE, OnboardingError


class Command(BaseCommand):
    help = "Invite someone by email to a role; prints the single-use link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=[str(r) for r in INVITABLE])
        parser.add_argument("--org", default="", help="the organization (role organization)")
        parser.add_argument("--board", default="", help="the board's code (role board-staff)")
        parser.add_argument(
            "--no-email", action="store_true", help="print the link only; send no email"
        )

    def handle(self, *args, **options) -> None:
        try:
            organization = services.find_organization(options["org"]) if options["org"] else None
            board = services.find_board(options["board"]) if options["board"] else None
            invitation, secret = services.invite(
                options["email"], options["role"], organization=organization, board=board
            )
        except OnboardingError as error:
            raise CommandError(str(error)) from error
        sent = not options["no_email"] and services.send_invitation(invitation, secret)
        what = "Sent" if sent else "Made"
        self.stdout.write(
            f"{what} an invitation for {invitation.email} as {invitation.role_in_words}."
        )
        expires = invitation.expires_at.strftime("%b %-d, %Y")
        self.stdout.write(f"The link works once, until {expires}:")
        self.stdout.write(services.invitation_url(secret))
