"""The AMA PRA award page and its application summary PDF (logic in requirements.award
and reports.award_summary)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cmeledger.front.report_forms import AwardTierForm
from cmeledger.permissions import clinician_required
from cmeledger.reports.award_pdf import award_summary_pdf
from cmeledger.reports.award_summary import AwardError, default_filename, parse_tier, summary
from cmeledger.requirements import award
from cmeledger.requirements.award import AwardTier


def _page(
    request: HttpRequest, problem: AwardError | None = None, field: str | None = None
) -> HttpResponse:
    """The award page; with `problem`, refused (400) and the problem shown at the top,
    under `field` when one field is at fault."""
    standing = award.standing(request.user, timezone.localdate())
    if problem is None:
        form = AwardTierForm(initial={"tier": standing.best_tier})
    else:
        form = AwardTierForm(request.GET)
        form.refuse(field, str(problem))
    context = {"award": standing, "tiers": AwardTier.choices, "form": form}
    status = 200 if problem is None else 400
    return render(request, "front/reports/award.html", context, status=status)


@require_GET
@clinician_required
def award_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_GET
@clinician_required
def award_summary(request: HttpRequest) -> HttpResponse:
    try:
        tier = parse_tier(request.GET.get("tier"))
    except AwardError as error:
        return _page(request, error, field="tier")
    try:
        data = summary(request.user, tier, timezone.localdate(), timezone.now())
    except AwardError as error:  # not eligible, or the tier's set is missing
        return _page(request, error)
    response = HttpResponse(award_summary_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{default_filename(data)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
