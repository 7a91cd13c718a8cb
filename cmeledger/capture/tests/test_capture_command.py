"""`cmeledger capture`: drafts from files, one per certificate page, and a clear message
for every file that is not a readable certificate."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from cmeledger.capture import evaluation
from cmeledger.capture.reading import capture
from cmeledger.ledger.certificates import CertificateRejected
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.testing import (
    make_encrypted_pdf,
    make_huge_png_header,
    make_image,
    make_pdf,
)


@pytest.fixture
def samples():
    return evaluation.build(per_layout=1, seed=5)


def run(*args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("capture", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_pdf_of_several_certificates_gives_a_draft_for_each(samples, tmp_path):
    bundle = samples[-1]
    path = tmp_path / "conference.pdf"
    path.write_bytes(bundle.pdf)
    [result] = run(str(path))["files"]
    # A page that awards several credits gives a draft for each.
    pages = [page for page, truth in enumerate(bundle.truths, 1) for _ in truth.expected()]
    assert [draft["page"] for draft in result["drafts"]] == pages
    titles = [draft["fields"]["title"]["value"] for draft in result["drafts"]]
    assert titles == [each.title for truth in bundle.truths for each in truth.expected()]
    assert len(pages) > len(bundle.truths)


def test_the_json_output_gives_the_file_its_hash_and_the_fields(samples, tmp_path):
    sample = samples[0]
    path = tmp_path / "one.pdf"
    path.write_bytes(sample.pdf)
    output = run(str(path), "--name", "Someone Else")
    [result] = output["files"]
    assert output["errors"] == []
    assert result["file"] == str(path) and len(result["sha256"]) == 64
    [draft] = result["drafts"]
    truth = sample.truths[0]
    assert draft["fields"]["learner_name"] == {"value": truth.learner_name, "confidence": "sure"}
    assert draft["fields"]["credits"]["value"] == f"{truth.credits:.2f}"
    assert draft["warnings"] == [
        f"The certificate is made out to {truth.learner_name}, not Someone Else: check that "
        "it is yours."
    ]


def test_the_text_output_marks_each_field(samples, tmp_path, capsys):
    path = tmp_path / "one.pdf"
    path.write_bytes(samples[0].pdf)
    call_command("capture", str(path))
    out = capsys.readouterr().out
    assert f"{path}, page 1:" in out
    assert f"sure   learner_name  {samples[0].truths[0].learner_name}" in out


def test_a_blank_photo_gives_an_empty_draft_that_says_why():
    [draft] = capture(make_image("JPEG")).drafts
    assert all(guess.value in (None, ()) for guess in draft.fields.values())
    assert draft.warnings == ["No text could be read on this page: fill in the fields yourself."]


def test_a_pdf_page_without_text_is_read_as_an_image():
    [draft] = capture(make_pdf(" ")).drafts
    assert draft.warnings == ["No text could be read on this page: fill in the fields yourself."]


HOSTILE = [
    ("locked.pdf", make_encrypted_pdf(), "password-protected"),
    ("cut.pdf", make_pdf("certificate")[:500], "incomplete"),
    ("huge.png", make_huge_png_header(), "at most 40 megapixels"),
    ("many.pdf", make_pdf("page", pages=60), "at most 50"),
    ("noise.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF", "damaged"),
    ("page.html", b"<html>not a certificate</html>", "not a PDF, JPEG or PNG"),
    ("empty.pdf", b"", "empty"),
]


@pytest.mark.parametrize("name, data, reason", HOSTILE, ids=[row[0] for row in HOSTILE])
def test_a_hostile_or_broken_file_gets_a_clear_reason_and_stores_nothing(
    db, tmp_path, name, data, reason
):
    with pytest.raises(CertificateRejected, match=reason):
        capture(data)
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("capture", str(path), "--json", stdout=open(tmp_path / "out", "w"))
    reported = json.loads((tmp_path / "out").read_text())
    assert reported["files"] == []
    assert reported["errors"][0]["file"] == str(path)
    assert reason in reported["errors"][0]["error"]
    assert Certificate.objects.count() == CreditEntry.objects.count() == 0


def test_good_files_are_read_even_when_another_is_refused(samples, tmp_path):
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(samples[0].pdf)
    bad.write_bytes(b"garbage")
    with pytest.raises(CommandError):
        call_command("capture", str(good), str(bad), "--json", stdout=open(tmp_path / "o", "w"))
    reported = json.loads((tmp_path / "o").read_text())
    assert [result["file"] for result in reported["files"]] == [str(good)]
    assert [error["file"] for error in reported["errors"]] == [str(bad)]


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError):
        call_command("capture", str(tmp_path / "nowhere.pdf"), stdout=open(tmp_path / "o", "w"))
