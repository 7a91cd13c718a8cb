"""Forms of the Reports pages: which transcript, and who a share link is for."""

from __future__ import annotations

from django import forms

from cmeledger.accounts.forms import DateInput
from cmeledger.reports.sharing import DEFAULT_DAYS, MAX_DAYS
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
