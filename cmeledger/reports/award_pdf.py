"""The AMA PRA application summary as PDF bytes (reports.award_summary gathers the data)."""

from __future__ import annotations

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from cmeledger.ledger.vocabulary import CreditType
from cmeledger.lib.credits import credit_text
from cmeledger.reports.award_summary import AwardSummary
from cmeledger.reports.pdf import (
    BLOCK_ROWS,
    HEADING,
    TITLE,
    build,
    generated,
    grid,
    text,
    wrapped,
)
from cmeledger.reports.pdf import BODY as _BODY

PAGE = letter
MARGIN = 0.6 * inch
BODY = ParagraphStyle("award-body", parent=_BODY, leading=11.5)
GRID = grid(8.5)


def award_summary_pdf(data: AwardSummary) -> bytes:
    """The application summary as PDF bytes. Pure: reads nothing but `data`."""
    story = [
        *_pdf_header(data),
        *_pdf_categories(data),
        *_pdf_entries(data),
        *_pdf_direct_credit(data),
        Paragraph("Note on the rules", HEADING),
        Paragraph(text(data.unconfirmed_note), BODY),
    ]
    footer = f"CME Ledger · AMA PRA application summary · generated {generated(data.generated_at)}"
    title = f"AMA PRA application summary: {data.clinician_name}"
    return build(
        story, page=PAGE, margin=MARGIN, title=title, subject=data.tier.label, footer=footer
    )


def _pdf_header(data: AwardSummary) -> list:
    tier = data.tier
    state = "Qualified" if tier.qualified else "Not yet qualified: " + "; ".join(tier.missing)
    lines = [
        Paragraph("AMA Physician's Recognition Award: application summary", TITLE),
        Paragraph(f"<b>{text(data.clinician_name)}</b>, {text(data.degree)}", BODY),
        Paragraph(f"NPI {text(data.npi)}" if data.npi else "NPI not on record", BODY),
    ]
    lines += [Paragraph(text(item), BODY) for item in data.licenses] or [
        Paragraph("No license on record.", BODY)
    ]
    lines += [
        Spacer(1, 6),
        Paragraph(f"<b>Applying for:</b> the {text(tier.label)} ({tier.set_id})", BODY),
        Paragraph(f"<b>Period:</b> {tier.start:%Y-%m-%d} to {tier.end:%Y-%m-%d}", BODY),
        Paragraph(f"<b>Standing:</b> {text(state)}", BODY),
    ]
    return lines


def _pdf_categories(data: AwardSummary) -> list:
    rows = [["Credit", "Required", "Counted"]]
    rows += [
        [line.label, credit_text(line.required), credit_text(line.counted)] for line in data.categories
    ]
    table = Table(rows, colWidths=[4.4 * inch, 1.2 * inch, 1.2 * inch])
    table.setStyle(GRID)
    table.setStyle(
        TableStyle(
            [("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("FONT", (0, -1), (-1, -1), "Helvetica-Bold")]
        )
    )
    return [Paragraph("Credits by category", HEADING), table]


def _pdf_entries(data: AwardSummary) -> list:
    out: list = [Paragraph(f"Entries counted ({len(data.entries)})", HEADING)]
    if not data.entries:
        return [*out, Paragraph("No entries count in this period.", BODY)]
    head = ["Date", "Activity", "Provider", "Credit", "Credits"]
    widths = [0.85 * inch, 2.9 * inch, 1.65 * inch, 1.0 * inch, 0.7 * inch]
    for offset in range(0, len(data.entries), BLOCK_ROWS):
        block = data.entries[offset : offset + BLOCK_ROWS]
        rows = [head] + [
            [
                f"{e.completed_on:%Y-%m-%d}",
                wrapped(e.title, widths[1], 8.5),
                wrapped(e.provider, widths[2], 8.5),
                "Category 1" if e.credit_type == CreditType.AMA_PRA_1 else "Category 2",
                credit_text(e.credits),
            ]
            for e in block
        ]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(GRID)
        out.append(table)
    return out


def _pdf_direct_credit(data: AwardSummary) -> list:
    out: list = [Paragraph("Direct credit for board certification", HEADING)]
    if not data.direct_credit:
        none = "No completed board certification cycle is on record, so there is no claim."
        return [*out, Paragraph(none, BODY)]
    return out + [Paragraph(text(claim.explanation), BODY) for claim in data.direct_credit]
