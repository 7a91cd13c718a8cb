"""Every list in the API is paged one way: django-ninja's paginator with the bounds the
API docs promise (cmeledger/api/pagination.py), never by hand in a view."""

from __future__ import annotations

from cmeledger.api.api import api


def _schema() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1")


def _answer(schema: dict, operation: dict) -> dict:
    ref = operation["responses"][200]["content"]["application/json"]["schema"].get("$ref", "")
    return schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})


def test_every_list_answer_comes_from_the_paginator_with_bounded_limit_and_offset():
    schema = _schema()
    lists = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None or 200 not in operation["responses"]:
            continue
        content = operation["responses"][200].get("content", {})
        if "application/json" not in content:
            continue
        answer = _answer(schema, operation)
        if {"count", "items"} <= set(answer.get("properties", {})):
            lists.append(path)
            assert answer["title"].startswith("Paged"), path
            params = {p["name"]: p["schema"] for p in operation["parameters"]}
            assert params["limit"]["minimum"] == 1 and params["limit"]["maximum"] <= 500, path
            assert params["offset"] == params["offset"] | {"minimum": 0, "maximum": 1_000_000}
    assert len(lists) == 15
