"""Background jobs of certificate capture, run by the `ocr` worker."""

from __future__ import annotations

from django_tasks import task

from cmeledger.capture import services
from cmeledger.capture.models import Reading
from cmeledger.lib.queues import Queue


@task(queue_name=Queue.OCR)
def read_certificate(reading_id: int) -> None:
    reading = Reading.objects.select_related("certificate__clinician").filter(pk=reading_id).first()
    if reading is not None and not reading.is_finished:
        services.read(reading)
