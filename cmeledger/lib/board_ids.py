"""The shape of a certifying body's identifier: an ABMS or AOA board ID, an NCCPA ID, an
AANPCB or ANCC certificate number. The bodies publish no common format, so only what no
identifier holds is refused; whether the identifier is the learner's is the roster's
question (docs/identity.md)."""

from __future__ import annotations

import re

# Letters and digits, hyphens between: spaces, slashes or a name typed in the ID column
# are a mistake in a file or a form, never an identifier to match on.
BOARD_ID_PATTERN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
BOARD_ID_MAX = 40


def board_id_problem(value: str) -> str | None:
    """What to do about a value that cannot be a board ID, as the end of a message
    ("use letters, digits and hyphens only"); None when it can be one."""
    if len(value) > BOARD_ID_MAX:
        return f"use at most {BOARD_ID_MAX} characters"
    if not BOARD_ID_PATTERN.fullmatch(value):
        return "use letters, digits and hyphens only"
    return None
