"""Photos and scans: OCR (offline, RapidOCR) turns them into text the field rules read."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cmeledger.capture import evaluation
from cmeledger.capture.extract import Confidence
from cmeledger.capture.ocr import respace
from cmeledger.capture.reading import capture


@pytest.mark.parametrize(
    "glued, spaced",
    [
        ("EthicsinRehabilitationPractice", "Ethics in Rehabilitation Practice"),
        ("heldonNovember23,2024inColumbus,OH", "held on November 23, 2024 in Columbus, OH"),
        ("CERTIFICATEOFCOMPLETION", "CERTIFICATE OF COMPLETION"),
        ("Datecompleted:2024-12-31", "Date completed: 2024-12-31"),
        ("maximum of 19.25AM APR A Category 1", "maximum of 19.25 AMA PRA Category 1"),
        ("Summit Health CMEPartnersis accredited", "Summit Health CME Partners is accredited"),
        ("Credit（s)TM.Physicians", "Credit(s)™. Physicians"),
        ("6.75 AOACategory 1-Acredits", "6.75 AOA Category 1-A credits"),
    ],
)
def test_spaces_ocr_dropped_are_put_back(glued, spaced):
    assert respace(glued) == spaced


@pytest.mark.parametrize(
    "text", ["Casey Okafor, PhD", "Rowan Lindqvist, MD", "Harborview", "PA-C", "SA-CME"]
)
def test_names_and_codes_are_left_as_they_are(text):
    assert respace(text) == text


@pytest.fixture(scope="module")
def photos():
    """One photographed certificate of each layout, with its truth."""
    samples = [s for s in evaluation.build(per_layout=1, seed=3) if len(s.truths) == 1]
    return [
        (sample.truths[0], evaluation.photographed(sample.pdf, index)[0])
        for index, sample in enumerate(samples)
    ]


def test_photos_read_back_to_most_of_their_fields_and_nothing_is_sure(db, photos):
    score = evaluation.Score()
    for truth, photo in photos:
        drafts = capture(photo).drafts
        for draft in drafts:
            assert all(guess.confidence != Confidence.SURE for guess in draft.fields.values())
            assert all(guess.confidence != Confidence.SURE for pair in draft.also for guess in pair)
            assert draft.warnings[0] == (
                "Read from an image: check every field, especially names and numbers."
            )
        evaluation.score_drafts(score, "photo", truth.expected(), drafts)
    assert score.accuracy() >= 0.85, score.misses


def test_a_scanned_pdf_is_read_by_ocr(db, photos):
    truth, photo = photos[0]
    scan = io.BytesIO()
    Image.open(io.BytesIO(photo)).save(scan, format="PDF", resolution=144)
    [draft] = capture(scan.getvalue()).drafts
    [from_photo] = capture(photo).drafts
    assert draft.value("learner_name") == truth.learner_name
    assert draft.value("title") == truth.title
    # The same page, the same reading (resampling the scan may change a letter elsewhere).
    for name in ("learner_name", "title", "completed_on", "credits", "credit_type"):
        assert draft.fields[name] == from_photo.fields[name], name


def test_a_photo_on_its_side_is_turned_before_it_is_read(db, photos):
    truth, photo = photos[1]
    turned = io.BytesIO()
    Image.open(io.BytesIO(photo)).rotate(90, expand=True).save(turned, format="JPEG")
    [draft] = capture(turned.getvalue()).drafts
    assert draft.value("learner_name") == truth.learner_name
