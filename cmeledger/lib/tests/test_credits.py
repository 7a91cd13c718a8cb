"""Credit amounts in words: whole numbers print whole, quarters with at most two places."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cmeledger.lib.credits import credit_text


@pytest.mark.parametrize(
    ("value", "text"),
    [("48", "48"), ("48.00", "48"), ("12.5", "12.5"), ("0.25", "0.25"), ("0", "0")],
)
def test_a_credit_amount_prints_without_trailing_zeros(value, text):
    assert credit_text(Decimal(value)) == text


def test_a_missing_amount_prints_as_a_dash():
    assert credit_text(None) == "–"
