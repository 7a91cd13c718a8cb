"""Schemathesis drives every operation in our OpenAPI document with generated input:
whatever it sends, the API must answer without a server error and as documented."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from cmeledger.accounts.models import ApiToken
from cmeledger.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The app is called as plain WSGI, whose request signals would close the database
    connection inside the test's transaction; Django's own test client unhooks them too."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(alice_entry, alice) -> str:
    _, key = ApiToken.issue(alice, "fuzz")
    return key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    derandomize=not os.environ.get("FUZZ_EXAMPLES"),  # CI runs the same cases each time
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_never_cause_a_server_error(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[checks.not_a_server_error, checks.status_code_conformance],
    )
