from __future__ import annotations

import pytest
from django.test import Client

from cmeledger.accounts.models import ApiToken, User


def token_client(user: User) -> Client:
    _, key = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def alice_token(alice) -> str:
    _, key = ApiToken.issue(alice, "tests")
    return key


@pytest.fixture
def api(alice_token) -> Client:
    """A client calling the API as Alice with her personal token."""
    return Client(headers={"Authorization": f"Bearer {alice_token}"})


@pytest.fixture
def bob_api(bob) -> Client:
    """The outsider: another clinician with a token of his own."""
    return token_client(bob)
