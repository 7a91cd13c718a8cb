"""A NUL character in any text the API takes is refused with 422 naming the field, on
SQLite and PostgreSQL alike (PostgreSQL cannot store one: it used to answer 500).

The test walks the OpenAPI document: every query and path parameter, every text field of
every JSON body (nested objects and lists included) and every multipart form field, each
sent holding a NUL as every role, and never a server error."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cmeledger.accounts.models import ApiToken
from cmeledger.lib.nul import MESSAGE
from cmeledger.reporting.services import issue_token

pytestmark = pytest.mark.django_db

HOSTILE = "a\x00b"
METHODS = ("get", "post", "put", "patch", "delete")
SAMPLES = {"integer": "1", "number": "1", "boolean": "true"}


@pytest.fixture
def clients(alice, org_member, board_staff, team_manager) -> list[Client]:
    """A client with a token of each role: whichever the operation is for gets through."""
    keys = [
        ApiToken.issue(alice, "nul")[1],
        issue_token(org_member, "nul")[1],
        ApiToken.issue(board_staff, "nul")[1],
        ApiToken.issue(team_manager, "nul")[1],
    ]
    return [Client(headers={"Authorization": f"Bearer {key}"}) for key in keys]


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _text_leaves(schema: dict, components: dict, depth: int = 0) -> list[tuple]:
    """Paths (keys and list positions) to every text a JSON body of this schema holds."""
    schema = _resolve(schema, components)
    if depth > 6:
        return []
    leaves: list[tuple] = []
    for option in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        leaves += _text_leaves(option, components, depth + 1)
    kind = schema.get("type")
    if kind == "string":
        leaves.append(())
    elif kind == "array":
        leaves += [(0, *p) for p in _text_leaves(schema.get("items", {}), components, depth + 1)]
    elif kind == "object" or "properties" in schema:
        for name, child in schema.get("properties", {}).items():
            leaves += [(name, *p) for p in _text_leaves(child, components, depth + 1)]
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            leaves += [("key", *p) for p in _text_leaves(extra, components, depth + 1)]
    return list(dict.fromkeys(leaves))


def _body(path: tuple) -> object:
    """The smallest JSON value holding the hostile text at `path`."""
    value: object = HOSTILE
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _operations(client: Client) -> list[tuple[str, str, dict, dict]]:
    document = client.get("/api/v1/openapi.json").json()
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                found.append((path, method, item[method], document["components"]["schemas"]))
    return found


def _url(path: str, operation: dict, components: dict, hostile: str | None = None) -> str:
    query = {}
    for parameter in operation.get("parameters", []):
        schema = _resolve(parameter.get("schema", {}), components)
        fmt = schema.get("format")
        sample = str(uuid4()) if fmt == "uuid" else SAMPLES.get(schema.get("type"), "x")
        value = HOSTILE if parameter["name"] == hostile else sample
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", quote(value, safe=""))
        elif parameter["in"] == "query" and parameter["name"] == hostile:
            query[parameter["name"]] = value
    return path + ("?" + urlencode(query) if query else "")


def _refused_naming(responses: list, field: str) -> bool:
    for response in responses:
        assert response.status_code != 500, (field, response.content)
    return any(
        r.status_code == 422 and r.json().get("errors", {}).get(field) == [MESSAGE]
        for r in responses
    )


def _send(client: Client, method: str, url: str, **kwargs):
    return getattr(client, method)(url, **kwargs)


def test_every_api_operation_refuses_a_nul_in_any_text_naming_the_field(clients):
    checked, missed = 0, []
    for path, method, operation, components in _operations(clients[0]):
        for parameter in operation.get("parameters", []):
            if parameter["in"] not in ("path", "query"):
                continue
            schema = _resolve(parameter.get("schema", {}), components)
            if parameter["in"] == "path" and schema.get("type") != "string":
                continue  # an int or uuid converter never matches a NUL: 404
            if schema.get("format") == "uuid" and parameter["in"] == "path":
                continue
            url = _url(path, operation, components, hostile=parameter["name"])
            responses = [_send(c, method, url) for c in clients]
            checked += 1
            if not _refused_naming(responses, parameter["name"]):
                missed.append(f"{method.upper()} {path} {parameter['in']} {parameter['name']}")
        content = operation.get("requestBody", {}).get("content", {})
        url = _url(path, operation, components)
        if "application/json" in content:
            schema = content["application/json"]["schema"]
            for leaf in _text_leaves(schema, components):
                if not leaf:
                    continue
                body = json.dumps(_body(leaf))
                responses = [
                    _send(c, method, url, data=body, content_type="application/json")
                    for c in clients
                ]
                field = ".".join(str(part) for part in leaf)
                checked += 1
                if not _refused_naming(responses, field):
                    missed.append(f"{method.upper()} {path} body {field}")
        if "multipart/form-data" in content:
            schema = _resolve(content["multipart/form-data"]["schema"], components)
            for name, child in schema.get("properties", {}).items():
                if _resolve(child, components).get("format") == "binary":
                    continue
                upload = SimpleUploadedFile("f.csv", b"record_id\n", "text/csv")
                responses = [
                    _send(c, method, url, data={name: HOSTILE, "file": upload}) for c in clients
                ]
                checked += 1
                if not _refused_naming(responses, name):
                    missed.append(f"{method.upper()} {path} form {name}")
    assert checked > 100  # the walk found the API's text, not an empty document
    assert missed == []


def test_a_nul_in_a_nested_record_names_its_place(clients):
    body = {"records": [{"record_id": "R-1"}, {"record_id": "R-2", "last_name": "Le\x00e"}]}
    responses = [
        c.post("/api/v1/reports/completions", json.dumps(body), content_type="application/json")
        for c in clients
    ]
    assert _refused_naming(responses, "records.1.last_name")


def test_a_nul_escaped_in_json_is_refused_like_a_raw_one(clients):
    body = '{"title": "Ethics\\u0000", "completed_on": "2025-05-04", "credit_type": "ama-pra-1"}'
    response = clients[0].post("/api/v1/entries", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"errors": {"title": [MESSAGE]}}
