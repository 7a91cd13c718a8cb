"""Site staff: identifiers in dispute, and records waiting for a clinician, with reasons."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cmeledger.accounts import identity
from cmeledger.permissions import site_staff_required
from cmeledger.reporting.models import WAITING_STATES, ReportedRecord


@require_GET
@site_staff_required
def disputes(request: HttpRequest) -> HttpResponse:
    waiting = (
        ReportedRecord.objects.filter(state__in=WAITING_STATES)
        .values("wait_reason")
        .annotate(records=Count("id"))
        .order_by("-records", "wait_reason")
    )
    context = {"disputes": identity.disputes(), "waiting": waiting}
    return render(request, "front/identity/disputes.html", context)


@require_POST
@site_staff_required
def decide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    action = {"verify": identity.verify, "set-aside": identity.set_aside}.get(
        request.POST.get("decision", "")
    )
    if action is None:
        messages.error(request, "Choose whether to verify the identifier or set it aside.")
        return redirect("identity-disputes")
    try:
        action(request.user, kind, pk, request.POST.get("reason", ""))
    except identity.NotFound:
        raise Http404("No such identifier.") from None
    except identity.Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("identity-disputes")
    messages.success(request, "Decision saved. Records follow the identifier's new state.")
    return redirect("identity-disputes")
