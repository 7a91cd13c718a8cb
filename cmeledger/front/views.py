"""The clinician's ledger pages: dashboard, entries and their history."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.accounts import identity
from cmeledger.accounts.credentials import display_name_with_credential
from cmeledger.accounts.models import Role
from cmeledger.front import overview
from cmeledger.front.correction_views import entry_corrections
from cmeledger.front.first_run import checklist
from cmeledger.front.forms import (
    CARRIED_FIELDS,
    AttachForm,
    EntryFilterForm,
    EntryForm,
    filter_fields_html,
)
from cmeledger.ledger import services
from cmeledger.ledger.models import Certificate, CreditEntry, EntryRevision
from cmeledger.ledger.queries import entries_for_listing
from cmeledger.permissions import clinician_required
from cmeledger.requirements import progress

ENTRIES_PER_PAGE = 25


def own_entry(request: HttpRequest, pk: UUID) -> CreditEntry:
    """The user's own entry; someone else's is a 404, the same as a missing one."""
    return get_object_or_404(CreditEntry, pk=pk, clinician=request.user)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def own_certificate(request: HttpRequest, pk: UUID) -> Certificate:
    return get_object_or_404(Certificate, pk=pk, clinician=request.user)


def _entries_page(request: HttpRequest, *, deleted: bool = False) -> dict:
    filters = EntryFilterForm(request.GET)
    wanted = filters.wanted(deleted=deleted)
    paginator = Paginator(entries_for_listing(request.user, wanted), ENTRIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"filters": filters, "wanted": wanted, "page": page, "query": query.urlencode()}


# Where each role lands from "/": the clinician's dashboard is theirs alone.
LANDING = {
    Role.BOARD_STAFF: "board-diplomates",
    Role.TEAM_MANAGER: "teams",
    Role.ORGANIZATION: "organization",
    Role.SITE_ADMIN: "site-admin",
}


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    landing = LANDING.get(getattr(request.user, "role", None))
    if landing and (request.user.role != Role.BOARD_STAFF or request.user.board_id):
        return redirect(landing)
    return _clinician_dashboard(request)


@clinician_required
def _clinician_dashboard(request: HttpRequest) -> HttpResponse:
    listing = _entries_page(request)
    today = timezone.localdate()
    sections = overview.dashboard_sections(request, today)
    listing["page"].object_list = list(listing["page"].object_list)
    for entry in listing["page"].object_list:
        entry.counts_toward = sections.uses.get(str(entry.pk), [])
    if request.htmx:
        return render(request, "front/_entries.html", listing)
    context = {
        **listing,
        "today": today,
        "sections": sections,
        "checklist": checklist(
            request.user,
            has_license=sections.has_license,
            has_certification=sections.has_certification,
            has_credits=sections.has_credits,
        ),
        "disputed": [i for i in identity.identifiers_of(request.user) if i.in_dispute],
        "filter_fields": filter_fields_html(listing["filters"]),
        "clinician_name": display_name_with_credential(request.user, today),
    }
    return render(request, "front/dashboard.html", context)


@require_GET
@clinician_required
def entries_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "front/entries_deleted.html", _entries_page(request, deleted=True))


def _carried_initial(request: HttpRequest) -> dict:
    after = request.GET.get("after")
    try:
        previous = CreditEntry.objects.filter(clinician=request.user, pk=UUID(after)).first()
    except (TypeError, ValueError):
        return {}
    if previous is None:
        return {}
    return {name: getattr(previous, name) for name in CARRIED_FIELDS}


@require_http_methods(["GET", "POST"])
@clinician_required
def entry_add(request: HttpRequest) -> HttpResponse:
    form = EntryForm(_posted(request), initial=_carried_initial(request), clinician=request.user)
    if form.is_bound and form.is_valid():
        entry = services.create_entry(
            request.user,
            request.user,
            form.entry_fields(),
            topics=form.cleaned_data["topics"],
            certificates=form.cleaned_data.get("certificates") or (),
        )
        messages.success(request, f"Saved “{entry.title}”: {entry.credits} credits.")
        if "save_and_add" in request.POST:
            return redirect(f"{reverse('entry-add')}?after={entry.pk}")
        return redirect("entry-detail", pk=entry.pk)
    status = 400 if form.is_bound else 200
    return render(request, "front/entry_form.html", {"form": form, "adding": True}, status=status)


def _locked(request: HttpRequest, entry: CreditEntry, error: Exception) -> HttpResponse:
    return render(request, "front/entry_locked.html", {"entry": entry, "error": error}, status=403)


@require_http_methods(["GET", "POST"])
@clinician_required
def entry_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    entry = own_entry(request, pk)
    if not entry.is_editable_by_clinician:
        return _locked(request, entry, services.EntryLocked(entry))
    # The form works on its own copy: a bound ModelForm writes into its instance, and the
    # service must see the entry as it was to record what changed.
    initial = {"topics": entry.topics, "certificates": list(entry.certificates.all())}
    form = EntryForm(
        _posted(request),
        instance=own_entry(request, pk),
        initial=initial,
        clinician=request.user,
    )
    if form.is_bound and form.is_valid():
        services.update_entry(
            entry,
            request.user,
            form.entry_fields(),
            topics=form.cleaned_data["topics"],
            certificates=form.cleaned_data.get("certificates"),
        )
        messages.success(request, "Changes saved.")
        return redirect("entry-detail", pk=entry.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "entry": entry, "adding": False}
    return render(request, "front/entry_form.html", context, status=status)


@require_GET
@clinician_required
def entry_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    entry = own_entry(request, pk)
    attached = list(entry.certificates.all())
    context = {
        "entry": entry,
        "attached": attached,
        "attach_form": AttachForm(clinician=request.user),
        "can_attach": Certificate.objects.owned_by(request.user)
        .exclude(pk__in=[c.pk for c in attached])
        .exists(),
        "history": _history(request, entry),
        "standing": _entry_standing(request, entry),
        **entry_corrections(request.user, entry),
    }
    return render(request, "front/entry_detail.html", context)


def _entry_standing(request: HttpRequest, entry: CreditEntry) -> list[progress.EntryStanding]:
    if entry.is_deleted:
        return []
    data = progress.report(request.user, timezone.localdate())
    return progress.entry_standing(data, str(entry.pk), entry.completed_on)


def _field_labels() -> dict[str, str]:
    fields = CreditEntry._meta.get_fields()
    return {f.name: str(f.verbose_name) for f in fields if hasattr(f, "verbose_name")}


def _shown(name: str, value, certificate_names: dict[str, str]) -> str:
    if isinstance(value, list):
        if name == "certificates":
            value = [certificate_names.get(item, "a removed file") for item in value]
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _history(request: HttpRequest, entry: CreditEntry) -> list[dict]:
    """Each revision with its changes as (field label, old, new), in words people read."""
    labels = _field_labels()
    names = {
        str(pk): name
        for pk, name in Certificate.objects.owned_by(request.user).values_list(
            "pk", "original_name"
        )
    }
    return [
        {
            "revision": revision,
            "changes": [
                (labels.get(name, name), _shown(name, old, names), _shown(name, new, names))
                for name, (old, new) in revision.changes.items()
            ],
        }
        for revision in EntryRevision.objects.filter(entry=entry).select_related("actor")
    ]


@require_POST
@clinician_required
def entry_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    entry = own_entry(request, pk)
    try:
        services.delete_entry(entry, request.user)
    except services.EntryLocked as error:
        return _locked(request, entry, error)
    messages.success(request, f"Deleted “{entry.title}”. You can restore it from Deleted entries.")
    return redirect("dashboard")


@require_POST
@clinician_required
def entry_restore(request: HttpRequest, pk: UUID) -> HttpResponse:
    entry = own_entry(request, pk)
    try:
        services.restore_entry(entry, request.user)
    except services.EntryLocked as error:
        return _locked(request, entry, error)
    messages.success(request, f"Restored “{entry.title}”.")
    return redirect("entry-detail", pk=entry.pk)


@require_POST
@clinician_required
def entry_attach(request: HttpRequest, pk: UUID) -> HttpResponse:
    entry = own_entry(request, pk)
    form = AttachForm(request.POST, clinician=request.user)
    if not form.is_valid():
        # A foreign or unknown certificate id lands here: it is not in the user's choices.
        messages.error(request, "Choose one of your own certificates to attach.")
        return redirect("entry-detail", pk=entry.pk)
    services.attach_certificate(entry, form.cleaned_data["certificate"], request.user)
    messages.success(request, "Certificate attached.")
    return redirect("entry-detail", pk=entry.pk)


@require_POST
@clinician_required
def entry_detach(request: HttpRequest, pk: UUID, certificate_pk: UUID) -> HttpResponse:
    entry = own_entry(request, pk)
    certificate = own_certificate(request, certificate_pk)
    try:
        services.detach_certificate(entry, certificate, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Certificate detached; the file is still in your certificates.")
    return redirect("entry-detail", pk=entry.pk)
