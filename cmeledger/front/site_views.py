"""The site-admin area: organizations and their agreements, boards, and invitations to a
role; and the invitation page an invitee opens. The work is done in
onboarding/services.py, shared with the `cmeledger org|board|invite` commands."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from django import forms
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.accounts.models import Board, Organization, Profession, Role, User
from cmeledger.onboarding import services
from cmeledger.onboarding.models import RoleInvitation
from cmeledger.onboarding.services import INVITABLE, InvitationGone, OnboardingError, Terms
from cmeledger.permissions import site_admin_required
from cmeledger.reporting.models import Agreement, CredentialKind

DATE = forms.DateInput(attrs={"type": "date"})


class _Distinct(forms.Form):
    """Several forms share the site-admin page: each gets its own element ids."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class TermsForm(_Distinct):
    credential_kinds = forms.MultipleChoiceField(
        label="What it may report",
        choices=CredentialKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[CredentialKind.STATE_LICENSE],
    )
    boards = forms.ModelMultipleChoiceField(
        label="Boards (for board certification credit)",
        queryset=Board.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members_only = forms.BooleanField(
        label="Report only for learners on its member list", required=False
    )
    starts_on = forms.DateField(label="Agreement starts", required=False, widget=DATE)
    ends_on = forms.DateField(
        label="Agreement ends", required=False, widget=DATE, help_text="Empty: no end date."
    )

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            credential_kinds=tuple(data["credential_kinds"]),
            boards=tuple(data["boards"]),
            members_only=data["members_only"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )


class OrganizationForm(TermsForm):
    id_prefix = "organization"
    name = forms.CharField(label="Organization's name", max_length=200)
    slug = forms.CharField(
        label="Short name",
        max_length=64,
        help_text="Lowercase letters, digits and hyphens, e.g. “acme-cme”; used by the "
        "command line and in file names.",
    )
    field_order = ["name", "slug"]


class BoardForm(_Distinct):
    id_prefix = "board"

    name = forms.CharField(label="Board's name", max_length=200)
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="Lowercase letters, digits and hyphens, e.g. “abpmr”.",
    )
    profession = forms.ChoiceField(
        label="Certifies",
        choices=Profession.choices,
        initial=Profession.PHYSICIAN,
        # A form sent without it (a script, an older page) adds a physicians' board.
        required=False,
        help_text="The certification form offers the body to clinicians of this degree.",
    )
    credential = forms.CharField(
        label="Credential",
        max_length=20,
        required=False,
        help_text="What its certificants write after their name, e.g. “PA-C”; may be empty.",
    )


class InviteForm(_Distinct):
    id_prefix = "invite"

    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in INVITABLE])
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label="Not an organization member",
        help_text="For an organization member only.",
    )
    board = forms.ModelChoiceField(
        queryset=Board.objects.order_by("name"),
        required=False,
        empty_label="Not board staff",
        help_text="For board staff only.",
    )


def _refuse(form: forms.Form, error: OnboardingError) -> None:
    """Puts the service's reason on the field it names, or on the whole form."""
    form.add_error(error.field if error.field in form.fields else None, str(error))


# The area's front page -------------------------------------------------------------------------


def _site_page(
    request: HttpRequest,
    *,
    organization_form: OrganizationForm | None = None,
    board_form: BoardForm | None = None,
    invite_form: InviteForm | None = None,
    created_url: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "organizations": Organization.objects.select_related("agreement")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name"),
        "boards": Board.objects.annotate(staff_count=Count("staff")).order_by("name"),
        "invitations": RoleInvitation.objects.pending().select_related("organization", "board"),
        "organization_form": organization_form or OrganizationForm(),
        "board_form": board_form or BoardForm(),
        "invite_form": invite_form or InviteForm(),
        "created_url": created_url,
        "invitation_days": services.INVITATION_DAYS,
    }
    response = render(request, "front/site/home.html", context, status=status)
    if created_url:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@site_admin_required
def site_admin(request: HttpRequest) -> HttpResponse:
    return _site_page(request)


@require_POST
@site_admin_required
def organization_add(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST)
    if form.is_valid():
        try:
            organization = services.create_organization(
                form.cleaned_data["slug"], form.cleaned_data["name"], form.terms()
            )
        except OnboardingError as error:
            _refuse(form, error)
        else:
            messages.success(
                request,
                f"Added {organization.name} with its agreement. Invite its first member below.",
            )
            return redirect("site-organization", organization.pk)
    return _site_page(request, organization_form=form, status=400)


@require_POST
@site_admin_required
def board_add(request: HttpRequest) -> HttpResponse:
    form = BoardForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            board = services.create_board(
                data["code"],
                data["name"],
                data["profession"] or Profession.PHYSICIAN,
                data["credential"],
            )
        except OnboardingError as error:
            _refuse(form, error)
        else:
            messages.success(request, f"Added {board.name}. Invite its staff below.")
            return redirect(reverse("site-admin") + "#invite-heading")
    return _site_page(request, board_form=form, status=400)


@require_POST
@site_admin_required
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation, secret = services.invite(
                data["email"],
                data["role"],
                organization=data["organization"],
                board=data["board"],
                invited_by=request.user,
            )
        except OnboardingError as error:
            _refuse(form, error)
        else:
            sent = services.send_invitation(invitation, secret)
            who = f"{invitation.email} as {invitation.role_in_words}"
            if sent:
                messages.success(request, f"Sent an invitation to {who}.")
            else:
                messages.warning(request, f"Could not email {who}; give them the link below.")
            return _site_page(request, created_url=services.invitation_url(secret))
    return _site_page(request, invite_form=form, status=400)


@require_POST
@site_admin_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(RoleInvitation, pk=pk)
    if invitation.is_pending:
        services.revoke(invitation)
        messages.success(request, f"Withdrew the invitation to {invitation.email}.")
    else:
        state = invitation.state.label.lower()
        messages.info(
            request, f"The invitation to {invitation.email} is {state}: nothing to withdraw."
        )
    return redirect("site-admin")


# One organization ------------------------------------------------------------------------------


def _agreement_initial(agreement: Agreement | None) -> dict:
    if agreement is None:
        return {}
    return {
        "credential_kinds": agreement.credential_kinds,
        "boards": list(agreement.boards.all()),
        "members_only": agreement.members_only,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
    }


def _organization_page(
    request: HttpRequest, organization: Organization, form: TermsForm | None, status: int = 200
) -> HttpResponse:
    agreement = Agreement.objects.filter(organization=organization).first()
    context = {
        "organization": organization,
        "agreement": agreement,
        "form": form or TermsForm(initial=_agreement_initial(agreement)),
        "members": User.objects.filter(organization=organization).order_by("email"),
        "invite_form": InviteForm(
            initial={"role": Role.ORGANIZATION, "organization": organization}
        ),
    }
    return render(request, "front/site/organization.html", context, status=status)


@require_http_methods(["GET", "POST"])
@site_admin_required
def organization(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Organization, pk=pk)
    if request.method == "GET":
        return _organization_page(request, found, None)
    form = TermsForm(request.POST)
    if form.is_valid():
        try:
            services.set_agreement(found, form.terms())
        except OnboardingError as error:
            _refuse(form, error)
        else:
            messages.success(request, f"Saved the agreement of {found.name}.")
            return redirect("site-organization", found.pk)
    return _organization_page(request, found, form, status=400)


# The invitee's page ----------------------------------------------------------------------------


class AcceptForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ; type the same one twice.")
        elif first:
            candidate = User(
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def _private(response: HttpResponse) -> HttpResponse:
    """A page behind a secret: never cached or indexed, and the secret never leaks on as
    a referrer."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request: HttpRequest, message: str, status: int) -> HttpResponse:
    context = {"message": message}
    return _private(render(request, "front/site/invitation_gone.html", context, status=status))


NOT_OURS = (
    "This invitation link is not valid: it may have been cut short or mistyped. Open it "
    "again from the email, or ask the site's staff for a new one."
)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """Public: the secret is the key. Unknown secrets, used, withdrawn or expired
    invitations each get a page that says so."""
    try:
        found = services.usable(secret)
    except InvitationGone as gone:
        return _gone(request, str(gone), status=410)
    if found is None:
        return _gone(request, NOT_OURS, status=404)
    if request.user.is_authenticated:
        context = {"invitation": found}
        return _private(render(request, "front/site/invitation_signed_in.html", context))
    form = AcceptForm(request.POST if request.method == "POST" else None, email=found.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.accept(found, data["password1"], data["first_name"], data["last_name"])
        except InvitationGone as gone:
            return _gone(request, str(gone), status=410)
        except OnboardingError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # The password was typed a moment ago: setting up two-factor authentication
            # next does not ask for it again.
            record_authentication(request, user, method="password", reauthenticated=True)
            messages.success(request, f"Welcome, {user.first_name}. Your account is ready.")
            return redirect(services.workspace(user))
    status = 400 if request.method == "POST" else 200
    context = {"invitation": found, "form": form}
    return _private(render(request, "front/site/invitation.html", context, status=status))
