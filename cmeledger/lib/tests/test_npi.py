from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cmeledger.lib.npi import is_valid_npi, make_npi


def test_the_cms_example_npi_is_valid():
    # The worked example in the CMS check-digit note: 123456789 → check digit 3.
    assert is_valid_npi("1234567893")


def test_a_wrong_check_digit_is_invalid():
    assert not is_valid_npi("1234567890")


def test_non_digits_and_wrong_lengths_are_invalid():
    for value in ["", "123456789", "12345678901", "12345678a3", "１２３４５６７８９３"]:
        assert not is_valid_npi(value)


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True))
def test_every_completed_number_is_valid_and_any_other_last_digit_is_not(first_nine):
    npi = make_npi(first_nine)
    assert is_valid_npi(npi)
    for digit in "0123456789":
        if digit != npi[-1]:
            assert not is_valid_npi(first_nine + digit)
