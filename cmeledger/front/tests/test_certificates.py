"""Uploading, listing, previewing, downloading and attaching certificates."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cmeledger.ledger.models import Certificate
from cmeledger.ledger.testing import (
    make_encrypted_pdf,
    make_huge_png_header,
    make_image,
    make_pdf,
)

pytestmark = pytest.mark.django_db


def upload(client, *files, entry=None):
    url = reverse("certificates") + (f"?entry={entry.pk}" if entry else "")
    return client.post(url, {"upload": list(files)})


def pdf_file(name="certificate.pdf", text="Certificate of completion"):
    return SimpleUploadedFile(name, make_pdf(text), content_type="application/pdf")


def test_a_pdf_is_stored_under_its_id_with_its_hash(alice, alice_client):
    data = make_pdf("Grand rounds")
    response = upload(alice_client, SimpleUploadedFile("../../etc/passwd.pdf", data))
    assert response.status_code == 302
    certificate = Certificate.objects.get(clinician=alice)
    assert certificate.sha256 == hashlib.sha256(data).hexdigest()
    assert certificate.content_type == "application/pdf"
    assert certificate.file.name == f"certificates/{alice.pk}/{certificate.pk}.pdf"
    assert "passwd" not in certificate.file.name
    assert certificate.original_name == "passwd.pdf"


def test_several_files_upload_at_once(alice, alice_client):
    response = upload(
        alice_client,
        pdf_file("a.pdf", "first"),
        SimpleUploadedFile("b.png", make_image("PNG")),
        SimpleUploadedFile("c.jpeg", make_image("JPEG")),
    )
    assert response.status_code == 302
    kinds = sorted(
        Certificate.objects.filter(clinician=alice).values_list("content_type", flat=True)
    )
    assert kinds == ["application/pdf", "image/jpeg", "image/png"]


def test_the_type_comes_from_the_content_not_the_name(alice, alice_client):
    upload(alice_client, SimpleUploadedFile("scan.pdf", make_image("PNG"), "application/pdf"))
    certificate = Certificate.objects.get(clinician=alice)
    assert certificate.content_type == "image/png"
    assert certificate.file.name.endswith(".png")


def test_uploading_the_same_file_twice_says_where_it_already_is(alice, alice_client):
    data = make_pdf("Same file")
    upload(alice_client, SimpleUploadedFile("first.pdf", data))
    response = upload(alice_client, SimpleUploadedFile("again.pdf", data))
    assert Certificate.objects.filter(clinician=alice).count() == 1
    page = alice_client.get(response["Location"]).content.decode()
    assert "already in your certificates as" in page
    assert "first.pdf" in page


BAD_UPLOADS = [
    ("page.pdf", b"<!doctype html><html><body>not a pdf</body></html>", "not a PDF, JPEG or PNG"),
    ("cut.pdf", make_pdf("cut off")[:600], "incomplete"),
    ("empty.pdf", b"", "empty"),
    ("anim.gif", b"GIF89a" + b"\x00" * 64, "not a PDF, JPEG or PNG"),
    ("broken.png", make_image("PNG")[:60], "damaged or incomplete"),
    ("huge.png", make_huge_png_header(), "at most 40 megapixels"),
    ("locked.pdf", make_encrypted_pdf(), "password"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_uploads_get_a_clear_message_and_store_nothing(
    alice_client, settings, tmp_path, name, data, message
):
    response = upload(alice_client, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert name in response.content.decode()
    assert not Certificate.objects.exists()
    stored = tmp_path / "media" / "certificates"
    assert not stored.exists() or not any(stored.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(alice_client, settings):
    settings.CERTIFICATE_MAX_BYTES = 1024
    response = upload(alice_client, pdf_file())
    assert response.status_code == 400
    assert "limit is" in response.content.decode() or "larger than" in response.content.decode()
    assert not Certificate.objects.exists()


def test_posting_no_file_asks_for_one(alice_client):
    response = alice_client.post(reverse("certificates"), {})
    assert response.status_code == 400
    assert "Choose at least one file" in response.content.decode()


def test_one_bad_file_does_not_lose_the_good_ones(alice, alice_client):
    response = upload(alice_client, pdf_file("good.pdf"), SimpleUploadedFile("bad.pdf", b"junk"))
    assert response.status_code == 302
    assert Certificate.objects.filter(clinician=alice).count() == 1
    page = alice_client.get(response["Location"]).content.decode()
    assert "bad.pdf" in page


def test_uploading_for_an_entry_attaches_the_file(alice_client, alice_entry):
    response = upload(alice_client, pdf_file(), entry=alice_entry)
    assert response["Location"] == reverse("entry-detail", args=[alice_entry.pk])
    assert alice_entry.certificates.count() == 1
    assert alice_entry.revisions.filter(action="updated").exists()


def test_uploading_for_someone_elses_entry_is_not_found(client, bob, alice_entry):
    client.force_login(bob)
    response = upload(client, pdf_file(), entry=alice_entry)
    assert response.status_code == 404
    assert not Certificate.objects.exists()


def test_a_malformed_entry_parameter_is_not_found(alice_client):
    response = alice_client.post(reverse("certificates") + "?entry=nope", {"upload": [pdf_file()]})
    assert response.status_code == 404


def test_the_owner_can_preview_and_download(alice, alice_client):
    data = make_pdf("Download me")
    upload(alice_client, SimpleUploadedFile("My Cert.pdf", data))
    certificate = Certificate.objects.get(clinician=alice)
    preview = alice_client.get(reverse("certificate-preview", args=[certificate.pk]))
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(preview.content)).width == 600

    download = alice_client.get(reverse("certificate-download", args=[certificate.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "My Cert.pdf" in download["Content-Disposition"]


def test_one_certificate_attaches_to_several_entries_and_several_to_one(
    alice, alice_client, alice_entry
):
    from cmeledger.ledger import services
    from cmeledger.ledger.testing import entry_fields

    second = services.create_entry(alice, alice, entry_fields(title="Second session"))
    upload(alice_client, pdf_file("one.pdf", "one"), pdf_file("two.pdf", "two"))
    one, two = Certificate.objects.order_by("original_name")
    for entry in (alice_entry, second):
        alice_client.post(reverse("entry-attach", args=[entry.pk]), {"certificate": one.pk})
    alice_client.post(reverse("certificate-attach", args=[two.pk]), {"entry": alice_entry.pk})
    assert set(alice_entry.certificates.all()) == {one, two}
    assert set(one.entries.all()) == {alice_entry, second}

    alice_client.post(reverse("entry-detach", args=[alice_entry.pk, one.pk]))
    assert set(alice_entry.certificates.all()) == {two}
    assert Certificate.objects.filter(pk=one.pk).exists()


def test_attaching_someone_elses_certificate_is_refused(alice_client, alice_entry, bob):
    from cmeledger.ledger.certificates import store_certificate

    bobs = store_certificate(bob, make_pdf("Bob's"), "bob.pdf").certificate
    response = alice_client.post(
        reverse("entry-attach", args=[alice_entry.pk]), {"certificate": bobs.pk}
    )
    assert response.status_code == 302
    assert not alice_entry.certificates.exists()


def test_the_list_shows_only_own_certificates(alice_client, bob):
    from cmeledger.ledger.certificates import store_certificate

    store_certificate(bob, make_pdf("Bob's"), "bobs-secret.pdf")
    assert "bobs-secret" not in alice_client.get(reverse("certificates")).content.decode()


def test_deleting_a_certificate_removes_the_file_and_records_the_detachment(
    alice, alice_client, alice_entry, tmp_path
):
    upload(alice_client, pdf_file(), entry=alice_entry)
    certificate = Certificate.objects.get()
    alice_client.get(reverse("certificate-preview", args=[certificate.pk]))
    certificate.refresh_from_db()
    stored = [
        tmp_path / "media" / certificate.file.name,
        tmp_path / "media" / certificate.preview.name,
    ]
    assert all(path.exists() for path in stored)

    assert alice_client.get(reverse("certificate-delete", args=[certificate.pk])).status_code == 405
    response = alice_client.post(reverse("certificate-delete", args=[certificate.pk]))
    assert response.status_code == 302
    assert not Certificate.objects.exists()
    assert not any(path.exists() for path in stored)
    last = alice_entry.revisions.first()
    assert last.changes["certificates"] == [[str(certificate.pk)], []]
