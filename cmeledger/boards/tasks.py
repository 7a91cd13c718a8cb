"""Background jobs of the boards app, run by the `default` queue's worker (or inline in tests)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from cmeledger.accounts.models import Board, User
from cmeledger.boards import compliance
from cmeledger.lib.queues import Queue


# Set-based SQL over a whole board: minutes on a large one, so never on the imports worker.
@task(queue_name=Queue.DEFAULT)
def compute_compliance(
    board_id: int, set_id: str, on: str | None = None, by: int | None = None
) -> int:
    """Judge every diplomate of the board in the set and store a snapshot; the run's id."""
    board = Board.objects.get(pk=board_id)
    requested_by = User.objects.filter(pk=by).first() if by else None
    day = date.fromisoformat(on) if on else None
    return compliance.compute(board, set_id, day, requested_by=requested_by).pk


def compute_all_boards(on: str | None = None) -> int:
    """Enqueue a run for every board and set (the serve command calls this daily)."""
    queued = 0
    for board in Board.objects.all():
        for set_id in compliance.board_sets(board):
            compute_compliance.enqueue(board.pk, set_id, on)
            queued += 1
    return queued
