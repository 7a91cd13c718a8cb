"""The board workspace: only the board's own staff see its diplomates, from the snapshot."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cmeledger.accounts.models import Certification
from cmeledger.boards import compliance
from cmeledger.boards.models import ComplianceRun
from cmeledger.conftest import make_clinician
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.models import CreditEntry
from cmeledger.ledger.testing import make_pdf
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
SET = "abpmr-cc"


@pytest.fixture
def catalog(db):
    sync()


def diplomate(n: int, board, credits: str = "0", *, last: str = "") -> object:
    user = make_clinician(f"d{n}@example.org", f"Dana{n}", last or f"Diplomate{n}")
    Certification.objects.create(
        clinician=user,
        board=board,
        board_id_number=f"PMR{n:05d}",
        cycle_start=date(2022, 1, 1),
        cycle_end=date(2026, 12, 31),
    )
    if Decimal(credits):
        CreditEntry.objects.create(
            clinician=user,
            title=f"Activity of {n}",
            completed_on=date(2024, 3, 1),
            credit_type="ama-pra-1",
            credits=Decimal(credits),
        )
    if Decimal(credits) >= 150:  # a diplomate who keeps up: LA-PM&R in years 1-4 too
        for year in range(2022, 2026):
            CreditEntry.objects.create(
                clinician=user,
                title=f"LA-PM&R {year}",
                completed_on=date(year, 3, 1),
                credit_type="attendance",
                activity_kind="longitudinal-assessment",
                credits=Decimal(1),
            )
    return user


@pytest.fixture
def people(catalog, board):
    return [diplomate(1, board, "200", last="Zimmer"), diplomate(2, board, "5", last="Abbott")]


@pytest.fixture
def run(people, board):
    return compliance.compute(board, SET)


@pytest.fixture
def staff_client(client, board_staff):
    client.force_login(board_staff)
    return client


def list_url(**query) -> str:
    from urllib.parse import urlencode

    return f"{reverse('board-diplomates')}?{urlencode({'set': SET, **query})}"


def test_staff_see_their_diplomates_with_a_status_each_and_when_it_was_computed(staff_client, run):
    page = staff_client.get(list_url()).content.decode()
    assert "Zimmer" in page and "Abbott" in page
    assert "PMR00001" in page
    assert "computed" in page
    assert sum(run.counts.values()) == 2


def test_the_list_filters_by_status_and_searches_by_name_email_and_board_id(staff_client, run):
    statuses = {row.clinician.last_name: row.status for row in run.rows.select_related("clinician")}
    assert statuses["Zimmer"] != statuses["Abbott"]
    page = staff_client.get(list_url(status=statuses["Zimmer"])).content.decode()
    assert "Zimmer" in page and "Abbott" not in page
    for term in ["abbott", "d2@example", "PMR00002", "dana2 abbott"]:
        page = staff_client.get(list_url(q=term)).content.decode()
        assert "Abbott" in page and "Zimmer" not in page, term


def test_the_csv_link_counts_its_rows_in_words_and_each_cycle_reads_as_two_dates(staff_client, run):
    page = staff_client.get(list_url()).content.decode()
    assert "Download these 2 rows as CSV" in page
    row = run.rows.first()
    assert f"{row.cycle_start:%b} {row.cycle_start.day}, {row.cycle_start.year} – " in page
    page = staff_client.get(list_url(q="Zimmer")).content.decode()
    assert "Download this row as CSV" in page


def test_the_list_sorts_by_name(staff_client, run):
    page = staff_client.get(list_url(sort="name")).content.decode()
    assert page.index("Abbott") < page.index("Zimmer")


def test_the_csv_has_a_row_per_cycle_with_the_filters_applied(staff_client, run):
    response = staff_client.get(f"{reverse('board-diplomates-csv')}?set={SET}&q=Zimmer")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["last_name"] for r in rows] == ["Zimmer"]
    assert (
        rows[0]["board_id"] == "PMR00001"
        and rows[0]["status"] == run.rows.get(clinician__last_name="Zimmer").status
    )


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"status": "excellent"}, "Unknown status"),
        ({"sort": "salary"}, "Unknown sort"),
        ({"q": "x" * 101}, "too long"),
        ({"q": "a\x00b"}, "NUL"),
    ],
)
def test_bad_filters_are_a_400_that_names_the_problem(staff_client, run, query, words):
    response = staff_client.get(list_url(**query))
    assert response.status_code == 400
    assert words in response.content.decode()
    csv_response = staff_client.get(f"{reverse('board-diplomates-csv')}?set={SET}", query)
    assert csv_response.status_code == 400


def test_a_set_that_is_not_the_boards_is_a_404(staff_client, run):
    assert staff_client.get(list_url(set="us-tx-md")).status_code == 404
    assert staff_client.get(list_url(set="\x00")).status_code == 400  # cmeledger/lib/nul.py


def test_recompute_stores_a_new_snapshot(staff_client, run, board):
    response = staff_client.post(reverse("board-recompute"), {"set": SET})
    assert response.status_code == 302
    assert ComplianceRun.objects.filter(board=board, set_id=SET).count() == 2
    assert compliance.latest_run(board, SET).pk != run.pk


def test_recompute_refuses_a_set_that_is_not_the_boards(staff_client, run, board):
    staff_client.post(reverse("board-recompute"), {"set": "us-tx-md"})
    assert ComplianceRun.objects.filter(board=board).count() == 1


def test_a_board_without_a_snapshot_gets_its_first_one_on_opening_the_list(
    staff_client, people, board
):
    page = staff_client.get(list_url()).content.decode()
    assert ComplianceRun.objects.filter(board=board, set_id=SET).count() == 1
    assert "Zimmer" in page and "computed" in page and 'id="stale"' not in page


def test_while_the_first_snapshot_waits_for_a_worker_the_list_says_so(
    staff_client, people, board, settings
):
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }
    page = staff_client.get(list_url()).content.decode()
    assert "The first compliance run for ABPMR Continuing Certification is in progress" in page
    staff_client.get(list_url())
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 1  # reloading queues no second run


def test_a_list_older_than_a_change_says_so_and_offers_to_compute(staff_client, run, people, board):
    page = staff_client.get(list_url()).content.decode()
    assert 'id="stale"' not in page
    entry = CreditEntry.objects.filter(clinician=people[1]).get()
    entry.credits = Decimal("50")
    entry.save()
    page = staff_client.get(list_url()).content.decode()
    assert 'id="stale"' in page and "Entries or the roster changed on" in page
    assert "Compute the list again" in page
    staff_client.post(reverse("board-recompute"), {"set": SET})
    assert 'id="stale"' not in staff_client.get(list_url()).content.decode()


def test_a_new_certification_makes_the_list_out_of_date(staff_client, run, board):
    diplomate(3, board)
    page = staff_client.get(list_url()).content.decode()
    assert "Certifications, entries or the roster changed after this list was computed" in page


def test_the_drill_down_shows_progress_and_entries_but_no_certificate_outside_an_audit(
    staff_client, run, people
):
    zimmer = people[0]
    certificate = store_certificate(zimmer, make_pdf("Zimmer"), "z.pdf").certificate
    entry = zimmer.credit_entries.get() if hasattr(zimmer, "credit_entries") else None
    entry = entry or CreditEntry.objects.get(clinician=zimmer, title="Activity of 1")
    entry.certificates.add(certificate)
    page = staff_client.get(reverse("board-diplomate", args=[zimmer.pk])).content.decode()
    assert "Activity of 1" in page
    assert "read-only" in page
    url = reverse("board-diplomate-certificate", args=[zimmer.pk, certificate.pk])
    assert url not in page
    assert staff_client.get(url).status_code == 404


def test_someone_who_is_not_a_diplomate_of_the_board_is_a_404(staff_client, run, alice, bob):
    for person in (alice, bob):
        assert staff_client.get(reverse("board-diplomate", args=[person.pk])).status_code == 404
    assert staff_client.get("/board/diplomates/999999/").status_code == 404


def test_another_boards_staff_see_none_of_these_diplomates(client, other_board_staff, run, people):
    client.force_login(other_board_staff)
    page = client.get(reverse("board-diplomates")).content.decode()
    assert "Zimmer" not in page and "Abbott" not in page
    assert client.get(list_url()).status_code == 404
    assert client.get(reverse("board-diplomate", args=[people[0].pk])).status_code == 404
    assert client.get(f"{reverse('board-diplomates-csv')}?set={SET}").status_code == 404
    client.post(reverse("board-recompute"), {"set": SET})
    # Their own board's list got its first snapshot; nothing was computed for ABPMR's set.
    assert ComplianceRun.objects.filter(set_id=SET).count() == 1
    assert not ComplianceRun.objects.exclude(board=other_board_staff.board).exclude(pk=run.pk)


def board_urls(person, certificate_id="00000000-0000-0000-0000-000000000000") -> list:
    return [
        ("get", list_url()),
        ("get", f"{reverse('board-diplomates-csv')}?set={SET}"),
        ("post", reverse("board-recompute")),
        ("get", reverse("board-diplomate", args=[person.pk])),
        ("get", reverse("board-diplomate-certificate", args=[person.pk, certificate_id])),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, run, people):
    for method, url in board_urls(people[0]):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["alice", "org_member", "team_manager"])
def test_other_roles_are_refused_every_board_page(client, request, who, run, people):
    client.force_login(request.getfixturevalue(who))
    for method, url in board_urls(people[0]):
        assert getattr(client, method)(url).status_code == 403, url
    assert ComplianceRun.objects.count() == 1


def test_a_diplomate_cannot_see_the_board_list_of_their_own_board(client, run, people):
    client.force_login(people[0])
    assert client.get(list_url()).status_code == 403


def test_board_pages_refuse_methods_they_do_not_take(staff_client, run):
    assert staff_client.post(list_url()).status_code == 405
    assert staff_client.get(reverse("board-recompute")).status_code == 405


def test_the_nav_gives_staff_their_workspace_and_clinicians_none_of_it(client, board_staff, alice):
    client.force_login(board_staff)
    page = client.get(reverse("board-diplomates")).content.decode()
    for name in ["board-diplomates", "board-direct-credit", "board-program", "board-directory"]:
        assert f'href="{reverse(name)}"' in page, name
    client.force_login(alice)
    page = client.get(reverse("profile")).content.decode()
    assert reverse("board-diplomates") not in page
    # A clinician applies for direct credit from "Add credits" (the bar links it once
    # there is an application: test_navigation.py).
    page = client.get(reverse("entry-add")).content.decode()
    assert f'href="{reverse("direct-credit")}"' in page


def test_a_certificate_the_diplomate_shares_opens_for_their_boards_staff_only(
    client, board_staff, other_board_staff, run, people
):
    zimmer = people[0]
    certificate = store_certificate(zimmer, make_pdf("Zimmer"), "z.pdf").certificate
    CreditEntry.objects.get(clinician=zimmer, title="Activity of 1").certificates.add(certificate)
    url = reverse("board-diplomate-certificate", args=[zimmer.pk, certificate.pk])
    client.force_login(zimmer)
    client.post(reverse("certificate-share", args=[certificate.pk]), {"share": "yes"})
    client.force_login(board_staff)
    assert url in client.get(reverse("board-diplomate", args=[zimmer.pk])).content.decode()
    assert client.get(url).status_code == 200
    client.force_login(other_board_staff)
    assert client.get(url).status_code == 404
    client.force_login(zimmer)
    client.post(reverse("certificate-share", args=[certificate.pk]), {"share": "no"})
    client.force_login(board_staff)
    assert client.get(url).status_code == 404


def test_another_clinician_cannot_share_someone_elses_certificate(client, people, bob):
    certificate = store_certificate(people[0], make_pdf("Zimmer"), "z.pdf").certificate
    client.force_login(bob)
    response = client.post(reverse("certificate-share", args=[certificate.pk]), {"share": "yes"})
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert not certificate.shared_with_boards
