"""National Provider Identifier check digit (CMS: Luhn over the number prefixed by 80840)."""

from __future__ import annotations

# 80840 is the ISO health-industry prefix CMS prepends before applying Luhn; its
# doubled-digit contribution is the constant 24 that every NPI check adds.
_PREFIX_CONTRIBUTION = 24


def npi_check_digit(first_nine: str) -> int:
    total = _PREFIX_CONTRIBUTION
    for position, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    return (
        len(value) == 10
        and value.isascii()
        and value.isdigit()
        and value[0] in "12"
        and npi_check_digit(value[:9]) == int(value[9])
    )


def make_npi(first_nine: str) -> str:
    """Complete nine digits into a valid NPI (used for generated fixtures only)."""
    return first_nine + str(npi_check_digit(first_nine))
