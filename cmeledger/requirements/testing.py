"""Generated requirement-set files for tests (made-up sets, never an authority's real rules)."""

from __future__ import annotations


def board_set_toml(
    set_id: str = "abpmr-ethics",
    version: int = 1,
    kind: str = "board",
    boards: str = '["abpmr"]',
    applies_extra: str = "",
) -> str:
    return f"""\
# A made-up board duty for tests.
id = "{set_id}"
name = "ABPMR ethics duty"
authority = "American Board of Physical Medicine and Rehabilitation"
kind = "{kind}"
version = {version}
effective_from = 2026-01-01
sources = ["https://example.org/board-policy"]
accepted_credit_types = ["ama-pra-1"]

[applies]
boards = {boards}
{applies_extra}

[cycle]
months = 60
anchor = "certification"

[[rules]]
id = "ethics"
kind = "minimum-subset"
name = "5 credits of ethics"
credits = 5
select = {{ topics = ["ethics"] }}
source = "Board policy, section 2"
"""
