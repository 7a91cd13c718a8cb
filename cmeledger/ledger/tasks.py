"""Background jobs of the ledger, run by the `ocr` worker (or inline in tests)."""

from __future__ import annotations

from django_tasks import task

from cmeledger.ledger.certificates import ensure_preview
from cmeledger.ledger.models import Certificate
from cmeledger.lib.queues import Queue


# With the readings: decoding a large photo takes the memory the ocr worker is sized for.
@task(queue_name=Queue.OCR)
def make_preview(certificate_id: str) -> None:
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is not None and not certificate.preview:
        ensure_preview(certificate)
