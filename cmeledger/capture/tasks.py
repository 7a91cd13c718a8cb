"""Background jobs of certificate capture, run by `cmeledger db_worker`."""

from __future__ import annotations

from django_tasks import task

from cmeledger.capture import services
from cmeledger.capture.models import Reading


@task()
def read_certificate(reading_id: int) -> None:
    reading = Reading.objects.select_related("certificate__clinician").filter(pk=reading_id).first()
    if reading is not None and not reading.is_finished:
        services.read(reading)
