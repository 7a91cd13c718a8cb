"""The dashboard answers "what is left, by when" at a glance: a summary per set with the
still-needed sentence, days left and one next step; bars at their true value; caps as
limits beside the total; the first-run checklist (issue 20, part A)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cmeledger.accounts.models import Certification, License
from cmeledger.front import glance
from cmeledger.ledger import services
from cmeledger.ledger.certificates import store_certificate
from cmeledger.ledger.testing import entry_fields, make_pdf
from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.cycles import Anchors, Window
from cmeledger.requirements.engine import Credit, Facts, Need, RuleResult, Status, evaluate
from cmeledger.requirements.progress import EnrollmentProgress
from cmeledger.requirements.sync import sync

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)
CATALOG = load_catalog()


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def add(user, title, completed_on, credits="1.00", **extra):
    topics = extra.pop("topics", ())
    fields = entry_fields(
        title=title,
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=Decimal(credits),
        **extra,
    )
    return services.create_entry(user, user, fields, topics=topics)


@pytest.fixture
def diplomate(alice, board):
    """Alice, certified by ABPMR (2023-2027) and licensed in Texas; no credits yet."""
    sync()
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2023, 1, 1), cycle_end=date(2027, 12, 31)
    )
    License.objects.create(clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28))
    from cmeledger.requirements.enrollment import enroll_automatically

    enroll_automatically(alice)
    return alice


def page_of(client) -> str:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def article(page: str, set_id: str) -> str:
    start = page.index(f'data-set="{set_id}"')
    return page[start : page.index("</article>", start)]


def abpmr(credits: list[Credit], components: frozenset[str] = frozenset()):
    facts = Facts(
        anchors=Anchors(certification=Window(date(2023, 1, 1), date(2027, 12, 31))),
        components=components,
    )
    return evaluate(CATALOG.get("abpmr-cc"), credits, facts, TODAY)


def credit(n: int, credits: str, **fields) -> Credit:
    return Credit(
        id=str(n),
        completed_on=date(2026, 3, 1),
        credits=Decimal(credits),
        credit_type="ama-pra-1",
        **fields,
    )


def rule(result, rule_id: str) -> RuleResult:
    return next(r for r in result.rules if r.id == rule_id)


# The summary ------------------------------------------------------------------------------


def test_still_needed_says_the_amount_in_words_never_glued_to_a_rule_name():
    result = abpmr([credit(1, "144.75", specialty_related=True)])
    sentence = glance.still_needed(result)
    assert (
        sentence
        == "5.25 credits; Longitudinal Assessment for PM&R (LA-PM&R) each year; A current, valid, unrestricted license"
    )
    assert "5.25 150" not in sentence


def test_the_next_step_is_a_topic_first_then_the_total_then_a_record():
    due = date(2027, 2, 28)

    def need(rule_id, credits, topics=()):
        return Need("s", rule_id, rule_id, credits, ["ama-pra-1"], list(topics), None, due, "")

    ethics = need("ethics", Decimal(3), ["ethics"])
    total = need("total", Decimal("12.5"))
    record = Need("s", "la", "Longitudinal Assessment", None, [], [], "x", due, "")
    result = abpmr([])
    result.needed = [record, total, ethics]
    assert glance.next_step(result) == glance.NextStep("3 h ethics", due)
    result.needed = [record, total]
    assert glance.next_step(result) == glance.NextStep("12.5 more credits", due)
    result.needed = [record]
    assert glance.next_step(result) == glance.NextStep("Longitudinal Assessment", due)
    result.needed = []
    assert glance.next_step(result) is None


def test_the_next_step_is_the_need_due_first_whatever_its_kind():
    # ABPMR: this year's LA-PM&R is due in December; the credits only at the cycle's end.
    soon, later = date(2026, 12, 31), date(2027, 12, 31)
    total = Need("s", "total", "total", Decimal("5.25"), ["ama-pra-1"], [], None, later, "")
    yearly = Need("s", "la", "LA-PM&R this year", None, [], [], "x", soon, "")
    result = abpmr([])
    result.needed = [total, yearly]
    assert glance.next_step(result) == glance.NextStep("LA-PM&R this year", soon)
    item = EnrollmentProgress(1, "abpmr-cc", True, "a certification", result, None)
    assert glance.glance(item, date(2026, 12, 1)).days_left_words == "30 days left"
    assert glance.glance(item, date(2027, 1, 5)).days_left_words == "overdue"


@pytest.mark.parametrize(
    ("days", "words"),
    [(87, "87 days left"), (1, "1 day left"), (0, "due today"), (-3, "the cycle has ended")],
)
def test_days_left_are_written_as_people_say_them(days, words):
    item = glance.Glance(None, "", days, None, [], [])
    assert item.days_left_words == words


def test_the_dashboard_shows_each_set_with_what_is_needed_days_left_and_a_plan_link(
    diplomate, client
):
    add(diplomate, "Stroke rehabilitation update", date(2026, 3, 1), "10.00")
    client.force_login(diplomate)
    texas = article(page_of(client), "us-tx-md")
    assert (
        "Still needed: 38 credits; 14 of them toward “At least 24 formal credits”; 2 of them on "
        "ethics; 1 of them on human trafficking; 2 of them on opioid prescribing or pain "
        "management.</p>"
    ) in texas
    assert "Next: <strong>2 h ethics by Feb 28, 2027</strong> — 87 days left" in texas
    assert f'<a href="{reverse("planner")}">Plan it' in texas
    page = page_of(client)
    # Where you stand, then what is next, then the entries; charts and cycles below.
    order = [
        page.index(f'id="{h}-heading"') for h in ("standing", "next", "entries", "charts", "cycles")
    ]
    assert order == sorted(order)


def test_sets_needing_something_soonest_come_first_and_met_sets_last(diplomate, client):
    client.force_login(diplomate)
    page = page_of(client)
    assert page.index('data-set="us-tx-md"') < page.index('data-set="abpmr-cc"')


# Bars at their true value -----------------------------------------------------------------


def test_a_record_not_yet_on_file_draws_an_empty_bar_and_one_on_file_a_full_one():
    missing = abpmr([])
    assert glance.fill(rule(missing, "longitudinal-assessment")) == 0
    assert glance.fill(rule(missing, "license")) == 0
    done = abpmr([], components=frozenset({"valid-license"}))
    assert glance.fill(rule(done, "license")) == 100


def test_a_share_with_nothing_counted_is_not_met_and_draws_an_empty_bar():
    share = rule(abpmr([]), "specialty-share")
    assert share.status == Status.ON_TRACK
    assert share.explanation.startswith("Nothing counted yet: 50% of the credits counted")
    assert glance.fill(share) == 0


def test_a_share_after_the_cycle_with_nothing_counted_is_not_met():
    facts = Facts(anchors=Anchors(certification=Window(date(2020, 1, 1), date(2024, 12, 31))))
    result = evaluate(CATALOG.get("abpmr-cc"), [], facts, date(2025, 1, 2))
    assert rule(result, "specialty-share").status == Status.NOT_MET


def test_a_credit_rule_fills_its_bar_by_what_counted():
    assert glance.fill(rule(abpmr([credit(1, "75")]), "total")) == 50


def test_caps_stand_beside_the_total_as_limits_never_as_requirements():
    rows, apart = glance.rows(abpmr([]))
    assert [r.rule.id for r in rows] == [
        "total",
        "pace",
        "specialty-share",
        "longitudinal-assessment",
        "license",
    ]
    assert [c.id for c in rows[0].limits] == ["la-credit-cap"] and apart == []


def test_a_cap_in_a_set_without_a_total_is_kept_apart_as_a_limit():
    result = abpmr([])
    result.rules = [r for r in result.rules if r.kind != "minimum-total"]
    rows, apart = glance.rows(result)
    assert [c.id for c in apart] == ["la-credit-cap"]
    assert all(not r.limits for r in rows)


def test_the_page_draws_empty_bars_for_nothing_done_and_no_met_badge_on_a_cap(diplomate, client):
    client.force_login(diplomate)
    board = article(page_of(client), "abpmr-cc")
    bar = re.search(
        r'aria-label="Longitudinal Assessment for PM&amp;R \(LA-PM&amp;R\) each year"[^>]*>', board
    )
    assert 'aria-valuenow="0"' in bar.group(0) and "Not yet on record" in bar.group(0)
    share = board[board.index("At least half related to PM&amp;R") :]
    assert share.index("On track") < share.index("</li>")
    assert (
        'aria-label="At least half related to PM&amp;R" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"'
        in board
    )
    limit = board[board.index('class="limit small"') :]
    limit = limit[: limit.index("</p>")]
    assert "LA-PM&amp;R counts for at most 12 credits a year" in limit
    assert "Met" not in limit and "none of your entries in this cycle are of this kind" in limit


# First-run checklist ----------------------------------------------------------------------


def steps_done(client) -> list[bool]:
    return [step.done for step in client.get(reverse("dashboard")).context["checklist"].steps]


def test_each_checklist_step_is_ticked_when_done(alice, alice_client, board):
    assert steps_done(alice_client) == [False] * 4
    License.objects.create(clinician=alice, state="TX", number="T1", expires_on=None)
    add(alice, "Ethics", date(2026, 1, 5))
    assert steps_done(alice_client) == [True, False, True, False]
    store_certificate(alice, make_pdf("Certificate"), "ethics.pdf")
    assert steps_done(alice_client) == [True, False, True, True]
    Certification.objects.create(
        clinician=alice, board=board, cycle_start=date(2023, 1, 1), cycle_end=date(2027, 12, 31)
    )
    assert not alice_client.get(reverse("dashboard")).context["checklist"].shown


def test_a_deleted_entry_does_not_tick_add_credits(alice, alice_client):
    services.delete_entry(add(alice, "Ethics", date(2026, 1, 5)), alice)
    assert steps_done(alice_client)[2] is False


def test_the_checklist_shows_what_is_done_and_the_sections_that_have_something(diplomate, client):
    client.force_login(diplomate)
    page = page_of(client)
    assert "2 of 4 done" in page
    assert 'Add a license <span class="muted">(done)</span>' in page
    assert f'<a href="{reverse("entry-add")}">Add credits</a>' in page
    assert 'id="standing-heading"' in page and 'id="cycles-heading"' in page
    assert 'id="entries-heading"' not in page and 'id="charts-heading"' not in page


def test_a_clinician_with_everything_done_sees_no_checklist(diplomate, client):
    entry = add(diplomate, "Ethics", date(2026, 1, 5))
    certificate = store_certificate(diplomate, make_pdf("Certificate"), "c.pdf").certificate
    services.attach_certificate(entry, certificate, diplomate)
    client.force_login(diplomate)
    assert 'id="checklist-heading"' not in page_of(client)


def test_filters_on_an_empty_ledger_still_show_the_list_and_its_errors(alice_client):
    page = alice_client.get(reverse("dashboard"), {"date_from": "not-a-date"}).content.decode()
    assert 'id="entries-heading"' in page
    assert "Enter a valid date." in page
