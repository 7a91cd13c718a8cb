"""From a certificate file to drafts: the file is checked as any certificate upload is
(type by content, size, page count, password, damage, decompression bombs), then each
page's text is read and turned into a draft.

Text PDFs are read from their text layer; a page with no text layer (a scan) is drawn
and read by OCR, as a photo is (`capture.ocr`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pypdfium2 as pdfium

from cmeledger.capture.extract import Confidence, Draft, Guess, each_credit, read_page
from cmeledger.capture.ocr import image_text
from cmeledger.ledger.certificates import CertificateRejected, inspect, open_image, render_scale
from cmeledger.ledger.models import CertificateKind

# A page with fewer characters than this in its text layer is taken for a scan.
MIN_TEXT = 40
# Scans are drawn at this many pixels per point for OCR (144 dpi).
SCAN_SCALE = 2


@dataclass
class Capture:
    """The drafts one file gave: one per certificate page, and one per further credit
    type a page awards."""

    sha256: str
    kind: str
    drafts: list[Draft] = field(default_factory=list)


def page_texts(data: bytes) -> list[tuple[str, bool]]:
    """Each page's text and whether it came from OCR."""
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            if len(text.strip()) >= MIN_TEXT:
                texts.append((text, False))
            else:
                width, height = page.get_size()
                scale = render_scale(width, height, SCAN_SCALE)
                drawn = page.render(scale=scale).to_pil()
                texts.append((image_text(drawn), True))
            page.close()
        return texts
    finally:
        document.close()


def _at_most_check(guess: Guess) -> Guess:
    return Guess(guess.value, Confidence.CHECK) if guess.confidence == Confidence.SURE else guess


def capture(data: bytes, clinician_name: str = "") -> Capture:
    """Drafts for every certificate in the file; raises CertificateRejected (with the
    reason in the user's terms) for a file that is not a certificate we can read."""
    inspection = inspect(data)
    result = Capture(hashlib.sha256(data).hexdigest(), inspection.kind)
    if inspection.kind != CertificateKind.PDF:
        with open_image(data) as image:
            texts = [(image_text(image), True)]
    else:
        try:
            texts = page_texts(data)
        except pdfium.PdfiumError:
            raise CertificateRejected("The PDF is damaged and cannot be read.") from None
    for number, (text, by_ocr) in enumerate(texts, 1):
        blank = len(text.strip()) < MIN_TEXT
        if blank and len(texts) > 1:
            continue  # a blank or decorative page between certificates
        draft = read_page(text, number, clinician_name)
        if blank:
            draft.warnings.append(
                "No text could be read on this page: fill in the fields yourself."
            )
        elif by_ocr:
            # OCR can misread a letter the rules would take for certain: nothing read
            # from an image is "sure".
            draft.fields = {name: _at_most_check(guess) for name, guess in draft.fields.items()}
            draft.also = [(_at_most_check(a), _at_most_check(t)) for a, t in draft.also]
            draft.warnings.append(
                "Read from an image: check every field, especially names and numbers."
            )
        result.drafts.extend(each_credit(draft))
    return result
