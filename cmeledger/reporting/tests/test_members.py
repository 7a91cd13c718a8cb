"""The member-list service the organization portal calls: every row checked before
anything is stored, and only the organization's own list replaced."""

from __future__ import annotations

import io

import pytest

from cmeledger.accounts.models import Organization
from cmeledger.lib.npi import make_npi
from cmeledger.reporting import members
from cmeledger.reporting.models import Member

NPI = make_npi("123456789")


def csv_bytes(*rows: str, header: str = "email,npi,board,board_id") -> io.BytesIO:
    return io.BytesIO(("\n".join((header, *rows)) + "\n").encode())


def listed(organization: Organization) -> list[str]:
    return [str(m) for m in Member.objects.filter(organization=organization).order_by("id")]


@pytest.fixture
def acme(db) -> Organization:
    return Organization.objects.create(slug="acme", name="Acme")


@pytest.fixture
def rival(db) -> Organization:
    return Organization.objects.create(slug="rival", name="Rival")


def test_a_list_is_read_with_columns_in_any_order_and_cased_alike(board):
    read = members.read(
        csv_bytes(
            f"P0000001,{board.code.upper()},{NPI},Ann@Example.org",
            header="Board_ID,board,NPI,email",
        )
    )
    assert [(m.email, m.npi, m.board, m.board_id) for m in read] == [
        ("ann@example.org", NPI, board.code, "P0000001")
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file is empty."),
        (b"email;npi;board;board_id\n", "row 1: the columns must be exactly"),
        (csv_bytes('"ann@example.org,,,').getvalue(), "row 2: has 1 fields; the header has 4"),
        (
            csv_bytes("ann@example.org,,nosuchboard,X1").getvalue(),
            "row 2, board: unknown board 'nosuchboard'",
        ),
        (
            csv_bytes("not-an-address,,,").getvalue(),
            "row 2, email: 'not-an-address' is not an email address",
        ),
        (b"email,npi,board,board_id\n\xff,,,\n", "row 2: the file is not UTF-8 text"),
    ],
)
def test_a_malformed_list_is_refused_with_the_row_that_is_wrong(db, data, problem):
    with pytest.raises(members.MemberListRejected) as refused:
        members.read(io.BytesIO(data))
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


def test_replacing_a_list_leaves_another_organizations_list_alone(acme, rival):
    Member.objects.create(organization=acme, email="old@example.org")
    Member.objects.create(organization=rival, email="theirs@example.org")
    members.replace(acme, members.read(csv_bytes("new@example.org,,,", f",{NPI},,")))
    assert listed(acme) == ["new@example.org", NPI]
    assert listed(rival) == ["theirs@example.org"]


def test_a_refused_list_changes_no_list(acme, rival):
    Member.objects.create(organization=acme, email="old@example.org")
    with pytest.raises(members.MemberListRejected):
        members.replace(acme, members.read(csv_bytes("new@example.org,,,", ",,,")))
    assert listed(acme) == ["old@example.org"]
    assert listed(rival) == []
