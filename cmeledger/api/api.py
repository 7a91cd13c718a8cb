"""JSON API v1. Errors have one of two shapes: {"error": "..."} or, for input that
fails validation, {"errors": {"field": ["message", ...]}} with status 422."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cmeledger.api.auth import NotAClinician
from cmeledger.api.routers import certificates, entries, me
from cmeledger.ledger.certificates import CertificateRejected
from cmeledger.ledger.services import EntryLocked

api = NinjaAPI(
    title="CME Ledger API",
    version="1",
    description="A clinician's credit ledger and certificates. See docs/api.md.",
    urls_namespace="api",
)
api.add_router("", me.router)
api.add_router("", entries.router)
api.add_router("", certificates.router)

# Where ninja found the value, and the name of the schema argument it went into; people
# want just the field.
_LOCATIONS = {"body", "query", "path", "file", "form"}
_ARGUMENTS = {"payload", "filters", "page"}


def _field(location: list) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in _LOCATIONS:
        parts.pop(0)
    if parts and parts[0] in _ARGUMENTS:
        parts.pop(0)
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(error.get("loc", [])), []).append(error.get("msg", "Invalid."))
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def invalid_entry(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
    return api.create_response(request, {"errors": errors}, status=422)


def _error(status: int):
    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"error": str(exc) or "Not found."}, status=status)

    return handler


api.add_exception_handler(CertificateRejected, _error(400))
api.add_exception_handler(NotAClinician, _error(403))
api.add_exception_handler(EntryLocked, _error(409))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"error": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = "Sign in, or send a personal API token as `Authorization: Bearer cme_...`."
    return api.create_response(request, {"error": message}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)
