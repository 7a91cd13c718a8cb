"""Schemathesis drives every operation in our OpenAPI document with generated input, as
each role (clinician, organization, board staff, team manager): whatever it sends, the
API must answer without a server error, with a documented status and content type, and a
body that matches the documented schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from cmeledger.accounts.models import ApiToken
from cmeledger.reporting.services import issue_token
from cmeledger.wsgi import application

# Generated requests to every API operation as every role.
pytestmark = pytest.mark.slow

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


@pytest.fixture(params=["clinician", "organization", "board_staff", "team_manager"])
def token(request, alice_entry, alice) -> str:
    """A token of each role: every operation is fuzzed as each kind of caller."""
    if request.param == "clinician":
        return ApiToken.issue(alice, "fuzz")[1]
    if request.param == "organization":
        member = request.getfixturevalue("org_member")
        return issue_token(member, "fuzz")[1]
    user = request.getfixturevalue(request.param)
    return ApiToken.issue(user, "fuzz")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    derandomize=not os.environ.get("FUZZ_EXAMPLES"),  # CI runs the same cases each time
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_never_cause_a_server_error_and_answer_as_documented(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ],
    )
