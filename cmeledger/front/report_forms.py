"""Forms of the Reports pages: which transcript, and who a share link is for."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict

from cmeledger.accounts.forms import DateInput
from cmeledger.ledger.vocabulary import CreditType, Source
from cmeledger.reports.sharing import DEFAULT_DAYS, MAX_DAYS
from cmeledger.requirements.award import AwardTier
from cmeledger.requirements.choices import followed


def set_choices(user) -> list[tuple[str, str]]:
    choices = [("", "A date range (below)")]
    for item in followed(user):
        name = item.version.name if item.version else item.enrollment.set_id
        choices.append((item.enrollment.set_id, name))
    return choices


class TranscriptForm(forms.Form):
    set = forms.ChoiceField(label="Requirement set", required=False)
    on = forms.DateField(
        label="Cycle holding this date",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for the current cycle.",
    )
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["set"].choices = set_choices(user)

    def period(self) -> dict:
        data = self.cleaned_data
        if data.get("set"):
            return {"set_id": data["set"], "on": data.get("on")}
        return {"start": data.get("start"), "end": data.get("end")}


class ShareLinkForm(TranscriptForm):
    recipient = forms.CharField(
        label="Who is it for?",
        max_length=200,
        help_text="For your own list, e.g. “Credentialing office, St. Mary's”.",
    )
    days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )

    field_order = ["recipient", "set", "on", "start", "end", "days"]


class VerifyForm(forms.Form):
    code = forms.CharField(label="Verification code", max_length=20)
    file = forms.FileField(
        label="The PDF you received (optional)",
        required=False,
        help_text="Checked here, never stored: it must be byte for byte the file issued.",
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class QueryForm(forms.Form):
    """A GET form whose query the reports code parses, with its own rules and messages: the
    form only draws the fields (keeping what was asked) and shows the problems the view
    adds with `refuse`, so the page keeps the shared error summary without a second set
    of rules that could disagree."""

    def full_clean(self) -> None:
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}

    def refuse(self, field: str | None, message: str) -> None:
        """`message` under `field` (None: the whole form); a "field: " prefix is dropped,
        since the summary names the field by its label."""
        if field is not None and field in self.fields:
            self.add_error(field, message.removeprefix(f"{field}: "))
        else:
            self.add_error(None, message)


class MockAuditForm(QueryForm):
    set = forms.ChoiceField(label="Requirement set")
    on = forms.DateField(
        label="Cycle holding this date",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for the current cycle.",
    )

    def __init__(self, sets: list[tuple[str, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["set"].choices = sets


class AwardTierForm(QueryForm):
    tier = forms.ChoiceField(label="Certificate to apply for", choices=AwardTier.choices)


class ExportsForm(QueryForm):
    """The export filter, in the query's own names (reports.exports.FILTER_FIELDS)."""

    def __init__(self, sets: list[tuple[str, str]], *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "export-%s")
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = forms.DateField(
            label="Completed from", required=False, widget=DateInput()
        )
        self.fields["to"] = forms.DateField(
            label="Completed to", required=False, widget=DateInput()
        )
        self.fields["credit_type"] = forms.ChoiceField(
            label="Credit type",
            required=False,
            choices=[("", "Any credit type"), *CreditType.choices],
            widget=forms.Select(attrs={"id": "export-type"}),
        )
        self.fields["source"] = forms.ChoiceField(
            label="Source", required=False, choices=[("", "Any source"), *Source.choices]
        )
        self.fields["set"] = forms.ChoiceField(
            label="Current cycle of", required=False, choices=[("", "Any date"), *sets]
        )
