"""Forms of the ledger pages. Validation of the entry itself lives on the model."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from cmeledger.accounts.forms import DateInput, prompt
from cmeledger.ledger.models import Certificate, CreditEntry
from cmeledger.ledger.queries import EntryFilter
from cmeledger.ledger.services import EDITABLE_FIELDS
from cmeledger.ledger.vocabulary import (
    CREDIT_STEP,
    MAX_CREDITS_PER_ENTRY,
    AwardedAs,
    CreditType,
    Source,
    Topic,
)
from cmeledger.lib.credits import credit_text

# What "Save and Add Another" carries into the next form: a conference's sessions share
# these, and only the title, credits and topics change between them.
CARRIED_FIELDS = (
    "provider",
    "accreditor",
    "activity_kind",
    "start_date",
    "end_date",
    "completed_on",
    "credit_type",
    "awarded_as",
    "specialty_related",
)

# Who receives a certificate of participation rather than the credit: the clinicians the
# AMA PRA credit system does not award credit to (AMA PRA booklet: physicians only).
PARTICIPATION_DEGREES = frozenset({"PA", "NP", "RN", "other"})

MAX_FILES_PER_UPLOAD = 20


class EntryForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    certificates = forms.ModelMultipleChoiceField(
        queryset=Certificate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Certificates you already uploaded that prove this activity.",
    )

    class Meta:
        model = CreditEntry
        fields = EDITABLE_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "completed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"credits": "In steps of 0.25, for example 1.25."}

    # Shown only once a duplicate is found: ticking it saves the repeat on purpose.
    save_again = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Save it again: I took this activity more than once",
    )

    def __init__(self, *args, clinician, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clinician = clinician
        self.fields["certificates"].queryset = Certificate.objects.owned_by(clinician)
        if not self.fields["certificates"].queryset.exists():
            del self.fields["certificates"]
        credits = self.fields["credits"].widget.attrs
        credits.update(step=str(CREDIT_STEP), min=str(CREDIT_STEP), max=str(MAX_CREDITS_PER_ENTRY))
        credits["inputmode"] = "decimal"
        self.fields["title"].widget.attrs["autofocus"] = True
        prompt(self.fields["accreditor"], "Choose the accreditor")
        prompt(self.fields["credit_type"], "Choose the credit type")
        self._word_awarded_as()

    def _word_awarded_as(self) -> None:
        """Plain words for what the clinician received; the hint speaks to their degree."""
        field = self.fields["awarded_as"]
        field.label = "What you received"
        # A form posted without it (an older page, a script) means the credit.
        field.required = False
        field.widget = forms.RadioSelect()
        field.choices = [
            (AwardedAs.CREDIT.value, "The credit"),
            (
                AwardedAs.PARTICIPATION.value,
                "A certificate of participation for an activity designated for this credit",
            ),
        ]
        # RelatedObjectDoesNotExist is an AttributeError: no profile, no degree.
        profile = getattr(self.clinician, "profile", None)
        degree = getattr(profile, "degree", "")
        field.help_text = (
            "At an activity designated for AMA PRA Category 1 Credit™, physician "
            "assistants and nurse practitioners receive a certificate of participation: "
            "choose the designated credit type above and this second answer."
            if degree in PARTICIPATION_DEGREES
            else "Physicians receive the credit. A certificate of participation is what "
            "other clinicians receive at an activity designated for credit."
        )

    def clean_awarded_as(self) -> str:
        return self.cleaned_data.get("awarded_as") or AwardedAs.CREDIT

    def clean(self) -> dict:
        data = super().clean()
        # Only a new entry is checked: an edit keeps a repeat the clinician already chose.
        if self.errors or data.get("save_again") or not self.instance._state.adding:
            return data
        repeated = self.repeats(data)
        if repeated is not None:
            self.fields["save_again"].widget = forms.CheckboxInput()
            raise forms.ValidationError(
                f"You already saved “{repeated.title}”, completed "
                f"{repeated.completed_on:%b} {repeated.completed_on.day}, "
                f"{repeated.completed_on.year}, for {credit_text(repeated.credits)} "
                f"{ngettext('credit', 'credits', 1 if repeated.credits == 1 else 2)}. "
                "To save this one as well, tick “Save it again” and save.",
                code="duplicate",
            )
        return data

    def repeats(self, data: dict) -> CreditEntry | None:
        """A live entry of the clinician with the same title, completion date, credits and
        credit type, or None. The credit type counts: one activity jointly accredited
        gives 6.25 AMA PRA credits and 6.25 nursing contact hours, two entries by design."""
        title, completed_on, credits = (data.get(k) for k in ("title", "completed_on", "credits"))
        if not title or completed_on is None or credits is None:
            return None
        found = CreditEntry.objects.live().filter(
            clinician=self.clinician,
            title__iexact=title.strip(),
            completed_on=completed_on,
            credits=credits,
            credit_type=data.get("credit_type"),
        )
        return found.first()

    def entry_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class EntryFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Title, provider, notes"}),
    )
    date_from = forms.DateField(required=False, label="From", widget=DateInput())
    date_to = forms.DateField(required=False, label="To", widget=DateInput())
    credit_type = forms.ChoiceField(
        required=False, choices=[("", "Any credit type"), *CreditType.choices]
    )
    topic = forms.ChoiceField(required=False, choices=[("", "Any topic"), *Topic.choices])
    source = forms.ChoiceField(required=False, choices=[("", "Any source"), *Source.choices])

    def wanted(self, *, deleted: bool = False) -> EntryFilter:
        """The filter asked for; a field with a bad value is left out (and shown as an error)."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                name: value for name, value in self.cleaned_data.items() if name not in self.errors
            }
        )
        return EntryFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            credit_type=data.get("credit_type") or "",
            topic=data.get("topic") or "",
            source=data.get("source") or "",
            text=data.get("q") or "",
            deleted=deleted,
        )


# The filter fields with nothing asked for, the same for every clinician: drawn once per
# process (select widgets are the dearest part of the dashboard's template work).
_UNFILTERED: list[SafeString] = []


def filter_fields_html(form: EntryFilterForm) -> SafeString:
    """The filter form's fields as the dashboard shows them."""
    if form.data or settings.DEBUG:
        return render_to_string("front/_filter_fields.html", {"filters": form})
    if not _UNFILTERED:
        _UNFILTERED.append(render_to_string("front/_filter_fields.html", {"filters": form}))
    return _UNFILTERED[0]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for one input taking several files."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # Empty files reach the certificate checks, whose message names the file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return super().clean(None, initial)  # raises "required"
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class CertificateUploadForm(forms.Form):
    upload = MultipleFileField(
        label="Certificate files",
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        help_text="PDF, JPEG or PNG. On a phone you can take a photo of the certificate.",
        error_messages={"required": "Choose at least one file."},
    )

    def clean_upload(self):
        chosen = self.cleaned_data["upload"]
        if len(chosen) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(f"Upload at most {MAX_FILES_PER_UPLOAD} files at once.")
        return chosen


class AttachForm(forms.Form):
    certificate = forms.ModelChoiceField(
        queryset=Certificate.objects.none(), empty_label="Choose a certificate"
    )

    def __init__(self, *args, clinician, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = Certificate.objects.owned_by(clinician)


class AttachToEntryForm(forms.Form):
    entry = forms.ModelChoiceField(
        queryset=CreditEntry.objects.none(), label="Entry", empty_label="Choose an entry"
    )

    def __init__(self, *args, clinician, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = CreditEntry.objects.owned_by(clinician).live()
