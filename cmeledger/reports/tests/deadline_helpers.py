"""Shared set-up of the deadline tests: a one-year AMA PRA cycle ending 2026-12-31."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cmeledger.accounts.models import User
from cmeledger.ledger import services
from cmeledger.ledger.testing import entry_fields
from cmeledger.requirements.models import Enrollment
from cmeledger.requirements.sync import sync

DEADLINE = date(2026, 12, 31)
ONE_YEAR = "ama-pra-1y"


def follow_one_year(user: User, started_on: date = date(2026, 1, 1)) -> Enrollment:
    """ama-pra-1y is anchored on enrollment: started 2026-01-01, it ends 2026-12-31."""
    sync()
    return Enrollment.objects.create(clinician=user, set_id=ONE_YEAR, started_on=started_on)


def add(user: User, title: str, credits: str, completed_on: date = date(2026, 3, 1), **extra):
    topics = extra.pop("topics", ())
    fields = entry_fields(
        title=title,
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=Decimal(credits),
        **extra,
    )
    return services.create_entry(user, user, fields, topics=topics)


def meet_one_year(user: User) -> None:
    add(user, "Annual rehabilitation review", "50.00")
