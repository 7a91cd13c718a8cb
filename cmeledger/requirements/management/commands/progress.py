"""`cmeledger progress EMAIL [--json] [--on YYYY-MM-DD] [--set ID] [--cycle N|previous|current]`:
where a clinician stands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cmeledger.accounts.models import Role, User
from cmeledger.requirements import progress
from cmeledger.requirements.cycles import NoSuchCycle


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on must be a date written YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = "Show a clinician's progress in every requirement set they follow."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", help="the clinician's email")
        parser.add_argument("--json", action="store_true", help="the documented JSON shape")
        parser.add_argument("--on", help="the day to judge on (default: today)")
        parser.add_argument("--set", dest="set_id", help="only this set id")
        parser.add_argument(
            "--cycle",
            help="current (default), previous, N counted from the first cycle (1, 2, …) or "
            "-N back from the current one (-1 is the previous); a number needs --set",
        )
        parser.add_argument("--schema", action="store_true", help="print the JSON Schema")

    def handle(
        self,
        *args,
        email: str | None,
        json: bool,
        on: str | None,
        set_id: str | None,
        cycle: str | None,
        schema: bool,
        **options,
    ) -> None:
        if schema:
            self.stdout.write(progress.schema_text(), ending="")
            return
        if not email:
            raise CommandError("Name the clinician: cmeledger progress EMAIL.")
        user = User.objects.filter(email__iexact=email, role=Role.CLINICIAN).first()
        if user is None:
            raise CommandError(f"No clinician with the email {email}.")
        day = _day(on) if on else timezone.localdate()
        try:
            choice = progress.cycle_choice(cycle, set_id)
            data = progress.report(user, day, set_id=set_id, cycle=choice)
        except progress.BadCycle as bad:
            raise CommandError(f"--cycle: {bad}.") from None
        except NoSuchCycle as absent:
            raise CommandError(f"--cycle {cycle}: {absent}.") from None
        if set_id and not data.sets:
            raise CommandError(f"{email} is not enrolled in {set_id}.")
        if json:
            self.stdout.write(progress.to_json(data))
            return
        for item in data.sets:
            self._print(item)

    def _print(self, item: progress.EnrollmentProgress) -> None:
        if item.result is None:
            self.stdout.write(f"{item.set_id} ({item.because}): {item.problem}")
            return
        r = item.result
        number = f"cycle {item.cycle_number}, " if item.cycle_number else "cycle "
        self.stdout.write(
            f"{r.name} v{r.version} ({item.because}): {r.status.value}, "
            f"{number}{r.cycle_start} to {r.cycle_end}"
        )
        for rule in r.rules:
            self.stdout.write(f"  [{rule.status.value}] {rule.name}: {rule.explanation}")
