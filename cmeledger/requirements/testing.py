"""Generated requirement-set files for tests (made-up sets, never an authority's real rules)."""

from __future__ import annotations

from cmeledger.requirements.catalog import parse
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.sync import version_row


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


def body_set_toml(set_id: str, body: str, months: int = 24, credits: int = 50) -> str:
    """A made-up set of a PA's or NP's certifying body (`body`: its code, e.g. "nccpa"),
    governing every certification of that body with a cycle of the certification's own
    dates. Never a body's real rule: the catalog's sets have their own tests."""
    return f"""\
id = "{set_id}"
name = "Made-up {body.upper()} duty"
authority = "Made-up certifying body"
kind = "board"
version = 1
effective_from = 2020-01-01
sources = ["https://example.org/body-policy"]
accepted_credit_types = ["ama-pra-1"]

[applies]
boards = ["{body}"]

[cycle]
months = {months}
anchor = "certification"

[[rules]]
id = "total"
kind = "minimum-total"
name = "{credits} credits"
credits = {credits}
source = "Body policy, section 1"
"""


def store_set(text: str) -> RequirementSetVersion:
    """Store a set written as TOML, as `catalog sync` would; returns its version row."""
    row = version_row(parse(text, "test set"))
    row.save()
    return row
