"""The boards app's periodic jobs (cmeledger/periodic/registry.py)."""

from __future__ import annotations

from cmeledger.boards import tasks
from cmeledger.periodic.registry import Every, periodic


# A run judges a whole board (minutes on a large one): daily keeps the lists a day fresh
# at most; staff press "Recompute now" for anything sooner.
@periodic(Every.DAY)
def compute_compliance() -> None:
    tasks.compute_all_boards()
