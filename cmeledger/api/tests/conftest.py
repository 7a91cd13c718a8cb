from __future__ import annotations

import pytest
from django.test import Client

from cmeledger.accounts.models import ApiToken


@pytest.fixture
def alice_token(alice) -> str:
    _, key = ApiToken.issue(alice, "tests")
    return key


@pytest.fixture
def api(alice_token) -> Client:
    """A client calling the API as Alice with her personal token."""
    return Client(headers={"Authorization": f"Bearer {alice_token}"})
