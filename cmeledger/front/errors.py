"""The error pages' views where Django's own would miss the site's layout.

Django renders 500.html with an empty context and the CSRF refusal with its own page; these
give both the site's name and, for the CSRF refusal, the signed-in navigation. The 500 page
is rendered without the request or the database: whatever failed may be either.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def server_error(_request: HttpRequest) -> HttpResponse:
    page = loader.get_template("500.html").render({"site_name": settings.SITE_NAME})
    return HttpResponseServerError(page)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
