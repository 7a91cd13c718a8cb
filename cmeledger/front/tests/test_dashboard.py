"""The Certification Dashboard: cycles with totals by credit type, and the filtered list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmeledger.accounts.models import Certification, License
from cmeledger.ledger import services
from cmeledger.ledger.dashboard import cycles_for, timeline
from cmeledger.ledger.testing import entry_fields
from cmeledger.ledger.vocabulary import Source

pytestmark = pytest.mark.django_db


def add(user, title, completed_on, credits="1.00", credit_type="ama-pra-1", **extra):
    topics = extra.pop("topics", ())
    source = extra.pop("source", Source.SELF)
    fields = entry_fields(
        title=title,
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=Decimal(credits),
        credit_type=credit_type,
        **extra,
    )
    return services.create_entry(user, user, fields, topics=topics, source=source)


@pytest.fixture
def alice_cycles(alice, board):
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2022, 1, 1), cycle_end=date(2026, 12, 31)
    )
    License.objects.create(
        clinician=alice, state="TX", number="Q1234", expires_on=date(2026, 8, 31)
    )
    return alice


def test_each_cycle_totals_only_its_own_period_by_credit_type(alice_cycles):
    add(alice_cycles, "Old", date(2021, 6, 1), "5.00")
    add(alice_cycles, "Board only", date(2023, 6, 1), "2.00")
    add(alice_cycles, "Both A", date(2025, 1, 10), "1.50")
    add(alice_cycles, "Both B", date(2025, 2, 10), "3.00", "aoa-1a")
    deleted = add(alice_cycles, "Gone", date(2025, 3, 1), "9.00")
    services.delete_entry(deleted, alice_cycles)

    board_cycle, license_cycle = cycles_for(alice_cycles)
    assert board_cycle.kind == "certification"
    assert {t.credit_type: t.credits for t in board_cycle.totals} == {
        "ama-pra-1": Decimal("3.50"),
        "aoa-1a": Decimal("3.00"),
    }
    assert board_cycle.total == Decimal("6.50")
    # The license has no issue date: its period is the two years that end on its expiry,
    # the days the Texas set counts (us-tx-md: 2024-09-01 to 2026-08-31).
    assert license_cycle.start == date(2024, 9, 1)
    assert license_cycle.total == Decimal("4.50")
    assert sum(t.percent for t in license_cycle.totals) == pytest.approx(100)


def test_a_cycle_is_labelled_a_certification_cycle_whatever_certifies_it(alice_cycles):
    # NCCPA, AANPCB and ANCC are certifying bodies, not boards: one word fits them all.
    board_cycle, license_cycle = cycles_for(alice_cycles)
    assert board_cycle.kind_label == "Certification cycle"
    assert license_cycle.kind_label == "License period"


def test_totals_for_all_cycles_take_one_query(alice_cycles, board):
    for year in (2023, 2024, 2025):
        Certification.objects.create(
            clinician=alice_cycles,
            board=board,
            board_id_number=str(year),
            cycle_start=date(year, 1, 1),
            cycle_end=date(year, 12, 31),
        )
        add(alice_cycles, f"Year {year}", date(year, 5, 1))
    with CaptureQueriesContext(connection) as queries:
        cycles = cycles_for(alice_cycles)
    assert len(cycles) == 5
    assert len(queries) == 3  # certifications, licenses, one aggregate


def test_the_timeline_places_bars_within_its_span(alice_cycles):
    cycles = cycles_for(alice_cycles)
    line = timeline(cycles, today=date(2024, 1, 1))
    assert line.start == date(2022, 1, 1) and line.end == date(2026, 12, 31)
    board_bar, license_bar = line.bars
    assert board_bar.offset == 0 and board_bar.width == pytest.approx(100)
    assert 0 < license_bar.offset < 100
    assert 0 < line.today_offset < 100
    assert timeline([], date(2024, 1, 1)) is None


def test_the_dashboard_shows_cycles_and_entries_with_source_badges(
    alice_cycles, client, organization
):
    add(alice_cycles, "Self-reported talk", date(2025, 1, 5))
    reported = add(alice_cycles, "Reported workshop", date(2025, 2, 5), source=Source.ORGANIZATION)
    reported.reported_by = organization
    reported.save()
    client.force_login(alice_cycles)
    page = client.get(reverse("dashboard")).content.decode()
    assert "American Board of Physical Medicine" in page
    assert "Texas" in page
    assert "Self-reported talk" in page
    assert 'class="reported"' in page
    assert "Acme CME Institute" in page
    assert "source-organization" in page


def test_a_cycle_with_one_credit_says_credit(alice_cycles, client):
    add(alice_cycles, "One hour", date(2025, 1, 5), "1.00")
    client.force_login(alice_cycles)
    text = " ".join(client.get(reverse("dashboard")).content.decode().split())
    assert "<strong>1</strong> credit earned in this license period" in text
    assert "<strong>1</strong> credits" not in text


def test_a_new_clinician_gets_the_first_run_checklist_instead_of_empty_sections(alice_client):
    page = alice_client.get(reverse("dashboard")).content.decode()
    assert "0 of 4 done" in page
    for label, url in [
        ("Add a license", reverse("license-add")),
        ("Add a certification", reverse("certification-add")),
        ("Add credits", reverse("entry-add")),
        ("Upload a certificate", reverse("certificates")),
    ]:
        assert f'<a href="{url}">{label}</a>' in page
    for empty in ("Your credits", "Your cycles", "Charts", "You follow no requirement sets"):
        assert empty not in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2025-01-01", "date_to": "2025-12-31"}, {"Ethics talk", "Opioid course"}),
        ({"credit_type": "aoa-1a"}, {"Opioid course"}),
        ({"topic": "ethics"}, {"Ethics talk"}),
        ({"source": "import"}, {"Imported lecture"}),
        ({"q": "opioid"}, {"Opioid course"}),
        ({"q": "journal club"}, {"Imported lecture"}),
        ({"credit_type": "not-a-type"}, {"Ethics talk", "Opioid course", "Imported lecture"}),
        ({"date_from": "yesterday"}, {"Ethics talk", "Opioid course", "Imported lecture"}),
    ],
)
def test_filters_narrow_the_list(alice, alice_client, params, expected):
    add(alice, "Ethics talk", date(2025, 3, 1), topics=["ethics"])
    add(alice, "Opioid course", date(2025, 4, 1), credit_type="aoa-1a")
    add(alice, "Imported lecture", date(2024, 4, 1), source=Source.IMPORT, notes="Journal club")
    response = alice_client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    shown = {entry.title for entry in response.context["page"].object_list}
    assert shown == expected


def test_a_bad_filter_value_is_shown_as_an_error(alice_client):
    response = alice_client.get(reverse("dashboard"), {"date_from": "yesterday"})
    assert "Enter a valid date" in response.content.decode()


def test_htmx_requests_get_only_the_entry_list(alice, alice_client):
    add(alice, "Ethics talk", date(2025, 3, 1))
    response = alice_client.get(reverse("dashboard"), {"q": "ethics"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Ethics talk" in body
    assert "<html" not in body and "Your cycles" not in body


def test_the_list_is_paginated_and_keeps_the_filters(alice, alice_client):
    for day in range(1, 31):
        add(alice, f"Session {day}", date(2025, 1, day), topics=["ethics"])
    first = alice_client.get(reverse("dashboard"), {"topic": "ethics"})
    assert len(first.context["page"].object_list) == 25
    assert "?topic=ethics&page=2" in first.content.decode()
    second = alice_client.get(reverse("dashboard"), {"topic": "ethics", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert alice_client.get(reverse("dashboard"), {"page": "zzz"}).status_code == 200


def test_the_dashboard_query_count_does_not_grow_with_entries(alice_cycles, client):
    client.force_login(alice_cycles)
    add(alice_cycles, "One", date(2025, 1, 1), topics=["ethics"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    for day in range(2, 25):
        add(alice_cycles, f"More {day}", date(2025, 1, day), topics=["ethics", "geriatrics"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard"))
    assert len(many) == len(few)


def test_another_clinicians_entries_never_appear(alice_client, bob):
    add(bob, "Bob's private course", date(2025, 1, 1))
    response = alice_client.get(reverse("dashboard"), {"q": "private"})
    assert "Bob's private course" not in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_a_search_shows_in_its_askers_form_only_and_the_plain_form_is_unchanged(
    alice, alice_client, bob, client
):
    # The list (and its filters) shows once there are credits; before, the checklist does.
    add(alice, "Ethics talk", date(2025, 3, 1))
    add(bob, "Bob's talk", date(2025, 3, 1))
    plain = alice_client.get(reverse("dashboard")).content.decode()
    searched = alice_client.get(reverse("dashboard"), {"q": "alices words"}).content.decode()
    assert 'value="alices words"' in searched
    client.force_login(bob)
    bobs = client.get(reverse("dashboard")).content.decode()
    assert "alices words" not in bobs
    again = alice_client.get(reverse("dashboard")).content.decode()
    assert "alices words" not in again
    form = plain[plain.index('<form class="filters"') : plain.index("</form>")]
    assert form in bobs and form in again


def test_a_filtered_dashboard_shows_the_chosen_filters_selected(alice, alice_client):
    add(alice, "Ethics talk", date(2025, 3, 1))
    page = alice_client.get(reverse("dashboard"), {"credit_type": "ama-pra-2", "topic": "ethics"})
    html = page.content.decode()
    assert '<option value="ama-pra-2" selected>' in html
    assert '<option value="ethics" selected>' in html
    assert alice_client.get(reverse("dashboard")).content.decode().count(" selected>") == 3


def test_the_list_counts_each_entrys_certificates(alice, alice_client):
    from cmeledger.ledger.certificates import store_certificate
    from cmeledger.ledger.testing import make_pdf

    two = add(alice, "Two certificates", date(2025, 3, 1))
    add(alice, "No certificate", date(2025, 2, 1))
    for name in ("a.pdf", "b.pdf"):
        stored = store_certificate(alice, make_pdf(name), name).certificate
        services.attach_certificate(two, stored, alice)
    response = alice_client.get(reverse("dashboard"))
    rows = {entry.title: entry.certificate_count for entry in response.context["page"]}
    assert rows == {"Two certificates": 2, "No certificate": 0}
    assert response.context["page"].paginator.count == 2
    assert '<span class="badge">2 certificates</span>' in response.content.decode()
