"""JSON API v1. Errors have one of two shapes: {"error": "..."} or, for input that
fails validation, {"errors": {"field": ["message", ...]}} with status 422."""

from __future__ import annotations

import logging
from functools import wraps

from django.core import signals
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.log import log_response
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cmeledger.api.auth import NotAClinician, NotAnOrganizationMember
from cmeledger.api.parser import NulInBody, TextParser
from cmeledger.api.routers import (
    audits,
    award,
    board,
    certificates,
    deadlines,
    direct_credit,
    directory,
    enrollments,
    entries,
    me,
    packets,
    progress,
    reports,
    rosters,
    teams,
    transcripts,
)
from cmeledger.ledger.certificates import CertificateRejected
from cmeledger.ledger.services import EntryLocked
from cmeledger.lib.nul import MESSAGE
from cmeledger.reporting.intake import NoAgreement
from cmeledger.reporting.jobs import SubmissionTooLarge
from cmeledger.reporting.services import NotYours, Refused
from cmeledger.requirements.choices import AlreadyFollowing, NoSuchEnrollment


class LedgerAPI(NinjaAPI):
    """NinjaAPI whose own answers (wrong method, unknown path) are JSON like the rest;
    ninja sends a plain-text 405 and Django an HTML 404, which clients cannot parse."""

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = [
            _json_not_allowed(url) if isinstance(url, URLPattern) else url
            for url in super()._get_urls()
        ]
        return [*urls, re_path(r"^.*$", _unknown_path)]


def _json_not_allowed(url: URLPattern) -> URLPattern:
    view = url.callback

    @wraps(view)  # keeps ninja's csrf_exempt mark
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = ", ".join(sorted(response["Allow"].split(", ")))
        message = f"{request.method} is not allowed here; use {allowed}."
        answer = api.create_response(request, {"error": message}, status=405)
        answer["Allow"] = allowed
        return answer

    return URLPattern(url.pattern, wrapped, url.default_args, url.name)


def _unknown_path(request: HttpRequest) -> HttpResponse:
    message = "No such endpoint; the list is at /api/v1/docs."
    return api.create_response(request, {"error": message}, status=404)


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]

api = LedgerAPI(
    title="CME Ledger API",
    version="1",
    description=(
        "A clinician's credit ledger and certificates, and completion reporting for "
        "organizations. See docs/api.md."
    ),
    urls_namespace="api",
    parser=TextParser(),
)
api.add_router("", me.router)
api.add_router("", entries.router)
api.add_router("", certificates.router)
api.add_router("", progress.router)
api.add_router("", enrollments.router)
api.add_router("", reports.router)
api.add_router("", transcripts.router)
api.add_router("", packets.router)
api.add_router("", deadlines.router)
api.add_router("", award.router)
api.add_router("", board.router)
api.add_router("", rosters.router)
api.add_router("", audits.router)
api.add_router("", direct_credit.router)
api.add_router("", directory.router)
api.add_router("", teams.router)

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


def _friendly(error: dict) -> str:
    if error.get("type") == "extra_forbidden":
        return "Not a field you can set."
    return error.get("msg", "Invalid.")


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(error.get("loc", [])), []).append(_friendly(error))
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def invalid_entry(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
    return api.create_response(request, {"errors": errors}, status=422)


def _error(status: int):
    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"error": str(exc)}, status=status)

    return handler


api.add_exception_handler(CertificateRejected, _error(400))
api.add_exception_handler(NotAClinician, _error(403))
api.add_exception_handler(EntryLocked, _error(409))
api.add_exception_handler(AlreadyFollowing, _error(409))
api.add_exception_handler(NoSuchEnrollment, _error(404))
api.add_exception_handler(NotAnOrganizationMember, _error(403))
api.add_exception_handler(NoAgreement, _error(403))
api.add_exception_handler(NotYours, _error(404))
api.add_exception_handler(Refused, _error(400))
api.add_exception_handler(SubmissionTooLarge, _error(413))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"error": "Not found."}, status=404)


REPORTS_PREFIX = "/api/v1/reports/"


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = "Sign in, or send a personal API token as `Authorization: Bearer cme_...`."
    if request.path.startswith(REPORTS_PREFIX):
        message = (
            "Reporting needs an organization's API token as `Authorization: Bearer cme_...` "
            "(personal tokens do not work here), or an organization member's session."
        )
    return api.create_response(request, {"error": message}, status=401)


@api.exception_handler(NulInBody)
def nul_in_body(request: HttpRequest, exc: NulInBody) -> HttpResponse:
    return api.create_response(request, {"errors": {exc.field: [MESSAGE]}}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps whatever its parser raises in a 400 "Cannot parse request body".
    if isinstance(exc.__cause__, NulInBody):
        return nul_in_body(request, exc.__cause__)
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"error": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(SuspiciousOperation)
def bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Django answers these 400 itself (too many fields, body too big); kept so here,
    with the security log entry Django would write."""
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
    message = "The request was refused as malformed or too large."
    return api.create_response(request, {"error": message}, status=400)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug answers JSON, and is signalled and logged as Django does for its own 500s
    (admin mail, the test client re-raising it)."""
    signals.got_request_exception.send(sender=None, request=request)
    response = api.create_response(
        request, {"error": "Something went wrong on our side; it has been logged."}, status=500
    )
    log_response(
        "Internal Server Error: %s", request.path, response=response, request=request, exception=exc
    )
    return response
