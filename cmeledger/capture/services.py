"""Reading certificates in the background and giving their drafts back."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cmeledger.accounts.models import User
from cmeledger.capture.extract import Draft, Guess, as_json
from cmeledger.capture.models import FINISHED, Reading, ReadingStatus
from cmeledger.capture.reading import capture
from cmeledger.ledger.certificates import (
    CertificateRejected,
    StoreResult,
    inspect,
    sniff,
    store_certificate,
)
from cmeledger.ledger.models import Certificate, CertificateKind, CreditEntry

logger = logging.getLogger(__name__)

_DATES = ("start_date", "completed_on")
# A PDF of more pages than this is read in the background: if they are scans, OCR takes
# a second or two each, too long for a page to wait on.
PAGES_READ_AT_ONCE = 3
# A reading unfinished this long was cut off (its worker was killed mid-read) and no longer
# takes one of the clinician's places: it must not shut them out for good.
CUT_OFF_AFTER = timedelta(hours=1)
UNEXPECTED = (
    "This file could not be read because of an error on our side; enter its credits by hand."
)


class TooManyWaiting(Exception):
    """The clinician already has CAPTURE_MAX_WAITING certificates waiting to be read."""

    def __init__(self, waiting: int) -> None:
        if waiting == 1:
            message = "You have 1 certificate being read; wait for it to finish before adding more."
        else:
            message = (
                f"You have {waiting} certificates being read; "
                "wait for them to finish before adding more."
            )
        super().__init__(message)


def _read_file(certificate: Certificate) -> list[Draft]:
    with certificate.file.open("rb") as handle:
        data = handle.read()
    return capture(data, certificate.clinician.get_full_name()).drafts


def waiting_count(clinician: User) -> int:
    """Certificates of the clinician queued or being read now."""
    recent = Reading.objects.filter(
        certificate__clinician=clinician, queued_at__gte=timezone.now() - CUT_OFF_AFTER
    )
    return recent.exclude(status__in=FINISHED).count()


def _check_room(clinician: User) -> None:
    """Refuse a new reading past the clinician's limit. Call inside a transaction: the
    clinician's row stays locked until it ends, so two uploads cannot both take the last
    place."""
    list(User.objects.select_for_update().filter(pk=clinician.pk).values_list("pk"))
    waiting = waiting_count(clinician)
    if waiting >= settings.CAPTURE_MAX_WAITING:
        raise TooManyWaiting(waiting)


def queue(certificates: Iterable[Certificate]) -> list[Reading]:
    """A reading for each certificate, started by the worker once the upload commits.
    Past the clinician's limit raises TooManyWaiting and queues none of them."""
    from cmeledger.capture.tasks import read_certificate

    readings = []
    with transaction.atomic():
        for certificate in certificates:
            reading = Reading.objects.filter(certificate=certificate).first()
            if reading is None:
                _check_room(certificate.clinician)
                reading, _ = Reading.objects.get_or_create(certificate=certificate)
            readings.append(reading)
            if not reading.is_finished:
                transaction.on_commit(partial(read_certificate.enqueue, reading.pk))
    return readings


def store_to_read(clinician: User, data: bytes, name: str) -> StoreResult:
    """Store the file and queue its reading; past the clinician's limit, raise
    TooManyWaiting before anything is stored."""
    with transaction.atomic():
        _check_room(clinician)
        result = store_certificate(clinician, data, name)
        queue([result.certificate])
    return result


def goes_to_worker(data: bytes) -> bool:
    """Whether a file not stored yet would be read in the background (photos, long PDFs)."""
    if sniff(data[:16]) != CertificateKind.PDF:
        return True
    return inspect(data).page_count > PAGES_READ_AT_ONCE


def read(reading: Reading) -> Reading:
    """Read the certificate now and keep its drafts (the worker's job)."""
    Reading.objects.filter(pk=reading.pk).update(status=ReadingStatus.READING)
    try:
        drafts = _read_file(reading.certificate)
    except CertificateRejected as error:
        reading.status, reading.error = ReadingStatus.FAILED, str(error)
    except Exception:
        # Left "reading", it would wait in the clinician's queue (and take a place) forever.
        logger.exception("Reading %s failed", reading.pk)
        reading.status, reading.error = ReadingStatus.FAILED, UNEXPECTED
    else:
        reading.status, reading.drafts = ReadingStatus.DONE, [as_json(d) for d in drafts]
    reading.finished_at = timezone.now()
    reading.save(update_fields=["status", "error", "drafts", "finished_at"])
    return reading


def from_json(shaped: dict) -> Draft:
    """A draft back from its stored shape (the inverse of `as_json`)."""
    fields = {}
    for name, guess in shaped["fields"].items():
        value = guess["value"]
        if value is not None and name in _DATES:
            value = date.fromisoformat(value)
        elif value is not None and name == "credits":
            value = Decimal(value)
        elif name == "topics" and value is not None:
            value = tuple(value)
        fields[name] = Guess(value, guess["confidence"])
    return Draft(shaped["page"], fields, list(shaped["warnings"]))


def reads_in_background(certificate: Certificate) -> bool:
    """Photos (always OCR) and long PDFs are read by the worker, not while a page waits."""
    return not certificate.is_pdf or certificate.page_count > PAGES_READ_AT_ONCE


def drafts_of(certificate: Certificate) -> list[Draft] | None:
    """The certificate's drafts: those read in the background, or read now; None when
    it is queued for the worker and not read yet (TooManyWaiting when it cannot be)."""
    reading = Reading.objects.filter(certificate=certificate).first()
    if reading is not None and reading.status == ReadingStatus.DONE:
        return [from_json(shaped) for shaped in reading.drafts]
    if reading is not None and reading.status == ReadingStatus.FAILED:
        raise CertificateRejected(reading.error)
    if reading is not None:
        return None  # queued or being read; asking again must not start a second read
    if reads_in_background(certificate):
        queue([certificate])
        return None
    return _read_file(certificate)


def likely_duplicates(clinician, certificate: Certificate, draft_values: dict) -> list[CreditEntry]:
    """Live entries this certificate already proves, or else with the same title,
    completion date and provider as the draft; of the draft's credit type when it has
    one (a certificate awarding AMA PRA credit and MOC points gives two entries)."""
    live = CreditEntry.objects.live().filter(clinician=clinician)
    if credit_type := draft_values.get("credit_type"):
        live = live.filter(credit_type=credit_type)
    linked = list(live.filter(certificates=certificate))
    title, completed_on = draft_values.get("title"), draft_values.get("completed_on")
    if linked or not title or completed_on is None:
        return linked
    provider = draft_values.get("provider", "")
    return list(
        live.filter(title__iexact=title, completed_on=completed_on, provider__iexact=provider)
    )
