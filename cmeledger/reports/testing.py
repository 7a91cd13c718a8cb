"""Test helpers of the reports: reading PDFs back, a clinician who follows a license
set, and an entry in one line. Generated people only."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdfium2

from cmeledger.accounts.models import License, User
from cmeledger.ledger import services
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import entry_fields
from cmeledger.requirements.sync import sync

# A Texas license expiring then makes us-tx-md's cycle 2025-03-01 to 2027-02-28.
TEXAS_EXPIRY = date(2027, 2, 28)


def pdf_text(data: bytes, squeeze: bool = False) -> str:
    """Every page's text; `squeeze` folds the layout's line breaks into single spaces."""
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return " ".join(text.split()) if squeeze else text


def page_count(data: bytes) -> int:
    return len(pypdfium2.PdfDocument(io.BytesIO(data)))


def follow_texas(user: User, number: str = "T-12345") -> User:
    """The catalog synced and a Texas license, so `user` follows us-tx-md."""
    sync()
    License.objects.create(clinician=user, state="TX", number=number, expires_on=TEXAS_EXPIRY)
    return user


def add_entry(
    user: User,
    title: str,
    completed_on: date,
    credits: str = "1.00",
    credit_type: str = "ama-pra-1",
    topics=(),
    **extra,
) -> CreditEntry:
    fields = entry_fields(
        title=title,
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=Decimal(credits),
        credit_type=credit_type,
        **extra,
    )
    return services.create_entry(user, user, fields, topics=topics)
