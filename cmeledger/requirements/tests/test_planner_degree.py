"""The planner suggests the credit a clinician of the profile's degree is awarded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cmeledger.requirements import planner
from cmeledger.requirements.engine import Need

DUE = date(2027, 9, 30)


def need(set_id: str, credits: str, types: list[str], topics: tuple[str, ...] = ()) -> Need:
    return Need(set_id, "total", "total", Decimal(credits), types, list(topics), None, DUE, "")


NCCPA = ["aapa-1", "ama-pra-1", "aoa-1a", "ama-pra-2"]
CA_PA = ["aapa-1", "ama-pra-1"]


def test_a_pa_is_told_to_earn_aapa_category_1_not_ama_credit_it_cannot_be_awarded():
    needs = [("NCCPA", need("nccpa-pa", "58.5", NCCPA)), ("CA PA", need("us-ca-pa", "17.5", CA_PA))]
    (suggestion,) = planner.combine(needs, earned=planner.EARNED_FIRST["PA"])
    assert suggestion.credit_type == "aapa-1"
    assert "AAPA Category 1 CME" in suggestion.sentence
    assert "closes a gap in NCCPA and CA PA at once" in suggestion.sentence


def test_a_physician_is_still_told_ama_pra_category_1():
    needs = [("NCCPA", need("nccpa-pa", "58.5", NCCPA)), ("CA PA", need("us-ca-pa", "17.5", CA_PA))]
    (suggestion,) = planner.combine(needs)
    assert suggestion.credit_type == "ama-pra-1"


def test_a_topic_need_of_a_pa_is_also_suggested_as_aapa_credit():
    needs = [("CA PA", need("us-ca-pa", "2", CA_PA, ("ethics",)))]
    (suggestion,) = planner.combine(needs, earned="aapa-1")
    assert suggestion.credit_type == "aapa-1"


def test_the_earned_type_is_passed_over_when_a_need_does_not_take_it():
    needs = [("TX MD", need("us-tx-md", "10", ["ama-pra-1", "aoa-1a"]))]
    (suggestion,) = planner.combine(needs, earned="aapa-1")
    assert suggestion.credit_type == "ama-pra-1"
