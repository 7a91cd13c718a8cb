"""MedBiquitous Activity Report XML: element mapping, hostile documents, streaming."""

from __future__ import annotations

import codecs
import io
from datetime import date
from decimal import Decimal

import pytest

from cmeledger.reporting import medbiq
from cmeledger.reporting.formats import FileRejected, open_reader
from cmeledger.reporting.medbiq import (
    AR,
    BODIES,
    LABELS,
    MAX_DEPTH,
    MAX_ELEMENTS_PER_REPORT,
    read_medbiq,
    write_medbiq,
)
from cmeledger.reporting.records import FIELDS, BadRow, Completion, RawRow, raw, validate

BOARDS = frozenset({"abpmr"})
NAMESPACES = (
    f'xmlns="{AR}" xmlns:m="http://ns.medbiq.org/member/v1/" '
    'xmlns:n="http://ns.medbiq.org/name/v1/" xmlns:hx="http://ns.medbiq.org/lom/extend/v1/"'
)

RECORD = {
    "record_id": "CERT-1",
    "activity": {
        "id": "ACT-9",
        "title": 'Spasticity & <botulinum> "toxin" update',
        "kind": "internet-enduring",
        "start": "2025-02-01",
        "end": "2025-02-28",
        "provider": "Lakeside CME",
        "accreditor": "accme",
    },
    "learner": {
        "board": "abpmr",
        "board_id": "AB-123",
        "npi": "1234567893",
        "license_state": "TX",
        "license_number": "L-55",
        "first_name": "Ada",
        "last_name": "Moreno",
        "birth_date": "04/09",
        "email": "ada@example.org",
    },
    "completed_on": "2025-02-20",
    "credits": {"ama-pra-1": Decimal("2.00"), "sa-cme": Decimal("2.00"), "moc-points": 2},
    "topics": ["pain-management", "patient-safety"],
    "component": "self-assessment",
    "specialty_related": True,
    "status": "active",
    "consent": True,
}
LEAN = {
    "record_id": "L-1",
    "activity": {"title": "Grand rounds"},
    "learner": {"npi": "1234567893"},
    "completed_on": "2025-01-15",
    "credits": {"ama-pra-1": 1},
}


def _document(*records: dict) -> bytes:
    out = io.BytesIO()
    write_medbiq(records, out, "Lakeside CME")
    return out.getvalue()


def _reports(*reports: str, prolog: str = "") -> bytes:
    """A hand-written document around the given ActivityReport elements."""
    body = "".join(reports)
    return f"{prolog}<ActivityReports {NAMESPACES}>{body}</ActivityReports>".encode()


def _read(data: bytes) -> list[RawRow | BadRow]:
    return list(read_medbiq(io.BytesIO(data)))


def _only(data: bytes) -> RawRow:
    [row] = _read(data)
    assert isinstance(row, RawRow), row
    return row


def _value(row: RawRow, field: str) -> str:
    return row.values[FIELDS.index(field)]


def _refusal(data: bytes) -> str:
    """The FileRejected message, asserting it comes before the first row."""
    rows = read_medbiq(io.BytesIO(data))
    with pytest.raises(FileRejected) as caught:
        next(rows)
    return str(caught.value)


GOOD = "<ActivityReport><CreditCertificate><CreditID>OK-1</CreditID></CreditCertificate></ActivityReport>"


class _CountingStream(io.BytesIO):
    """Records the largest single read, to show the reader streams in chunks."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.largest = max(self.largest, len(data))
        return data


# --- reading reports ---------------------------------------------------------------------


def test_a_written_record_reads_back_into_the_completion_it_describes():
    row = _only(_document(RECORD))
    completion = validate(row, BOARDS, date.today())
    assert isinstance(completion, Completion), completion
    assert completion.key == "CERT-1"
    assert completion.activity_id == "ACT-9"
    assert completion.title == 'Spasticity & <botulinum> "toxin" update'
    assert completion.kind == "self-assessment"
    assert (completion.start, completion.end) == (date(2025, 2, 1), date(2025, 2, 28))
    assert (completion.provider, completion.accreditor) == ("Lakeside CME", "accme")
    assert completion.completed_on == date(2025, 2, 20)
    assert (completion.board, completion.board_id) == ("abpmr", "AB-123")
    assert completion.npi == "1234567893"
    assert (completion.license_state, completion.license_number) == ("TX", "L-55")
    assert (completion.first_name, completion.last_name) == ("Ada", "Moreno")
    assert (completion.birth_month, completion.birth_day) == (4, 9)
    assert completion.email == "ada@example.org"
    assert completion.credits == (
        ("ama-pra-1", Decimal("2.00")),
        ("moc-points", Decimal("2.00")),
        ("sa-cme", Decimal("2.00")),
    )
    assert completion.topics == ("pain-management", "patient-safety")
    assert completion.component == "self-assessment"
    assert completion.specialty_related is True
    assert completion.withdrawn is False


def test_every_element_of_a_hand_written_report_lands_in_its_field():
    report = """
    <ActivityReport>
      <Member>
        <m:UniqueID domain="NPI">1234567893</m:UniqueID>
        <m:UniqueID domain="ABPMR"> 7781 </m:UniqueID>
        <m:UniqueID domain="license:ny">209311</m:UniqueID>
        <m:Name><n:GivenName>Lee</n:GivenName><n:MiddleName>Q</n:MiddleName>
          <n:FamilyName>Okafor</n:FamilyName></m:Name>
        <m:EmailAddress>lee@example.org</m:EmailAddress>
        <m:BirthDate>12/31</m:BirthDate>
      </Member>
      <Activity>
        <ActivityName>Gait lab</ActivityName>
        <ProviderOrganization>Org that is not the accredited provider</ProviderOrganization>
        <ActivityID>G-7</ActivityID>
        <ActivityType>live</ActivityType>
        <StartDate>2025-04-01T08:00:00-05:00</StartDate>
        <EndDate>2025-04-02</EndDate>
        <LaunchAction>NOACTION</LaunchAction>
      </Activity>
      <Module><ModuleName>Day 1</ModuleName></Module>
      <CreditCertificate>
        <CreditID>C-77</CreditID>
        <CreditReceived>
          <hx:accreditingBody>AOA</hx:accreditingBody>
          <hx:accreditedProvider>Osteo Society</hx:accreditedProvider>
          <hx:releaseDate>2025-04-02T17:30:00Z</hx:releaseDate>
          <hx:numberOfCredits>6</hx:numberOfCredits>
        </CreditReceived>
      </CreditCertificate>
      <Status>withdrawn</Status>
    </ActivityReport>"""
    row = _only(_reports(report))
    assert row.values == raw(
        record_id="C-77",
        activity_id="G-7",
        activity_title="Gait lab",
        activity_kind="live",
        activity_start="2025-04-01",
        activity_end="2025-04-02",
        provider="Osteo Society",
        accreditor="aoa",
        completed_on="2025-04-02",
        board="abpmr",
        board_id="7781",
        npi="1234567893",
        license_state="NY",
        license_number="209311",
        first_name="Lee",
        last_name="Okafor",
        birth_date="12/31",
        email="lee@example.org",
        credits="aoa-1a=6",
        status="withdrawn",
    )


def test_several_credit_received_elements_give_several_credit_pairs():
    report = """<ActivityReport><CreditCertificate><CreditID>C</CreditID>
      <CreditReceived><hx:accreditingBody>ACCME</hx:accreditingBody>
        <hx:releaseDate>2025-01-02</hx:releaseDate><hx:numberOfCredits>1.5</hx:numberOfCredits>
        <CreditFocus><NumberOfCredits>1.5</NumberOfCredits></CreditFocus></CreditReceived>
      <CreditReceived><hx:accreditingBody>AAFP</hx:accreditingBody>
        <hx:releaseDate>2025-01-02</hx:releaseDate><hx:numberOfCredits>1.25</hx:numberOfCredits>
      </CreditReceived>
      <CreditReceived><hx:accreditingBody>ANCC</hx:accreditingBody>
        <hx:numberOfCredits>1.5</hx:numberOfCredits></CreditReceived>
      <MOCPoints>1.5</MOCPoints>
    </CreditCertificate></ActivityReport>"""
    row = _only(_reports(report))
    assert _value(row, "credits") == (
        "ama-pra-1=1.5;sa-cme=1.5;aafp-prescribed=1.25;ancc-contact-hour=1.5;moc-points=1.5"
    )
    assert _value(row, "accreditor") == "accme"  # the first body
    assert _value(row, "completed_on") == "2025-01-02"


@pytest.mark.parametrize(("body", "expected"), sorted(BODIES.items()))
def test_each_accrediting_body_designates_its_credit_type_and_accreditor(body, expected):
    report = (
        "<ActivityReport><CreditCertificate><CreditID>C</CreditID><CreditReceived>"
        f"<hx:accreditingBody>{body.lower()}</hx:accreditingBody>"
        "<hx:numberOfCredits>3</hx:numberOfCredits></CreditReceived>"
        "</CreditCertificate></ActivityReport>"
    )
    row = _only(_reports(report))
    credit_type, accreditor = expected
    assert (_value(row, "credits"), _value(row, "accreditor")) == (f"{credit_type}=3", accreditor)


def test_an_explicit_credit_type_overrides_the_body_and_an_accreditor_overrides_both():
    report = """<ActivityReport><Activity><ActivityName>T</ActivityName>
      <Accreditor>state-society</Accreditor></Activity>
      <CreditCertificate><CreditID>C</CreditID><CreditReceived>
        <hx:accreditingBody>ACCME</hx:accreditingBody><hx:creditType>ama-pra-2</hx:creditType>
        <hx:numberOfCredits>4</hx:numberOfCredits></CreditReceived></CreditCertificate>
    </ActivityReport>"""
    row = _only(_reports(report))
    assert (_value(row, "credits"), _value(row, "accreditor")) == ("ama-pra-2=4", "state-society")


def test_an_unknown_body_reaches_validation_as_an_unknown_credit_type():
    report = """<ActivityReport><CreditCertificate><CreditID>C</CreditID><CreditReceived>
      <hx:accreditingBody>Acme Board</hx:accreditingBody><hx:releaseDate>2025-01-02</hx:releaseDate>
      <hx:numberOfCredits>1</hx:numberOfCredits></CreditReceived></CreditCertificate>
      </ActivityReport>"""
    row = _only(_reports(report))
    assert _value(row, "accreditor") == ""
    problems = validate(row, BOARDS, date.today())
    assert isinstance(problems, list)
    assert ("credits", "unknown credit type 'Acme Board'") in [
        (problem.field, problem.message) for problem in problems
    ]


def test_the_provider_organization_is_used_when_no_accredited_provider_is_given():
    report = """<ActivityReport><Activity><ActivityName>T</ActivityName>
      <ProviderOrganization>Hospital A</ProviderOrganization></Activity>
      <CreditCertificate><CreditID>C</CreditID></CreditCertificate></ActivityReport>"""
    assert _value(_only(_reports(report)), "provider") == "Hospital A"
    report = report.replace(
        "<CreditID>C</CreditID>",
        "<CreditID>C</CreditID><CreditReceived><hx:nonAccreditedProvider>Partner B"
        "</hx:nonAccreditedProvider></CreditReceived>",
    )
    assert _value(_only(_reports(report)), "provider") == "Partner B"


def test_a_self_assessment_keyword_in_module_metadata_marks_the_component():
    lom = (
        '<lom:lom xmlns:lom="http://ltsc.ieee.org/xsd/LOM"><lom:general>'
        "<lom:keyword><lom:string>Neurology</lom:string></lom:keyword>"
        "<lom:keyword><lom:string> Self-Assessment </lom:string></lom:keyword>"
        "</lom:general></lom:lom>"
    )
    report = (
        f"<ActivityReport><Module><ModuleName>M</ModuleName><Metadata>{lom}</Metadata></Module>"
        "<CreditCertificate><CreditID>C</CreditID></CreditCertificate></ActivityReport>"
    )
    assert _value(_only(_reports(report)), "component") == "self-assessment"
    other = report.replace("Self-Assessment", "assessment of self-care")
    assert _value(_only(_reports(other)), "component") == ""


def test_an_explicit_component_element_wins_over_metadata():
    report = (
        "<ActivityReport><Module><Metadata>self assessment</Metadata></Module>"
        "<Module><Component>improvement-project</Component></Module>"
        "<CreditCertificate><CreditID>C</CreditID></CreditCertificate></ActivityReport>"
    )
    assert _value(_only(_reports(report)), "component") == "improvement-project"


def test_a_report_without_a_credit_id_is_a_row_that_validation_rejects():
    report = "<ActivityReport><Activity><ActivityName>T</ActivityName></Activity></ActivityReport>"
    row = _only(_reports(report))
    assert row.key == ""
    problems = validate(row, BOARDS, date.today())
    assert isinstance(problems, list)
    assert "record_id" in [problem.field for problem in problems]


def test_non_numeric_credits_pass_through_for_validation_to_report():
    report = (
        "<ActivityReport><CreditCertificate><CreditID>C</CreditID><CreditReceived>"
        "<hx:accreditingBody>ACCME</hx:accreditingBody>"
        "<hx:numberOfCredits>lots</hx:numberOfCredits></CreditReceived>"
        "</CreditCertificate></ActivityReport>"
    )
    row = _only(_reports(report))
    assert _value(row, "credits") == "ama-pra-1=lots"
    problems = validate(row, BOARDS, date.today())
    assert isinstance(problems, list)
    assert "'lots' is not a number" in [problem.message for problem in problems]


def test_a_separator_in_a_credit_amount_cannot_smuggle_extra_pairs():
    report = (
        "<ActivityReport><CreditCertificate><CreditID>C</CreditID><CreditReceived>"
        "<hx:accreditingBody>ACCME</hx:accreditingBody>"
        "<hx:numberOfCredits>1;moc-points=50</hx:numberOfCredits></CreditReceived>"
        "</CreditCertificate></ActivityReport>"
    )
    [row] = _read(_reports(report))
    assert isinstance(row, BadRow)
    assert row.problems[0].field == "credits"


def test_two_certificates_or_two_board_ids_in_one_report_make_a_bad_row():
    certificate = "<CreditCertificate><CreditID>C</CreditID></CreditCertificate>"
    [row] = _read(_reports(f"<ActivityReport>{certificate}{certificate}</ActivityReport>"))
    assert isinstance(row, BadRow) and row.key == "C"
    assert row.problems[0].message == "an ActivityReport holds one CreditCertificate"
    member = (
        '<Member><m:UniqueID domain="abpmr">1</m:UniqueID>'
        '<m:UniqueID domain="abim">2</m:UniqueID></Member>'
    )
    [row] = _read(_reports(f"<ActivityReport>{member}{certificate}</ActivityReport>"))
    assert isinstance(row, BadRow)
    assert {problem.field for problem in row.problems} == {"board", "board_id"}


def test_a_unique_id_needs_a_domain():
    report = "<ActivityReport><Member><m:UniqueID>99</m:UniqueID></Member></ActivityReport>"
    [row] = _read(_reports(report))
    assert isinstance(row, BadRow)
    assert row.problems[0].message == "m:UniqueID needs a domain attribute"


def test_credit_received_elements_with_different_release_dates_make_a_bad_row():
    received = (
        "<CreditReceived><hx:releaseDate>{}</hx:releaseDate>"
        "<hx:numberOfCredits>1</hx:numberOfCredits></CreditReceived>"
    )
    report = (
        "<ActivityReport><CreditCertificate><CreditID>C</CreditID>"
        + received.format("2025-01-02")
        + received.format("2025-01-03")
        + "</CreditCertificate></ActivityReport>"
    )
    [row] = _read(_reports(report))
    assert isinstance(row, BadRow)
    assert row.problems[0].field == "completed_on"


def test_rows_are_numbered_by_report_and_unknown_elements_are_ignored():
    data = _reports(
        GOOD,
        "<Unrelated><CreditID>no</CreditID></Unrelated>",
        GOOD.replace("OK-1", "OK-2"),
        prolog='<?xml version="1.0" encoding="UTF-8"?><!-- a comment -->',
    )
    rows = _read(data)
    assert [(row.number, row.key) for row in rows] == [(1, "OK-1"), (2, "OK-2")]
    assert rows[-1].end == len(data)


def test_labels_name_an_element_for_every_canonical_field():
    assert set(FIELDS) <= set(LABELS)
    assert LABELS["record_id"] == "CreditCertificate/CreditID"


# --- hostile and broken documents --------------------------------------------------------


def test_a_billion_laughs_document_is_refused_before_any_row():
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    prolog = f'<?xml version="1.0"?><!DOCTYPE ActivityReports [<!ENTITY lol0 "lol">{entities}]>'
    data = _reports(GOOD, "<ActivityReport><Status>&lol9;</Status></ActivityReport>", prolog=prolog)
    assert _refusal(data) == "The XML declares a DTD (<!DOCTYPE ...>); DTDs are not accepted."


def test_an_external_entity_is_refused_before_any_row():
    prolog = '<!DOCTYPE ActivityReports [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    report = GOOD.replace("OK-1", "&secret;")
    message = _refusal(_reports(GOOD, report, prolog=prolog))
    assert "DTD" in message
    assert "root:" not in message


def test_a_dtd_alone_is_refused():
    prolog = '<!DOCTYPE ActivityReports SYSTEM "http://example.com/activityreport.dtd">'
    assert "DTD" in _refusal(_reports(GOOD, prolog=prolog))


def test_the_row_pass_refuses_a_dtd_on_its_own_too(monkeypatch):
    # Defence in depth: if the syntax pass ever let a DTD through, defusedxml stops it.
    monkeypatch.setattr(medbiq, "_check", lambda stream: 1)
    prolog = '<!DOCTYPE ActivityReports [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    assert "DTD" in _refusal(_reports(GOOD.replace("OK-1", "&secret;"), prolog=prolog))


def test_an_undeclared_entity_reference_is_refused():
    message = _refusal(_reports(GOOD, GOOD.replace("OK-1", "&secret;")))
    assert message.startswith("The file is not well-formed XML: undefined entity (line 1")


def test_malformed_xml_after_good_reports_is_refused_before_any_row():
    data = _reports(GOOD, GOOD, "<ActivityReport><CreditID>x</Credit></ActivityReport>")
    assert _refusal(data).startswith("The file is not well-formed XML: mismatched tag")


def test_truncated_xml_is_refused_before_any_row():
    data = _document(LEAN, LEAN, LEAN)
    message = _refusal(data[: len(data) - 40])
    assert message.startswith("The file is not well-formed XML: ")


def test_binary_garbage_is_refused():
    assert "not well-formed" in _refusal(bytes(range(256)) * 4)
    assert "not well-formed" in _refusal(b"")


@pytest.mark.parametrize(
    ("start", "described"),
    [
        (f'<Reports xmlns="{AR}">', f"Reports in namespace {AR}"),
        ("<ActivityReports>", "ActivityReports without a namespace"),
        (
            '<ActivityReports xmlns="http://ns.medbiq.org/activityreport/v2/">',
            "ActivityReports in namespace http://ns.medbiq.org/activityreport/v2/",
        ),
    ],
)
def test_a_wrong_root_element_or_namespace_is_refused(start, described):
    name = start[1:].split(" ", 1)[0].rstrip(">")
    data = f"{start}{GOOD}</{name}>".encode()
    message = _refusal(data)
    assert message == (
        f"This is not a MedBiquitous Activity Report: the root element is {described}; "
        f"expected ActivityReports in namespace {AR}."
    )


def test_a_document_without_reports_is_refused():
    assert _refusal(_reports()) == "The file holds no ActivityReport elements."


def test_nesting_and_size_bombs_are_refused_before_any_row():
    deep = "<x>" * MAX_DEPTH + "</x>" * MAX_DEPTH
    message = _refusal(_reports(GOOD, f"<ActivityReport>{deep}</ActivityReport>"))
    assert message == f"The XML is nested more than {MAX_DEPTH} levels deep."
    nested = _reports(GOOD, f"<ActivityReport>{GOOD}</ActivityReport>")
    assert _refusal(nested) == "An ActivityReport must sit directly inside ActivityReports."
    wide = "<x/>" * (MAX_ELEMENTS_PER_REPORT + 1)
    message = _refusal(_reports(GOOD, f"<ActivityReport>{wide}</ActivityReport>"))
    assert message == "ActivityReport 2 has more than 10,000 elements."


# --- encodings and size ------------------------------------------------------------------


def test_a_byte_order_mark_and_other_declared_encodings_are_read():
    data = _document({**LEAN, "learner": {"npi": "1234567893", "first_name": "José"}})
    assert _value(_only(codecs.BOM_UTF8 + data), "first_name") == "José"
    utf16 = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert _value(_only(utf16), "first_name") == "José"
    latin = data.decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    assert _value(_only(latin), "first_name") == "José"


def test_a_big_file_streams_every_report_in_chunks():
    count = 20_000
    out = io.BytesIO()
    write_medbiq(({**LEAN, "record_id": f"L-{n}"} for n in range(1, count + 1)), out, "Org")
    stream = _CountingStream(out.getvalue())
    numbers = []
    last = None
    for row in read_medbiq(stream):
        numbers.append(row.number)
        last = row
    assert numbers == list(range(1, count + 1))
    assert isinstance(last, RawRow) and last.key == f"L-{count}"
    assert stream.largest <= 65_536  # never the whole file at once


# --- writing -----------------------------------------------------------------------------


def test_write_medbiq_writes_the_standard_shape():
    text = _document(RECORD).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<ActivityReports ')
    assert "<ReportingOrganization>Lakeside CME</ReportingOrganization>" in text
    assert '<m:UniqueID domain="abpmr">AB-123</m:UniqueID>' in text
    assert "<hx:accreditingBody>ACCME</hx:accreditingBody>" in text
    assert "<hx:creditType>" not in text  # ACCME already means ama-pra-1
    assert "<CreditFocus><NumberOfCredits>2.00</NumberOfCredits></CreditFocus>" in text
    assert "<MOCPoints>2</MOCPoints>" in text
    assert "&amp; &lt;botulinum&gt;" in text
    assert text.count("<ActivityReport>") == 1


def test_write_medbiq_names_credit_types_no_body_implies():
    record = {**LEAN, "credits": {"ama-pra-2": 3, "attendance": 1}}
    row = _only(_document(record))
    assert _value(row, "credits") == "ama-pra-2=3;attendance=1"


def test_write_medbiq_keeps_an_accreditor_the_body_does_not_imply():
    record = {**LEAN, "activity": {"title": "T", "accreditor": "state-society"}}
    row = _only(_document(record))
    assert _value(row, "accreditor") == "state-society"
    sa_only = {**LEAN, "credits": {"sa-cme": 1}, "activity": {"title": "T", "accreditor": "accme"}}
    row = _only(_document(sa_only))
    assert (_value(row, "credits"), _value(row, "accreditor")) == ("sa-cme=1", "accme")


def test_write_medbiq_accepts_a_text_stream():
    out = io.StringIO()
    write_medbiq([LEAN], out, "Org & Co")
    assert "<ReportingOrganization>Org &amp; Co</ReportingOrganization>" in out.getvalue()
    assert _only(out.getvalue().encode()).key == "L-1"


def test_open_reader_detects_an_activity_report_and_labels_its_elements():
    reader = open_reader(io.BytesIO(_document(RECORD, LEAN)))
    assert reader.format == "medbiq"
    assert reader.label("record_id") == "CreditCertificate/CreditID"
    assert [row.key for row in reader.rows] == ["CERT-1", "L-1"]
