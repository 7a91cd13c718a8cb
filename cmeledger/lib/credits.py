"""Credit amounts in words, as PDFs and messages print them."""

from __future__ import annotations

from decimal import Decimal


def credit_text(value: Decimal | None) -> str:
    """Quarter credits need at most two places; whole numbers print whole ("48", "12.5")."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")
