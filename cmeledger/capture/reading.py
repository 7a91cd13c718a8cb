"""From a certificate file to drafts: the file is checked as any certificate upload is
(type by content, size, page count, password, damage, decompression bombs), then each
page's text is read and turned into a draft.

Text PDFs are read from their text layer. A page with no text layer (a scan) or a photo
needs OCR, which this module does not do yet: such a page gives a draft with every field
not found and a warning that says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pypdfium2 as pdfium

from cmeledger.capture.extract import Draft, read_page
from cmeledger.ledger.certificates import CertificateRejected, inspect
from cmeledger.ledger.models import CertificateKind

# A page with fewer characters than this in its text layer is taken for a scan.
MIN_TEXT = 40


@dataclass
class Capture:
    """The drafts one file gave, one per certificate page."""

    sha256: str
    kind: str
    drafts: list[Draft] = field(default_factory=list)


def page_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def capture(data: bytes, clinician_name: str = "") -> Capture:
    """Drafts for every certificate in the file; raises CertificateRejected (with the
    reason in the user's terms) for a file that is not a certificate we can read."""
    inspection = inspect(data)
    result = Capture(hashlib.sha256(data).hexdigest(), inspection.kind)
    if inspection.kind != CertificateKind.PDF:
        draft = read_page("", 1, clinician_name)
        draft.warnings.append("Photos and scans are not read yet: fill in the fields yourself.")
        result.drafts.append(draft)
        return result
    try:
        texts = page_texts(data)
    except pdfium.PdfiumError:
        raise CertificateRejected("The PDF is damaged and cannot be read.") from None
    for number, text in enumerate(texts, 1):
        if len(text.strip()) < MIN_TEXT and len(texts) > 1:
            continue  # a blank or decorative page between certificates
        draft = read_page(text, number, clinician_name)
        if len(text.strip()) < MIN_TEXT:
            draft.warnings.append(
                "This page has no text to read (it may be a scan): fill in the fields yourself."
            )
        result.drafts.append(draft)
    return result
