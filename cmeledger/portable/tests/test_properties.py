"""Property test: the portable-ledger importer over mangled files imports or refuses
with reasons, and never crashes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmeledger.ledger import services
from cmeledger.ledger.testing import entry_fields
from cmeledger.portable.ledger_import import LedgerFileError, import_bytes

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    yield path


def _replace(document, path, value):
    if not path:
        return value
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return document


@pytest.fixture
def exported(alice):
    services.create_entry(alice, alice, entry_fields(), topics=["ethics"])
    out = io.StringIO()
    call_command("ledger", "export", alice.email, stdout=out)
    return out.getvalue()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mangled_ledger_is_imported_or_refused_with_reasons_never_crashes(exported, data):
    document = json.loads(exported)
    paths = list(_leaves(document))
    path = data.draw(st.sampled_from(paths))
    mangled = _replace(document, path, data.draw(json_values))
    try:
        import_bytes(json.dumps(mangled).encode())
    except LedgerFileError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
