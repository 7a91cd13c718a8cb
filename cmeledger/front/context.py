from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(_request: HttpRequest) -> dict:
    return {"site_name": settings.SITE_NAME}
