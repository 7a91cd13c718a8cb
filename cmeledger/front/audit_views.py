"""Audit pages: board staff draw, decide and close; the sampled clinician sends proof.
Logic lives in cmeledger.audits.services; a foreign audit, item or certificate is a 404."""

from __future__ import annotations

import io
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.accounts.forms import DateInput
from cmeledger.audits import services
from cmeledger.audits.models import Audit, Item
from cmeledger.audits.services import AuditError, Plan
from cmeledger.ledger.certificates import CertificateRejected, read_upload, store_certificate
from cmeledger.ledger.models import Certificate
from cmeledger.lib import csvsafe
from cmeledger.permissions import board_staff_required, clinician_required


class AuditForm(forms.Form):
    title = forms.CharField(max_length=200)
    cycle_start = forms.DateField(label="Entries completed from", widget=DateInput())
    cycle_end = forms.DateField(label="Entries completed to", widget=DateInput())
    due = forms.DateField(label="Proof due by", widget=DateInput())
    sample_size = forms.IntegerField(min_value=1, max_value=services.MAX_SAMPLE)
    seed = forms.IntegerField(
        label="Draw number",
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Leave empty for a new random draw. An earlier draw's number draws the same "
        "sample again from the same diplomates.",
    )

    def plan(self) -> Plan:
        return Plan(**self.cleaned_data)


def _audit(request: HttpRequest, pk: int) -> Audit:
    return get_object_or_404(Audit, pk=pk, board_id=request.user.board_id)


@require_http_methods(["GET", "POST"])
@board_staff_required
def audits(request: HttpRequest) -> HttpResponse:
    form = AuditForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            audit = services.start(request.user, form.plan())
        except AuditError as error:
            form.add_error(None, str(error))
        else:
            drawn = audit.subjects.count()
            words = ngettext(
                "Drew %(count)s diplomate (draw number %(seed)s).",
                "Drew %(count)s diplomates (draw number %(seed)s).",
                drawn,
            )
            messages.success(request, words % {"count": drawn, "seed": audit.seed})
            return redirect("board-audit", pk=audit.pk)
    context = {"form": form, "audits": Audit.objects.filter(board_id=request.user.board_id)}
    return render(request, "front/audits/list.html", context, status=400 if form.errors else 200)


@require_GET
@board_staff_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    subjects = audit.subjects.select_related("clinician").prefetch_related(
        "items__entry", "items__certificate"
    )
    context = {
        "audit": audit,
        "subjects": subjects,
        "events": audit.events.select_related("actor"),
        "outcome": services.outcome(audit),
    }
    return render(request, "front/audits/detail.html", context)


@require_POST
@board_staff_required
def audit_decide(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    audit = _audit(request, pk)
    found = get_object_or_404(Item, pk=item, subject__audit=audit)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide(request.user, found, accept, request.POST.get("reason", ""))
    except AuditError as error:
        messages.error(request, str(error))
    return redirect("board-audit", pk=audit.pk)


@require_POST
@board_staff_required
def audit_close(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    try:
        services.close(request.user, audit)
    except AuditError as error:
        messages.error(request, str(error))
    return redirect("board-audit", pk=audit.pk)


@require_GET
@board_staff_required
def audit_outcome_csv(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)
    writer.writerow(["email", "name", "entry", "completed_on", "credits", "state", "reason"])
    for item in Item.objects.filter(subject__audit=audit).select_related(
        "subject__clinician", "entry"
    ):
        person = item.subject.clinician
        writer.writerow(
            [
                person.email,
                person.display_name,
                item.entry.title,
                item.entry.completed_on.isoformat(),
                item.entry.credits,
                item.state,
                item.reason,
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{audit.pk}-outcome.csv"'
    return response


@require_GET
@clinician_required
def my_audits(request: HttpRequest) -> HttpResponse:
    items = services.items_for(request.user).order_by("subject__audit__due", "entry__completed_on")
    certificates = Certificate.objects.filter(clinician=request.user).order_by("-uploaded_at")
    return render(request, "front/audits/mine.html", {"items": items, "certificates": certificates})


@require_POST
@clinician_required
def my_audit_attach(request: HttpRequest, item: int) -> HttpResponse:
    found = get_object_or_404(services.items_for(request.user), pk=item)
    try:
        certificate = _proof(request)
        services.attach(request.user, found, certificate)
    except (AuditError, CertificateRejected) as error:
        messages.error(request, f"Not sent: {error}")
    else:
        messages.success(request, f"Proof sent for “{found.entry.title}”.")
    return redirect("my-audits")


def _proof(request: HttpRequest) -> Certificate:
    """An uploaded file, or one of the clinician's own certificates (another's is a 404)."""
    upload = request.FILES.get("file")
    if upload is not None:
        return store_certificate(
            request.user, read_upload(upload), upload.name or "proof"
        ).certificate
    try:
        chosen = UUID(request.POST.get("certificate", ""))
    except ValueError:
        raise AuditError("Choose one of your certificates or upload a file.") from None
    return get_object_or_404(Certificate, pk=chosen, clinician=request.user)
