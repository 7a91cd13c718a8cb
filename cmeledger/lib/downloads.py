"""Sending a stored file to its owner, the same way from pages and the API."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def attachment(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """An attachment the browser must not sniff or cache: it is someone's private record."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
