"""The organization portal: what a reporting organization sent, its records, the
clinicians' correction requests, its API tokens and its member list.

Every view runs for a member of an organization only, and every object is looked up
within that organization: another organization's object is a 404, like a missing one.
"""

from __future__ import annotations

import codecs

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.accounts.forms import TokenForm
from cmeledger.accounts.models import Organization
from cmeledger.ledger.vocabulary import ActivityKind
from cmeledger.permissions import organization_member_required, organization_object_required
from cmeledger.reporting import jobs, services
from cmeledger.reporting import members as member_list
from cmeledger.reporting.formats import FORMATS
from cmeledger.reporting.intake import NoAgreement
from cmeledger.reporting.matching import describe
from cmeledger.reporting.models import (
    Agreement,
    CorrectionRequest,
    CorrectionStatus,
    CredentialKind,
    Member,
    RecordState,
    ReportedRecord,
    Submission,
)
from cmeledger.reporting.records import FIELDS, from_payload

SUBMISSIONS_PER_PAGE = 50
ERRORS_PER_PAGE = 100
RECORDS_PER_PAGE = 50
CORRECTIONS_PER_PAGE = 50
MEMBERS_PER_PAGE = 100
RECENT_SUBMISSIONS = 5

# How a record found its clinician (reporting.matching), in words.


# --- access: the decorators (cmeledger.permissions) pass the member's organization ----


def _submission(organization: Organization, pk: int) -> Submission:
    try:
        return services.submission_of(organization, pk)
    except services.NotYours:
        raise Http404("No such submission.") from None


def _record(request: HttpRequest, pk: int) -> ReportedRecord:
    try:
        return services.record_of(request.user, pk)
    except services.NotYours:
        raise Http404("No such record.") from None


def _correction(request: HttpRequest, pk: int) -> CorrectionRequest:
    try:
        return services.correction_of(request.user, pk)
    except services.NotYours:
        raise Http404("No such correction request.") from None


def _answering(
    request: HttpRequest, record: ReportedRecord, value: str | None
) -> CorrectionRequest | None:
    """The correction request a Correct form answers (`request=<id>`), if any."""
    if not value:
        return None
    try:
        pk = int(value)
    except ValueError:
        raise Http404("No such correction request.") from None
    correction = _correction(request, pk)
    if correction.record_id != record.pk:
        raise Http404("No such correction request for this record.")
    return correction


def _page(request: HttpRequest, items, per_page: int):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- overview ------------------------------------------------------------------------


def _agreement(organization: Organization) -> Agreement | None:
    return Agreement.objects.filter(organization=organization).prefetch_related("boards").first()


def _kind_labels(agreement: Agreement) -> list[str]:
    labels = dict(CredentialKind.choices)
    return [str(labels.get(kind, kind)) for kind in agreement.credential_kinds]


def _state_counts(organization: Organization) -> list[tuple[str, str, int]]:
    counted = dict(
        ReportedRecord.objects.filter(organization=organization)
        .order_by()
        .values_list("state")
        .annotate(count=Count("id"))
    )
    return [(state, label, counted.get(state, 0)) for state, label in RecordState.choices]


@require_GET
@organization_member_required
def overview(request: HttpRequest, organization: Organization) -> HttpResponse:
    agreement = _agreement(organization)
    context = {
        "organization": organization,
        "agreement": agreement,
        "kinds": _kind_labels(agreement) if agreement else [],
        "states": _state_counts(organization),
        "submissions": Submission.objects.filter(organization=organization)[:RECENT_SUBMISSIONS],
        "open_corrections": services.corrections_for(organization, CorrectionStatus.OPEN).count(),
    }
    return render(request, "front/organization/overview.html", context)


# --- submissions -----------------------------------------------------------------------

FORMAT_LABELS = {
    "csv": "CSV",
    "pars": "PARS-style tab-delimited file",
    "json": "JSON",
    "medbiq": "MedBiquitous XML",
}


class UploadForm(forms.Form):
    file = forms.FileField(label="File")
    format = forms.ChoiceField(
        choices=[("auto", "Detect from the content")]
        + [(name, FORMAT_LABELS.get(name, name)) for name in FORMATS],
        initial="auto",
        required=False,
    )
    encoding = forms.CharField(
        required=False,
        max_length=20,
        help_text="Leave empty for UTF-8; name another one if the file uses it, for example cp1252.",
    )

    def clean_format(self) -> str:
        return self.cleaned_data["format"] or "auto"

    def clean_encoding(self) -> str:
        encoding = self.cleaned_data["encoding"].strip()
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise forms.ValidationError(f"Unknown encoding “{encoding}”.") from None
        return encoding


@require_GET
@organization_member_required
def submissions(request: HttpRequest, organization: Organization) -> HttpResponse:
    page = _page(
        request,
        Submission.objects.filter(organization=organization).select_related("submitted_by"),
        SUBMISSIONS_PER_PAGE,
    )
    return render(request, "front/organization/submissions.html", {"page": page})


@require_http_methods(["GET", "POST"])
@organization_member_required
def submission_new(request: HttpRequest, organization: Organization) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            # The job starts when this commits, so it never reads a half-stored file.
            with transaction.atomic():
                submission = jobs.submit_file(
                    organization,
                    data["file"],
                    user=request.user,
                    format=data["format"],
                    encoding=data["encoding"],
                )
        except NoAgreement as error:
            form.add_error(None, str(error))
        except jobs.SubmissionTooLarge as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"Received {submission.original_name}.")
            return redirect("organization-submission", pk=submission.pk)
    status = 400 if form.is_bound else 200
    return render(request, "front/organization/submission_new.html", {"form": form}, status=status)


@require_GET
@organization_object_required
def submission_detail(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    submission = _submission(organization, pk)
    context = {
        "submission": submission,
        "errors": _page(request, submission.errors.all(), ERRORS_PER_PAGE),
    }
    return render(request, "front/organization/submission_detail.html", context)


@require_GET
@organization_object_required
def submission_progress(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    submission = _submission(organization, pk)
    response = render(request, "front/organization/_progress.html", {"submission": submission})
    if request.htmx and submission.is_finished:
        # The page was polling: load it again, with the rejected rows and no polling.
        response["HX-Refresh"] = "true"
    return response


@require_GET
@organization_object_required
def submission_errors(
    request: HttpRequest, organization: Organization, pk: int
) -> StreamingHttpResponse:
    submission = _submission(organization, pk)
    response = StreamingHttpResponse(
        jobs.result_csv(submission), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="submission-{submission.pk}-errors.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@organization_object_required
def submission_cancel(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    submission = _submission(organization, pk)
    if submission.is_finished:
        messages.error(request, "This submission has already finished.")
    else:
        jobs.cancel(submission)
        messages.success(
            request, "Cancelling: the job stops after its current batch; what it wrote stays."
        )
    return redirect("organization-submission", pk=submission.pk)


# --- records ---------------------------------------------------------------------------


class RecordSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Record id, learner or activity"}
        ),
    )
    state = forms.ChoiceField(required=False, choices=[("", "Any state"), *RecordState.choices])


@require_GET
@organization_member_required
def records(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = RecordSearchForm(request.GET)
    form.is_valid()
    found = services.search_records(
        organization, form.cleaned_data.get("q", ""), form.cleaned_data.get("state", "")
    )
    context = {
        "form": form,
        "page": _page(request, found, RECORDS_PER_PAGE),
        "query": _query_without_page(request),
    }
    return render(request, "front/organization/records.html", context)


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(required=False, max_length=1000, label=label, help_text=help_text)


DATE_HELP = "YYYY-MM-DD or MM/DD/YYYY"


class CorrectForm(forms.Form):
    """A record's fields as raw text; the reporting rules check them, as for a file row."""

    activity_title = _text("Activity title")
    activity_kind = forms.CharField(
        required=False, label="Activity kind", widget=forms.Select(choices=ActivityKind.choices)
    )
    activity_start = _text("Activity start", DATE_HELP)
    activity_end = _text("Activity end", DATE_HELP)
    completed_on = _text("Completed on", DATE_HELP)
    credits = _text("Credits", "type=amount, several separated by “;”: ama-pra-1=2.5;moc-points=2")
    topics = _text("Topics", "Topic codes separated by “;”: ethics;pain-management")
    board = _text("Board", "The certifying body's code, for example abpmr, nccpa, aanpcb or ancc")
    board_id = _text("Board ID", "The board ID, NCCPA ID or certificate number")
    npi = _text("NPI")
    license_state = _text("License state")
    license_number = _text("License number")
    first_name = _text("First name")
    last_name = _text("Last name")
    birth_date = _text("Birth date", "MM/DD")
    email = _text("Email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The reporting rules say which fields a record needs (a title, a date, credits,
        # one identifier), as for a file row: no field is marked "(optional)" on its own.
        for field in self.fields.values():
            field.required_sometimes = True  # type: ignore[attr-defined]


def _stored_values(record: ReportedRecord) -> dict[str, str]:
    values = dict(zip(FIELDS, from_payload(record.payload).values(), strict=True))
    return {name: values[name] for name in CorrectForm.base_fields}


def _record_context(
    record: ReportedRecord, form: CorrectForm, correction: CorrectionRequest | None
) -> dict:
    completion = from_payload(record.payload)
    return {
        "record": record,
        "completion": completion,
        "kind_label": dict(ActivityKind.choices).get(completion.kind, completion.kind),
        "match_evidence": describe(record.match_evidence),
        "entries": record.entries.count(),
        "live_entries": record.entries.filter(deleted_at__isnull=True).count(),
        "corrections": record.corrections.select_related("clinician"),
        "form": form,
        "correction": correction,
        "withdrawn": record.state == RecordState.WITHDRAWN,
    }


@require_GET
@organization_object_required
def record_detail(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    record = _record(request, pk)
    correction = _answering(request, record, request.GET.get("request"))
    form = CorrectForm(initial=_stored_values(record))
    return render(
        request,
        "front/organization/record_detail.html",
        _record_context(record, form, correction),
    )


def _add_problems(form: CorrectForm, problems) -> None:
    for problem in problems:
        if problem.field in form.fields:
            form.add_error(problem.field, problem.message)
        else:
            form.add_error(None, f"{problem.field}: {problem.message}")


@require_POST
@organization_object_required
def record_correct(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    record = _record(request, pk)
    correction = _answering(request, record, request.POST.get("request"))
    stored = _stored_values(record)
    form = CorrectForm(request.POST, initial=stored)
    if form.is_valid():
        changes = {
            name: value for name, value in form.cleaned_data.items() if value != stored[name]
        }
        if not changes and correction is None:
            messages.info(request, "Nothing changed.")
            return redirect("organization-record", pk=record.pk)
        try:
            problems = services.correct_record(request.user, record, changes, correction)
        except (services.Refused, NoAgreement) as error:
            form.add_error(None, str(error))
        else:
            _add_problems(form, problems)
            if not problems:
                done = "Record corrected" if changes else "Request marked as corrected"
                note = "; the clinician sees the answer." if correction else "."
                messages.success(request, done + note)
                return redirect("organization-record", pk=record.pk)
    return render(
        request,
        "front/organization/record_detail.html",
        _record_context(record, form, correction),
        status=400,
    )


@require_POST
@organization_object_required
def record_withdraw(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    record = _record(request, pk)
    try:
        services.withdraw_record(request.user, record)
    except services.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Withdrew record {record.record_key}: it no longer counts anywhere."
        )
    return redirect("organization-record", pk=record.pk)


# --- correction requests -------------------------------------------------------------


@require_GET
@organization_member_required
def corrections(request: HttpRequest, organization: Organization) -> HttpResponse:
    requests = services.corrections_for(organization).order_by(
        Case(
            When(status=CorrectionStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-created_at",
        "-id",
    )
    page = _page(request, requests, CORRECTIONS_PER_PAGE)
    return render(request, "front/organization/corrections.html", {"page": page})


@require_POST
@organization_object_required
def correction_decline(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    correction = _correction(request, pk)
    try:
        services.resolve(
            request.user, correction, CorrectionStatus.DECLINED, request.POST.get("reason", "")
        )
    except services.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Declined; the clinician sees your reason.")
    return redirect("organization-corrections")


# --- API tokens ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@organization_member_required
def tokens(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        token, key = services.issue_token(request.user, form.cleaned_data["name"])
        context = {"token": token, "key": key}
        return render(request, "front/organization/token_created.html", context)
    context = {
        "form": form,
        "tokens": services.organization_tokens(request.user).select_related("user"),
        "organization": organization,
    }
    return render(
        request, "front/organization/tokens.html", context, status=400 if form.is_bound else 200
    )


@require_POST
@organization_object_required
def token_revoke(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    try:
        services.revoke_token(request.user, pk)
    except services.NotYours:
        raise Http404("No such token.") from None
    messages.success(request, "Token revoked: programs using it can no longer connect.")
    return redirect("organization-tokens")


# --- member list -----------------------------------------------------------------------


class MemberUploadForm(forms.Form):
    file = forms.FileField(
        label="Member list (CSV)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="Columns email,npi,board,board_id; one member a row, any one identifier "
        "is enough. The file replaces the whole list.",
    )


@require_http_methods(["GET", "POST"])
@organization_member_required
def members(request: HttpRequest, organization: Organization) -> HttpResponse:
    posted = request.method == "POST"
    form = MemberUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_bound and form.is_valid():
        try:
            uploaded = member_list.read(form.cleaned_data["file"].file)
        except member_list.MemberListRejected as rejected:
            for problem in rejected.problems:
                form.add_error("file", problem)
        else:
            member_list.replace(organization, uploaded)
            messages.success(request, f"The member list now has {len(uploaded):,} members.")
            return redirect("organization-members")
    listed = Member.objects.filter(organization=organization).order_by("id")
    agreement = _agreement(organization)
    context = {
        "form": form,
        "page": _page(request, listed, MEMBERS_PER_PAGE),
        "members_only": agreement is not None and agreement.members_only,
    }
    status = 400 if form.is_bound else 200
    return render(request, "front/organization/members.html", context, status=status)
