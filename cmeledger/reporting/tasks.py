"""Background jobs of partner reporting, run by `cmeledger db_worker`."""

from __future__ import annotations

from django_tasks import task

from cmeledger.reporting import jobs
from cmeledger.reporting.models import Submission


@task()
def import_submission(submission_id: int, attempt: int) -> None:
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is not None:
        jobs.run(submission, attempt)
