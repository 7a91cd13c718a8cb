"""No text holds a NUL character.

PostgreSQL cannot store U+0000 in text or jsonb (psycopg raises, and the request used to
answer 500), SQLite keeps it where no search or export expects it, and no person types
one.
So any text that holds one is refused where it comes in, naming the field: the address
and query parameters of every request and the form fields of every page here (400, or
422 on the API), JSON bodies and API form fields in the API's parser (cmeledger/api).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"
MESSAGE = "Must not contain NUL characters (\\u0000)."
API_PREFIX = "/api/"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _shown(key: object) -> str:
    return str(key).replace(NUL, "\\u0000")


def nul_path(value: Any) -> tuple | None:
    """Where the first text holding a NUL is in a JSON value (keys and positions), or
    None. Walked with a stack: a deeply nested body must not exhaust the recursion."""
    stack: list[tuple[tuple, Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return path
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                if NUL in str(key):
                    return (*path, _shown(key))
                stack.append(((*path, key), child))
        elif isinstance(item, list):
            stack.extend(
                ((*path, index), child) for index, child in reversed(list(enumerate(item)))
            )
    return None


def nul_field(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The first name whose name or value holds a NUL, among (name, value) pairs."""
    for name, value in pairs:
        if NUL in name or NUL in value:
            return _shown(name)
    return None


def _refusal(request: HttpRequest, field: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"errors": {field: [MESSAGE]}}, status=422)
    return HttpResponse(
        f"{field}: {MESSAGE} Nothing was saved.",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


class RefuseNulCharacters:
    """The query string before anything else; path parameters and a page's form fields
    in process_view, after the CSRF check (which has read the form by then, or refused
    the request) and SignedInUploads. The API's bodies are left to its parser, which runs
    after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = nul_field((name, value) for name, values in request.GET.lists() for value in values)
        if field is not None:
            return _refusal(request, field)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        # A path parameter is named; an address that holds a NUL elsewhere is "path".
        field = nul_field((name, str(value)) for name, value in kwargs.items())
        if field is None and NUL in request.path_info:
            field = "path"
        if (
            field is None
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and request.content_type in FORM_TYPES
            and not request.path.startswith(API_PREFIX)
        ):
            field = nul_field(
                (name, value) for name, values in request.POST.lists() for value in values
            )
        return None if field is None else _refusal(request, field)
