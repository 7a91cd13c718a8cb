from __future__ import annotations

from typing import TypeVar

import rules
from allauth.account import app_settings as allauth_settings
from allauth.account import views as allauth_views
from allauth.account.internal import flows as allauth_flows
from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress, Login
from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cmeledger.accounts import identity
from cmeledger.accounts.forms import CertificationForm, LicenseForm, ProfileForm, TokenForm
from cmeledger.accounts.http import SignedInRequest
from cmeledger.accounts.models import (
    ApiToken,
    Certification,
    ClinicianProfile,
    Degree,
    IdentifierState,
    License,
    User,
)

Record = TypeVar("Record", License, Certification, ApiToken)

# The rule lives in cmeledger.permissions, above this app, so it is read here by name
# from django-rules' registry. rules.has_perm, not user.has_perm: Django passes an active
# superuser on every has_perm, and a superuser keeps no licenses.
KEEP_OWN_RECORDS = "accounts.keep_own_records"


def _keeps_own_records(user) -> bool:
    if rules.has_perm(KEEP_OWN_RECORDS, user):
        return True
    # Rendered as the pages' own refusal by the site's 403 handler (cmeledger.permissions).
    raise PermissionDenied


clinicians_only = user_passes_test(_keeps_own_records)

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


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, answering "check your email" whether or not the address already
    has an account: a new account gets its confirmation link, an existing one's owner an
    email saying so. The link logs the newcomer in (in the browser that signed up)."""

    def form_valid(self, form):
        mandatory = allauth_settings.EmailVerificationMethod.MANDATORY
        if form.account_already_exists:
            login = Login(
                user=None,
                email=form.cleaned_data["email"],
                signup=True,
                email_verification=mandatory,
            )
            return allauth_flows.login.perform_login(request=self.request, login=login)
        user = form.save(self.request)
        return allauth_flows.signup.complete_signup(
            self.request,
            user=user,
            email_verification=mandatory,
            redirect_url=reverse("profile"),
        )


@login_required
@require_POST
def resend_confirmation(request: SignedInRequest) -> HttpResponse:
    """The dashboard's "Send the link again": a new link to the account's own address.
    allauth's confirm_email rate limit (per address) applies; within it, the link already
    sent still works, so the answer is the same."""
    addresses = EmailAddress.objects.filter(user=request.user)
    # An account made elsewhere (the admin, a command) may have no record of its address
    # yet, or one of an address it no longer uses.
    address = addresses.filter(email__iexact=request.user.email).first()
    address = address or EmailAddress.objects.create(
        user=request.user,
        email=request.user.email,
        primary=not addresses.filter(primary=True).exists(),
        verified=False,
    )
    if address.verified:
        messages.success(request, f"{address.email} is already confirmed.")
    elif send_verification_email_to_address(request, address):
        # allauth has added its own "sent" message.
        pass
    else:
        messages.info(
            request,
            f"A link was sent to {address.email} a moment ago; it still works. "
            "Check your spam folder, or try again in a few minutes.",
        )
    return redirect("dashboard")


def _certified_by_a_body(user: User) -> bool:
    """Whether the clinician's certification is by a certifying body rather than a board:
    NCCPA certifies PAs and AANPCB or ANCC NPs, and none of them is a "board", so their
    pages say "certification" and "certifying body" as the certification form does."""
    degree = ClinicianProfile.objects.filter(user=user).values_list("degree", flat=True).first()
    return degree in (Degree.PA, Degree.NP)


@login_required
@clinicians_only
def profile(request: SignedInRequest) -> HttpResponse:
    # Accounts made in the admin may not have a profile row yet; saving creates it.
    record = ClinicianProfile.objects.filter(user=request.user).first()
    record = record or ClinicianProfile(user=request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=record)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("profile")

    # Identifiers another account claims too are shown as in dispute (docs/identity.md).
    shared = {
        (item.kind, item.pk)
        for item in identity.identifiers_of(request.user)
        if item.in_dispute and item.state == IdentifierState.CLAIMED
    }
    licenses = list(request.user.licenses.all())
    certifications = list(request.user.certifications.select_related("board"))
    for kind, items in (("license", licenses), ("board", certifications), ("npi", [record])):
        for item in items:
            # A flag for the template only, not a field of any of these models.
            setattr(item, "also_claimed", (kind, item.pk) in shared)  # noqa: B010
    ctx = {
        "form": form,
        "licenses": licenses,
        "certifications": certifications,
        "by_a_body": record.degree in (Degree.PA, Degree.NP),
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


@login_required
@clinicians_only
def license_add(request: SignedInRequest) -> HttpResponse:
    record = License(clinician=request.user)
    return _record_form(request, LicenseForm, record, "Add a license")


@login_required
@clinicians_only
def license_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_for_user(request, License, pk)
    return _record_form(request, LicenseForm, record, f"Edit {record}")


@login_required
@clinicians_only
@require_POST
def license_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete_record(request, _get_for_user(request, License, pk))


@login_required
@clinicians_only
def certification_add(request: SignedInRequest) -> HttpResponse:
    record = Certification(clinician=request.user)
    title = (
        "Add a certification" if _certified_by_a_body(request.user) else "Add a board certification"
    )
    return _record_form(request, CertificationForm, record, title)


@login_required
@clinicians_only
def certification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_for_user(request, Certification, pk)
    by_a_body = _certified_by_a_body(record.clinician)
    title = "Edit certification" if by_a_body else "Edit board certification"
    return _record_form(request, CertificationForm, record, title)


@login_required
@clinicians_only
@require_POST
def certification_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete_record(request, _get_for_user(request, Certification, pk))


@login_required
@never_cache
def tokens(request: SignedInRequest) -> HttpResponse:
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
