"""Drawing a transcript (reports.transcript.Transcript) as PDF bytes with reportlab.

Pure: the same data gives the same document, and nothing here reads the database.
Text from entries goes through `_text`, so a title with markup characters prints as typed.
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cmeledger.ledger.vocabulary import Accreditor, CreditType, Topic
from cmeledger.reports.transcript import Transcript, label, source_label, status_label

PAGE = landscape(letter)
MARGIN = 0.5 * inch
# Long tables are cut into blocks: reportlab splits one table across pages in time that
# grows with its length, so 3,000 rows as one table would be slow for no gain.
BLOCK_ROWS = 100

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=8, leading=10)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7, leading=8.5)
HEADING = ParagraphStyle("heading", parent=_styles["Heading2"], fontSize=12, spaceBefore=8)
TITLE = ParagraphStyle("title", parent=_styles["Title"], fontSize=16, alignment=0)

GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
    ]
)


def _text(value: str) -> str:
    return escape(value or "")


def _num(value: Decimal | None) -> str:
    if value is None:
        return "–"
    # Quarter credits need at most two places; whole numbers print whole ("48", "12.5").
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _footer_factory(data: Transcript):
    generated = f"{data.generated_at:%Y-%m-%d %H:%M} UTC" if data.generated_at else "draft"
    left = f"Generated {generated}"
    if data.code:
        left += f" · Verification code {data.code} · check it at {data.verify_url}"

    class FooterCanvas(canvas.Canvas):
        """Numbers pages "n of N", which needs every page laid out first."""

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
                self.drawString(MARGIN, MARGIN / 2, left)
                self.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return FooterCanvas


def transcript_pdf(data: Transcript) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"CME transcript: {data.clinician_name}",
        author="CME Ledger",
        subject=data.set_name or data.period,
    )
    story = [*_header(data), *_rules(data), *_entries(data), *_type_totals(data), *_notes(data)]
    document.build(story, canvasmaker=_footer_factory(data))
    return buffer.getvalue()


def _header(data: Transcript) -> list:
    what = f"{data.set_name} (set {data.set_id}, version {data.set_version})" if data.set_id else ""
    lines = [
        Paragraph("CME transcript", TITLE),
        Paragraph(f"<b>{_text(data.clinician_name)}</b>, {_text(data.degree)}", BODY),
        Paragraph(
            f"Email {_text(data.email)}" + (f" · NPI {_text(data.npi)}" if data.npi else ""), BODY
        ),
    ]
    lines += [Paragraph(_text(item), BODY) for item in data.licenses + data.certifications]
    lines.append(Spacer(1, 6))
    if data.set_id:
        lines.append(
            Paragraph(f"<b>Requirement set:</b> {_text(what)}; {_text(data.authority)}", BODY)
        )
        lines.append(
            Paragraph(
                f"<b>Cycle:</b> {data.period} · <b>Status on {data.on:%Y-%m-%d}:</b> "
                f"{status_label(data.status)} · <b>Credits counted:</b> {_num(data.total_counted)}",
                BODY,
            )
        )
    else:
        lines.append(
            Paragraph(
                f"<b>Period:</b> {data.period} · <b>Credits claimed:</b> {_num(data.total_claimed)}"
                f" in {len(data.entries)} entries",
                BODY,
            )
        )
    return lines


def _rules(data: Transcript) -> list:
    if not data.rules:
        return []
    rows = [["Rule", "Required", "Counted", "Remaining", "Status"]]
    for rule in data.rules:
        name = _text(rule.name) + (" *" if rule.unconfirmed else "")
        required = _num(rule.required) if rule.required is not None else "–"
        if rule.kind == "maximum-subset" and rule.required is not None:
            required = f"at most {required}"
        rows.append(
            [
                Paragraph(name, BODY),
                required,
                _num(rule.counted),
                _num(rule.remaining),
                status_label(rule.status),
            ]
        )
    table = Table(rows, colWidths=[5.2 * inch, 1.1 * inch, 1.1 * inch, 1.1 * inch, 1.5 * inch])
    table.setStyle(GRID)
    table.setStyle(
        TableStyle([("ALIGN", (1, 0), (3, -1), "RIGHT"), ("ALIGN", (4, 0), (4, -1), "LEFT")])
    )
    return [Paragraph("Totals against each rule", HEADING), table]


def _wrapped(text: str, width: float, size: float = 8) -> str:
    """Lines broken to fit `width`: a plain table cell costs a fraction of a Paragraph's
    layout, which matters at thousands of rows."""
    return "\n".join(simpleSplit(text or "", "Helvetica", size, width - 6)) if text else ""


def _entry_row(entry, widths: list[float]) -> list:
    activity = entry.title
    provider = entry.provider
    if entry.accreditor:
        provider = (
            f"{provider} · {label(Accreditor, entry.accreditor)}"
            if provider
            else label(Accreditor, entry.accreditor)
        )
    topics = ", ".join(label(Topic, code) for code in entry.topics)
    row = [
        f"{entry.completed_on:%Y-%m-%d}",
        "\n".join(filter(None, [_wrapped(activity, widths[1]), _wrapped(provider, widths[1])])),
        _wrapped(label(CreditType, entry.credit_type), widths[2], 7),
        _wrapped(topics, widths[3], 7),
        _wrapped(source_label(entry.source), widths[4], 7),
        _num(entry.credits),
    ]
    if len(widths) > 6:
        row.append(_num(entry.counted))
    return row


def _entries(data: Transcript) -> list:
    out: list = [Paragraph(f"Entries ({len(data.entries)})", HEADING)]
    if not data.entries:
        return [*out, Paragraph("No entries in this period.", BODY)]
    with_counted = bool(data.set_id)
    head = ["Date", "Activity, provider, accreditor", "Credit type", "Topics", "Source", "Credits"]
    widths = [0.8 * inch, 4.6 * inch, 1.5 * inch, 1.3 * inch, 1.2 * inch, 0.6 * inch]
    if with_counted:
        head.append("Counted")
        widths = [
            0.8 * inch,
            4.4 * inch,
            1.4 * inch,
            1.2 * inch,
            1.1 * inch,
            0.55 * inch,
            0.55 * inch,
        ]
    for offset in range(0, len(data.entries), BLOCK_ROWS):
        block = data.entries[offset : offset + BLOCK_ROWS]
        rows = [head, *(_entry_row(entry, widths) for entry in block)]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(GRID)
        table.setStyle(
            TableStyle(
                [("ALIGN", (-2, 0), (-1, -1), "RIGHT"), ("FONT", (2, 1), (4, -1), "Helvetica", 7)]
            )
        )
        out.append(table)
    return out


def _type_totals(data: Transcript) -> list:
    if not data.totals:
        return []
    rows = [["Credit type", "Entries", "Credits claimed"]]
    rows += [
        [label(CreditType, t.credit_type), str(t.entries), _num(t.credits)] for t in data.totals
    ]
    rows.append(["All", str(len(data.entries)), _num(data.total_claimed)])
    table = Table(rows, colWidths=[4 * inch, 1 * inch, 1.4 * inch])
    table.setStyle(GRID)
    table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8)]))
    return [Paragraph("Credits by type", HEADING), table]


def _notes(data: Transcript) -> list:
    notes = data.notes
    if not notes:
        return []
    out = [
        Paragraph("Notes", HEADING),
        Paragraph(
            "* Rules marked with an asterisk are not confirmed by their authority's published "
            "text; check them with the authority before relying on them.",
            BODY,
        ),
    ]
    return out + [Paragraph(_text(note), SMALL) for note in notes]
