"""`cmeledger report transcript|packet`: a clinician's transcript PDF or audit packet ZIP."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.accounts.models import Role, User
from cmeledger.reports.transcript import TranscriptError, issue


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Write a clinician's transcript (PDF) or audit packet (ZIP) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        transcript = kinds.add_parser("transcript", help="a transcript PDF")
        transcript.add_argument("email")
        transcript.add_argument("--set", dest="set_id", help="a set the clinician follows")
        transcript.add_argument("--cycle", help="with --set: the cycle holding this date")
        transcript.add_argument("--from", dest="start", help="without --set: first day")
        transcript.add_argument("--to", dest="end", help="without --set: last day")
        transcript.add_argument("--output", "-o", required=True, help="the PDF file to write")
        packet = kinds.add_parser("packet", help="an audit packet ZIP")
        packet.add_argument("email")
        packet.add_argument("--set", dest="set_id", required=True)
        packet.add_argument("--cycle", help="the cycle holding this date (default: today)")
        packet.add_argument("--output", "-o", required=True, help="the ZIP file to write")

    def handle(self, *args, kind: str, email: str, output: str, **options) -> None:
        user = User.objects.filter(email__iexact=email, role=Role.CLINICIAN).first()
        if user is None:
            raise CommandError(f"No clinician with the email {email}.")
        on = _day(options["cycle"]) if options.get("cycle") else None
        if kind == "transcript":
            self._transcript(user, output, options["set_id"], on, options)
        else:
            self._packet(user, output, options["set_id"], on)

    def _transcript(self, user: User, output: str, set_id, on, options) -> None:
        start = _day(options["start"]) if options.get("start") else None
        end = _day(options["end"]) if options.get("end") else None
        try:
            pdf, issued = issue(user, set_id=set_id, on=on, start=start, end=end)
        except TranscriptError as error:
            raise CommandError(str(error)) from error
        Path(output).write_bytes(pdf)
        self.stdout.write(
            f"Wrote the transcript of {user.email} ({issued.entry_count} entries, "
            f"{issued.start} to {issued.end}) to {output}; verification code {issued.code}."
        )

    def _packet(self, user: User, output: str, set_id: str, on) -> None:
        from cmeledger.reports.packet import write_packet

        partial = f"{output}.partial"
        try:
            with open(partial, "wb") as target:
                summary = write_packet(user, target, set_id=set_id, on=on)
        except TranscriptError as error:
            Path(partial).unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        # Renamed only when whole, so a failed run never leaves a half packet behind.
        os.replace(partial, output)
        self.stdout.write(f"Wrote the audit packet of {user.email} to {output}: {summary}.")
