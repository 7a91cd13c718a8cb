"""`cmeledger drop EMAIL SET`: stop following a set, as the page's Drop button does."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.requirements import choices
from cmeledger.requirements.management.commands.enroll import clinician


class Command(BaseCommand):
    help = "Stop following a requirement set (chosen or automatic); the record stays."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the clinician's email")
        parser.add_argument("set_id", metavar="SET", help="the set id, e.g. ama-pra-3y")

    def handle(self, *args, email: str, set_id: str, **options) -> None:
        user = clinician(email)
        try:
            dropped = choices.drop_set(user, set_id)
        except choices.EnrollmentError as refused:
            raise CommandError(f"{user.email}: {refused}") from None
        because = ", ".join(choices.because(row) for row in dropped)
        self.stdout.write(
            f"{user.email} no longer follows {choices.set_name(set_id)} ({set_id}; {because})."
        )
