"""The fixed cast every test uses: a clinician, another clinician (the outsider),
an organization member and a board's staff member. Generated people, never real ones."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.utils import timezone

from cmeledger.accounts.models import Board, ClinicianProfile, Organization, Role, User
from cmeledger.ledger import services
from cmeledger.ledger.testing import entry_fields

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {
            **settings.TASKS["default"],
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
    }
    # Fixtures sign people in with force_login; the two-factor gate has its own tests
    # (accounts/tests/test_two_factor.py), which turn it back on.
    settings.MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _no_pages_kept_between_tests():
    """Rendered dashboard sections live in the process's memory (front/overview.py); a
    test's database goes away with its transaction, so its sections must too."""
    caches["pages"].clear()


def make_clinician(email: str, first: str, last: str, *, confirmed: bool = True, **profile) -> User:
    """A clinician whose email is confirmed unless `confirmed=False`."""
    user = User.objects.create_user(
        email,
        PASSWORD,
        first_name=first,
        last_name=last,
        email_confirmed_at=timezone.now() if confirmed else None,
    )
    ClinicianProfile.objects.create(user=user, **profile)
    return user


@pytest.fixture
def alice(db) -> User:
    return make_clinician("alice@example.org", "Alice", "Abbot", degree="MD", specialty="PM&R")


@pytest.fixture
def bob(db) -> User:
    return make_clinician("bob@example.org", "Bob", "Brandt", degree="DO")


@pytest.fixture
def board(db) -> Board:
    # Migration 0002 seeds the ABMS boards, so the board is usually there already.
    board, _ = Board.objects.get_or_create(
        code="abpmr", defaults={"name": "American Board of Physical Medicine and Rehabilitation"}
    )
    return board


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(slug="acme-cme", name="Acme CME Institute")


@pytest.fixture
def org_member(organization) -> User:
    return User.objects.create_user(
        "org@example.org", PASSWORD, role=Role.ORGANIZATION, organization=organization
    )


@pytest.fixture
def board_staff(board) -> User:
    return User.objects.create_user(
        "staff@example.org", PASSWORD, role=Role.BOARD_STAFF, board=board
    )


@pytest.fixture
def other_board(db) -> Board:
    board, _ = Board.objects.get_or_create(
        code="abim", defaults={"name": "American Board of Internal Medicine"}
    )
    return board


@pytest.fixture
def other_board_staff(other_board) -> User:
    """Staff of another board: must never see the first board's diplomates."""
    return User.objects.create_user(
        "staff@abim.example.org", PASSWORD, role=Role.BOARD_STAFF, board=other_board
    )


@pytest.fixture
def team_manager(db) -> User:
    return User.objects.create_user(
        "manager@example.org", PASSWORD, role=Role.TEAM_MANAGER, first_name="Morgan"
    )


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def alice_entry(alice):
    return services.create_entry(alice, alice, entry_fields(), topics=["ethics"])
