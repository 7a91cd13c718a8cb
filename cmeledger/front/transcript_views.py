"""The Reports page, transcripts, share links and the public pages a share link opens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cmeledger.front.decorators import clinician_required


@require_GET
@clinician_required
def reports_page(request: HttpRequest) -> HttpResponse:
    return render(request, "front/reports/index.html", {})
