"""The charts on the dashboard: inline SVG with words, patterns and a table of the numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cmeledger.ledger import services
from cmeledger.ledger.testing import entry_fields
from cmeledger.reports.testing import follow_texas

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


def add(user, completed_on, credits="1.00", credit_type="ama-pra-1"):
    fields = entry_fields(
        start_date=None,
        end_date=None,
        completed_on=completed_on,
        credits=Decimal(credits),
        credit_type=credit_type,
    )
    return services.create_entry(user, user, fields)


def svg(page: str, kind: str) -> list[ET.Element]:
    """Each chart of that kind, parsed as XML (so it is well-formed, too)."""
    found = re.findall(rf'<svg [^>]*data-chart="{kind}".*?</svg>', page, re.S)
    return [ET.fromstring(text.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1)) for text in found]


def texts(chart: ET.Element, kind: str = "") -> list[str]:
    """The words written in a chart, or only those of one class (chart-total, chart-value)."""
    return [
        el.text.strip()
        for el in chart.iter(f"{SVG}text")
        if el.text and (not kind or kind in el.get("class", "").split())
    ]


def dashboard(client) -> str:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def texan(alice):
    follow_texas(alice, "T1")
    return alice


def test_it_draws_credits_per_year_with_a_title_a_description_and_values_as_text(
    alice, alice_client
):
    add(alice, date(2025, 3, 1), "10.00")
    add(alice, date(2025, 4, 1), "2.50", "aoa-1a")
    add(alice, date(2026, 2, 1), "4.25")
    (chart,) = svg(dashboard(alice_client), "years")
    assert chart.get("role") == "img"
    title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
    assert chart.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Credits per year by credit type, 2025 to 2026"
    assert "2025: 12.50 (AMA PRA Category 1 Credit™ 10, AOA Category 1-A 2.50)" in desc.text
    assert "2026: 4.25" in desc.text
    assert texts(chart, "chart-total") == ["12.50", "4.25"]
    assert texts(chart, "chart-value") == ["10", "2.50", "4.25"]
    assert [t for t in texts(chart, "chart-tick") if t.startswith("20")] == ["2025", "2026"]


def test_each_credit_type_has_its_own_pattern_used_by_its_bars_and_its_legend_swatch(
    alice, alice_client
):
    for i, code in enumerate(["ama-pra-1", "ama-pra-2", "aoa-1a", "moc-points"]):
        add(alice, date(2026, 1, 1 + i), "3.00", code)
    page = dashboard(alice_client)
    (chart,) = svg(page, "years")
    patterns = {p.get("id"): p.get("data-pattern") for p in chart.iter(f"{SVG}pattern")}
    assert len(patterns) == 4 and len(set(patterns.values())) == 4
    fills = {r.get("fill") for r in chart.iter(f"{SVG}rect") if r.get("data-series")}
    assert fills == {f"url(#{pid})" for pid in patterns}
    for pid in patterns:
        assert page.count(f'fill="url(#{pid})"') == 2  # the bar segment and the swatch
    assert "(diagonal lines)" in page and "(dots)" in page and "(cross-hatching)" in page


def test_the_numbers_are_also_in_a_table(alice, alice_client):
    add(alice, date(2024, 3, 1), "1.75")
    add(alice, date(2026, 3, 1), "3.00", "ama-pra-2")
    page = dashboard(alice_client)
    table = page.split("<summary>Show the numbers</summary>")[1].split("</table>")[0]
    assert "<caption>Credits per year by credit type</caption>" in table
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    cells = {label: re.findall(r'<td class="num">(.*?)</td>', rest) for label, rest in rows}
    assert cells == {
        "AMA PRA Category 1 Credit™": ["1.75", "0", "0"],
        "AMA PRA Category 2 Credit™": ["0", "0", "3"],
        "Total": ["1.75", "0", "3"],
    }


def test_a_clinician_without_credits_gets_the_checklist_and_no_chart(texan, client):
    client.force_login(texan)
    page = dashboard(client)
    assert 'href="/entries/add/">Add credits</a>' in page
    assert "Charts" not in page and "data-chart=" not in page


def test_another_clinicians_credits_never_appear_in_the_charts(alice_client, bob):
    add(bob, date(2026, 1, 1), "33.25")
    page = dashboard(alice_client)
    assert "data-chart=" not in page
    assert "33.25" not in page


def test_it_draws_the_progress_against_the_pace_with_direct_labels_and_words(texan, client):
    add(texan, date(2025, 6, 1), "10.00")
    add(texan, date(2026, 2, 1), "6.00")
    client.force_login(texan)
    page = dashboard(client)
    (chart,) = svg(page, "pace")
    assert chart.get("role") == "img"
    assert chart.find(f"{SVG}title").text.endswith("credits over the cycle against the pace")
    assert "dashed pace line" in chart.find(f"{SVG}desc").text
    lines = {el.get("class"): el for el in chart.iter(f"{SVG}line")}
    assert "chart-pace" in lines and "chart-today" in lines
    assert chart.find(f"{SVG}polyline").get("class") == "chart-progress"
    words = texts(chart)
    assert "Pace: 48" in words and "You: 16" in words and "Today" in words
    # 633 of 730 days of the license period gone: 48 × 633/730 = 41.62, so 41.50 expected.
    assert "Behind the pace by 25.50: 16 counted, 41.50 expected by today" in page
    assert "(dashed line)" in page and "(solid line)" in page
    assert "credits counted by month" in page
    assert re.search(r"<th scope=\"row\">Feb 2026</th><td class=\"num\">6</td>", page)


def test_charts_ignore_the_entry_list_filters_even_bad_ones(alice, alice_client):
    add(alice, date(2026, 1, 1), "2.00")
    add(alice, date(2026, 2, 1), "3.00", "aoa-1a")
    response = alice_client.get(reverse("dashboard"), {"credit_type": "aoa-1a", "date_from": "x"})
    (chart,) = svg(response.content.decode(), "years")
    assert texts(chart, "chart-total") == ["5"]


def test_htmx_list_updates_do_not_redraw_the_charts(alice, alice_client):
    add(alice, date(2026, 1, 1), "2.00")
    response = alice_client.get(reverse("dashboard"), HTTP_HX_REQUEST="true")
    assert "data-chart=" not in response.content.decode()


def test_the_charts_are_for_the_signed_in_clinician_only(client, board_staff, org_member):
    assert client.get(reverse("dashboard")).status_code == 302
    for user in (board_staff, org_member):
        client.force_login(user)
        response = client.get(reverse("dashboard"), follow=True)
        assert "<svg" not in response.content.decode()
        assert response.redirect_chain and response.redirect_chain[0][0] != reverse("dashboard")
