"""Hostile portable ledgers: the JSON file and its zip, through `ledger import`.

A file is either imported whole or refused with LedgerFileError listing each problem
with its path, and then nothing is stored: no account, entry, revision, certificate row
or certificate file. Zip bombs, traversal names, nested, encrypted and damaged archives
are refused before anything is expanded or written.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmeledger import conftest as suite_fixtures
from cmeledger.accounts.models import Certification, ClinicianProfile, License, Organization, User
from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import Certificate, CreditEntry, EntryRevision, EntryTopic
from cmeledger.ledger.testing import entry_fields, make_huge_png_header, make_image, make_pdf
from cmeledger.portable import ledger_import
from cmeledger.portable.ledger_import import LedgerFileError, import_bytes
from cmeledger.requirements.models import Enrollment

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
TABLES = (
    User,
    ClinicianProfile,
    License,
    Certification,
    Organization,
    Enrollment,
    Certificate,
    CreditEntry,
    EntryTopic,
    EntryRevision,
)


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


@pytest.fixture
def exported(alice, board, organization, tmp_path) -> tuple[dict, dict[str, bytes]]:
    """Alice's ledger (license, certification, two certificates, entries) as a JSON-only
    document and as the zip's members; Alice is then deleted, so an import would create
    it all."""
    License.objects.create(clinician=alice, state="TX", number="Q1", expires_on=date(2027, 8, 31))
    Certification.objects.create(
        clinician=alice,
        board=board,
        board_id_number="7788",
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    pdf = store_certificate(alice, make_pdf("Hostile"), "a.pdf").certificate
    png = store_certificate(alice, make_image("PNG"), "b.png").certificate
    services.create_entry(alice, alice, entry_fields(), topics=["ethics"], certificates=[pdf, png])
    services.create_entry(alice, alice, entry_fields(title="Second", credits="1.00"))
    target = tmp_path / "alice.zip"
    call_command(
        "ledger", "export", alice.email, "--with-files", "-o", str(target), stderr=io.StringIO()
    )
    with zipfile.ZipFile(target) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for certificate in Certificate.objects.all():
        certificate.file.delete(save=False)
    alice.delete()
    document = json.loads(members["ledger.json"])
    for certificate in document["certificates"]:
        certificate["file"] = None  # as a JSON-only export writes it
    return document, members


def snapshot(media: Path) -> tuple:
    files = sorted(str(path) for path in media.rglob("*") if path.is_file())
    return (*(model.objects.count() for model in TABLES), files)


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def imported_or_refused(media: Path, data: bytes) -> bool:
    """True if imported; a refusal must list its problems and leave everything as it was."""
    before = snapshot(media)
    try:
        import_bytes(data)
    except LedgerFileError as error:
        assert error.problems and all(isinstance(p, str) and p.strip() for p in error.problems)
        assert snapshot(media) == before, f"a refused file stored something: {error.problems}"
        return False
    return True


def refused(media: Path, data: bytes) -> list[str]:
    before = snapshot(media)
    with pytest.raises(LedgerFileError) as caught:
        import_bytes(data)
    assert snapshot(media) == before
    return caught.value.problems


# --- generated files ---------------------------------------------------------------------

hostile_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "x" * 10_000,
            "2025-02-30",
            "9999-12-31T23:59:59Z",
            "0001-01-01",
            "1e400",
            "NaN",
            "-0",
            "0.125",
            "00000000-0000-0000-0000-000000000000",
            "../../etc/passwd",
            "certificates/../../x.pdf",
            "ledger.json",
            "abpmr",
            "TX",
            "MD",
            "ama-pra-1",
            "ethics",
            "created",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=5,
)


def _locations(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _locations(value, (*path, index))
    yield path


@st.composite
def mangled(draw, document: dict) -> dict:
    """The document with one to three edits: a value of any type anywhere, a key dropped
    or added, a list item repeated."""
    document = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_locations(document))))
        if not path:
            continue
        node = document
        for part in path[:-1]:
            node = node[part]
        how = draw(st.sampled_from(["replace", "replace", "drop", "add", "repeat"]))
        if how == "replace":
            node[path[-1]] = draw(hostile_values)
        elif how == "drop":
            del node[path[-1]]
        elif how == "add" and isinstance(node, dict):
            node[draw(st.text(max_size=10))] = draw(hostile_values)
        elif how == "repeat" and isinstance(node, list):
            node.append(json.loads(json.dumps(node[path[-1]])))
    return document


def _corrupt(draw, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(buffer)))
        how = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if how == "cut":
            buffer = buffer[:at]
        elif how == "flip" and at < len(buffer):
            buffer[at] ^= draw(st.integers(1, 255))
        elif how == "insert":
            buffer[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif how == "delete":
            del buffer[at : at + draw(st.integers(1, 64))]
    return bytes(buffer)


@HYPOTHESIS
@given(data=st.binary(max_size=600) | st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b))
def test_arbitrary_bytes_are_refused_as_a_ledger_and_nothing_is_stored(media, data):
    assert not imported_or_refused(media, data)


def test_a_mangled_ledger_is_imported_or_refused_with_reasons_and_stores_nothing(media, exported):
    document, _ = exported

    @HYPOTHESIS
    @given(mangled(document))
    def check(changed):
        imported_or_refused(media, json.dumps(changed).encode())

    check()


def test_a_corrupted_ledger_zip_is_imported_or_refused_and_stores_nothing(media, exported):
    _, members = exported
    valid = zip_of(members, zipfile.ZIP_STORED)

    @HYPOTHESIS
    @given(data=st.data())
    def check(data):
        imported_or_refused(media, _corrupt(data.draw, valid))

    check()


member_names = st.sampled_from(
    [
        "../evil.json",
        "/etc/cron.d/x",
        "C:\\Windows\\x",
        "c:evil",
        "certificates/../../x",
        "ok/../../x",
        "ledger.json",
        "ledger.json/",
        "certificates/",
        "nested.zip",
        "é" * 200,
    ]
) | st.text(min_size=1, max_size=20).filter(lambda name: name.split("\x00")[0])


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
def test_extra_zip_members_of_any_name_and_content_never_crash_the_import(media, exported):
    _, members = exported

    @HYPOTHESIS
    @given(
        extra=st.dictionaries(member_names, st.binary(max_size=64), max_size=4),
        compression=st.sampled_from(
            [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
        ),
    )
    def check(extra, compression):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
            for name, data in {**members, **extra}.items():
                archive.writestr(name, data)
            for name in extra:  # written twice: the copy read would be the zip tool's choice
                if name == "ledger.json":
                    archive.writestr(name, b"{}")
        imported_or_refused(media, buffer.getvalue())

    check()


# --- zip bombs and hostile archives ---------------------------------------------------------


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Make the local and central headers of `name` claim `size` uncompressed bytes."""
    buffer = bytearray(data)
    local = buffer.find(b"PK\x03\x04")
    while local >= 0:
        length = struct.unpack_from("<H", buffer, local + 26)[0]
        if buffer[local + 30 : local + 30 + length] == name:
            struct.pack_into("<I", buffer, local + 22, size)
        local = buffer.find(b"PK\x03\x04", local + 4)
    central = buffer.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", buffer, central + 28)[0]
        if buffer[central + 46 : central + 46 + length] == name:
            struct.pack_into("<I", buffer, central + 24, size)
        central = buffer.find(b"PK\x01\x02", central + 4)
    return bytes(buffer)


def test_a_zip_member_that_expands_to_100_mb_is_refused_as_a_bomb_before_expanding(media, exported):
    _, members = exported
    bomb = zip_of({**members, "certificates/bomb.pdf": b"\0" * 100_000_000})
    assert len(bomb) < 200_000
    problems = refused(media, bomb)
    assert any(
        p.startswith("certificates/bomb.pdf: compressed ") and "zip bomb" in p for p in problems
    )


def test_a_zip_member_claiming_four_gigabytes_is_refused_before_it_is_read(media, exported):
    _, members = exported
    data = _patch_sizes(
        zip_of({**members, "certificates/big.pdf": b"x" * 1000}),
        b"certificates/big.pdf",
        0xFFFF_FFF0,
    )
    problems = refused(media, data)
    assert any("certificates/big.pdf: compressed" in p and "zip bomb" in p for p in problems)


def test_zip_members_claiming_more_than_4_gib_in_total_are_refused(media, exported, monkeypatch):
    _, members = exported
    monkeypatch.setattr(ledger_import, "MAX_COMPRESSION_RATIO", 10**9)  # only the total counts
    extra = {f"certificates/{n}.pdf": b"x" * 100 for n in range(3)}
    data = zip_of({**members, **extra}, zipfile.ZIP_STORED)
    for name in extra:
        data = _patch_sizes(data, name.encode(), 0xFFFF_FFF0)
    assert "the zip expands to more than 4 GiB" in refused(media, data)


def test_a_member_whose_header_understates_its_size_is_refused_as_damaged(media, exported):
    _, members = exported
    padded = members["ledger.json"] + b" " * 1_000_000
    data = _patch_sizes(zip_of({**members, "ledger.json": padded}), b"ledger.json", 1_000)
    problems = refused(media, data)
    assert problems == ["ledger.json: damaged in the zip (Bad CRC-32 for file 'ledger.json')"]


def test_a_zip_of_more_than_20000_members_is_refused(media, exported):
    _, members = exported
    many = {f"x/{n}": b"" for n in range(20_001)}
    problems = refused(media, zip_of({**members, **many}, zipfile.ZIP_STORED))
    assert problems == [f"the zip holds {20_001 + len(members)} files; at most 20000"]


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/x", "/etc/passwd", "C:\\evil.pdf", "c:evil", "a/../../b"]
)
def test_a_path_traversal_member_name_is_refused(media, exported, name):
    _, members = exported
    problems = refused(media, zip_of({**members, name: b"boom"}))
    assert problems == [f"{name}: unsafe path in the zip"]


def test_a_zip_nested_inside_the_ledger_zip_is_not_opened(media, exported):
    _, members = exported
    inner = zip_of(members)
    assert refused(media, zip_of({"ledger.json": inner})) == ["ledger.json: not UTF-8 text"]
    assert refused(media, zip_of({"inner.zip": inner})) == ["the zip has no ledger.json"]


def test_a_certificate_that_is_a_zip_is_refused_as_not_a_certificate(media, exported):
    _, members = exported
    document = json.loads(members["ledger.json"])
    name = document["certificates"][0]["file"]
    members = {**members, name: zip_of({"ledger.json": b"{}"})}
    problems = refused(media, zip_of(members))
    assert any("sha256: does not match" in p for p in problems)


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
def test_two_ledger_json_members_are_refused_as_ambiguous(media, exported):
    _, members = exported
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ledger.json", members["ledger.json"])
        archive.writestr("ledger.json", b'{"format": "other"}')
    assert refused(media, buffer.getvalue()) == ["ledger.json: appears twice in the zip"]


def test_an_encrypted_member_is_refused_without_asking_for_a_password(media, exported):
    _, members = exported
    data = bytearray(zip_of({"ledger.json": members["ledger.json"]}, zipfile.ZIP_STORED))
    data[6] |= 0x1
    data[data.find(b"PK\x01\x02") + 8] |= 0x1
    assert refused(media, bytes(data)) == [
        "ledger.json: encrypted; export the ledger without a password"
    ]


def test_an_unknown_compression_method_is_refused(media, exported):
    _, members = exported
    data = bytearray(zip_of({"ledger.json": members["ledger.json"]}, zipfile.ZIP_STORED))
    struct.pack_into("<H", data, 8, 99)
    struct.pack_into("<H", data, data.find(b"PK\x01\x02") + 10, 99)
    assert refused(media, bytes(data)) == [
        "ledger.json: compressed with a method this install cannot read"
    ]


def test_a_member_with_a_bad_checksum_is_refused_as_damaged(media, exported):
    _, members = exported
    data = bytearray(zip_of({"ledger.json": members["ledger.json"]}, zipfile.ZIP_STORED))
    at = data.find(b"cmeledger-ledger")
    data[at] = ord("X")
    assert refused(media, bytes(data)) == [
        "ledger.json: damaged in the zip (Bad CRC-32 for file 'ledger.json')"
    ]


def test_a_certificate_image_bomb_inside_the_zip_is_refused(media, exported):
    _, members = exported
    document = json.loads(members["ledger.json"])
    bomb = make_huge_png_header()
    cert = next(c for c in document["certificates"] if c["content_type"] == "image/png")
    cert["sha256"] = hashlib.sha256(bomb).hexdigest()
    members = {
        **members,
        cert["file"]: bomb,
        "ledger.json": json.dumps(document).encode(),
    }
    problems = refused(media, zip_of(members))
    assert problems == [
        "certificates[1].file: The image has more than 179 megapixels; images may have at "
        "most 40 megapixels."
    ]


# --- JSON: absurd sizes and text no database holds -------------------------------------------


def test_json_nested_100000_levels_deep_is_refused_and_nothing_is_stored(media):
    deep = b'{"format": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert refused(media, deep) == ["ledger.json: nested too deeply"]


def test_a_number_of_a_million_digits_is_refused_and_nothing_is_stored(media):
    huge = b'{"format": ' + b"9" * 1_000_000 + b"}"
    assert refused(media, huge) == ["ledger.json: holds a number of more than 4,300 digits"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(media, exported, monkeypatch):
    document, _ = exported
    monkeypatch.setattr(ledger_import, "MAX_JSON_BYTES", 1_048_576)
    document["entries"][0]["notes"] = "x" * 2_000_000
    assert refused(media, json.dumps(document).encode()) == ["the file is larger than 1 MB"]
    zipped = zip_of({"ledger.json": json.dumps(document).encode()}, zipfile.ZIP_STORED)
    assert refused(media, zipped) == ["ledger.json: larger than 1048576 bytes"]


def test_nul_characters_anywhere_in_the_document_are_refused_with_their_paths(media, exported):
    document, _ = exported
    document["entries"][0]["title"] = "Spasticity\u0000"
    document["entries"][0]["history"][0]["changes"]["x\u0000"] = "y"
    document["clinician"]["first_name"] = "\u0000"
    assert refused(media, json.dumps(document).encode()) == [
        "clinician.first_name: holds a NUL character, which is not text",
        "entries[0].history[0].changes: a key holds a NUL character",
        "entries[0].title: holds a NUL character, which is not text",
    ]


def test_huge_field_values_are_refused_with_their_paths(media, exported):
    document = json.loads(json.dumps(exported[0]))
    document["entries"][0]["title"] = "t" * 10_000_000
    document["entries"][1]["notes"] = "n" * 10_000_000
    assert refused(media, json.dumps(document).encode()) == [
        "entries[0].title: String should have at most 300 characters",
        "entries[1].notes: String should have at most 5000 characters",
    ]
    document = exported[0]  # only the amount wrong: the install's own checks run
    document["entries"][0]["credits"] = "1e100000"
    problems = refused(media, json.dumps(document).encode())
    assert (
        "entries[0].credits: Enter at most 100 credits for one activity; split larger claims."
        in problems
    )


# --- the command line (the import has no web form) -------------------------------------------


def test_the_import_command_lists_the_problems_of_a_zip_bomb_and_imports_nothing(
    media, exported, tmp_path
):
    _, members = exported
    target = tmp_path / "bomb.zip"
    target.write_bytes(zip_of({**members, "certificates/bomb.pdf": b"\0" * 10_000_000}))
    before = snapshot(media)
    with pytest.raises(CommandError) as caught:
        call_command("ledger", "import", str(target), stdout=io.StringIO())
    message = str(caught.value)
    assert message.startswith(f"{target}: nothing imported.\n  certificates/bomb.pdf: compressed")
    assert "refused as a zip bomb" in message
    assert snapshot(media) == before
