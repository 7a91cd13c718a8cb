"""The provider directory: the seed, searching, and board staff keeping it."""

from __future__ import annotations

from datetime import date

import pytest

from cmeledger.accounts.models import Certification
from cmeledger.directory import services
from cmeledger.directory.models import (
    BoardAccreditor,
    DirectoryChange,
    Provider,
    ProviderReporting,
)
from cmeledger.directory.services import (
    DirectoryRefused,
    Filters,
    NotFound,
    ProviderFields,
    ReportingFields,
)

pytestmark = pytest.mark.django_db
AAPMR = "American Academy of Physical Medicine and Rehabilitation (AAPM&R)"


def names(found) -> list[str]:
    return [p.name for p in found]


def counts() -> tuple[int, ...]:
    return (
        Provider.objects.count(),
        ProviderReporting.objects.count(),
        BoardAccreditor.objects.count(),
    )


def test_the_seed_holds_the_providers_the_abpmr_page_names_with_their_phones():
    assert Provider.objects.count() == 14
    aapmr = Provider.objects.get(name=AAPMR)
    assert aapmr.phone == "(847) 737-6000"
    assert aapmr.website == ""  # the page's links were not captured
    assert aapmr.accreditor_codes == []  # the page does not say
    hospice = Provider.objects.get(name="American Academy of Hospice & Palliative Medicine")
    assert hospice.phone == ""
    assert not Provider.objects.filter(phone="(212) 301-6700").exists()  # no name captured


def test_the_seed_says_what_four_organizations_report_to_the_abpmr(board):
    rows = ProviderReporting.objects.filter(board=board, reports_automatically=True)
    assert {r.provider.name for r in rows} == {
        AAPMR,
        "Association of Academic Physiatrists (AAP)",
        "American Association of Neuromuscular & Electrodiagnostic Medicine (AANEM)",
        "FlouroSafety",
    }
    aapmr = rows.get(provider__name=AAPMR)
    assert "Must be an AAPM&R member" in aapmr.details
    assert aapmr.credit_types == ["sa-cme"]
    assert {a.accreditor for a in BoardAccreditor.objects.filter(board=board)} == {
        "accme",
        "state-society",
    }


def test_search_by_name_specialty_and_accreditor(alice, board_staff):
    assert names(services.search(alice, Filters(q="aapm&r"))) == [AAPMR]
    assert names(services.search(alice, Filters(q="pain"))) == [
        "American Academy of Pain Medicine (AAPM)"
    ]
    pmr = names(services.search(alice, Filters(specialty="physical medicine and rehabilitation")))
    assert pmr == [AAPMR, "Association of Academic Physiatrists (AAP)"]
    assert names(services.search(alice, Filters(accreditor="accme"))) == []
    services.save_provider(
        board_staff,
        ProviderFields(name="Example CME Co", accreditors=["accme", "aoa"], specialties=["PM&R"]),
    )
    assert names(services.search(alice, Filters(accreditor="accme"))) == ["Example CME Co"]
    assert names(services.search(alice, Filters(accreditor="aoa", specialty="pm&r"))) == [
        "Example CME Co"
    ]


def test_reports_to_my_board_follows_the_clinicians_certifications(alice, bob, board):
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2021, 1, 1), cycle_end=date(2025, 12, 31)
    )
    mine = names(services.search(alice, Filters(reports_to_mine=True)))
    assert len(mine) == 4 and AAPMR in mine
    assert names(services.search(bob, Filters(reports_to_mine=True))) == []


def test_other_boards_staff_see_no_abpmr_reporting_as_theirs(other_board_staff, board_staff):
    assert names(services.search(other_board_staff, Filters(reports_to_mine=True))) == []
    assert len(names(services.search(board_staff, Filters(reports_to_mine=True)))) == 4


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (Filters(q="a\x00b"), "q"),
        (Filters(q="x" * 101), "q"),
        (Filters(specialty="\x00"), "specialty"),
        (Filters(accreditor="acme"), "accreditor"),
        (Filters(accreditor="accme\x00"), "accreditor"),
    ],
)
def test_bad_search_filters_are_refused_naming_the_filter(alice, filters, field):
    with pytest.raises(DirectoryRefused) as refused:
        list(services.search(alice, filters))
    assert field in refused.value.errors


def test_staff_add_and_edit_a_provider_and_the_change_is_recorded(board_staff):
    provider = services.save_provider(
        board_staff,
        ProviderFields(
            name="Example CME Co",
            phone="(555) 010-0100 ext. 4",
            website="https://cme.example.org/",
            specialties=["PM&R", "PM&R", "Pain medicine"],
        ),
    )
    assert provider.slug == "example-cme-co"
    assert provider.specialty_names == ["PM&R", "Pain medicine"]
    assert (provider.updated_by, provider.phone) == (board_staff, "(555) 010-0100 ext. 4")
    services.save_provider(
        board_staff,
        ProviderFields(name="Example CME Co", phone="(555) 010-0199"),
        provider,
    )
    provider.refresh_from_db()
    assert provider.phone == "(555) 010-0199" and provider.slug == "example-cme-co"
    summaries = [c.summary for c in services.changes(provider)]
    assert summaries[0] == "Changed phone, website, specialties of Example CME Co."
    assert summaries[1] == "Added Example CME Co."
    assert services.changes(provider)[0].by == board_staff


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (ProviderFields(name=""), "name", "cannot be blank"),
        (ProviderFields(name="x" * 201), "name", "at most 200"),
        (ProviderFields(name="A\x00"), "name", "NUL"),
        (ProviderFields(name="A", website="javascript:alert(1)"), "website", "http"),
        (ProviderFields(name="A", website="ftp://example.org/"), "website", "http"),
        (ProviderFields(name="A", phone="call us"), "phone", "phone number"),
        (ProviderFields(name="A", accreditors=["acme"]), "accreditors", "Unknown code"),
        (ProviderFields(name="A", specialties=[f"s{i}" for i in range(21)]), "specialties", "20"),
        (ProviderFields(name=AAPMR), "name", "already exists"),
    ],
)
def test_a_bad_provider_is_refused_naming_the_field_and_nothing_is_stored(
    board_staff, fields, field, message
):
    before = counts()
    changes_before = DirectoryChange.objects.count()
    with pytest.raises(DirectoryRefused) as refused:
        services.save_provider(board_staff, fields)
    assert any(message in m for m in refused.value.errors[field]), refused.value.errors
    assert counts() == before
    assert DirectoryChange.objects.count() == changes_before


def test_only_board_staff_maintain_the_directory(alice, org_member, team_manager):
    for user in (alice, org_member, team_manager):
        with pytest.raises(PermissionError):
            services.save_provider(user, ProviderFields(name="Sneaky"))
    assert not Provider.objects.filter(name="Sneaky").exists()


def test_staff_set_only_their_own_boards_reporting(board_staff, other_board_staff, board):
    provider = Provider.objects.get(name=AAPMR)
    services.set_reporting(
        other_board_staff,
        provider,
        ReportingFields(reports_automatically=True, credit_types=["ama-pra-1"], details="All"),
    )
    abpmr = ProviderReporting.objects.get(provider=provider, board=board)
    assert abpmr.credit_types == ["sa-cme"]  # untouched
    assert ProviderReporting.objects.get(
        provider=provider, board=other_board_staff.board
    ).credit_types == ["ama-pra-1"]
    services.remove_reporting(other_board_staff, provider)
    assert ProviderReporting.objects.filter(provider=provider, board=board).exists()
    with pytest.raises(NotFound):
        services.remove_reporting(other_board_staff, provider)


def test_bad_reporting_codes_are_refused(board_staff, board):
    provider = Provider.objects.get(name=AAPMR)
    with pytest.raises(DirectoryRefused) as refused:
        services.set_reporting(
            board_staff, provider, ReportingFields(True, activity_kinds=["sleeping"])
        )
    assert "activity_kinds" in refused.value.errors
    assert ProviderReporting.objects.get(provider=provider, board=board).activity_kinds == []


def test_staff_keep_their_boards_accepted_accreditors_only(board_staff, other_board_staff, board):
    row = services.add_accepted(other_board_staff, "aoa", "", "ABIM policy")
    assert row.name == "AOA" and row.board == other_board_staff.board
    with pytest.raises(DirectoryRefused):
        services.add_accepted(other_board_staff, "aoa", "aoa", "again")
    abpmr_row = BoardAccreditor.objects.filter(board=board).first()
    with pytest.raises(NotFound):
        services.remove_accepted(other_board_staff, abpmr_row.pk)
    assert BoardAccreditor.objects.filter(pk=abpmr_row.pk).exists()
    services.remove_accepted(board_staff, abpmr_row.pk)
    assert not BoardAccreditor.objects.filter(pk=abpmr_row.pk).exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("acme", "", "x"), "accreditor"),
        (("", "", "x"), "name"),
        (("aoa", "", ""), "source"),
        (("aoa", "A\x00", "x"), "name"),
    ],
)
def test_a_bad_accepted_accreditor_is_refused(board_staff, args, field):
    before = counts()
    with pytest.raises(DirectoryRefused) as refused:
        services.add_accepted(board_staff, *args)
    assert field in refused.value.errors
    assert counts() == before


@pytest.mark.parametrize("slug", ["nope", "a\x00", "A" * 81, "../etc"])
def test_unknown_or_malformed_slugs_are_not_found(db, slug):
    with pytest.raises(NotFound):
        services.get_provider(slug)
