"""Drawing a transcript (reports.transcript.Transcript) as PDF bytes with reportlab.

Pure: the same data gives the same document, and nothing here reads the database.
Text from entries goes through `_text`, so a title with markup characters prints as typed.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from cmeledger.ledger.vocabulary import Accreditor, Topic
from cmeledger.lib.credits import Unit, credit_text, credits_phrase, day_text, unit_word
from cmeledger.reports import pdf
from cmeledger.reports.transcript import Transcript, label, source_label, status_label

PAGE = landscape(letter)
MARGIN = 0.5 * inch
BODY = ParagraphStyle("transcript-body", parent=pdf.BODY, fontSize=8, leading=10)
GRID = pdf.grid(8)
_text = pdf.text
_num = credit_text


def transcript_pdf(data: Transcript) -> bytes:
    footer = f"Generated {pdf.generated(data.generated_at)}"
    if data.code:
        footer += f" · Verification code {data.code} · check it at {data.verify_url}"
    story = [*_header(data), *_rules(data), *_entries(data), *_type_totals(data), *_notes(data)]
    title = f"CME transcript: {data.clinician_title or data.clinician_name}"
    subject = data.set_name or data.period
    return pdf.build(story, page=PAGE, margin=MARGIN, title=title, subject=subject, footer=footer)


def _header(data: Transcript) -> list:
    what = f"{data.set_name} (version {data.set_version})" if data.set_id else ""
    lines = [
        Paragraph("CME transcript", pdf.TITLE),
        Paragraph(
            f"<b>{_text(data.clinician_name)}</b>"
            + (f", {_text(data.degree)}" if data.degree else ""),
            BODY,
        ),
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
                f"<b>Cycle:</b> {data.period} · <b>Status on {day_text(data.on)}:</b> "
                f"{status_label(data.status)} · <b>Counted:</b> "
                f"{credits_phrase(data.total_counted, data.unit)}",
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
    heading = "Totals against each rule"
    if data.unit != Unit.CREDITS:  # say what the numbers count: "in contact hours"
        heading += f", in {unit_word(2, data.unit)}"
    return [Paragraph(heading, pdf.HEADING), table]


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
        f"{day_text(entry.completed_on)}",
        "\n".join(
            filter(None, [pdf.wrapped(activity, widths[1]), pdf.wrapped(provider, widths[1])])
        ),
        pdf.wrapped(entry.credit_words, widths[2], 7),
        pdf.wrapped(topics, widths[3], 7),
        pdf.wrapped(source_label(entry.source), widths[4], 7),
        _num(entry.credits),
    ]
    if len(widths) > 6:
        row.append(_num(entry.counted))
    return row


def _entries(data: Transcript) -> list:
    out: list = [Paragraph(f"Entries ({len(data.entries)})", pdf.HEADING)]
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
    for offset in range(0, len(data.entries), pdf.BLOCK_ROWS):
        block = data.entries[offset : offset + pdf.BLOCK_ROWS]
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
        [t.credit_words, str(t.entries), _num(t.credits)] for t in data.totals
    ]
    rows.append(["All", str(len(data.entries)), _num(data.total_claimed)])
    table = Table(rows, colWidths=[4 * inch, 1 * inch, 1.4 * inch])
    table.setStyle(GRID)
    table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8)]))
    return [Paragraph("Credits by type", pdf.HEADING), table]


def _notes(data: Transcript) -> list:
    notes = data.notes
    if not notes:
        return []
    out = [
        Paragraph("Notes", pdf.HEADING),
        Paragraph(
            "* Rules marked with an asterisk are not confirmed by their authority's published "
            "text; check them with the authority before relying on them.",
            BODY,
        ),
    ]
    return out + [Paragraph(_text(note), pdf.SMALL) for note in notes]
