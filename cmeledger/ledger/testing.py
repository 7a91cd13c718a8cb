"""Generated certificate files for tests and benchmarks (never real documents)."""

from __future__ import annotations

import io

from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas


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
