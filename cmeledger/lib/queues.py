"""The background queues and the workers that drain them.

Each kind of work has its own queue and its own worker process, so a 50-page scan being
read never holds up an organization's import, nor an import the reminder emails. Plain
Python (no Django models): the settings read it too.
"""

from __future__ import annotations

from enum import StrEnum


class Queue(StrEnum):
    DEFAULT = "default"  # everything else: board compliance runs
    OCR = "ocr"  # certificate files: reading (OCR) and previews
    IMPORTS = "imports"  # partner files and batches
    EMAIL = "email"  # reminder emails


# The workers `cmeledger serve` starts, one process each. `default` rides with `email`:
# both are short, periodic jobs, and neither may wait behind a scan or a million-row file.
WORKERS: tuple[tuple[Queue, ...], ...] = (
    (Queue.OCR,),
    (Queue.IMPORTS,),
    (Queue.EMAIL, Queue.DEFAULT),
)
