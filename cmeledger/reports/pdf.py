"""What every PDF the reports draw shares: styles, safe text, credit numbers, the
document's frame and its "Page n of N" footer."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate, TableStyle

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("report-body", parent=_styles["BodyText"], fontSize=9, leading=11)
SMALL = ParagraphStyle("report-small", parent=BODY, fontSize=7, leading=8.5)
ITEM = ParagraphStyle("report-item", parent=BODY, fontSize=8, leading=9.5, leftIndent=12)
HEADING = ParagraphStyle("report-heading", parent=_styles["Heading2"], fontSize=12, spaceBefore=8)
TITLE = ParagraphStyle("report-title", parent=_styles["Title"], fontSize=16, alignment=0)


def text(value: str) -> str:
    """Text for a Paragraph, which reads markup: a title with "<" or "&" prints as typed."""
    return escape(value or "")


def generated(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC" if at else "draft"


def numbered_canvas(left: str, page: tuple[float, float], margin: float) -> type:
    """A canvas that writes `left` and "Page n of N" at the foot of every page, which
    needs every page laid out first."""

    class FooterCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont("Helvetica", 7)
                self.drawString(margin, margin / 2, left)
                self.drawRightString(page[0] - margin, margin / 2, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return FooterCanvas


def build(
    story: list,
    *,
    page: tuple[float, float],
    margin: float,
    title: str,
    subject: str = "",
    footer: str | None = None,
) -> bytes:
    """The story laid out on `page` as PDF bytes; with `footer`, numbered pages."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="CME Ledger",
        subject=subject,
    )
    maker: Callable | None = numbered_canvas(footer, page, margin) if footer is not None else None
    if maker is None:
        document.build(story)
    else:
        document.build(story, canvasmaker=maker)
    return buffer.getvalue()


# Long tables are cut into blocks of this many rows: reportlab splits one table across
# pages in time that grows with its length, so 3,000 rows as one table would be slow.
BLOCK_ROWS = 100


def grid(size: float = 8) -> TableStyle:
    """The house table: bold header rule, hairlines between rows, last column right."""
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", size),
            ("FONT", (0, 1), (-1, -1), "Helvetica", size),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
        ]
    )


def wrapped(value: str, width: float, size: float = 8) -> str:
    """Lines broken to fit `width`: a plain table cell costs a fraction of a Paragraph's
    layout, which matters at thousands of rows (and prints markup characters as typed)."""
    return "\n".join(simpleSplit(value, "Helvetica", size, width - 6)) if value else ""
