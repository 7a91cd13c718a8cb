"""The planner page: open needs across every set, combined, and a what-if."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cmeledger.accounts.credentials import degree_of
from cmeledger.accounts.forms import DateInput
from cmeledger.ledger.vocabulary import (
    CREDIT_STEP,
    MAX_CREDITS_PER_ENTRY,
    ActivityKind,
    CreditType,
    Topic,
)
from cmeledger.permissions import clinician_required
from cmeledger.requirements import planner, progress
from cmeledger.requirements.engine import Credit


class PlannedActivityForm(forms.Form):
    """An activity the clinician is thinking of taking; nothing is saved."""

    credits = forms.DecimalField(
        min_value=CREDIT_STEP,
        max_value=MAX_CREDITS_PER_ENTRY,
        step_size=CREDIT_STEP,
        decimal_places=2,
    )
    credit_type = forms.ChoiceField(choices=CreditType.choices, initial=CreditType.AMA_PRA_1)
    topics = forms.MultipleChoiceField(
        choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    activity_kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.LIVE)
    specialty_related = forms.BooleanField(required=False)
    completed_on = forms.DateField(
        label="Completion date",
        widget=DateInput,
        required=False,
        help_text="Leave empty for today.",
    )

    def planned(self) -> Credit:
        data = self.cleaned_data
        return Credit(
            id="planned",
            completed_on=data["completed_on"] or timezone.localdate(),
            credits=Decimal(data["credits"]),
            credit_type=data["credit_type"],
            topics=frozenset(data["topics"]),
            activity_kind=data["activity_kind"],
            specialty_related=data["specialty_related"],
            title="Planned activity",
        )


@require_GET
@clinician_required
def planner_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    standing = progress.report(request.user, today)
    results = [item.result for item in standing.sets if item.result]
    form = PlannedActivityForm(request.GET if "credits" in request.GET else None)
    changes = None
    if form.is_bound and form.is_valid():
        after = progress.report(request.user, today, extra=[form.planned()])
        changes = planner.compare(results, [i.result for i in after.sets if i.result])
    context = {
        "suggestions": planner.plan(results, degree_of(request.user)),
        "form": form,
        "changes": changes,
        "has_sets": bool(standing.sets),
    }
    return render(request, "front/planner.html", context)
