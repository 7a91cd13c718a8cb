"""Property tests: the credit rule over all amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cmeledger.ledger.models import validate_credits

pytestmark = pytest.mark.django_db

quarters = st.integers(min_value=1, max_value=400).map(lambda n: Decimal(n) / 4)


@given(quarters)
def test_every_quarter_step_up_to_100_is_accepted(credits):
    validate_credits(credits)


@given(st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False))
def test_amounts_off_the_quarter_grid_or_out_of_range_are_refused(credits):
    valid = 0 < credits <= 100 and credits % Decimal("0.25") == 0
    if valid:
        validate_credits(credits)
    else:
        with pytest.raises(ValidationError):
            validate_credits(credits)
