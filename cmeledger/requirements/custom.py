"""Set versions added in the product by site admins and board staff, beside the catalog.

The text is a catalog file (docs/catalog.md), checked by the same parser. A version is
never overwritten, here as in `catalog sync`. Board staff act for their own board only:
a set of kind "board" that applies to their board alone, and only a set id that no other
authority already uses.
"""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction

from cmeledger.accounts.models import Role, User
from cmeledger.requirements.catalog import CatalogError, parse
from cmeledger.requirements.models import Origin, RequirementSetVersion
from cmeledger.requirements.schema import RequirementSet, SetKind
from cmeledger.requirements.sync import version_row

MAX_UPLOAD_BYTES = 256 * 1024


class SetRefused(CatalogError):
    """The set version was not added; `problems` say where and why."""


def may_add_sets(user: User) -> bool:
    return user.is_authenticated and (user.is_site_admin or user.role == Role.BOARD_STAFF)


def _acts_for_board(user: User) -> bool:
    return user.role == Role.BOARD_STAFF and not user.is_site_admin


def too_big(size: int, name: str) -> SetRefused:
    return SetRefused(
        [f"{name}: {size:,} bytes is larger than the {MAX_UPLOAD_BYTES // 1024} KB a set may be."]
    )


def _board_scope(
    requirement_set: RequirementSet, code: str, earlier: list[RequirementSetVersion], name: str
) -> list[str]:
    problems = []
    if requirement_set.kind != SetKind.BOARD:
        problems.append(
            f'{name}: kind: board staff add sets of kind "board" only; this one is '
            f'"{requirement_set.kind}".'
        )
    boards = requirement_set.applies.boards
    if boards != [code]:
        problems.append(
            f"{name}: applies.boards: board staff add sets for their own board only; set it "
            f'to ["{code}"] (it is {json.dumps(boards)}).'
        )
    applies = requirement_set.applies
    if applies.license_states or applies.license_degrees:
        problems.append(
            f"{name}: applies.license_states: a board's set cannot enroll license holders; "
            "leave license_states and license_degrees out."
        )
    others = [row for row in earlier if row.definition.get("applies", {}).get("boards") != [code]]
    if others:
        theirs = others[0].definition.get("applies", {}).get("boards", [])
        problems.append(
            f"{name}: id: {requirement_set.id} is not your board's set (v{others[0].version} "
            f"applies to boards {json.dumps(theirs)}); choose another id."
        )
    return problems


@transaction.atomic
def add_set_version(text: str, by: User, name: str = "pasted text") -> RequirementSetVersion:
    """Check the text as a catalog file and store it as a new version; every refusal
    raises SetRefused before anything is written."""
    if not may_add_sets(by):
        raise SetRefused(["Only site admins and board staff may add requirement sets."])
    size = len(text.encode("utf-8"))
    if size > MAX_UPLOAD_BYTES:
        raise too_big(size, name)
    try:
        requirement_set = parse(text, name)
    except CatalogError as error:  # names the TOML line, or the key and the reason
        raise SetRefused(error.problems) from None
    earlier = list(
        RequirementSetVersion.objects.select_for_update().filter(set_id=requirement_set.id)
    )
    if _acts_for_board(by):
        assert by.board is not None  # the board_staff_has_board constraint holds it
        problems = _board_scope(requirement_set, by.board.code, earlier, name)
        if problems:
            raise SetRefused(problems)
    if any(row.version == requirement_set.version for row in earlier):
        raise _exists(requirement_set, earlier, name)
    if _acts_for_board(by):
        row = version_row(requirement_set, origin=Origin.BOARD, board=by.board)
    else:
        row = version_row(requirement_set, origin=Origin.SITE)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # another upload of the same version won the race
        raise _exists(requirement_set, earlier, name) from None
    return row


def _exists(
    requirement_set: RequirementSet, earlier: list[RequirementSetVersion], name: str
) -> SetRefused:
    following = max([row.version for row in earlier] + [requirement_set.version]) + 1
    return SetRefused(
        [
            f"{name}: {requirement_set.id} v{requirement_set.version} already exists and "
            f"versions are never overwritten; raise the version to {following} to add "
            "this as a new version."
        ]
    )
