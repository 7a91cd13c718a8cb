"""Refuse oversized request bodies before anything reads them.

Django streams uploads to temporary files before a view can look at their size, so a
multi-gigabyte "certificate" would fill the disk first and be refused after. This
middleware answers 413 from the declared Content-Length instead, before CSRF checking
or form parsing touch the body.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestSizeLimit:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        if request.path in settings.REPORTING_UPLOAD_PATHS:
            # An organization's file: its own limit, checked again against the file.
            limit = settings.REPORTING_MAX_FILE_BYTES + 1_048_576
        if _declared_length(request) > limit:
            message = (
                f"The request is larger than {limit // 1_048_576} MB; upload fewer or "
                f"smaller files (each certificate may be up to "
                f"{settings.CERTIFICATE_MAX_BYTES // 1_048_576} MB)."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
