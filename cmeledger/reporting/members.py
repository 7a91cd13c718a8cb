"""An organization's member list: read from a CSV, checked row by row, and swapped in
whole. The portal's upload page calls this; nothing is stored unless every row is right.

With an agreement for members only, a reported record counts only when its learner is on
this list (cmeledger.reporting.intake.MemberList).
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from django.db import transaction

from cmeledger.accounts.models import Board, Organization
from cmeledger.lib.board_ids import BOARD_ID_MAX, board_id_problem
from cmeledger.lib.npi import is_valid_npi
from cmeledger.reporting.models import Member

MEMBER_COLUMNS = ("email", "npi", "board", "board_id")
MAX_MEMBERS = 100_000
MAX_SHOWN_PROBLEMS = 20


class MemberListRejected(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _member_problems(number: int, values: dict[str, str], boards: set[str]) -> list[str]:
    email, npi, board, board_id = (values[name] for name in MEMBER_COLUMNS)
    problems = []
    if not (email or npi or board_id):
        problems.append(f"row {number}: give an email, an NPI, or a board and board ID")
    if email and ("@" not in email or len(email) > 254):
        problems.append(f"row {number}, email: '{email[:60]}' is not an email address")
    if npi and not is_valid_npi(npi):
        problems.append(f"row {number}, npi: '{npi[:20]}' is not a valid 10-digit NPI")
    if bool(board) != bool(board_id):
        problems.append(f"row {number}, board_id: give the board and the board ID together")
    elif board and board not in boards:
        problems.append(f"row {number}, board: unknown board '{board[:32]}'")
    if len(board_id) > BOARD_ID_MAX:
        problems.append(f"row {number}, board_id: longer than {BOARD_ID_MAX} characters")
    elif board_id and board_id_problem(board_id):
        problems.append(
            f"row {number}, board_id: '{board_id}' is not an ID: {board_id_problem(board_id)}"
        )
    return problems


def read(stream: BinaryIO) -> list[Member]:
    """The members of a CSV with the columns email,npi,board,board_id (any order), all
    checked; raises MemberListRejected naming the rows when anything is wrong."""
    boards = set(Board.objects.values_list("code", flat=True))
    rows = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
    number = 1  # the header; members count from row 2, as in a spreadsheet
    members: list[Member] = []
    problems: list[str] = []
    try:
        header = next(rows, None)
        if header is None:
            raise MemberListRejected(["The file is empty."])
        names = [name.strip().lower() for name in header]
        if sorted(names) != sorted(MEMBER_COLUMNS):
            shown = ",".join(name[:40] for name in names)
            raise MemberListRejected(
                [
                    f"row 1: the columns must be exactly {','.join(MEMBER_COLUMNS)}; "
                    f"this file has {shown}"
                ]
            )
        for cells in rows:
            number += 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != len(names):
                problems.append(f"row {number}: has {len(cells)} fields; the header has 4")
            else:
                values = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
                values["email"] = values["email"].lower()
                values["board"] = values["board"].lower()
                found = _member_problems(number, values, boards)
                problems.extend(found)
                if not found:
                    members.append(Member(**values))
            if len(members) > MAX_MEMBERS:
                raise MemberListRejected(
                    [f"row {number}: a member list may have at most {MAX_MEMBERS:,} members"]
                )
            if len(problems) >= MAX_SHOWN_PROBLEMS:
                problems.append(f"checking stopped after {MAX_SHOWN_PROBLEMS} problems")
                break
    except UnicodeDecodeError:
        raise MemberListRejected(
            [f"row {number + 1}: the file is not UTF-8 text; save it as “CSV UTF-8”"]
        ) from None
    except csv.Error as error:
        raise MemberListRejected([f"row {number}: cannot be read: {error}"]) from None
    if problems:
        raise MemberListRejected(problems)
    return members


@transaction.atomic
def replace(organization: Organization, members: list[Member]) -> None:
    """The organization's list becomes exactly these members; no other list is touched."""
    Member.objects.filter(organization=organization).delete()
    for member in members:
        member.organization = organization
    Member.objects.bulk_create(members, batch_size=2000)
