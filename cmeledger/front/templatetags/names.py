"""Names for people instead of codes, in every template (a builtin in settings).

`{{ set_id|set_name }}`: a requirement set's name ("Medical Board of California: MD
license renewal"), never its id (`us-ca-md`), which pages, e-mails and PDFs do not show; `{{ code|credit_type_name }}` likewise.
"""

from __future__ import annotations

from django import template

from cmeledger.ledger.vocabulary import CreditType
from cmeledger.reports.transcript import label
from cmeledger.requirements import choices

register = template.Library()


@register.filter
def set_name(set_id: object) -> str:
    return choices.set_name(str(set_id)) if set_id else ""


@register.filter
def credit_type_name(code: object) -> str:
    """ "AMA PRA Category 1 Credit™" for `ama-pra-1`; an unknown code as it is."""
    return label(CreditType, str(code)) if code else ""
