"""Hostile partner files: CSV, PARS tab files, JSON and MedBiquitous XML, through the
job that imports them and through the web form and the API.

Whatever the bytes, a file either imports (valid rows land, invalid ones are listed) or
the job fails with the reporter's reason and stores no record, entry or row error. No
other exception may escape the readers.
"""

from __future__ import annotations

import builtins
import io
import json
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cmeledger import conftest as suite_fixtures
from cmeledger.accounts.models import Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.ledger.models import CreditEntry, EntryTopic
from cmeledger.reporting import jobs, sample, services
from cmeledger.reporting.formats import CSV_COLUMNS, PARS_COLUMNS
from cmeledger.reporting.models import ReportedRecord, RowError, Submission, SubmissionStatus

pytestmark = pytest.mark.django_db
# `import *` skips underscored names, so the suite's autouse fixture (uploads in a temporary
# directory, tasks run inline) is taken by name.
_media_in_tmp = suite_fixtures._media_in_tmp

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORMATS = ("csv", "pars", "json", "medbiq")
AR = "http://ns.medbiq.org/activityreport/v1/"


@pytest.fixture
def org(organization, board):
    """The suite's organization, with an agreement covering licenses and ABPMR."""
    return sample.ensure_organization(organization.slug)


def valid_file(format: str, rows: int = 3) -> bytes:
    out = io.StringIO()
    sample.write_sample(out, format, "acme-cme", rows=rows, clinicians=rows, seed=3)
    return out.getvalue().encode("utf-8")


def stored() -> tuple[int, int, int, int]:
    return (
        ReportedRecord.objects.count(),
        CreditEntry.objects.count(),
        EntryTopic.objects.count(),
        RowError.objects.count(),
    )


def run_file(org, data: bytes, format: str = "auto", encoding: str = "") -> Submission:
    """Store the file as an upload would and run its job here; any exception other than
    the reader's refusal escapes and fails the test."""
    upload = SimpleUploadedFile("partner.dat", data)
    submission = jobs.submit_file(
        org, upload, user=None, format=format, encoding=encoding, enqueue=False
    )
    return jobs.run(submission)


def assert_imported_or_refused(org, data: bytes, format: str = "auto", encoding: str = ""):
    before = stored()
    submission = run_file(org, data, format, encoding)
    assert submission.status in (SubmissionStatus.DONE, SubmissionStatus.FAILED)
    event(f"{submission.status}, {submission.created} created, {submission.invalid} invalid")
    if submission.status == SubmissionStatus.FAILED:
        assert submission.message.strip(), "a refused file must say why"
        assert stored() == before, f"a refused file stored rows: {submission.message}"
        assert (
            not ReportedRecord.objects.filter(submission=submission).exists()
            and not submission.errors.exists()
        )
    else:
        assert submission.message == ""
        counted = submission.created + submission.updated + submission.unchanged
        counted += submission.withdrawn + submission.invalid
        assert (
            ReportedRecord.objects.filter(submission=submission).count()
            <= submission.created + submission.updated
        )
        assert counted <= submission.rows_done
    return submission


def refused(org, data: bytes, format: str = "auto", encoding: str = "") -> str:
    before = stored()
    submission = run_file(org, data, format, encoding)
    assert submission.status == SubmissionStatus.FAILED, submission.counts()
    assert stored() == before
    return submission.message


# --- generated files -----------------------------------------------------------------------

SNIPPETS = [
    b"\x00",
    b'"',
    b'""',
    b"\r",
    b"\n",
    b"\r\n",
    b",",
    b"\t",
    b";",
    b"=",
    b"|",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xed\xa0\x80",  # a UTF-8 encoded surrogate
    "é".encode("cp1252"),
    b"<!DOCTYPE r>",
    b'<!ENTITY x "y">',
    b"&x;",
    b"&#0;",
    b"<![CDATA[",
    b"]]>",
    b"<?pi x?>",
    b"<",
    b">",
    b"</ActivityReport>",
    b"<ActivityReport>",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"records":',
    b"\\u0000",
    b"\\ud800",
    b"null",
    b"-1e999999",
    b"9" * 1_200,
    b"x" * 12_000,  # past the CSV field limit
]


@st.composite
def corrupted(draw, valid: bytes) -> bytes:
    """A valid file, then one to three edits: cut, insert, delete, flip, repeat a line,
    swap delimiters or re-encode."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 3))):
        body = min(max(bytes(data).find(b"\n"), 0), len(data))  # past the header, mostly
        at = draw(st.integers(body, len(data)) | st.integers(0, len(data)))
        how = draw(
            st.sampled_from(
                ["cut", "insert", "delete", "flip", "repeat", "delimiters", "encode", "huge"]
            )
        )
        if how == "cut":
            data = data[:at]
        elif how == "insert":
            piece = draw(st.sampled_from(SNIPPETS) | st.binary(min_size=1, max_size=8))
            data[at:at] = piece
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif how == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif how == "repeat":
            lines = bytes(data).split(b"\n")
            line = draw(st.sampled_from(lines))
            lines.insert(draw(st.integers(0, len(lines))), line)
            data = bytearray(b"\n".join(lines))
        elif how == "delimiters":
            old, new = draw(st.sampled_from([(b",", b"\t"), (b"\t", b","), (b",", b";")]))
            data = bytearray(bytes(data).replace(old, new, draw(st.integers(1, 30))))
        elif how == "encode":
            text = bytes(data).decode("utf-8", "replace")
            encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "cp1252"]))
            data = bytearray(text.encode(encoding, "replace"))
        elif how == "huge":
            data[at:at] = draw(st.sampled_from([b"A", b"9", b"<a>", b"[", b'"x",'])) * 20_000
    return bytes(data)


cell = st.sampled_from(
    [
        "R-1",
        "2025-03-01",
        "03/01/2025",
        "ama-pra-1",
        "1.5",
        "-1",
        "abpmr",
        "P1",
        "1000000004",
        "ethics",
        "",
        " ",
        "yes",
        "withdrawn",
        "2025-02-30",
        "1e9",
        "NaN",
    ]
) | st.text(max_size=12)


@st.composite
def delimited(draw, columns: list[str], delimiter: str) -> tuple[bytes, str]:
    """A header of known, unknown, missing and repeated columns, rows of any width, and
    cells split by the right, a wrong or a mixed delimiter."""
    header = draw(st.lists(st.sampled_from(columns) | st.text(max_size=8), max_size=12))
    rows = draw(st.lists(st.lists(cell, max_size=14), max_size=4))
    choices = st.sampled_from([delimiter] * 5 + [",", "\t", ";", "|", ""])
    lines = [draw(choices).join(header) if header else ""]
    for row in rows:
        text = ""
        for position, value in enumerate(row):
            quoted = draw(st.booleans())
            value = f'"{value}"' if quoted else value
            text += (draw(choices) if position else "") + value
        lines.append(text)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp1252", "utf-16"]))
    return newline.join(lines).encode(encoding, "replace"), draw(
        st.sampled_from(["", "", encoding])
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["\x00", "2025-03-01", "ama-pra-1", "x" * 400]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))
    yield path


@st.composite
def mistyped_json(draw) -> bytes:
    """The sample JSON file with a value anywhere replaced by a value of any type."""
    document = json.loads(valid_file("json"))
    path = draw(st.sampled_from(list(_paths(document))))
    value = draw(json_values)
    if not path:
        return json.dumps(value).encode()
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return json.dumps(document).encode()


@HYPOTHESIS
@given(data=st.binary(max_size=600), format=st.sampled_from(("auto", *FORMATS)))
def test_arbitrary_bytes_in_any_declared_format_are_imported_or_refused_with_a_reason(
    org, data, format
):
    assert_imported_or_refused(org, data, format)


@HYPOTHESIS
@given(
    text=st.text(max_size=400),
    format=st.sampled_from(("auto", *FORMATS)),
    encoding=st.sampled_from(["", "utf-8", "cp1252", "utf-16", "latin-1", "base64", "rot13"]),
)
def test_arbitrary_text_under_any_declared_encoding_is_imported_or_refused_with_a_reason(
    org, text, format, encoding
):
    assert_imported_or_refused(org, text.encode("utf-8", "surrogatepass"), format, encoding)


@pytest.mark.parametrize("format", FORMATS)
def test_a_corrupted_file_of_each_format_is_imported_or_refused_with_a_reason(org, format):
    valid = valid_file(format)

    @HYPOTHESIS
    @given(data=corrupted(valid), declared=st.sampled_from(["auto", format]))
    def check(data, declared):
        assert_imported_or_refused(org, data, declared)

    check()


@pytest.mark.parametrize(
    ("format", "columns", "delimiter"),
    [
        ("csv", list(CSV_COLUMNS), ","),
        ("pars", list(PARS_COLUMNS), "\t"),
    ],
)
def test_delimited_files_with_wrong_columns_and_mixed_delimiters_never_crash(
    org, format, columns, delimiter
):
    @HYPOTHESIS
    @given(file=delimited(columns, delimiter), declared=st.sampled_from(["auto", format]))
    def check(file, declared):
        data, encoding = file
        assert_imported_or_refused(org, data, declared, encoding)

    check()


@HYPOTHESIS
@given(data=mistyped_json())
def test_json_records_with_values_of_the_wrong_type_are_row_errors_or_refusals(org, data):
    assert_imported_or_refused(org, data, "json")


# --- XML: entities, DTDs, external references, bombs ---------------------------------------

REPORTS_OPEN = f'<ActivityReports xmlns="{AR}">'
REPORT = (
    "<ActivityReport><CreditCertificate><CreditID>X-1</CreditID></CreditCertificate>"
    "<Activity><ActivityName>{title}</ActivityName></Activity></ActivityReport>"
)


def xml(prolog: str, title: str = "Stroke update") -> bytes:
    body = REPORT.format(title=title)
    return f'<?xml version="1.0"?>\n{prolog}\n{REPORTS_OPEN}{body}</ActivityReports>'.encode()


@pytest.fixture
def nothing_read(monkeypatch):
    """Fail on any network connection and record any file opened outside the upload."""
    opened: list[str] = []
    real_open = builtins.open

    def spying_open(file, *args, **kwargs):
        if str(file).endswith(("/etc/passwd", ".dtd")):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def no_network(*args, **kwargs):
        raise AssertionError(f"the parser tried to connect: {args}")

    monkeypatch.setattr(builtins, "open", spying_open)
    monkeypatch.setattr(io, "open", spying_open)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    yield opened
    assert opened == [], f"the parser opened {opened}"


BILLION_LAUGHS = xml(
    "<!DOCTYPE ActivityReports [\n"
    '<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + "]>",
    title="&lol9;",
)


def test_a_billion_laughs_file_is_refused_and_nothing_is_stored(org, nothing_read):
    message = refused(org, BILLION_LAUGHS, "medbiq")
    assert message == "The XML declares a DTD (<!DOCTYPE ...>); DTDs are not accepted."
    assert refused(org, BILLION_LAUGHS) == message  # detected as XML too


def test_a_quadratic_blowup_file_is_refused_and_nothing_is_stored(org):
    blowup = xml(f'<!DOCTYPE ActivityReports [<!ENTITY a "{"x" * 50_000}">]>', title="&a;" * 50_000)
    assert "DTDs are not accepted" in refused(org, blowup)


def test_an_internal_entity_without_a_doctype_is_refused_as_undeclared(org):
    assert "undefined entity" in refused(org, xml("", title="&lol9;"))


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE ActivityReports [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE ActivityReports [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
        '<!DOCTYPE ActivityReports [<!ENTITY x PUBLIC "-//x//y" "file:///etc/passwd">]>',
    ],
)
def test_an_external_entity_naming_etc_passwd_is_refused_and_nothing_is_read(
    org, nothing_read, prolog
):
    message = refused(org, xml(prolog, title="&x;"))
    assert "not accepted" in message and "root:" not in message


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE ActivityReports SYSTEM "http://dtd.example.invalid/report.dtd">',
        '<!DOCTYPE ActivityReports PUBLIC "-//x//y" "file:///etc/passwd">',
    ],
)
def test_an_external_dtd_is_refused_without_fetching_it(org, nothing_read, prolog):
    assert "DTDs are not accepted" in refused(org, xml(prolog))


def test_an_xinclude_of_etc_passwd_is_an_unknown_element_and_never_followed(org, nothing_read):
    include = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
        'parse="text"/>'
    )
    before = stored()
    submission = run_file(org, xml("", title=f"Stroke {include}update"))
    assert submission.status == SubmissionStatus.DONE
    assert submission.invalid == 1 and stored()[0] == before[0]  # no learner: a row error
    assert not ReportedRecord.objects.filter(payload__contains="root:").exists()


def test_xml_nested_100000_levels_deep_is_refused_and_nothing_is_stored(org):
    deep = (REPORTS_OPEN + "<a>" * 100_000 + "</a>" * 100_000 + "</ActivityReports>").encode()
    assert refused(org, deep) == "The XML is nested more than 32 levels deep."


def test_a_report_of_a_million_elements_is_refused_and_nothing_is_stored(org):
    wide = (
        REPORTS_OPEN + "<ActivityReport>" + "<x/>" * 1_000_000 + "</ActivityReport>"
        "</ActivityReports>"
    ).encode()
    assert "more than 10,000 elements" in refused(org, wide)


# --- JSON and delimited: absurd sizes --------------------------------------------------------


def test_json_nested_100000_levels_deep_is_refused_and_nothing_is_stored(org):
    deep = ('{"records": [{"activity": ' + "[" * 100_000 + "]" * 100_000 + "}]}").encode()
    assert refused(org, deep) == "The JSON is nested more than 8 levels deep."
    top = ("[" * 100_000 + "]" * 100_000).encode()
    assert "its top level is a list" in refused(org, top)


def test_a_json_number_of_a_million_digits_is_refused_and_nothing_is_stored(org):
    huge = b'{"records": [{"record_id": ' + b"7" * 1_000_000 + b"}]}"
    assert "longer than 1,000 digits" in refused(org, huge)


def test_a_csv_header_of_10_mb_is_refused_and_nothing_is_stored(org):
    header = b"record_id,activity_title," + b"x" * 10_000_000 + b"\nR-1,Stroke,2025-01-01\n"
    assert refused(org, header) == (
        "The header row cannot be read: field larger than field limit (10000)."
    )


def test_a_csv_line_of_10_mb_is_a_row_error_and_the_other_rows_still_land(org):
    lines = valid_file("csv").split(b"\r\n")
    lines[1] = lines[1][:20] + b"x" * 10_000_000
    before = stored()
    submission = run_file(org, b"\r\n".join(lines))
    assert submission.status == SubmissionStatus.DONE
    error = RowError.objects.get(submission=submission)
    assert (error.row, error.field, error.message) == (
        2,
        "row",
        "cannot be read: field larger than field limit (10000)",
    )
    assert submission.created == 2 and stored()[0] == before[0] + 2
    assert not ReportedRecord.objects.filter(payload__contains="x" * 10_001).exists()


def test_a_bad_byte_past_the_first_64_kb_refuses_the_whole_file_and_stores_nothing(org, settings):
    settings.REPORTING_BATCH_ROWS = 50  # the earlier rows would be whole batches
    for format in ("csv", "pars"):
        data = valid_file(format, rows=600)
        assert len(data) > 65_536
        cut = data.rindex(b"\n", 0, len(data) - 2)
        broken = data[:cut] + b"\nR-\xe9" + data[cut + 4 :]  # cp1252, not UTF-8
        message = refused(org, broken, format)
        assert message.startswith("The file stops being valid UTF-8 text part way through")
        assert "declare its encoding" in message


def test_a_nul_byte_past_the_first_64_kb_refuses_a_delimited_file(org, settings):
    settings.REPORTING_BATCH_ROWS = 50
    data = valid_file("csv", rows=600)
    broken = data[:-10] + b"\x00" + data[-10:]
    message = refused(org, broken)
    assert message.startswith("This is not a text file: it holds binary content (a NUL byte")


def test_a_nul_character_in_a_json_record_is_a_row_error_and_nothing_is_stored(org):
    document = json.loads(valid_file("json"))
    document["records"][0]["activity"]["title"] = "Stroke\u0000update"
    document["records"][1]["record_id"] = "R-\u0000"
    document["records"][2]["nul\u0000key"] = 1
    before = stored()
    submission = run_file(org, json.dumps(document).encode())
    assert submission.status == SubmissionStatus.DONE and submission.invalid == 3
    messages = set(submission.errors.values_list("field", "message"))
    assert ("activity.title", "contains a NUL character, which is not text") in messages
    assert ("record_id", "contains a NUL character, which is not text") in messages
    assert ("nul\ufffdkey", "unknown field 'nul\ufffdkey'") in messages
    assert stored()[:3] == before[:3]


def test_a_file_over_the_upload_limit_is_refused_before_anything_is_stored(org, settings):
    settings.REPORTING_MAX_FILE_BYTES = 1_048_576
    with pytest.raises(jobs.SubmissionTooLarge, match="files may be at most 1 MB"):
        jobs.submit_file(org, SimpleUploadedFile("big.csv", b"x" * 1_048_577), user=None)
    assert not Submission.objects.exists()


@pytest.mark.parametrize("encoding", ["base64", "zlib", "rot13", "hex"])
def test_a_codec_that_is_not_a_text_encoding_is_refused_with_a_reason(org, encoding):
    message = refused(org, valid_file("csv"), encoding=encoding)
    assert message == (f"'{encoding}' is not a text encoding; declare one such as utf-8 or cp1252.")


# --- through the API and the web form -------------------------------------------------------

FILES = "/api/v1/reports/files"
BATCH = "/api/v1/reports/completions"


@pytest.fixture
def api(org) -> Client:
    user = User.objects.create_user(
        "script@acme.example.org", PASSWORD, role=Role.ORGANIZATION, organization=org
    )
    _, key = services.issue_token(user, "ci")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_the_api_answers_413_for_a_file_over_the_limit_and_stores_nothing(api, settings):
    settings.REPORTING_MAX_FILE_BYTES = 1_048_576
    upload = SimpleUploadedFile("big.csv", b"x" * 1_048_577)
    response = api.post(FILES, {"file": upload})
    assert response.status_code == 413
    assert response.json() == {
        "error": "The file is 1.0 MB; files may be at most 1 MB. Split it into several files."
    }
    assert not Submission.objects.exists()


def test_a_billion_laughs_upload_through_the_api_fails_its_job_and_stores_nothing(
    api, django_capture_on_commit_callbacks, nothing_read
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(FILES, {"file": SimpleUploadedFile("laughs.xml", BILLION_LAUGHS)})
    assert response.status_code == 202, response.content
    job = api.get(f"/api/v1/reports/jobs/{response.json()['id']}").json()
    assert job["status"] == "failed"
    assert job["message"] == "The XML declares a DTD (<!DOCTYPE ...>); DTDs are not accepted."
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "body",
    [
        '{"records": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"records": [{"record_id": ' + "9" * 100_000 + "}]}",
        '{"records": [',
        "\x00\x00",
    ],
)
def test_a_hostile_json_batch_through_the_api_is_400_and_stores_nothing(api, body):
    response = api.post(BATCH, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "Cannot parse request body"}
    assert not Submission.objects.exists() and stored() == (0, 0, 0, 0)


def test_nul_characters_in_an_api_batch_refuse_it_naming_the_record_and_store_nothing(api):
    # As everywhere in the API (cmeledger/lib/nul.py); a file's rows still get row errors.
    record = json.loads(valid_file("json"))["records"][0]
    record["record_id"] = "R-\u0000"
    response = api.post(BATCH, json.dumps({"records": [record]}), content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"records.0.record_id": ["Must not contain NUL characters (\\u0000)."]}
    }
    assert stored()[:3] == (0, 0, 0)


def test_the_web_upload_form_refuses_an_oversized_file_with_the_reason(
    org, org_member, client, settings
):
    settings.REPORTING_MAX_FILE_BYTES = 1_048_576
    client.force_login(org_member)
    upload = SimpleUploadedFile("big.csv", b"x" * 1_048_577)
    response = client.post("/organization/submissions/new/", {"file": upload, "format": "auto"})
    assert response.status_code == 400
    assert "files may be at most 1 MB" in response.content.decode()
    assert not Submission.objects.exists()


def test_an_external_entity_uploaded_through_the_web_form_fails_with_the_reason(
    org, org_member, client, django_capture_on_commit_callbacks, nothing_read
):
    client.force_login(org_member)
    hostile = xml('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', title="&x;")
    upload = SimpleUploadedFile("x.xml", hostile)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organization/submissions/new/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "DTDs are not accepted" in page
    assert Submission.objects.get().status == SubmissionStatus.FAILED
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize("declared", ["TF-8", "base64", "shift_jis", "idna", "x" * 300])
def test_an_xml_declaration_naming_an_unreadable_encoding_is_refused_with_a_reason(org, declared):
    data = xml("").replace(b'version="1.0"', f'version="1.0" encoding="{declared}"'.encode())
    message = refused(org, data)
    assert message.startswith("The XML declaration names an encoding that cannot be read")
