"""Background jobs of partner reporting, run by the `imports` worker."""

from __future__ import annotations

from django_tasks import task

from cmeledger.lib.queues import Queue
from cmeledger.reporting import jobs
from cmeledger.reporting.models import Submission


@task(queue_name=Queue.IMPORTS)
def import_submission(submission_id: int, attempt: int) -> None:
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is not None:
        jobs.run(submission, attempt)
