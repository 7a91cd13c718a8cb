from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import models
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cmeledger.accounts import throttle
from cmeledger.accounts.forms import (
    CertificationForm,
    LicenseForm,
    ProfileForm,
    SignupForm,
    TokenForm,
)
from cmeledger.accounts.models import ApiToken, Certification, ClinicianProfile, License
from cmeledger.front.decorators import clinician_required

Record = TypeVar("Record", License, Certification, ApiToken)

# The field naming each record's owner. Every view fetches records through
# _get_for_user, so no view can forget the ownership check.
_OWNER_FIELD: dict[type[models.Model], str] = {
    License: "clinician",
    Certification: "clinician",
    ApiToken: "user",
}


def _get_for_user(request: HttpRequest, model: type[Record], pk: int) -> Record:
    """The user's own record; someone else's is a 404, the same as a missing one."""
    return get_object_or_404(model, pk=pk, **{_OWNER_FIELD[model]: request.user})


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")

    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = form.save()
        auth_login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            request,
            f"Welcome, {user.first_name}. Add your NPI, licenses and board certifications "
            "so your credits count toward each of them.",
        )
        return redirect("profile")
    return render(request, "accounts/signup.html", {"form": form})


@clinician_required
def profile(request: HttpRequest) -> HttpResponse:
    # Accounts made in the admin may not have a profile row yet; saving creates it.
    record = ClinicianProfile.objects.filter(user=request.user).first()
    record = record or ClinicianProfile(user=request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=record)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("profile")

    ctx = {
        "form": form,
        "licenses": request.user.licenses.all(),
        "certifications": request.user.certifications.select_related("board"),
    }
    return render(request, "accounts/profile.html", ctx)


def _record_form(
    request: HttpRequest, form_class: type[BaseModelForm], record: models.Model, title: str
) -> HttpResponse:
    adding = record.pk is None
    form = form_class(request.POST if request.method == "POST" else None, instance=record)
    if form.is_bound and form.is_valid():
        saved = form.save()
        messages.success(request, f"{'Added' if adding else 'Saved'} {saved}.")
        return redirect("profile")
    return render(request, "accounts/record_form.html", {"form": form, "title": title})


def _delete_record(request: HttpRequest, record: models.Model) -> HttpResponse:
    label = str(record)
    record.delete()
    messages.success(request, f"Deleted {label}.")
    return redirect("profile")


@clinician_required
def license_add(request: HttpRequest) -> HttpResponse:
    record = License(clinician=request.user)
    return _record_form(request, LicenseForm, record, "Add a license")


@clinician_required
def license_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_for_user(request, License, pk)
    return _record_form(request, LicenseForm, record, f"Edit {record}")


@clinician_required
@require_POST
def license_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete_record(request, _get_for_user(request, License, pk))


@clinician_required
def certification_add(request: HttpRequest) -> HttpResponse:
    record = Certification(clinician=request.user)
    return _record_form(request, CertificationForm, record, "Add a board certification")


@clinician_required
def certification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_for_user(request, Certification, pk)
    return _record_form(request, CertificationForm, record, "Edit board certification")


@clinician_required
@require_POST
def certification_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete_record(request, _get_for_user(request, Certification, pk))


@login_required
@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        token, key = ApiToken.issue(request.user, form.cleaned_data["name"])
        return render(request, "accounts/token_created.html", {"token": token, "key": key})

    ctx = {"form": form, "tokens": request.user.api_tokens.all()}
    return render(request, "accounts/tokens.html", ctx)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = _get_for_user(request, ApiToken, pk)
    if token.revoked_at is None:
        token.revoke()
    messages.success(
        request, f"Revoked the token “{token.name}”. Programs using it can no longer connect."
    )
    return redirect("tokens")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset_body.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"

    @property
    def extra_email_context(self) -> dict:  # type: ignore[override]
        # Links are built from SITE_URL, not the request's Host header, so a forged
        # Host cannot point a reset link elsewhere.
        return {
            "site_url": settings.SITE_URL.rstrip("/"),
            "site_name": settings.SITE_NAME,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        # The throttle message points here, so a new password lifts the block at once.
        throttle.clear(form.user.email)
        return super().form_valid(form)
