"""Generated certificate files and entry fields for tests and benchmarks (never real
documents or people)."""

from __future__ import annotations

import io
import zlib
from datetime import date
from decimal import Decimal

from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from cmeledger.ledger.vocabulary import ActivityKind, CreditType


def make_pdf(text: str = "Certificate of completion", pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=letter)
    for number in range(pages):
        drawing.drawString(72, 720, f"{text} (page {number + 1})")
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def make_image(
    kind: str = "PNG", size: tuple[int, int] = (320, 240), color: str = "white"
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=kind)
    return buffer.getvalue()


def make_encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    drawing.drawString(72, 720, "locked")
    drawing.save()
    return buffer.getvalue()


def make_huge_png_header() -> bytes:
    # A valid PNG header claiming 100000 x 100000 pixels: refused before decoding.
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = (100_000).to_bytes(4, "big") * 2
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # keep the chunk valid
    return bytes(data)


def entry_fields(**overrides) -> dict:
    """A valid live AMA PRA Category 1 entry's fields; `overrides` replace any of them."""
    fields = {
        "title": "Spasticity management update",
        "provider": "Acme CME Institute",
        "accreditor": "accme",
        "activity_kind": ActivityKind.LIVE,
        "start_date": date(2025, 5, 3),
        "end_date": date(2025, 5, 4),
        "completed_on": date(2025, 5, 4),
        "credit_type": CreditType.AMA_PRA_1,
        "credits": Decimal("2.50"),
    }
    fields.update(overrides)
    return fields
