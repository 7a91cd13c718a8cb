"""Direct-credit pages: the clinician applies and withdraws; the reviewing board's staff
approve or decline (logic in cmeledger.directcredit.services)."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.accounts.forms import DateInput
from cmeledger.directcredit import services
from cmeledger.directcredit.models import Application, Kind, Status
from cmeledger.directcredit.rules import RULES, UNCONFIRMED_TEACHING, rule_for
from cmeledger.front.forms import MultipleFileField, MultipleFileInput
from cmeledger.ledger.certificates import CertificateRejected, read_upload
from cmeledger.ledger.models import Certificate
from cmeledger.lib.credits import day_text
from cmeledger.lib.downloads import attachment
from cmeledger.permissions import clinician_required, direct_credit_staff_required

PER_PAGE = 50


def own_application(request: HttpRequest, pk: UUID) -> Application:
    """The clinician's own application; someone else's is a 404, like a missing one."""
    return get_object_or_404(Application, pk=pk, clinician=request.user)


def board_application(request: HttpRequest, pk: UUID) -> Application:
    """An application for the staff member's board; another board's is a 404."""
    found = Application.objects.for_board(request.user.board_id).select_related(
        "clinician", "board", "certification"
    )
    return get_object_or_404(found, pk=pk)


# Forms ------------------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of direct credit", choices=Kind.choices)
    certification = forms.TypedChoiceField(
        label="Completed certification cycle",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="For board certification or MOC completed only: the board reviews its own cycle.",
    )
    board = forms.ChoiceField(
        label="Reviewing board",
        required=False,
        help_text="The board of one of your certifications (not needed for a completed cycle).",
    )
    title = forms.CharField(
        label="Title, citation, degree or program",
        max_length=300,
        required=False,
        help_text="Article citation, poster and conference, degree and institution, or program.",
    )
    completed_on = forms.DateField(
        label="Completion date",
        required=False,
        widget=DateInput(),
        help_text="Publication, presentation, graduation or end of training; "
        "for a completed cycle it comes from the certification.",
    )
    quantity = forms.DecimalField(
        label="Quantity",
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text="Articles, posters, years of training or hours taught; "
        "leave empty for a degree or a completed cycle.",
    )
    statement = forms.CharField(
        label="Anything the board should know",
        max_length=services.MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    certificates = forms.ModelMultipleChoiceField(
        label="Evidence you already have",
        queryset=Certificate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    upload = MultipleFileField(
        label="Upload evidence",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        help_text="PDF, JPEG or PNG: the certificate, diploma, letter or article's first page.",
    )

    def __init__(self, *args, user, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cycles = services.completed_cycles(user, today)
        self.fields["certification"].choices = [("", "Choose the completed cycle")] + [
            (
                c.certification_id,
                f"{c.board.upper()} {c.specialty} {day_text(c.cycle_start)} to "
                f"{day_text(c.cycle_end)}, completed {day_text(c.completed_on)}",
            )
            for c in cycles
        ]
        self.fields["board"].choices = [("", "Choose the reviewing board")] + [
            (b.code, b.name) for b in services.boards_for(user)
        ]
        self.fields["certificates"].queryset = Certificate.objects.owned_by(user)
        if not self.fields["certificates"].queryset.exists():
            del self.fields["certificates"]  # nothing stored yet: the upload below is the way
        self._show_only_what_applies()

    def _show_only_what_applies(self) -> None:
        """Each kind asks only for its own fields (front/forms.js hides the others): a
        completed cycle names the certification; the rest a board, a date, and a
        quantity where the kind counts one."""
        others = [kind for kind in Kind.values if kind != Kind.RECERTIFICATION]
        counted = [kind for kind in others if rule_for(kind).has_quantity]
        self.fields["certification"].show_when = f"kind={Kind.RECERTIFICATION}"
        for name in ("board", "completed_on"):
            self.fields[name].show_when = "kind=" + " ".join(others)
        self.fields["quantity"].show_when = "kind=" + " ".join(counted)

    def draft(self) -> services.Draft:
        data = self.cleaned_data
        return services.Draft(
            kind=data["kind"],
            board=data.get("board") or None,
            certification=data.get("certification"),
            title=data.get("title") or "",
            completed_on=data.get("completed_on"),
            quantity=data.get("quantity"),
            statement=data.get("statement") or "",
        )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=services.MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to decline; an optional note when approving.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required_sometimes = True  # the service asks for it to decline


# Clinician pages --------------------------------------------------------------------------


def _kinds() -> list:
    return list(RULES.values())


@require_GET
@clinician_required
def direct_credit(request: HttpRequest) -> HttpResponse:
    applications = Application.objects.owned_by(request.user).select_related("board")
    page = Paginator(applications, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": _kinds(), "unconfirmed": UNCONFIRMED_TEACHING}
    return render(request, "front/direct_credit/list.html", context)


def _uploads(form: ApplicationForm) -> list[services.Upload]:
    out = []
    for upload in form.cleaned_data.get("upload") or []:
        try:
            out.append(services.Upload(read_upload(upload), upload.name or "certificate"))
        except CertificateRejected as error:
            raise ValidationError({"evidence": f"{upload.name}: {error}"}) from None
    return out


def _add_errors(form: ApplicationForm, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        name = "upload" if field == "evidence" else field
        form.add_error(name if name in form.fields else None, texts)


@require_http_methods(["GET", "POST"])
@clinician_required
def direct_credit_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    posted = request.method == "POST"
    form = ApplicationForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        user=request.user,
        today=today,
        initial={"kind": request.GET.get("kind")} if request.GET.get("kind") in Kind.values else {},
    )
    if posted and form.is_valid():
        try:
            application = services.submit(
                request.user,
                form.draft(),
                certificate_ids=[c.pk for c in form.cleaned_data.get("certificates", [])],
                uploads=_uploads(form),
                today=today,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except services.ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Sent to {application.board.name}; you will get an email when they decide.",
            )
            return redirect("direct-credit-detail", pk=application.pk)
    context = {"form": form, "kinds": _kinds(), "unconfirmed": UNCONFIRMED_TEACHING}
    status = 400 if posted else 200
    return render(request, "front/direct_credit/new.html", context, status=status)


def _detail_context(application: Application) -> dict:
    return {
        "application": application,
        "evidence": list(application.evidence.all()),
        "entries": list(application.entries.order_by("title")),
        "events": list(application.events.select_related("actor")),
        "unconfirmed": UNCONFIRMED_TEACHING if application.kind == Kind.TEACHING else "",
    }


@require_GET
@clinician_required
def direct_credit_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = own_application(request, pk)
    return render(request, "front/direct_credit/detail.html", _detail_context(application))


@require_POST
@clinician_required
def direct_credit_withdraw(request: HttpRequest, pk: UUID) -> HttpResponse:
    application = own_application(request, pk)
    try:
        services.withdraw(application, request.user)
    except services.ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Withdrawn. You can apply again at any time.")
    return redirect("direct-credit-detail", pk=application.pk)


# Board staff pages ------------------------------------------------------------------------

FILTERS = [("pending", "Waiting"), ("approved", "Approved"), ("declined", "Declined")]
FILTERS += [("withdrawn", "Withdrawn"), ("all", "All")]


@require_GET
@direct_credit_staff_required
def board_direct_credit(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("status") or Status.PENDING
    if wanted not in dict(FILTERS):
        wanted = Status.PENDING
    found = Application.objects.for_board(request.user.board_id).select_related("clinician")
    if wanted != "all":
        found = found.filter(status=wanted)
    found = found.order_by("submitted_at", "id") if wanted == Status.PENDING else found
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": FILTERS,
        "wanted": wanted,
        "query": f"status={wanted}",
        "board": request.user.board,
    }
    return render(request, "front/direct_credit/board_queue.html", context)


def _board_page(request: HttpRequest, application: Application, status: int = 200, form=None):
    context = _detail_context(application) | {"form": form or DecisionForm(), "staff": True}
    return render(request, "front/direct_credit/board_detail.html", context, status=status)


@require_GET
@direct_credit_staff_required
def board_direct_credit_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _board_page(request, board_application(request, pk))


def _decide(request: HttpRequest, pk: UUID, approve: bool) -> HttpResponse:
    application = board_application(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _board_page(request, application, 400, form)
    reason = form.cleaned_data["reason"]
    try:
        if approve:
            services.approve(application, request.user, reason)
        else:
            services.decline(application, request.user, reason)
    except ValidationError as error:
        for texts in error.message_dict.values():
            form.add_error("reason", texts)
        return _board_page(request, application, 400, form)
    except services.ApplicationError as error:
        messages.error(request, str(error))
        return redirect("board-direct-credit-detail", pk=application.pk)
    name = application.clinician.display_name
    messages.success(
        request,
        f"Approved; the credits are in {name}'s ledger and they were emailed."
        if approve
        else f"Declined; {name} was emailed the reason.",
    )
    return redirect("board-direct-credit")


@require_POST
@direct_credit_staff_required
def board_direct_credit_approve(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _decide(request, pk, approve=True)


@require_POST
@direct_credit_staff_required
def board_direct_credit_decline(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _decide(request, pk, approve=False)


@require_GET
@direct_credit_staff_required
def board_direct_credit_evidence(request: HttpRequest, pk: UUID, certificate_pk: UUID):
    application = board_application(request, pk)
    certificate = get_object_or_404(application.evidence.all(), pk=certificate_pk)
    response: FileResponse = attachment(
        certificate.file, certificate.download_name, certificate.content_type
    )
    return response
