"""Reading fields from certificate text: the wording variants each field comes in, the
confidence each gets, and the generated evaluation set read back whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cmeledger.capture import evaluation
from cmeledger.capture.extract import (
    FIELDS,
    Confidence,
    Guess,
    as_json,
    each_credit,
    find_dates,
    read_page,
)

CLASSIC = """CERTIFICATE OF COMPLETION
This is to certify that
Avery Okafor, MD
has participated in the live activity titled
Ethics in Rehabilitation Practice
held on May 4, 2025 in Denver, CO
Lakeside Institute for Medical Education is accredited by the Accreditation Council for
Continuing Medical Education (ACCME) to provide continuing medical education for physicians.
Lakeside Institute for Medical Education designates this live activity for a maximum of 6.25
AMA PRA Category 1 Credit(s)™. Physicians should claim only the credit commensurate with
the extent of their participation in the activity.
"""


def test_a_classic_certificate_gives_every_field_with_its_confidence():
    draft = read_page(CLASSIC)
    values = {name: draft.value(name) for name in FIELDS}
    assert values == {
        "learner_name": "Avery Okafor",
        "degree": "MD",
        "title": "Ethics in Rehabilitation Practice",
        "provider": "Lakeside Institute for Medical Education",
        "accreditor": "accme",
        "start_date": None,
        "completed_on": date(2025, 5, 4),
        "credits": Decimal("6.25"),
        "credit_type": "ama-pra-1",
        "awarded_as": "credit",
        "activity_kind": "live",
        "location": "Denver, CO",
        "topics": ("ethics",),
    }
    assert draft.fields["credits"].confidence == Confidence.SURE
    assert draft.fields["credit_type"].confidence == Confidence.SURE
    # A date found somewhere on the page, not in a labelled line, is to be checked.
    assert draft.fields["completed_on"].confidence == Confidence.CHECK
    assert draft.fields["topics"].confidence == Confidence.CHECK  # guessed from the title


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("held on May 4, 2025", None, date(2025, 5, 4)),
        ("Austin, TX | 5 April 2025", None, date(2025, 4, 5)),
        ("Completed 09/21/2024 - Columbus, OH", None, date(2024, 9, 21)),
        ("Completion date: 2024-08-22", None, date(2024, 8, 22)),
        ("Portland, OR, May 21-24, 2024", date(2024, 5, 21), date(2024, 5, 24)),
        ("March 30 - April 1, 2025", date(2025, 3, 30), date(2025, 4, 1)),
        ("December 30 - January 2, 2025", date(2024, 12, 30), date(2025, 1, 2)),
        ("December 30, 2024 - January 2, 2025", date(2024, 12, 30), date(2025, 1, 2)),
        ("Sept. 3rd, 2025", None, date(2025, 9, 3)),
    ],
)
def test_dates_are_read_in_the_ways_certificates_write_them(text, start, end):
    assert find_dates(text) == (start, end)


def test_impossible_dates_are_not_dates():
    assert find_dates("February 30, 2025 and 13/45/2024") == (None, None)


@pytest.mark.parametrize(
    "sentence, amount, credit_type",
    [
        ("designates this enduring material for a maximum of 1.5 AMA PRA Category 1 Credits™",
         "1.50", "ama-pra-1"),
        ("designates this program for a maximum of 12 AOA Category 1-A credits", "12.00",
         "aoa-1a"),
        ("acceptable for up to 2.75 Prescribed credit(s) by the AAFP", "2.75", "aafp-prescribed"),
        ("Contact hours awarded: 3.25", "3.25", "ancc-contact-hour"),
        ("earn up to 10 MOC points in the program", "10.00", "moc-points"),
        ("qualifies for 4 SA-CME credits", "4.00", "sa-cme"),
        ("Certificate of Attendance. This activity was designated for 6.0 AMA PRA Category 1 "
         "Credits™ by Lakeside.", "6.00", "ama-pra-1"),
    ],
)  # fmt: skip
def test_each_designation_statement_gives_its_credit_type(sentence, amount, credit_type):
    draft = read_page(f"Some header\n{sentence}\n")
    assert draft.value("credits") == Decimal(amount)
    assert draft.value("credit_type") == credit_type
    assert draft.fields["credit_type"].confidence == Confidence.SURE


JOINT = CLASSIC.replace(
    "the extent of their participation in the activity.\n",
    "the extent of their participation in the activity.\n"
    "Nurses: this activity provides 6.25 ANCC contact hours.\n"
    "ABIM MOC: successful completion enables the participant to earn up to 4 MOC points.\n",
)


def test_a_certificate_awarding_several_credits_gives_a_draft_for_each():
    drafts = each_credit(read_page(JOINT))
    credits = [(d.value("credit_type"), d.value("credits")) for d in drafts]
    assert credits == [
        ("ama-pra-1", Decimal("6.25")),
        ("ancc-contact-hour", Decimal("6.25")),
        ("moc-points", Decimal("4.00")),
    ]
    for draft in drafts:
        assert draft.page == 1 and draft.value("title") == "Ethics in Rehabilitation Practice"
        assert draft.fields["credit_type"].confidence == Confidence.SURE
        assert "6.25 AMA PRA Category 1 Credit™, 6.25 ANCC contact hour" in draft.warnings[-1]
    assert drafts[2].warnings[-1].endswith("this one is the 4.00 MOC points.")


def test_one_credit_statement_gives_one_draft_and_no_note():
    drafts = each_credit(read_page(CLASSIC))
    assert len(drafts) == 1 and drafts[0].warnings == []


def test_an_attendance_statement_is_not_also_counted_as_the_ama_credit_it_quotes():
    page = read_page(
        "Certificate of Attendance. This activity was designated for 6.0 AMA PRA Category 1 "
        "Credits™ by Lakeside, which is accredited by the ACCME.\n"
    )
    assert page.value("credit_type") == "ama-pra-1" and page.also == []
    assert page.value("awarded_as") == "participation"


PARTICIPATION = """Certificate of Participation
This is to certify that
Riley Nakamura, PA-C
has participated in the live activity titled
Ethics in Rehabilitation Practice
Date: May 4, 2025
Summit Health CME Partners designates this live activity for a maximum of 2.0
AMA PRA Category 1 Credits™. Physicians should claim only the credit commensurate with
the extent of their participation in the activity.
"""


def test_a_certificate_of_participation_gives_the_designated_credit_and_participation():
    draft = read_page(PARTICIPATION)
    assert draft.value("credit_type") == "ama-pra-1"
    assert draft.value("credits") == Decimal("2.00")
    assert draft.fields["awarded_as"] == Guess("participation", Confidence.SURE)


@pytest.mark.parametrize(
    "sentence",
    [
        "This activity was designated for 2.0 AMA PRA Category 1 Credits™. This certificate "
        "of participation is issued to non-physician participants.",
        "This activity was designated for 2.0 AMA PRA Category 1 Credits™. This statement of "
        "participation is issued to non-physician participants.",
        "Statement of Attendance. The provider designated this activity for 2.0 AMA PRA "
        "Category 1 Credits™.",
    ],
)
def test_participation_is_read_in_the_ways_certificates_word_it(sentence):
    draft = read_page(f"Jordan Lindqvist, NP\n{sentence}\n")
    assert (draft.value("credit_type"), draft.value("credits")) == ("ama-pra-1", Decimal("2.00"))
    assert draft.value("awarded_as") == "participation"


def test_participation_wording_on_a_physicians_certificate_is_credit_to_check():
    draft = read_page(PARTICIPATION.replace("Riley Nakamura, PA-C", "Riley Nakamura, MD"))
    assert draft.fields["awarded_as"] == Guess("credit", Confidence.CHECK)


def test_participation_without_a_degree_on_the_certificate_is_to_check():
    draft = read_page(PARTICIPATION.replace("Riley Nakamura, PA-C", "Riley Nakamura"))
    assert draft.fields["awarded_as"] == Guess("participation", Confidence.CHECK)


def test_a_page_without_credit_says_nothing_about_what_was_received():
    draft = read_page("Thank you for attending our dinner\nJordan Lindqvist, NP\n")
    assert not draft.fields["awarded_as"].found


def test_further_credits_on_a_participation_certificate_are_credit():
    text = PARTICIPATION + "Nurses: this activity provides 2.0 ANCC contact hours.\n"
    drafts = each_credit(read_page(text))
    assert [(d.value("credit_type"), d.value("awarded_as")) for d in drafts] == [
        ("ama-pra-1", "participation"),
        ("ancc-contact-hour", "credit"),
    ]


def test_a_weak_credit_sign_is_not_a_second_credit():
    page = read_page(
        "designates this live activity for a maximum of 2 AMA PRA Category 1 Credits™.\n"
        "Claim 2 credits online.\n"
    )
    assert page.value("credit_type") == "ama-pra-1" and page.also == []


def test_credits_off_the_quarter_step_are_to_be_checked():
    draft = read_page(
        "designates this live activity for a maximum of 1.3 AMA PRA Category 1 Credit"
    )
    assert draft.value("credits") == Decimal("1.30")
    assert draft.fields["credits"].confidence == Confidence.CHECK


def test_a_page_without_a_certificate_finds_nothing():
    draft = read_page("Quarterly newsletter\nNothing to see here.\n")
    for name in ("learner_name", "credits", "credit_type", "completed_on", "provider"):
        assert draft.fields[name].confidence == Confidence.NOT_FOUND, name
        assert draft.value(name) is None


def test_a_certificate_made_out_to_someone_else_is_flagged():
    assert read_page(CLASSIC, clinician_name="Avery J. Okafor").warnings == []
    warnings = read_page(CLASSIC, clinician_name="Morgan Lindqvist").warnings
    assert warnings == [
        "The certificate is made out to Avery Okafor, not Morgan Lindqvist: check that it is yours."
    ]


def test_the_json_shape_names_every_field_with_value_and_confidence():
    shaped = as_json(read_page(CLASSIC))
    assert list(shaped["fields"]) == list(FIELDS)
    assert shaped["fields"]["completed_on"] == {"value": "2025-05-04", "confidence": "check"}
    assert shaped["fields"]["credits"] == {"value": "6.25", "confidence": "sure"}
    assert shaped["fields"]["topics"] == {"value": ["ethics"], "confidence": "check"}
    assert shaped["fields"]["start_date"]["value"] is None


def test_the_evaluation_set_has_ten_layouts_that_differ():
    samples = evaluation.build(per_layout=1)
    assert len(evaluation.LAYOUTS) >= 10
    assert len({sample.pdf for sample in samples}) == len(samples)
    bundle = samples[-1]
    assert len(bundle.truths) == len(evaluation.LAYOUTS)


def test_text_pdfs_of_the_evaluation_set_read_back_to_their_truth(db):
    score = evaluation.score_text_pdfs(evaluation.build(per_layout=2, seed=11))
    assert score.pages == 2 * len(evaluation.LAYOUTS) + len(evaluation.LAYOUTS)
    assert score.accuracy() >= 0.97, score.misses
    for name in FIELDS:
        assert score.accuracy(name) >= 0.9, (name, score.misses)


def test_certificates_of_participation_in_the_evaluation_set_read_back_as_participation(db):
    samples = [
        s
        for s in evaluation.build(per_layout=3, seed=5)
        if s.layout in evaluation.PARTICIPATION_LAYOUTS | {"physician-with-note"}
    ]
    score = evaluation.score_text_pdfs(samples)
    assert score.pages == 12
    assert score.accuracy("awarded_as") == 1.0, score.misses
    assert score.accuracy("credit_type") == 1.0, score.misses
