from __future__ import annotations

import calendar
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, UsernameField
from django.core.exceptions import ValidationError
from django.db import transaction

from cmeledger.accounts import throttle
from cmeledger.accounts.models import (
    Board,
    Certification,
    ClinicianProfile,
    Degree,
    License,
    Role,
    User,
)

MONTHS = [("", "—")] + [(str(number), calendar.month_name[number]) for number in range(1, 13)]


class DateInput(forms.DateInput):
    """The browser's own date picker; it always submits ISO dates."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LoginForm(AuthenticationForm):
    username = UsernameField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Incorrect email or password.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self) -> dict:
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return self.cleaned_data

        # A throttled email is refused before the password is looked at, so guessing
        # stops paying off even when a guess is right.
        minutes = throttle.minutes_until_allowed(email)
        if minutes is not None:
            raise ValidationError(throttle.refusal_message(minutes), code="throttled")

        try:
            super().clean()
        except ValidationError:
            throttle.record_failure(email, self.request)
            raise
        throttle.clear(email)
        return self.cleaned_data


class SignupForm(BaseUserCreationForm):
    degree = forms.ChoiceField(choices=Degree.choices, initial=Degree.MD)

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    field_order = ["email", "first_name", "last_name", "degree", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account with this email already exists. Log in, or reset the password "
                "if you have forgotten it.",
                code="duplicate_email",
            )
        return email

    @transaction.atomic
    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.role = Role.CLINICIAN
        user.save()
        ClinicianProfile.objects.create(user=user, degree=self.cleaned_data["degree"])
        return user


class ProfileForm(forms.ModelForm):
    """The clinician's profile, plus the two name fields that live on the user."""

    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    # Longer than the 10 digits so a number pasted with spaces or dashes gets cleaned.
    npi = forms.CharField(
        label="NPI",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="Your 10-digit National Provider Identifier. Reporting organizations use it to match your credits.",
    )
    birth_month = forms.TypedChoiceField(
        choices=MONTHS, coerce=int, empty_value=None, required=False, label="Birth month"
    )
    birth_day = forms.IntegerField(min_value=1, max_value=31, required=False, label="Birth day")

    class Meta:
        model = ClinicianProfile
        fields = ["middle_name", "degree", "npi", "birth_month", "birth_day", "specialty"]
        widgets = {
            "middle_name": forms.TextInput(attrs={"autocomplete": "additional-name"}),
        }
        help_texts = {
            "specialty": "For example: Physical Medicine and Rehabilitation.",
        }

    field_order = [
        "first_name",
        "middle_name",
        "last_name",
        "degree",
        "npi",
        "birth_month",
        "birth_day",
        "specialty",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "birth_day"
        ].help_text = "Month and day only, no year: partner records use them to match you by name."
        user = self.instance.user
        self.initial.setdefault("first_name", user.first_name)
        self.initial.setdefault("last_name", user.last_name)

    def clean_npi(self) -> str:
        # People copy NPIs with spaces or dashes; the number itself has only digits.
        return re.sub(r"[\s-]", "", self.cleaned_data["npi"])

    @transaction.atomic
    def save(self, commit: bool = True) -> ClinicianProfile:
        profile = super().save()
        user = profile.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        return profile


class LicenseForm(forms.ModelForm):
    class Meta:
        model = License
        fields = [
            "state",
            "profession",
            "number",
            "issued_on",
            "expires_on",
            "dea_registrant",
            "direct_patient_care",
            "first_licensed_on",
        ]
        labels = {
            "number": "License number",
            "issued_on": "Issued",
            "expires_on": "Expires",
            "first_licensed_on": "First licensed",
        }
        help_texts = {
            "dea_registrant": "Some states require controlled-substance CME of DEA registrants.",
            "direct_patient_care": "Some states set different CME for clinicians who do not see patients.",
            "first_licensed_on": "When you were first licensed in this state; some states treat a first renewal differently.",
        }
        widgets = {
            "issued_on": DateInput(),
            "expires_on": DateInput(),
            "first_licensed_on": DateInput(),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        state, profession, number = (cleaned.get(k) for k in ("state", "profession", "number"))
        duplicate = License.objects.filter(
            clinician_id=self.instance.clinician_id,
            state=state,
            profession=profession,
            number=number,
        ).exclude(pk=self.instance.pk)
        if state and profession and number and duplicate.exists():
            raise ValidationError(
                f"You already have the {state} {profession} license {number}.",
                code="duplicate_license",
            )
        return cleaned


class CertificationForm(forms.ModelForm):
    board = forms.ModelChoiceField(queryset=Board.objects.order_by("name"))

    class Meta:
        model = Certification
        fields = ["board", "board_id_number", "specialty", "cycle_start", "cycle_end"]
        labels = {"cycle_start": "Cycle start", "cycle_end": "Cycle end"}
        help_texts = {
            "board_id_number": "The ID your board gives you; reporting organizations use it to match your credits.",
            "cycle_end": "The date your current certification or CC cycle ends.",
        }
        widgets = {"cycle_start": DateInput(), "cycle_end": DateInput()}


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What will use it, for example “reference manager sync”.",
    )
