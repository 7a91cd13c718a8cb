"""Hostile certificate files: PDFs, PNGs and JPEGs through the upload check, the preview,
the capture reader, the web upload form and the API.

A file is stored (and can then be previewed and read) or refused with
CertificateRejected and a reason; a refused file leaves no row and no stored file.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ImageFile
from reportlab.pdfgen import canvas

from cmeledger import conftest as suite_fixtures
from cmeledger.accounts.models import ApiToken
from cmeledger.capture import reading
from cmeledger.ledger.certificates import (
    CertificateRejected,
    render_preview,
    render_scale,
    store_certificate,
)
from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import (
    make_encrypted_pdf,
    make_huge_png_header,
    make_image,
    make_pdf,
)

pytestmark = pytest.mark.django_db
# `import *` skips underscored names, so the suite's autouse fixture (uploads in a temporary
# directory) is taken by name.
_media_in_tmp = suite_fixtures._media_in_tmp

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = "Certificate of completion: Spasticity management update, 2.5 AMA PRA Category 1"
VALID = [
    make_pdf(TEXT, pages=2),
    make_image("PNG", (48, 32)),
    make_image("JPEG", (48, 32)),
    make_encrypted_pdf(),
]


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


@pytest.fixture
def no_ocr(monkeypatch):
    """OCR is not a parser of the file (it reads pixels already decoded) and takes a
    second a page; the property tests draw the page and skip reading it."""
    monkeypatch.setattr(reading, "image_text", lambda image: "")


def stored_files(media: Path) -> list[str]:
    return sorted(str(path) for path in media.rglob("*") if path.is_file())


def stored_or_refused(alice, media: Path, data: bytes) -> None:
    before = (Certificate.objects.count(), stored_files(media))
    try:
        result = store_certificate(alice, data, "upload.pdf")
    except CertificateRejected as error:
        assert str(error).strip()
        assert (Certificate.objects.count(), stored_files(media)) == before
        return
    # A stored file must be usable: its preview draws, its pages read (or say why not).
    certificate = result.certificate
    assert render_preview(data, certificate.content_type).startswith(b"\x89PNG")
    try:
        reading.capture(data)
    except CertificateRejected as error:
        assert str(error).strip()


@st.composite
def corrupted(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["cut", "flip", "insert", "delete", "repeat"]))
        if how == "cut":
            data = data[: max(at, 8)]
        elif how == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif how == "repeat":
            data[at:at] = data[: draw(st.integers(0, 300))]
    return bytes(data)


magic = st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b""])


@HYPOTHESIS
@given(data=st.tuples(magic, st.binary(max_size=400)).map(b"".join))
def test_arbitrary_bytes_behind_any_magic_number_are_stored_or_refused_with_a_reason(
    alice, media, no_ocr, data
):
    stored_or_refused(alice, media, data)


@HYPOTHESIS
@given(data=corrupted())
def test_a_corrupted_pdf_png_or_jpeg_is_stored_usable_or_refused_with_a_reason(
    alice, media, no_ocr, data
):
    stored_or_refused(alice, media, data)


# --- bombs, locks and absurd sizes ----------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, *chunks: bytes) -> bytes:
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(chunks) + _chunk(b"IEND", b"")


def _pdf_page(width: float, height: float) -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=(width, height))
    drawing.drawString(0, 0, "x")
    drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def refused(alice, media: Path, data: bytes) -> str:
    with pytest.raises(CertificateRejected) as caught:
        store_certificate(alice, data, "hostile")
    assert not Certificate.objects.exists() and stored_files(media) == []
    return str(caught.value)


BEYOND_PILLOW = "The image has more than 179 megapixels; images may have at most 40 megapixels."


def test_a_png_header_claiming_100000_by_100000_pixels_is_refused_before_decoding(alice, media):
    assert refused(alice, media, make_huge_png_header()) == BEYOND_PILLOW


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding any image fails the test: the budget is checked from the header."""

    def load(image):
        raise AssertionError(f"decoded a {image.size} image")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_a_png_of_9400_by_9400_pixels_is_refused_before_decoding(alice, media, no_decoding):
    # 280 KB on disk and 335 MB decoded, once; the header alone says so.
    data = _png(9_400, 9_400, _chunk(b"IDAT", zlib.compress(b"\0" * 100_000, 9)))
    assert refused(alice, media, data) == (
        "The image is 9,400 x 9,400 pixels (88.4 megapixels); images may have at most "
        "40 megapixels. Upload a smaller photo or a scan at a lower resolution."
    )


def test_the_pixel_budget_is_a_setting(alice, media, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    assert refused(alice, media, make_image("PNG", (1_500, 1_000))) == (
        "The image is 1,500 x 1,000 pixels (1.5 megapixels); images may have at most "
        "1 megapixels. Upload a smaller photo or a scan at a lower resolution."
    )
    assert store_certificate(alice, make_image("PNG", (1_000, 1_000)), "ok.png").certificate


def test_the_preview_of_an_image_kept_under_a_larger_budget_is_not_drawn(
    alice, alice_client, settings
):
    certificate = store_certificate(alice, make_image("PNG", (1_500, 1_000)), "a.png").certificate
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = alice_client.get(reverse("certificate-preview", args=[certificate.pk]))
    assert response.status_code == 404
    assert response.content.decode().startswith("The image is 1,500 x 1,000 pixels")


def test_a_poster_size_scan_is_drawn_for_reading_within_the_budget(settings):
    settings.IMAGE_MAX_PIXELS = 40_000_000
    scale = render_scale(3_456, 3_456, 2)
    assert scale < 2 and (3_456 * scale) ** 2 <= 40_000_000
    assert render_scale(612, 792, 2) == 2


def test_a_png_whose_data_inflates_to_20000_by_20000_pixels_is_refused(alice, media):
    bomb = _png(20_000, 20_000, _chunk(b"IDAT", zlib.compress(b"\0" * 60_000_000, 9)))
    assert len(bomb) < 100_000
    assert refused(alice, media, bomb) == BEYOND_PILLOW


def test_a_png_text_chunk_that_inflates_to_50_mb_is_refused(alice, media):
    text = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"\0" * 50_000_000, 9))
    bomb = make_image("PNG", (10, 10))
    bomb = bomb[:33] + text + bomb[33:]
    assert refused(alice, media, bomb) == (
        "The PNG image is damaged or incomplete and cannot be opened."
    )


def test_a_jpeg_claiming_65000_by_65000_pixels_is_refused_before_decoding(alice, media):
    data = bytearray(make_image("JPEG", (16, 16)))
    frame = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, frame + 5, 65_000, 65_000)
    assert refused(alice, media, bytes(data)) == BEYOND_PILLOW


def test_a_pdf_of_two_thousand_pages_is_refused(alice, media):
    assert refused(alice, media, make_pdf(pages=2000)) == (
        "The PDF has 2000 pages; a certificate file may have at most 50."
    )


def test_a_pdf_whose_page_tree_claims_100000_pages_is_refused(alice, media):
    claims = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 100000 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    assert refused(alice, media, claims) == (
        "The PDF has 100000 pages; a certificate file may have at most 50."
    )


def test_an_encrypted_pdf_is_refused_asking_for_a_copy_without_a_password(alice, media):
    assert refused(alice, media, make_encrypted_pdf()) == (
        "The PDF is password-protected; upload a copy without a password."
    )


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_a_truncated_pdf_is_refused_as_incomplete(alice, media, keep):
    data = make_pdf(TEXT)
    assert refused(alice, media, data[: int(len(data) * keep)]) == (
        "The PDF is incomplete (it was cut off before its end)."
    )


def test_a_pdf_page_that_cannot_be_loaded_is_refused_as_damaged(alice, media):
    # PDFium counts the page, then cannot open it: stored, its preview would fail.
    broken = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Font >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    assert refused(alice, media, broken) == "The PDF is damaged: page 1 cannot be opened."


@pytest.mark.parametrize(("width", "height"), [(1, 14_400), (14_400, 14_400), (20, 20)])
def test_a_pdf_page_of_absurd_size_is_refused_before_anything_draws_it(alice, media, width, height):
    # 1 x 14400 points drawn 600 pixels wide is 8.6 billion pixels.
    assert refused(alice, media, _pdf_page(width, height)) == (
        f"Page 1 of the PDF is {width} x {height} points; a certificate page is 36 to 3456 "
        "points (half an inch to 48 inches) a side."
    )


def test_a_file_over_the_configured_limit_is_refused(alice, media, settings):
    settings.CERTIFICATE_MAX_BYTES = 1_048_576
    data = make_pdf(TEXT) + b"%" * 1_048_576
    assert refused(alice, media, data) == "The file is 1.0 MB; the limit is 1 MB."


def test_the_capture_reader_refuses_the_same_bombs_with_the_same_reasons(no_ocr):
    for data, message in [
        (make_huge_png_header(), BEYOND_PILLOW),
        (_pdf_page(1, 14_400), "Page 1 of the PDF is 1 x 14400 points"),
        (make_encrypted_pdf(), "The PDF is password-protected"),
        (make_pdf(pages=2000), "The PDF has 2000 pages"),
    ]:
        with pytest.raises(CertificateRejected, match=message):
            reading.capture(data)


# --- through the web upload form and the API ------------------------------------------------


def test_the_web_upload_form_answers_400_naming_each_hostile_file_and_stores_nothing(
    alice_client, media
):
    files = [
        SimpleUploadedFile("bomb.png", make_huge_png_header()),
        SimpleUploadedFile("locked.pdf", make_encrypted_pdf()),
        SimpleUploadedFile("tall.pdf", _pdf_page(1, 14_400)),
        SimpleUploadedFile("long.pdf", make_pdf(pages=2000)),
    ]
    response = alice_client.post(reverse("certificates"), {"upload": files})
    assert response.status_code == 400
    page = response.content.decode()
    for name, reason in [
        ("bomb.png", BEYOND_PILLOW),
        ("locked.pdf", "The PDF is password-protected"),
        ("tall.pdf", "Page 1 of the PDF is 1 x 14400 points"),
        ("long.pdf", "The PDF has 2000 pages"),
    ]:
        assert f"{name}: {reason}" in page
    assert not Certificate.objects.exists() and stored_files(media) == []


def test_the_web_upload_form_refuses_a_request_over_the_size_limit_with_413(
    alice_client, media, settings
):
    settings.REQUEST_MAX_BYTES = 1_048_576
    upload = SimpleUploadedFile("big.pdf", make_pdf(TEXT) + b"%" * 1_048_576)
    response = alice_client.post(reverse("certificates"), {"upload": [upload]})
    assert response.status_code == 413
    assert "The request is larger than 1 MB" in response.content.decode()
    assert not Certificate.objects.exists() and stored_files(media) == []


@pytest.fixture
def api(alice) -> Client:
    _, key = ApiToken.issue(alice, "hostile")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.png", make_huge_png_header(), BEYOND_PILLOW),
        ("tall.pdf", _pdf_page(1, 14_400), "Page 1 of the PDF is 1 x 14400 points"),
        ("cut.pdf", make_pdf(TEXT)[:-40], "The PDF is incomplete"),
        ("locked.pdf", make_encrypted_pdf(), "The PDF is password-protected"),
    ],
)
def test_the_api_answers_400_with_the_reason_for_a_hostile_file_and_stores_nothing(
    api, media, name, data, message
):
    response = api.post("/api/v1/certificates", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert not Certificate.objects.exists() and stored_files(media) == []


def test_the_api_refuses_a_file_over_the_configured_limit(api, media, settings):
    settings.CERTIFICATE_MAX_BYTES = 1_048_576
    upload = SimpleUploadedFile("big.pdf", make_pdf(TEXT) + b"%" * 1_048_576)
    response = api.post("/api/v1/certificates", {"file": upload})
    assert response.status_code == 400
    assert response.json() == {"error": "The file is 1.0 MB; the limit is 1 MB."}
    assert not Certificate.objects.exists() and stored_files(media) == []
