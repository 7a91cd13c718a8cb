"""Files come only from people we know.

Django parses a multipart body (writing its files to temporary files) the first time
anything touches request.POST or request.FILES, and the CSRF check does that before any
view can ask who is posting: an anonymous 300 MB "certificate" used to reach the disk
before the login redirect. This middleware answers first, from the session cookie or the
API token alone; the body is never read.

Every API operation needs credentials, so an anonymous multipart body there is refused
whatever its size. Pages also take small multipart forms from people not signed in
(scripts and test clients send log-in and password forms that way), so there the limit
is a form's worth: more than that is a file. A view that takes files from anyone
(checking a transcript) says so with `accepts_anonymous_files`, with its own limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

from cmeledger.accounts.models import ApiToken

API_PREFIX = "/api/"
# The largest multipart body a page takes from someone not signed in: a form's fields,
# never a file (a certificate photo is megabytes).
ANONYMOUS_FORM_BYTES = 64 * 1024
API_REFUSAL = (
    "Sign in, or send an API token as `Authorization: Bearer cme_...`, to upload files; "
    "nothing was read."
)

View = TypeVar("View", bound=Callable)


def accepts_anonymous_files(max_bytes: int) -> Callable[[View], View]:
    """Mark a view that takes files from people who are not signed in, up to max_bytes
    of request body."""

    def mark(view: View) -> View:
        view.anonymous_upload_limit = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _bearer_token_is_valid(request: HttpRequest) -> bool:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        return False
    return ApiToken.authenticate(key) is not None or (
        ApiToken.authenticate_organization(key) is not None
    )


def _signed_in(request: HttpRequest) -> bool:
    # The user comes from the session cookie; neither this nor the token reads the body.
    if request.user.is_authenticated:
        return True
    return request.path.startswith(API_PREFIX) and _bearer_token_is_valid(request)


def _anonymous_limit(request: HttpRequest) -> int | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "anonymous_upload_limit", None)


class SignedInUploads:
    """Refuses a multipart body (the only way files reach Django) from someone not signed
    in, unread. Placed after AuthenticationMiddleware: every middleware's request side
    runs before any view and before the CSRF check (a process_view) reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type != "multipart/form-data" or _signed_in(request):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"error": API_REFUSAL}, status=401)
        length = _declared_length(request)
        limit = _anonymous_limit(request)
        if limit is None:
            if length > ANONYMOUS_FORM_BYTES:
                return redirect_to_login(request.get_full_path())
        elif length > limit:
            message = f"The request is larger than {limit // 1_048_576} MB; nothing was read."
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
