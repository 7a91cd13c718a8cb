"""Whether a board's compliance snapshot still shows today's inputs.

A run keeps a digest of what it read (`inputs_stamp`): the board's certifications, the
ledgers of their holders (count and newest change), the board's roster and the set's
catalog versions. The diplomates page computes the digest again; when it differs,
something changed since the run started, and the page says so and offers to compute,
so the list is never silently stale. A few aggregate queries, no per-diplomate work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from cmeledger.accounts.models import Board, Certification
from cmeledger.boards.models import ComplianceRun, RosterEntry
from cmeledger.ledger.models import CreditEntry
from cmeledger.requirements.models import RequirementSetVersion


def _entries(board: Board) -> dict:
    holders = Certification.objects.filter(board=board).values("clinician_id")
    return CreditEntry.objects.filter(clinician_id__in=holders).aggregate(
        n=Count("pk"), changed=Max("updated_at"), deleted=Max("deleted_at")
    )


def _roster(board: Board) -> dict:
    return RosterEntry.objects.filter(board=board).aggregate(
        n=Count("pk"), changed=Max("updated_at")
    )


def inputs_stamp(board: Board, set_id: str) -> str:
    parts = [
        list(
            Certification.objects.filter(board=board)
            .order_by("pk")
            .values_list(
                "pk",
                "clinician_id",
                "board_id_number",
                "board_id_state",
                "cycle_start",
                "cycle_end",
            )
        ),
        _entries(board),
        _roster(board),
        RequirementSetVersion.objects.filter(set_id=set_id).aggregate(
            n=Count("pk"), last=Max("pk")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Freshness:
    current: bool
    # The newest change we can date (an entry or a roster row), when one is newer than
    # the run; None when the change has no date (a certification added or edited).
    changed_at: datetime | None


def freshness(run: ComplianceRun) -> Freshness:
    """Whether nothing the run read has changed since it started."""
    if run.inputs and run.inputs == inputs_stamp(run.board, run.set_id):
        return Freshness(current=True, changed_at=None)
    dates = [_entries(run.board)["changed"], _roster(run.board)["changed"]]
    newer = [d for d in dates if d is not None and d > run.started_at]
    return Freshness(current=False, changed_at=max(newer) if newer else None)
