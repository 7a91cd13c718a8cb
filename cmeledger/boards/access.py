"""What a board's staff may open of a diplomate's documents.

The rule (issue 7): certificates only while an audit of that entry is open. Until the
audits app stores audits, no entry is under one, so staff open no certificate at all;
the drill-down and its download route already ask these two functions, and the audits
app answers them once it exists (docs/board.md).
"""

from __future__ import annotations

from uuid import UUID

from cmeledger.accounts.models import Board, User
from cmeledger.ledger.models import Certificate


def entries_under_open_audit(board: Board, clinician: User) -> set[UUID]:
    """Ids of the clinician's entries in an open audit by `board`: none yet."""
    return set()


def staff_may_see_certificate(staff: User, certificate: Certificate) -> bool:
    """Whether `staff` may open `certificate`: only under an open audit of their board."""
    return bool(
        entries_under_open_audit(staff.board, certificate.clinician)
        & {e.pk for e in certificate.entries.all()}
    )
