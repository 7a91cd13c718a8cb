"""Background jobs of the ledger, run by `cmeledger db_worker` (or inline in tests)."""

from __future__ import annotations

from django_tasks import task

from cmeledger.ledger.certificates import ensure_preview
from cmeledger.ledger.models import Certificate


@task()
def make_preview(certificate_id: str) -> None:
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is not None and not certificate.preview:
        ensure_preview(certificate)
