"""The set versions list, and adding a version by file or pasted text."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmeledger.accounts.models import Role, User
from cmeledger.conftest import PASSWORD
from cmeledger.requirements.custom import MAX_UPLOAD_BYTES
from cmeledger.requirements.models import Origin, RequirementSetVersion
from cmeledger.requirements.sync import sync
from cmeledger.requirements.testing import board_set_toml

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin(db) -> User:
    return User.objects.create_user("admin@example.org", PASSWORD, role=Role.SITE_ADMIN)


@pytest.fixture
def staff_client(client, board_staff):
    client.force_login(board_staff)
    return client


def toml_file(text: str, name: str = "abpmr-ethics-v1.toml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/toml")


def stored() -> list[tuple]:
    return list(RequirementSetVersion.objects.values_list("set_id", "version", "digest"))


@pytest.mark.parametrize("who", ["alice", "org_member", "board_staff", "site_admin"])
def test_everyone_signed_in_sees_every_version(client, request, who):
    sync()
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("sets")).content.decode()
    assert "us-tx-md" in page and "AMA PRA certificate, 3 years" in page
    assert "Catalog file" in page
    shows_add = reverse("set-upload") in page
    assert shows_add == (who in {"board_staff", "site_admin"})


def test_the_versions_list_needs_a_login(client):
    assert client.get(reverse("sets")).status_code == 302


def test_board_staff_upload_a_file_for_their_board(staff_client, board):
    response = staff_client.post(reverse("set-upload"), {"file": toml_file(board_set_toml())})
    assert response.status_code == 302 and response["Location"] == reverse("sets")
    row = RequirementSetVersion.objects.get(set_id="abpmr-ethics")
    assert (row.version, row.origin, row.board) == (1, Origin.BOARD, board)
    page = staff_client.get(response["Location"]).content.decode()
    assert "Added abpmr-ethics v1: ABPMR ethics duty." in page
    assert "Added by board staff (ABPMR)" in page
    assert "Jan 1, 2026 – open" in page


def test_a_site_admin_pastes_the_text(client, site_admin):
    client.force_login(site_admin)
    assert client.get(reverse("set-upload")).status_code == 200
    text = board_set_toml(kind="custom", boards="[]")
    response = client.post(reverse("set-upload"), {"text": text})
    assert response.status_code == 302
    assert RequirementSetVersion.objects.get(set_id="abpmr-ethics").origin == Origin.SITE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (board_set_toml().replace("version = 1", "version = = 1"), "(at line 6, column 11)"),
        (
            board_set_toml().replace("credits = 5", "credits = 5.1"),
            "abpmr-ethics-v1.toml: rules[0].credits: Input should be a multiple of 0.25",
        ),
        (board_set_toml(set_id="abpmr-cc"), "raise the version to 3"),
        (board_set_toml(boards='["abim"]'), "board staff add sets for their own board only"),
        (board_set_toml(kind="award"), 'board staff add sets of kind "board" only'),
    ],
)
def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_stored(staff_client, text, message):
    sync()
    before = stored()
    response = staff_client.post(reverse("set-upload"), {"file": toml_file(text)})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"')
    assert stored() == before


def test_a_file_over_the_limit_is_refused(staff_client):
    big = board_set_toml() + "#" * MAX_UPLOAD_BYTES
    response = staff_client.post(reverse("set-upload"), {"file": toml_file(big)})
    assert response.status_code == 400
    assert "is larger than the 256 KB a set may be." in response.content.decode()
    assert stored() == []


def test_pasted_text_over_the_limit_is_refused(staff_client):
    big = board_set_toml() + "#" * MAX_UPLOAD_BYTES
    response = staff_client.post(reverse("set-upload"), {"text": big})
    assert response.status_code == 400
    assert "pasted text: 262," in response.content.decode()
    assert stored() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a TOML file or paste its text"),
        ({"text": "   \n"}, "Choose a TOML file or paste its text"),
        ({"file": toml_file("x"), "text": board_set_toml()}, "Choose a TOML file or paste"),
        ({"file": toml_file("")}, "The submitted file is empty."),
        ({"file": SimpleUploadedFile("s.toml", b"\xff\xfe")}, "s.toml: not UTF-8 text."),
    ],
)
def test_the_form_needs_one_readable_file_or_text(staff_client, data, message):
    response = staff_client.post(reverse("set-upload"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored() == []


@pytest.mark.parametrize("who", ["alice", "org_member"])
def test_clinicians_and_organizations_cannot_add_sets(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("set-upload")).status_code == 403
    response = client.post(reverse("set-upload"), {"text": board_set_toml()})
    assert response.status_code == 403
    assert "for site admins and board staff" in response.content.decode()
    assert stored() == []


def test_adding_a_set_needs_a_login(client):
    response = client.post(reverse("set-upload"), {"text": board_set_toml()})
    assert response.status_code == 302
    assert stored() == []
