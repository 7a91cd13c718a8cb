"""Set versions added in the product: who may, in what scope, and every refusal writes
nothing."""

from __future__ import annotations

import pytest

from cmeledger.accounts.models import Board, Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.requirements.custom import MAX_UPLOAD_BYTES, SetRefused, add_set_version
from cmeledger.requirements.models import Origin, RequirementSetVersion
from cmeledger.requirements.sync import sync
from cmeledger.requirements.testing import board_set_toml

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin(db) -> User:
    return User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)


@pytest.fixture
def other_staff(db) -> User:
    board, _ = Board.objects.get_or_create(
        code="abim", defaults={"name": "American Board of Internal Medicine"}
    )
    return User.objects.create_user(
        "abim@example.org", PASSWORD, role=Role.BOARD_STAFF, board=board
    )


def refused(text: str, by: User) -> list[str]:
    before = list(RequirementSetVersion.objects.values_list("set_id", "version", "digest"))
    with pytest.raises(SetRefused) as error:
        add_set_version(text, by, "ethics.toml")
    after = list(RequirementSetVersion.objects.values_list("set_id", "version", "digest"))
    assert after == before
    return error.value.problems


def test_board_staff_add_a_set_for_their_board(board_staff, board):
    row = add_set_version(board_set_toml(), board_staff, "ethics.toml")
    assert (row.set_id, row.version, row.origin, row.board) == (
        "abpmr-ethics",
        1,
        Origin.BOARD,
        board,
    )
    assert row.requirement_set().rules[0].id == "ethics"
    assert len(row.digest) == 64


def test_a_site_admin_adds_any_set_as_the_site(site_admin):
    row = add_set_version(board_set_toml(kind="custom", boards="[]"), site_admin)
    assert (row.origin, row.board) == (Origin.SITE, None)


def test_a_superuser_counts_as_a_site_admin(board_staff):
    board_staff.is_superuser = True
    board_staff.save(update_fields=["is_superuser"])
    row = add_set_version(board_set_toml(kind="custom", boards='["abim"]'), board_staff)
    assert row.origin == Origin.SITE


def test_malformed_toml_is_refused_naming_the_line(site_admin):
    text = board_set_toml().replace("version = 1", "version = = 1")
    [problem] = refused(text, site_admin)
    assert problem.startswith("ethics.toml: ")
    assert "line 6" in problem


def test_a_schema_error_names_the_key(site_admin):
    text = board_set_toml().replace("credits = 5", "credits = 5.1")
    assert refused(text, site_admin) == [
        "ethics.toml: rules[0].credits: Input should be a multiple of 0.25"
    ]


def test_an_existing_version_is_never_overwritten(site_admin, board_staff):
    sync()
    add_set_version(board_set_toml(), board_staff)
    assert refused(board_set_toml(), site_admin) == [
        "ethics.toml: abpmr-ethics v1 already exists and versions are never overwritten; "
        "raise the version to 2 to add this as a new version."
    ]
    catalog_copy = board_set_toml(set_id="abpmr-cc")
    assert "raise the version to 3" in refused(catalog_copy, board_staff)[0]
    assert add_set_version(board_set_toml(version=2), board_staff).version == 2


def test_board_staff_cannot_add_another_boards_set(other_staff):
    problems = refused(board_set_toml(), other_staff)
    assert problems == [
        "ethics.toml: applies.boards: board staff add sets for their own board only; "
        'set it to ["abim"] (it is ["abpmr"]).'
    ]


def test_board_staff_add_only_board_sets_that_enroll_no_license_holders(board_staff):
    problems = refused(
        board_set_toml(kind="license", applies_extra='license_states = ["TX"]'), board_staff
    )
    assert problems == [
        'ethics.toml: kind: board staff add sets of kind "board" only; this one is "license".',
        "ethics.toml: applies.license_states: a board's set cannot enroll license holders; leave license_states and license_degrees out.",
    ]


def test_board_staff_cannot_take_over_another_boards_set_id(board_staff, other_staff):
    add_set_version(board_set_toml(set_id="abim-ethics", boards='["abim"]'), other_staff)
    problems = refused(board_set_toml(set_id="abim-ethics", version=2), board_staff)
    assert problems == [
        "ethics.toml: id: abim-ethics is not your board's set (v1 applies to boards "
        '["abim"]); choose another id.'
    ]


def test_text_over_the_size_limit_is_refused_before_it_is_parsed(site_admin):
    text = board_set_toml() + "#" * MAX_UPLOAD_BYTES
    [problem] = refused(text, site_admin)
    assert problem.startswith("ethics.toml: 262,")
    assert problem.endswith("is larger than the 256 KB a set may be.")


@pytest.mark.parametrize("who", ["alice", "org_member"])
def test_clinicians_and_organizations_cannot_add_sets(request, who):
    user = request.getfixturevalue(who)
    assert refused(board_set_toml(), user) == [
        "Only site admins and board staff may add requirement sets."
    ]
