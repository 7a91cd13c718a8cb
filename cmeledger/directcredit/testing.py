"""Helpers for the direct-credit tests (generated people and files only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cmeledger.accounts.models import Board, Certification, User
from cmeledger.directcredit import services
from cmeledger.directcredit.models import Application, Kind
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import make_pdf


def certify(user: User, board: Board, start: date, end: date, specialty: str = "PM&R"):
    return Certification.objects.create(
        clinician=user, board=board, specialty=specialty, cycle_start=start, cycle_end=end
    )


def completed_cycle(user: User, board: Board) -> Certification:
    """A ten-year cycle that ended in 2020: it earns 60 credits by direct credit."""
    return certify(user, board, date(2011, 1, 1), date(2020, 12, 31))


def evidence(user: User, text: str = "Evidence") -> Certificate:
    return store_certificate(user, make_pdf(text), f"{text}.pdf").certificate


def article(user: User, board: Board, title: str = "Gait after stroke", **overrides) -> Application:
    draft = services.Draft(
        kind=overrides.pop("kind", Kind.ARTICLE),
        board=board.code,
        title=title,
        completed_on=overrides.pop("completed_on", date(2024, 3, 1)),
        quantity=overrides.pop("quantity", Decimal(1)),
    )
    proof = overrides.pop("certificate", None) or evidence(user, title)
    return services.submit(user, draft, certificate_ids=[proof.pk], **overrides)
