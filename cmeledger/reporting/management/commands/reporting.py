"""`cmeledger reporting import|sample|resume|rejudge`: partner reporting from a shell."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmeledger.accounts.models import Organization
from cmeledger.reporting import jobs, sample
from cmeledger.reporting.formats import FORMATS
from cmeledger.reporting.models import Submission, SubmissionStatus


class Command(BaseCommand):
    help = "Import partner files, generate synthetic ones, and restart stalled import jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a file for an organization, in this process.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--org", required=True, help="the organization's slug")
        imp.add_argument("--format", choices=("auto", *FORMATS), default="auto")
        imp.add_argument("--encoding", default="", help="the file's encoding if not UTF-8")
        imp.add_argument("--quiet", action="store_true", help="no progress bar")
        smp = sub.add_parser("sample", help="Write a synthetic partner file.")
        smp.add_argument("--org", required=True)
        smp.add_argument("--rows", type=int, required=True)
        smp.add_argument("--clinicians", type=int, required=True)
        smp.add_argument("--output", type=Path, required=True)
        smp.add_argument("--format", choices=FORMATS, default="pars")
        smp.add_argument("--seed", type=int, default=1)
        smp.add_argument(
            "--create",
            action="store_true",
            help="also create the organization (with an agreement) and the clinicians",
        )
        res = sub.add_parser("resume", help="Start again import jobs whose worker went quiet.")
        res.add_argument(
            "--stalled-after",
            type=int,
            default=None,
            help="seconds without progress (default: every unfinished job)",
        )

        sub.add_parser(
            "rejudge",
            help="Judge every stored record again under the matching rules (docs/identity.md).",
        )

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _rejudge(self, **_) -> None:
        from cmeledger.reporting.rejudge import rejudge_all

        for line in rejudge_all().lines():
            self.stdout.write(line)

    def _import(self, file: Path, org: str, format: str, encoding: str, quiet: bool, **_):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization with the slug '{org}'.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        started = time.perf_counter()
        show = None if quiet else self._progress_bar(started)
        try:
            submission = jobs.import_path(
                organization,
                file,
                format=format,
                encoding=encoding,
                progress=show,
                continuing=self._continuing,
            )
        except jobs.SubmissionTooLarge as error:
            raise CommandError(str(error)) from None
        if show is not None:
            self.stderr.write("")
        elapsed = time.perf_counter() - started
        self._report(submission, elapsed)
        if submission.status == SubmissionStatus.FAILED:
            raise CommandError(submission.message)

    def _continuing(self, submission: Submission) -> None:
        self.stdout.write(
            f"Continuing submission {submission.pk}, which stopped after row "
            f"{submission.rows_done:,} of this file."
        )

    def _progress_bar(self, started: float):
        def show(submission: Submission) -> None:
            width = 30
            done = int(width * submission.percent / 100)
            rate = submission.rows_done / max(time.perf_counter() - started, 1e-9)
            sys.stderr.write(
                f"\r[{'#' * done}{'.' * (width - done)}] {submission.percent:3d}% "
                f"{submission.rows_done:,} rows ({rate:,.0f} rows/s)"
            )
            sys.stderr.flush()

        return show

    def _report(self, submission: Submission, elapsed: float) -> None:
        counts = submission.counts()
        self.stdout.write(
            f"Submission {submission.pk}: {submission.get_status_display().lower()} in "
            f"{elapsed:.1f} s ({submission.format}, {submission.rows_done:,} rows)"
        )
        self.stdout.write(", ".join(f"{name} {value:,}" for name, value in counts.items()))
        if submission.message:
            self.stdout.write(submission.message)
        if submission.invalid:
            self.stdout.write(
                f"Rejected rows: cmeledger reporting errors are at /organization/submissions/"
                f"{submission.pk}/ and /api/v1/reports/jobs/{submission.pk}/errors.csv"
            )

    def _sample(self, org, rows, clinicians, output: Path, format, seed, create, **_):
        if rows < 0 or clinicians < 1:
            raise CommandError("--rows must be 0 or more and --clinicians at least 1.")
        if create:
            sample.ensure_organization(org)
            made = sample.create_clinicians(clinicians)
            self.stdout.write(f"Organization '{org}' ready; {made:,} clinicians created.")
        with open(output, "w", encoding="utf-8", newline="") as out:
            written = sample.write_sample(out, format, org, rows, clinicians, seed)
        self.stdout.write(f"Wrote {written:,} {format} rows to {output}.")

    def _resume(self, stalled_after: int | None, **_):
        older = None if stalled_after is None else timedelta(seconds=stalled_after)
        restarted = jobs.resume_stalled(older)
        self.stdout.write(f"Restarted {len(restarted)} job(s).")
