"""What a board's staff may open of a diplomate's documents: certificates the clinician
shared with their boards, and those of entries under an open audit by the board.

It lives in audits, not boards: audits build on the board's diplomate listing, so the
check that needs both sits in the app above."""

from __future__ import annotations

from uuid import UUID

from cmeledger.accounts.models import Board, User
from cmeledger.audits.models import AuditStatus, Item
from cmeledger.boards import listing
from cmeledger.ledger.models import Certificate


def entries_under_open_audit(board: Board, clinician: User) -> set[UUID]:
    """Ids of the clinician's entries in an open audit by `board`."""
    return set(
        Item.objects.filter(
            subject__clinician=clinician,
            subject__audit__board=board,
            subject__audit__status=AuditStatus.OPEN,
        ).values_list("entry_id", flat=True)
    )


def staff_may_see_certificate(staff: User, certificate: Certificate) -> bool:
    """Whether `staff` may open `certificate`: the clinician, a diplomate of the staff's
    board, shared it with their boards, or it proves an entry under their open audit."""
    board = staff.board
    if board is None or not listing.is_diplomate(board, certificate.clinician_id):
        return False
    if certificate.shared_with_boards:
        return True
    audited = entries_under_open_audit(board, certificate.clinician)
    return any(pk in audited for pk in certificate.entries.values_list("pk", flat=True))
