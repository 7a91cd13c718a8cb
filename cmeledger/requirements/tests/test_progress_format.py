"""The progress JSON's credit amounts have one form, two places as strings, and a share
rule's `required` is what docs/formats/progress.md says (issue 19)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from pydantic import TypeAdapter

from cmeledger.accounts.models import License
from cmeledger.lib.credits import two_places
from cmeledger.requirements.catalog import load_catalog
from cmeledger.requirements.cycles import Anchors, Window
from cmeledger.requirements.engine import Credit, EntryResult, Facts, evaluate
from cmeledger.requirements.sync import sync
from cmeledger.requirements.tests.test_progress import add_entry

AMOUNTS = {
    "required",
    "counted",
    "remaining",
    "credits",
    "claimed",
    "weighted",
    "total_counted",
    "carry_in",
    "carry_out",
}
TWO_PLACES = re.compile(r"^-?[0-9]+\.[0-9]{2}$")


def amounts(node, found: list) -> list:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in AMOUNTS and not isinstance(value, (dict, list)):
                found.append((key, value))
            else:
                amounts(value, found)
    elif isinstance(node, list):
        for item in node:
            amounts(item, found)
    return found


@pytest.mark.django_db
def test_every_credit_amount_in_the_json_has_two_places(alice):
    sync()
    License.objects.create(clinician=alice, state="TX", number="T1", expires_on=date(2027, 2, 28))
    add_entry(alice, "30", date(2025, 6, 1))
    add_entry(alice, "0.25", date(2025, 7, 1), topics=["ethics"])
    add_entry(alice, "2.5", date(2025, 8, 1), credit_type="ama-pra-2")
    out = io.StringIO()
    call_command("progress", alice.email, "--json", "--on", "2026-11-23", stdout=out)
    found = amounts(json.loads(out.getvalue()), [])
    assert {key for key, _ in found} >= {"required", "counted", "claimed", "total_counted"}
    wrong = [(k, v) for k, v in found if v is not None and not TWO_PLACES.match(v)]
    assert not wrong
    assert ("total_counted", "32.75") in found and ("carry_in", "0.00") in found


@pytest.mark.parametrize(
    ("value", "text"),
    [("48", "48.00"), ("12.5", "12.50"), ("0", "0.00"), ("1.875", "1.88"), ("1E+1", "10.00")],
)
def test_an_amount_is_written_with_two_places(value, text):
    assert two_places(Decimal(value)) == text


def test_a_weighted_amount_is_rounded_to_two_places_in_the_json():
    """NCCPA counts self-assessment CME 1.5 times: 1.25 credits weigh 1.875."""
    nccpa = load_catalog().get("nccpa-pa")
    cycle = Anchors(certification=Window(date(2025, 1, 1), date(2026, 12, 31)))
    credit = Credit("e1", date(2025, 6, 1), Decimal("1.25"), "sa-cme")
    result = evaluate(nccpa, [credit], Facts(degree="PA", anchors=cycle), date(2025, 7, 1))
    assert result.entries[0].weighted == Decimal("1.875")
    written = TypeAdapter(EntryResult).dump_python(result.entries[0], mode="json")
    assert (written["claimed"], written["weighted"]) == ("1.25", "1.88")


@pytest.mark.parametrize(("counted", "required"), [("40", "20.00"), ("200", "75.00")])
def test_a_share_rules_required_is_its_share_of_the_total_up_to_the_required_total(
    counted, required
):
    """ABPMR: at least half related to PM&R, of a 150-credit total (progress.md's example)."""
    abpmr = load_catalog().get("abpmr-cc")
    cycle = Anchors(certification=Window(date(2023, 1, 1), date(2027, 12, 31)))
    credits = [Credit("e1", date(2024, 6, 1), Decimal(counted), "ama-pra-1")]
    result = evaluate(abpmr, credits, Facts(anchors=cycle), date(2025, 1, 1))
    share = next(r for r in result.rules if r.kind == "minimum-share")
    assert two_places(share.required) == required
    assert (share.counted, share.remaining) == (0, Decimal(required))
