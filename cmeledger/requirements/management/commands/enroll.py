"""`cmeledger enroll EMAIL SET [--from YYYY-MM-DD]`: follow a set by hand, as the page does."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.accounts.models import Role, User
from cmeledger.requirements import choices


def clinician(email: str) -> User:
    user = User.objects.filter(email__iexact=email, role=Role.CLINICIAN).first()
    if user is None:
        raise CommandError(f"No clinician with the email {email}.")
    return user


class Command(BaseCommand):
    help = "Follow a requirement set by hand (the same rules as the Requirements page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the clinician's email")
        parser.add_argument("set_id", metavar="SET", help="the set id, e.g. ama-pra-3y")
        parser.add_argument(
            "--from", dest="start", help="the day the set starts to apply (default: today)"
        )

    def handle(self, *args, email: str, set_id: str, start: str | None, **options) -> None:
        user = clinician(email)
        try:
            started_on = date.fromisoformat(start) if start else None
        except ValueError:
            raise CommandError(
                f"--from must be a date written YYYY-MM-DD, not {start!r}."
            ) from None
        try:
            enrollment = choices.add_enrollment(user, set_id, started_on)
        except choices.EnrollmentError as refused:
            raise CommandError(f"{user.email}: {refused}") from None
        self.stdout.write(
            f"{user.email} follows {choices.set_name(set_id)} ({set_id}) from "
            f"{enrollment.started_on}."
        )
