"""The deadlines page (upcoming gaps, the calendar address, reminder preferences) and the
public calendar feed its secret address opens."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cmeledger.accounts.models import Role
from cmeledger.permissions import clinician_required
from cmeledger.reports import calendar, deadlines
from cmeledger.reports.deadlines import MAX_DAYS_BEFORE, MAX_STEPS
from cmeledger.reports.models import DeadlinePreferences, SentReminder

SENT_SHOWN = 20


class PreferencesForm(forms.Form):
    reminders_enabled = forms.BooleanField(label="Email me before a deadline", required=False)
    reminder_days = forms.CharField(
        label="Days before a deadline",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=(
            f"Whole numbers from 1 to {MAX_DAYS_BEFORE}, at most {MAX_STEPS}, separated by "
            "commas. Leave empty for the defaults: 180, 90, 30, 7."
        ),
    )

    def clean_reminder_days(self) -> list[int]:
        words = [w for w in re.split(r"[\s,;]+", self.cleaned_data["reminder_days"]) if w]
        bad = [w for w in words if not w.isdigit()]
        if bad:
            raise ValidationError(f"“{bad[0]}” is not a whole number of days.")
        try:
            return deadlines.check_days([int(w) for w in words])
        except ValidationError as error:
            raise ValidationError(error.message_dict["reminder_days"]) from error


def _initial(prefs: DeadlinePreferences) -> dict:
    days = ", ".join(map(str, prefs.reminder_days and prefs.days))
    return {"reminders_enabled": prefs.reminders_enabled, "reminder_days": days}


def _page(request: HttpRequest, prefs: DeadlinePreferences, form, status: int = 200):
    # The days in force beside the hint, so an empty field ("the defaults") is not a puzzle.
    days = form.fields["reminder_days"]
    days.help_text = f"{days.help_text} Now: {', '.join(map(str, prefs.days))}."
    context = {
        "deadlines": deadlines.of(request.user, timezone.localdate()),
        "prefs": prefs,
        "feed_url": deadlines.feed_url(prefs),
        "form": form,
        "sent": list(SentReminder.objects.filter(clinician=request.user)[:SENT_SHOWN]),
    }
    return render(request, "front/reports/deadlines.html", context, status=status)


@require_GET
@clinician_required
def deadlines_page(request: HttpRequest) -> HttpResponse:
    prefs = deadlines.preferences_of(request.user)
    return _page(request, prefs, PreferencesForm(initial=_initial(prefs)))


@require_POST
@clinician_required
def deadline_preferences(request: HttpRequest) -> HttpResponse:
    prefs = deadlines.preferences_of(request.user)
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return _page(request, prefs, form, status=400)
    data = form.cleaned_data
    deadlines.save_preferences(
        request.user, enabled=data["reminders_enabled"], days=data["reminder_days"]
    )
    messages.success(request, "Reminder preferences saved.")
    return redirect("deadlines")


@require_POST
@clinician_required
def calendar_secret(request: HttpRequest) -> HttpResponse:
    deadlines.preferences_of(request.user).regenerate_secret()
    messages.success(
        request, "New calendar address made; the old one stopped working. Subscribe again."
    )
    return redirect("deadlines")


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """Public: the secret in the address is the only key, so an unknown one, or one of an
    account that is closed or not a clinician, is a bare 404 that tells nothing."""
    prefs = (
        DeadlinePreferences.objects.filter(
            calendar_secret=secret, clinician__is_active=True, clinician__role=Role.CLINICIAN
        )
        .select_related("clinician")
        .first()
    )
    if prefs is None:
        raise Http404
    body = calendar.feed(prefs.clinician, timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cme-deadlines.ics"'
    # The address is the key: keep it out of shared caches, search engines and referrers.
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["X-Content-Type-Options"] = "nosniff"
    return response
