"""The role rules of cmeledger.permissions, each role against each rule, and the promise
that no page or API module writes a role check of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cmeledger import permissions
from cmeledger.accounts import views as account_views
from cmeledger.accounts.models import Organization, Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.teams.models import Team

ROOT = Path(permissions.__file__).parent


@pytest.fixture
def site_admin(db) -> User:
    return User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root@example.org", PASSWORD)


@pytest.fixture
def boardless_staff(db) -> User:
    # The database refuses to store one (board_staff_has_board); the rules must not lean
    # on that alone.
    return User(email="new-staff@example.org", role=Role.BOARD_STAFF)


@pytest.fixture
def everyone(alice, board_staff, boardless_staff, org_member, team_manager, site_admin):
    return {
        "clinician": alice,
        "board staff": board_staff,
        "board staff without a board": boardless_staff,
        "organization member": org_member,
        "team manager": team_manager,
        "site admin": site_admin,
        "anonymous": AnonymousUser(),
    }


ROLE_RULES = [
    (permissions.is_clinician, {"clinician"}),
    (permissions.is_board_staff, {"board staff"}),
    (permissions.is_site_staff, {"site admin"}),
    (permissions.is_team_manager, {"team manager"}),
    (permissions.is_organization_member, {"organization member"}),
    (permissions.may_add_sets, {"board staff", "site admin"}),
]


@pytest.mark.parametrize(("predicate", "allowed"), ROLE_RULES, ids=lambda v: getattr(v, "name", ""))
def test_each_role_rule_lets_in_exactly_its_roles(everyone, predicate, allowed):
    let_in = {who for who, user in everyone.items() if predicate.test(user)}
    assert let_in == allowed


def test_a_superuser_is_site_staff_and_nothing_else(superuser):
    assert permissions.is_site_staff(superuser)
    assert not permissions.is_clinician(superuser)
    assert not permissions.is_board_staff(superuser)
    # The named permission is read with rules.has_perm so Django's superuser pass does
    # not open a clinician's pages to the site's administrators.
    assert not rules.has_perm(permissions.KEEP_OWN_RECORDS, superuser)
    assert superuser.has_perm(permissions.KEEP_OWN_RECORDS)


def test_a_deactivated_team_manager_manages_nothing(team_manager):
    team_manager.is_active = False
    assert not permissions.is_team_manager(team_manager)


def test_board_staff_are_staff_of_their_own_board_only(board_staff, other_board_staff, board):
    assert permissions.is_board_staff_of(board_staff, board)
    assert not permissions.is_board_staff_of(other_board_staff, board)
    assert not permissions.is_board_staff_of(board_staff, None)


def test_a_clinician_is_staff_of_no_board(alice, board):
    assert not permissions.is_board_staff_of(alice, board)


def test_a_team_manager_manages_their_own_team_only(team_manager, db):
    other = User.objects.create_user("other-manager@example.org", PASSWORD, role=Role.TEAM_MANAGER)
    team = Team.objects.create(name="Hospitalists")
    team.managers.add(team_manager)
    assert permissions.is_team_manager_of(team_manager, team)
    assert not permissions.is_team_manager_of(other, team)


def test_a_member_acts_for_their_own_organization_only(org_member, organization):
    foreign = Organization.objects.create(slug="other-cme", name="Other CME")
    assert permissions.is_organization_member_of(org_member, organization)
    assert not permissions.is_organization_member_of(org_member, foreign)
    assert not permissions.is_organization_member_of(org_member, None)


def test_a_clinician_is_a_member_of_no_organization(alice, organization):
    assert not permissions.is_organization_member_of(alice, organization)


def test_the_api_names_the_role_an_endpoint_is_for(alice, board_staff):
    assert permissions.refusal(board_staff, permissions.is_board_staff, "board staff") is None
    assert permissions.refusal(alice, permissions.is_board_staff, "board staff") == (
        "This endpoint is for board staff; this account's role is clinician."
    )


def _is_decorator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Takes a view, or wraps something in a function of its own: `share_required(share,
    total, ...)` is arithmetic, not a decorator."""
    takes_view = bool(node.args.args) and node.args.args[0].arg in ("view", "view_func", "func")
    wraps = any(
        isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
        if inner is not node
    )
    return takes_view or wraps


def _role_decorators(path: Path) -> list[str]:
    """Functions named *_required that are decorators, and module-level names *_required
    bound to anything (`staff_required = make_decorator(...)`)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    defined = [
        (node.lineno, node.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.endswith("_required")
        and _is_decorator(node)
    ]
    bound = [
        (node.lineno, target.id)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.endswith("_required")
    ]
    return [f"{path.name}:{line} {name}" for line, name in sorted(defined + bound)]


def test_no_module_but_permissions_defines_a_role_decorator():
    found = [
        hit
        for path in sorted(ROOT.rglob("*.py"))
        if path != ROOT / "permissions.py" and "tests" not in path.parts
        for hit in _role_decorators(path)
    ]
    assert found == []


def test_the_role_decorator_scan_finds_each_way_of_writing_one(tmp_path):
    # The scan above must be able to fail: a decorator defined inside a function, one
    # wrapping a view, one made by a factory; arithmetic named *_required is not one.
    module = tmp_path / "views.py"
    module.write_text(
        "def make():\n"
        "    def staff_required(view):\n"
        "        return view\n"
        "def owner_required(check):\n"
        "    def wrapper(request):\n"
        "        return check(request)\n"
        "    return wrapper\n"
        "manager_required = make()\n"
        "def share_required(share, total):\n"
        "    return share * total\n"
    )
    assert _role_decorators(module) == [
        "views.py:2 staff_required",
        "views.py:4 owner_required",
        "views.py:8 manager_required",
    ]


def test_the_accounts_app_does_not_import_the_permissions_module():
    for path in (ROOT / "accounts").rglob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not any(name and name.startswith("cmeledger.permissions") for name in imported), path
        assert not any(name and name.startswith("cmeledger.front") for name in imported), path


def test_the_accounts_pages_ask_for_the_permission_this_module_registers():
    assert account_views.KEEP_OWN_RECORDS == permissions.KEEP_OWN_RECORDS


@pytest.mark.parametrize("who", ["superuser", "board_staff"])
def test_the_accounts_pages_refuse_other_roles_with_the_pages_own_refusal(db, client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("profile"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not available for your account" in page
    assert "This page is part of a clinician's own ledger." in page
