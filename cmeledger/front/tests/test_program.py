"""Program definition pages: every role, the form, bad input and the history."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from cmeledger.requirements.catalog import parse
from cmeledger.requirements.models import RequirementSetVersion
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
TODAY = "2026-03-02"


@pytest.fixture(autouse=True)
def synced(db):
    sync()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(f"{TODAY} 12:00", tick=False):
        yield


def urls() -> list[tuple[str, str]]:
    return [
        ("get", reverse("board-program")),
        ("get", reverse("board-program-set", args=["abpmr-cc"])),
        ("get", reverse("board-program-edit", args=["abpmr-cc"])),
        ("post", reverse("board-program-edit", args=["abpmr-cc"])),
        ("get", reverse("board-program-toml", args=["abpmr-cc", 1])),
    ]


# abpmr-cc's versions in the catalog: the form writes the next one.
STORED = 2


def versions() -> int:
    return RequirementSetVersion.objects.filter(set_id="abpmr-cc").count()


def form_data(client, **overrides) -> dict:
    """The edit form as the browser would post it, untouched, with overrides."""
    form = client.get(reverse("board-program-edit", args=["abpmr-cc"])).context
    data = {}
    for bound in [*form["form"], *[f for rule in form["rules"].forms for f in rule]]:
        value = bound.value()
        if value is None:
            continue
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update({k: str(v) for k, v in form["rules"].management_form.initial.items()})
    data = {f"rules-{k}" if k.isupper() else k: v for k, v in data.items()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_anonymous_visitors_are_sent_to_log_in(client):
    for method, url in urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["alice", "org_member", "team_manager"])
def test_other_roles_are_told_the_pages_are_not_for_them(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for method, url in urls():
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert b"board staff" in response.content
    assert versions() == STORED


def test_staff_of_another_board_get_404_for_the_set_and_see_nothing_of_it(
    client, other_board_staff
):
    client.force_login(other_board_staff)
    listing = client.get(reverse("board-program"))
    assert listing.status_code == 200
    assert b"abpmr-cc" not in listing.content
    for method, url in urls()[1:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert versions() == STORED


def test_staff_see_their_set_with_the_version_in_force(client, board_staff):
    client.force_login(board_staff)
    listing = client.get(reverse("board-program"))
    assert b"ABPMR Continuing Certification" in listing.content
    assert b"Version 2, from Jan 1, 2021" in listing.content
    page = client.get(reverse("board-program-set", args=["abpmr-cc"]))
    assert b"In force today: version 2" in page.content
    assert b"150 Category 1 credits per five-year cycle" in page.content


@pytest.mark.parametrize("set_id", ["us-tx-md", "unknown-set", "ABPMR_CC"])
def test_foreign_or_unknown_sets_are_404_for_staff(client, board_staff, set_id):
    client.force_login(board_staff)
    assert client.get(reverse("board-program-set", args=[set_id])).status_code == 404
    assert client.get(reverse("board-program-edit", args=[set_id])).status_code == 404
    assert client.get(reverse("board-program-toml", args=[set_id, 1])).status_code == 404


def test_an_unknown_version_download_is_404(client, board_staff):
    client.force_login(board_staff)
    assert client.get(reverse("board-program-toml", args=["abpmr-cc", 9])).status_code == 404


def test_the_download_is_the_versions_toml(client, board_staff):
    client.force_login(board_staff)
    response = client.get(reverse("board-program-toml", args=["abpmr-cc", 1]))
    assert response["Content-Disposition"] == 'attachment; filename="abpmr-cc-v1.toml"'
    stored = RequirementSetVersion.objects.get(set_id="abpmr-cc", version=1)
    assert parse(response.content.decode(), "download") == stored.requirement_set()


def test_saving_the_form_adds_the_next_version_and_shows_the_diff(client, board_staff):
    client.force_login(board_staff)
    v1 = RequirementSetVersion.objects.get(set_id="abpmr-cc", version=STORED)
    before = (v1.definition, v1.digest, v1.effective_from)
    data = form_data(client, **{"rules-0-credits": "160", "effective_from": "2026-07-01"})
    response = client.post(reverse("board-program-edit", args=["abpmr-cc"]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    v2 = RequirementSetVersion.objects.get(set_id="abpmr-cc", version=STORED + 1)
    assert str(v2.effective_from) == "2026-07-01"
    assert v2.definition["rules"][0]["credits"] == "160"
    v1.refresh_from_db()
    assert (v1.definition, v1.digest, v1.effective_from) == before
    page = client.get(response["Location"])
    assert b"Version 3 is scheduled to take effect on Jul 1, 2026" in page.content
    assert b"Rule total (150 Category 1 credits per five-year cycle): changed" in page.content


def test_a_rule_can_be_removed_and_one_added(client, board_staff):
    client.force_login(board_staff)
    data = form_data(
        client,
        **{
            "rules-1-DELETE": "on",
            "rules-6-id": "ethics",
            "rules-6-kind": "minimum-subset",
            "rules-6-name": "5 credits of ethics",
            "rules-6-source": "Board policy 2026",
            "rules-6-credits": "5",
            "rules-6-topics": ["ethics"],
        },
    )
    response = client.post(reverse("board-program-edit", args=["abpmr-cc"]), data)
    assert response.status_code == 302
    rules = RequirementSetVersion.objects.get(set_id="abpmr-cc", version=STORED + 1).definition[
        "rules"
    ]
    assert [r["id"] for r in rules] == [
        "total",
        "specialty-share",
        "longitudinal-assessment",
        "license",
        "la-credit-cap",
        "ethics",
    ]
    assert rules[-1]["select"]["topics"] == ["ethics"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rules-0-credits": "-5"}, ("rules", 0, "credits"), "greater than or equal to 0"),
        ({"rules-2-share": "1.5"}, ("rules", 2, "share"), "less than or equal to 1"),
        ({"rules-0-credits": "abc"}, ("rules", 0, "credits"), "Enter a number"),
        ({"effective_from": "2020-06-01"}, ("form", "effective_from"), "after 2021-01-01"),
        ({"effective_from": "2026-03-01"}, ("form", "effective_from"), "today (2026-03-02)"),
        ({"effective_from": "not a date"}, ("form", "effective_from"), "valid date"),
        ({"name": "x" * 5000}, ("form", "name"), "at most 200 characters"),
        ({"rules-0-note": "x" * 5000}, ("rules", 0, "note"), "at most 4000 characters"),
        ({"sources": ""}, ("form", "sources"), "at least 1 item"),
        (
            {"accepted_credit_types": ["not-a-type"]},
            ("form", "accepted_credit_types"),
            "valid choice",
        ),
        ({"rules-0-id": "Bad Id"}, ("rules", 0, "id"), "pattern"),
        ({"rules-6-name": "Half a rule"}, ("rules", 6, "kind"), "Choose the kind of rule"),
    ],
)
def test_bad_input_comes_back_on_the_field_and_nothing_is_stored(
    client, board_staff, overrides, field, message
):
    client.force_login(board_staff)
    response = client.post(
        reverse("board-program-edit", args=["abpmr-cc"]), form_data(client, **overrides)
    )
    assert response.status_code == 400
    if field[0] == "form":
        errors = response.context["form"].errors[field[1]]
    else:
        errors = response.context["rules"].forms[field[1]].errors[field[2]]
    assert any(message in e for e in errors), errors
    assert versions() == STORED


def test_a_tampered_form_count_is_refused(client, board_staff):
    client.force_login(board_staff)
    data = form_data(client, **{"rules-TOTAL_FORMS": "100000"})
    response = client.post(reverse("board-program-edit", args=["abpmr-cc"]), data)
    assert response.status_code == 400
    assert versions() == STORED


def test_a_post_without_the_formset_is_refused(client, board_staff):
    client.force_login(board_staff)
    response = client.post(
        reverse("board-program-edit", args=["abpmr-cc"]), {"name": "x", "effective_from": TODAY}
    )
    assert response.status_code == 400
    assert versions() == STORED
