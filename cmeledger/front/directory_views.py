"""The provider directory: everyone signed in searches it; board staff keep it."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.directory import services
from cmeledger.directory.models import Provider
from cmeledger.directory.services import (
    DirectoryRefused,
    Filters,
    NotFound,
    ProviderFields,
    ReportingFields,
)
from cmeledger.ledger.vocabulary import Accreditor, ActivityKind, CreditType
from cmeledger.permissions import directory_staff_required, is_board_staff

PER_PAGE = 25


def _provider_or_404(slug: str) -> Provider:
    try:
        return services.get_provider(slug)
    except NotFound:
        raise Http404("No such provider.") from None


def _put_errors(form: forms.Form, refused: DirectoryRefused) -> None:
    for key, problems in refused.errors.items():
        field = key if key in form.fields else None
        for problem in problems:
            form.add_error(field, problem if field or not key else f"{key}: {problem}")


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or keyword", max_length=services.MAX_QUERY, required=False)
    specialty = forms.CharField(max_length=80, required=False)
    accreditor = forms.ChoiceField(
        choices=[("", "Any accreditor"), *Accreditor.choices], required=False
    )
    mine = forms.BooleanField(label="Reports to my board automatically", required=False)


@require_GET
@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    found = Provider.objects.none()
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(data["q"], data["specialty"], data["accreditor"], data["mine"])
        try:
            found = services.search(request.user, filters)
        except DirectoryRefused as refused:
            _put_errors(form, refused)
            status = 400
    else:
        status = 400
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode(
        [(k, v) for k, v in request.GET.items() if k in form.fields and "\x00" not in v][:4]
    )
    boards = services.my_boards(request.user)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "specialties": services.specialties(),
        "accepted": [(b, list(services.accepted(b))) for b in boards],
        "may_maintain": is_board_staff(request.user),
        "my_board_ids": {b.pk for b in boards},
    }
    return render(request, "front/directory/index.html", context, status=status)


@require_GET
@login_required
def directory_provider(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider_or_404(slug)
    context = {
        "provider": provider,
        "may_maintain": is_board_staff(request.user),
        "changes": services.changes(provider, limit=10),
    }
    return render(request, "front/directory/provider.html", context)


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=200)
    phone = forms.CharField(max_length=40, required=False)
    website = forms.CharField(
        max_length=500, required=False, help_text="Starting http:// or https://."
    )
    accreditors = forms.MultipleChoiceField(
        choices=Accreditor.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    specialties = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="One a line.",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    source = forms.CharField(
        max_length=300, required=False, help_text="Where this listing comes from."
    )

    def fields_out(self) -> ProviderFields:
        data = self.cleaned_data
        return ProviderFields(
            name=data["name"],
            phone=data["phone"],
            website=data["website"],
            notes=data["notes"],
            source=data["source"],
            accreditors=data["accreditors"],
            specialties=[s for s in data["specialties"].splitlines() if s.strip()],
        )


class ReportingForm(forms.Form):
    reports_automatically = forms.BooleanField(required=False)
    credit_types = forms.MultipleChoiceField(
        label="Credit types reported",
        choices=CreditType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activity_kinds = forms.MultipleChoiceField(
        label="Activity kinds reported",
        choices=ActivityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    details = forms.CharField(
        label="What is reported, in words",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    source = forms.CharField(max_length=300, required=False)


class AccreditorForm(forms.Form):
    accreditor = forms.ChoiceField(
        choices=[("", "Another organization (name it)"), *Accreditor.choices], required=False
    )
    name = forms.CharField(
        max_length=200, required=False, help_text="Leave empty to use the accreditor's name."
    )
    source = forms.CharField(max_length=300, help_text="Where the board says it accepts it.")
    note = forms.CharField(max_length=500, required=False)


def _staff_context(request: HttpRequest, **extra) -> dict:
    board = request.user.board
    return {
        "providers": [
            (p, next((r for r in p.reporting.all() if r.board_id == board.pk), None))
            for p in services.providers()
        ],
        "board": board,
        "accepted": services.accepted(board),
        "changes": services.changes(limit=20),
        "accreditor_form": AccreditorForm(),
        **extra,
    }


@require_GET
@directory_staff_required
def board_directory(request: HttpRequest) -> HttpResponse:
    return render(request, "front/directory/staff.html", _staff_context(request))


@require_http_methods(["GET", "POST"])
@directory_staff_required
def board_directory_new(request: HttpRequest) -> HttpResponse:
    return _provider_form(request, None)


@require_http_methods(["GET", "POST"])
@directory_staff_required
def board_directory_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _provider_form(request, _provider_or_404(slug))


def _provider_form(request: HttpRequest, provider: Provider | None) -> HttpResponse:
    if request.method == "POST":
        form = ProviderForm(request.POST)
        if form.is_valid():
            try:
                saved = services.save_provider(request.user, form.fields_out(), provider)
            except DirectoryRefused as refused:
                _put_errors(form, refused)
            else:
                messages.success(request, f"Saved {saved.name}.")
                return redirect("directory-provider", saved.slug)
    elif provider is not None:
        form = ProviderForm(
            initial={
                "name": provider.name,
                "phone": provider.phone,
                "website": provider.website,
                "notes": provider.notes,
                "source": provider.source,
                "accreditors": provider.accreditor_codes,
                "specialties": "\n".join(provider.specialty_names),
            }
        )
    else:
        form = ProviderForm()
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "provider": provider}
    return render(request, "front/directory/provider_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@directory_staff_required
def board_directory_reporting(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider_or_404(slug)
    board = request.user.board
    row = provider.reporting.filter(board=board).first()
    if request.method == "POST":
        form = ReportingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_reporting(request.user, provider, ReportingFields(**data))
            except DirectoryRefused as refused:
                _put_errors(form, refused)
            else:
                messages.success(
                    request, f"Saved what {provider.name} reports to {board.code.upper()}."
                )
                return redirect("directory-provider", provider.slug)
    elif row is not None:
        form = ReportingForm(
            initial={
                "reports_automatically": row.reports_automatically,
                "credit_types": row.credit_types,
                "activity_kinds": row.activity_kinds,
                "details": row.details,
                "source": row.source,
            }
        )
    else:
        form = ReportingForm()
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "provider": provider, "board": board, "row": row}
    return render(request, "front/directory/reporting_form.html", context, status=status)


@require_POST
@directory_staff_required
def board_directory_reporting_remove(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider_or_404(slug)
    try:
        services.remove_reporting(request.user, provider)
    except NotFound:
        raise Http404("Your board has no reporting row for this provider.") from None
    messages.success(request, f"Removed {provider.name}'s reporting to your board.")
    return redirect("directory-provider", provider.slug)


@require_POST
@directory_staff_required
def board_directory_accreditor_add(request: HttpRequest) -> HttpResponse:
    form = AccreditorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.add_accepted(
                request.user, data["accreditor"], data["name"], data["source"], data["note"]
            )
        except DirectoryRefused as refused:
            _put_errors(form, refused)
        else:
            messages.success(request, f"{row.board.code.upper()} accepts {row.name}.")
            return redirect("board-directory")
    context = _staff_context(request, accreditor_form=form)
    return render(request, "front/directory/staff.html", context, status=400)


@require_POST
@directory_staff_required
def board_directory_accreditor_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.remove_accepted(request.user, pk)
    except NotFound:
        raise Http404("No such accepted accreditor of your board.") from None
    messages.success(request, "Removed.")
    return redirect("board-directory")
