"""Accepting certificate files: sniff the real type, check the file opens, store by id.

The name and Content-Type a browser sends are never trusted; the bytes decide.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image

from cmeledger.ledger.models import Certificate, CertificateKind

MAX_PDF_PAGES = 50
# A certificate page is between half an inch and poster size (48 inches) a side. Outside
# that it is a rendering bomb: a 1 x 14400 point page drawn 600 pixels wide for its
# preview is billions of pixels.
MIN_PAGE_POINTS = 36
MAX_PAGE_POINTS = 3456
PREVIEW_WIDTH = 600


class CertificateRejected(Exception):
    """The file is not a certificate we can keep; the message says why."""


@dataclass(frozen=True)
class Inspection:
    kind: CertificateKind
    page_count: int


@dataclass(frozen=True)
class StoreResult:
    certificate: Certificate
    duplicate: bool


def sniff(head: bytes) -> CertificateKind | None:
    if head.startswith(b"%PDF-"):
        return CertificateKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return CertificateKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return CertificateKind.JPEG
    return None


def _inspect_pdf(data: bytes) -> int:
    # PDFium quietly repairs a cut-off file; a complete PDF ends with %%EOF.
    if b"%%EOF" not in data[-2048:]:
        raise CertificateRejected("The PDF is incomplete (it was cut off before its end).")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise CertificateRejected(
                "The PDF is password-protected; upload a copy without a password."
            ) from None
        raise CertificateRejected("The PDF is damaged and cannot be opened.") from None
    try:
        pages = len(document)
        if pages == 0:
            raise CertificateRejected("The PDF has no pages.")
        if pages > MAX_PDF_PAGES:
            raise CertificateRejected(
                f"The PDF has {pages} pages; a certificate file may have at most {MAX_PDF_PAGES}."
            )
        for index in range(pages):
            _check_page(document, index)
        return pages
    finally:
        document.close()


def _check_page(document: pdfium.PdfDocument, index: int) -> None:
    """The page loads (PDFium counts pages it then cannot open) and has a paper size."""
    try:
        page = document[index]
    except pdfium.PdfiumError:
        raise CertificateRejected(
            f"The PDF is damaged: page {index + 1} cannot be opened."
        ) from None
    try:
        width, height = page.get_size()
    finally:
        page.close()
    if not (MIN_PAGE_POINTS <= min(width, height) and max(width, height) <= MAX_PAGE_POINTS):
        raise CertificateRejected(
            f"Page {index + 1} of the PDF is {width:.0f} x {height:.0f} points; a certificate "
            f"page is {MIN_PAGE_POINTS} to {MAX_PAGE_POINTS} points (half an inch to 48 inches) "
            "a side."
        )


def _megapixels(pixels: float) -> str:
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def open_image(data: bytes) -> Image.Image:
    """The image opened but not decoded (Pillow reads only the header until asked for
    pixels), refused if decoding it would pass the IMAGE_MAX_PIXELS budget: a 280 KB PNG
    can claim 9,400 x 9,400 pixels and take 335 MB to decode."""
    limit = settings.IMAGE_MAX_PIXELS
    with warnings.catch_warnings():
        # Pillow's own bomb warning starts at 89 megapixels; the budget here decides.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            # Pillow raises this only while MAX_IMAGE_PIXELS is set, so the `or 0` never applies.
            bomb = 2 * (Image.MAX_IMAGE_PIXELS or 0)
            raise CertificateRejected(
                f"The image has more than {_megapixels(bomb)} megapixels; "
                f"images may have at most {_megapixels(limit)} megapixels."
            ) from None
    width, height = image.size
    if width * height > limit:
        image.close()
        raise CertificateRejected(
            f"The image is {width:,} x {height:,} pixels ({_megapixels(width * height)} "
            f"megapixels); images may have at most {_megapixels(limit)} megapixels. Upload a "
            "smaller photo or a scan at a lower resolution."
        )
    return image


def render_scale(width: float, height: float, wanted: float) -> float:
    """The scale to draw a PDF page of width x height points at: `wanted`, or less if
    that would pass the pixel budget (a poster-size scan drawn for OCR)."""
    return min(wanted, math.sqrt(settings.IMAGE_MAX_PIXELS / (width * height)))


def _inspect_image(data: bytes, kind: CertificateKind) -> int:
    try:
        with open_image(data) as image:
            image.load()  # decodes fully, so a truncated file fails here
    except CertificateRejected:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise CertificateRejected(
            f"The {kind.label} is damaged or incomplete and cannot be opened."
        ) from None
    return 1


def inspect(data: bytes) -> Inspection:
    if not data:
        raise CertificateRejected("The file is empty.")
    limit = settings.CERTIFICATE_MAX_BYTES
    if len(data) > limit:
        raise CertificateRejected(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."
        )
    kind = sniff(data[:16])
    if kind is None:
        raise CertificateRejected(
            "This is not a PDF, JPEG or PNG file (its content says otherwise, whatever its name)."
        )
    pages = _inspect_pdf(data) if kind == CertificateKind.PDF else _inspect_image(data, kind)
    return Inspection(kind=kind, page_count=pages)


def read_upload(upload, limit: int | None = None) -> bytes:
    """Read an uploaded file without holding more than the limit plus one chunk."""
    limit = settings.CERTIFICATE_MAX_BYTES if limit is None else limit
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise CertificateRejected(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."
        )
    buffer = io.BytesIO()
    for chunk in upload.chunks():
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise CertificateRejected(
                f"The file is larger than the {limit / 1_048_576:.0f} MB limit."
            )
    return buffer.getvalue()


def _display_name(name: str) -> str:
    cleaned = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())
    return cleaned.strip()[:255] or "certificate"


def store_certificate(clinician, data: bytes, name: str) -> StoreResult:
    """Keep a checked file for the clinician, or return the copy already kept."""
    digest = hashlib.sha256(data).hexdigest()
    existing = Certificate.objects.filter(clinician=clinician, sha256=digest).first()
    if existing is not None:
        return StoreResult(existing, duplicate=True)
    found = inspect(data)
    certificate = Certificate(
        clinician=clinician,
        original_name=_display_name(name),
        content_type=found.kind.value,
        size=len(data),
        sha256=digest,
        page_count=found.page_count,
    )
    try:
        with transaction.atomic():
            certificate.file.save("upload", ContentFile(data), save=False)
            certificate.save(force_insert=True)
    except IntegrityError:
        # The same file raced in from another request; keep one copy.
        certificate.file.delete(save=False)
        existing = Certificate.objects.get(clinician=clinician, sha256=digest)
        return StoreResult(existing, duplicate=True)
    except Exception:
        certificate.file.delete(save=False)
        raise
    return StoreResult(certificate, duplicate=False)


def render_preview(data: bytes, kind: str) -> bytes:
    """A PNG of the first page (PDF) or the image itself, PREVIEW_WIDTH pixels wide."""
    if kind == CertificateKind.PDF:
        document = pdfium.PdfDocument(data)
        try:
            page = document[0]
            width, height = page.get_size()
            image = page.render(scale=render_scale(width, height, PREVIEW_WIDTH / width)).to_pil()
        finally:
            document.close()
    else:
        image = open_image(data)
        image.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH * 2))
    output = io.BytesIO()
    image.convert("RGB").save(output, format="PNG", optimize=True)
    return output.getvalue()


def ensure_preview(certificate: Certificate) -> bytes:
    """The stored preview, made and kept on first use."""
    if certificate.preview:
        with certificate.preview.open("rb") as handle:
            return handle.read()
    with certificate.file.open("rb") as handle:
        png = render_preview(handle.read(), certificate.content_type)
    certificate.preview.save("preview.png", ContentFile(png), save=False)
    certificate.save(update_fields=["preview"])
    return png
