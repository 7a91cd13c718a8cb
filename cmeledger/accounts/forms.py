from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from typing import cast

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

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


def prompt(field: forms.Field, text: str) -> None:
    """A select's empty choice says what to choose, instead of Django's "---------"."""
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = text
    elif isinstance(field, forms.ChoiceField):
        # A model field's flat choices: (value, label) pairs, the blank one first.
        pairs = cast("Iterable[tuple[str, str]]", field.choices)
        field.choices = [("", text), *((v, label) for v, label in pairs if v != "")]


class DateInput(forms.DateInput):
    """The browser's own date picker; it always submits ISO dates."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LoginForm(allauth_forms.LoginForm):
    """allauth's log-in form with the site's labels; allauth counts failed tries."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Email address"
        login.widget.attrs.update({"autofocus": True, "autocomplete": "email"})
        login.widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # allauth puts a "Forgot your password?" link in the help text; the page has one.
        self.fields["password"].help_text = ""


class SignupForm(allauth_forms.SignupForm):
    """What sign-up has always asked, on allauth's form. An address that already has an
    account gets the same answer as a new one; allauth emails its owner instead."""

    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    degree = forms.ChoiceField(choices=Degree.choices, initial=Degree.MD)

    field_order = ["email", "first_name", "last_name", "degree", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.update({"autofocus": True, "autocomplete": "email"})
        self.fields["password2"].label = "Password confirmation"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def validate_unique_email(self, value: str) -> str:
        # allauth refuses a taken address only when verification is mandatory at log-in
        # too; here log-in does not wait for it, so the check is made here, silently.
        email = User.objects.normalize_email(value).strip().lower()
        self.account_already_exists = User.objects.filter(email__iexact=email).exists()
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        # allauth checks the password against the email only; the names count too.
        password = cleaned.get("password1")
        if password and "password1" not in self.errors:
            person = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, person)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    @transaction.atomic
    def save(self, request: HttpRequest) -> User:
        return super().save(request)

    def signup(self, request: HttpRequest, user: User) -> None:
        # allauth's adapter has saved the user with email, names and password.
        user.role = Role.CLINICIAN
        user.save(update_fields=["role"])
        ClinicianProfile.objects.create(user=user, degree=self.cleaned_data["degree"])


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
        self.fields["birth_day"].help_text = (
            "Month and day only, no year: credits an organization reports for you arrive "
            "only when its record has your last name and, where it has one, this birth date."
        )
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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        prompt(self.fields["state"], "Choose a state")

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
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
    board = forms.ModelChoiceField(
        queryset=Board.objects.order_by("name"),
        empty_label="Choose your board",
    )

    class Meta:
        model = Certification
        fields = ["board", "board_id_number", "specialty", "cycle_start", "cycle_end"]
        labels = {"cycle_start": "Cycle start", "cycle_end": "Cycle end"}
        help_texts = {
            "board_id_number": "The ID your board gives you; reporting organizations use it to match your credits.",
            "cycle_end": "The date your current certification or CC cycle ends.",
        }
        widgets = {"cycle_start": DateInput(), "cycle_end": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the bodies of the clinician's degree: a PA chooses NCCPA, not among 28
        # physician boards. A certification kept from before a change of degree stays
        # choosable, so editing its dates does not force a new body on it.
        degree = (
            ClinicianProfile.objects.filter(user_id=self.instance.clinician_id)
            .values_list("degree", flat=True)
            .first()
        )
        offered = Board.objects.offered_to(degree)
        if self.instance.board_id is not None:
            offered = offered | Board.objects.filter(pk=self.instance.board_id)
        field = cast("forms.ModelChoiceField", self.fields["board"])
        field.queryset = offered.order_by("name")
        if degree in (Degree.PA, Degree.NP):
            field.label = "Certifying body"
            field.empty_label = "Choose your certifying body"
            self.fields["board_id_number"].label = (
                "NCCPA ID" if degree == Degree.PA else "Certificate number"
            )
            self.fields["board_id_number"].help_text = (
                "The number your certifying body gives you; reporting organizations use it "
                "to match your credits."
            )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What will use it, for example “reference manager sync”.",
    )
