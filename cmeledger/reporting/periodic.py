"""The reporting app's periodic jobs (cmeledger/periodic/registry.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from cmeledger.periodic.registry import Every, periodic
from cmeledger.reporting import jobs


# An import whose worker was killed (a deploy, a crash) resumes from its checkpoint. Only
# jobs quiet for REPORTING_STALL_SECONDS: a live one heartbeats at every batch, and even a
# live one restarted by mistake cannot write twice (each start takes a new attempt).
@periodic(Every.HOUR)
def resume_stalled_imports() -> None:
    jobs.resume_stalled(timedelta(seconds=settings.REPORTING_STALL_SECONDS))
