"""Program definition pages: board staff edit their board's own requirement sets.

A save is a new set version (boards/program.py); the form only gathers the fields and
puts the validator's messages back on the field they name.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cmeledger.accounts.forms import DateInput
from cmeledger.boards import program
from cmeledger.boards.program import BoardSet, NotYourSet, ProgramInput, RuleInput
from cmeledger.ledger.vocabulary import ActivityKind, CreditType, Topic
from cmeledger.permissions import program_staff_required


def _set_or_404(request: HttpRequest, set_id: str) -> BoardSet:
    try:
        return program.get_board_set(request.user, set_id)
    except NotYourSet:
        raise Http404("No such set of your board.") from None


KINDS = [("", "Choose a kind")] + [
    ("minimum-total", "Minimum total (credits)"),
    ("minimum-subset", "Minimum from a subset (credits, selector)"),
    ("maximum-subset", "Cap on a subset (credits, per, selector)"),
    ("minimum-share", "Minimum share of the total (share, selector)"),
    ("pacing", "Pacing (credits per year)"),
    ("topic-duty", "Topic duty across cycles (credits, selector, every N years)"),
    ("component", "Component, not credit (component, every N years)"),
]
COMPONENTS = [
    ("", "None"),
    ("longitudinal-assessment", "Longitudinal assessment"),
    ("improvement-project", "Improvement project"),
    ("valid-license", "Valid license"),
    ("professionalism", "Professionalism"),
]
YES_NO_ANY = [("", "Any"), ("yes", "Specialty-related only"), ("no", "Not specialty-related")]


class SetForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    short_name = forms.CharField(
        max_length=200, required=False, help_text="Up to 24 characters, for tight spaces."
    )
    accepted_credit_types = forms.MultipleChoiceField(
        choices=CreditType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    cycle_months = forms.IntegerField(
        label="Cycle length (months)", min_value=-100_000, max_value=100_000
    )
    sources = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        required=False,
        help_text="One URL or citation a line.",
    )
    effective_from = forms.DateField(
        label="In force from",
        widget=DateInput,
        help_text="Today or later, and after the latest version's first day.",
    )


def _decimal(label: str, help_text: str, places: int = 2) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=12, decimal_places=places, help_text=help_text
    )


class RuleForm(forms.Form):
    id = forms.CharField(
        label="Rule id", max_length=200, required=False, help_text="Lowercase words joined by -."
    )
    kind = forms.ChoiceField(choices=KINDS, required=False)
    name = forms.CharField(max_length=400, required=False)
    source = forms.CharField(max_length=2000, required=False, help_text="URL or citation.")
    confidence = forms.ChoiceField(
        choices=[("confirmed", "Confirmed"), ("unconfirmed", "Unconfirmed")], initial="confirmed"
    )
    credits = _decimal("Credits", "Minimums, caps and topic duties.")
    share = _decimal("Share (0 to 1)", "Minimum share, e.g. 0.5 for half.", places=4)
    credits_per_year = _decimal("Credits per year", "Pacing.")
    per = forms.ChoiceField(
        label="Cap per",
        choices=[("cycle", "Cycle"), ("calendar-year", "Calendar year")],
        initial="cycle",
    )
    component = forms.ChoiceField(choices=COMPONENTS, required=False)
    every_years = forms.IntegerField(
        label="Every N years",
        required=False,
        min_value=-1000,
        max_value=1000,
        help_text="Topic duties and components; empty for once.",
    )
    within_total = forms.ChoiceField(
        label="Counts within the total",
        choices=[("yes", "Yes"), ("no", "No: a duty apart from the total")],
        initial="yes",
    )
    credit_types = forms.MultipleChoiceField(
        label="Selector: credit types", choices=CreditType.choices, required=False
    )
    topics = forms.MultipleChoiceField(
        label="Selector: topics (any of)", choices=Topic.choices, required=False
    )
    activity_kinds = forms.MultipleChoiceField(
        label="Selector: activity kinds", choices=ActivityKind.choices, required=False
    )
    specialty_related = forms.ChoiceField(
        label="Selector: specialty-related", choices=YES_NO_ANY, required=False
    )
    note = forms.CharField(max_length=4000, required=False)

    def rule_input(self) -> RuleInput:
        data = self.cleaned_data
        related = {"yes": True, "no": False}.get(data["specialty_related"])
        return RuleInput(
            id=data["id"],
            kind=data["kind"],
            name=data["name"],
            source=data["source"],
            confidence=data["confidence"],
            note=data["note"],
            credits=data["credits"],
            share=data["share"],
            credits_per_year=data["credits_per_year"],
            per=data["per"],
            component=data["component"],
            every_years=data["every_years"],
            within_total=data["within_total"] == "yes",
            credit_types=data["credit_types"],
            topics=data["topics"],
            activity_kinds=data["activity_kinds"],
            specialty_related=related,
        )


RuleFormSet = forms.formset_factory(
    RuleForm,
    extra=2,
    can_delete=True,
    max_num=program.MAX_RULES,
    validate_max=True,
    absolute_max=program.MAX_RULES + 10,
)


def _rule_initial(rule: RuleInput) -> dict:
    related = {True: "yes", False: "no"}.get(rule.specialty_related, "")
    return {
        **{k: getattr(rule, k) for k in ("id", "kind", "name", "source", "confidence", "note")},
        **{k: getattr(rule, k) for k in ("credits", "share", "credits_per_year", "per")},
        **{k: getattr(rule, k) for k in ("component", "every_years")},
        "within_total": "yes" if rule.within_total else "no",
        "credit_types": rule.credit_types,
        "topics": rule.topics,
        "activity_kinds": rule.activity_kinds,
        "specialty_related": related,
    }


TOP_FIELDS = {
    "name": "name",
    "short_name": "short_name",
    "accepted_credit_types": "accepted_credit_types",
    "cycle.months": "cycle_months",
    "cycle": "cycle_months",
    "sources": "sources",
    "effective_from": "effective_from",
}
RULE_FIELDS = {
    "select.credit_types": "credit_types",
    "select.topics": "topics",
    "select.activity_kinds": "activity_kinds",
    "select.specialty_related": "specialty_related",
    **{
        k: k
        for k in (
            "id",
            "kind",
            "name",
            "source",
            "confidence",
            "note",
            "credits",
            "share",
            "credits_per_year",
            "per",
            "component",
            "every_years",
            "within_total",
        )
    },
}
RULE_KEY = re.compile(r"^rules\[(\d+)\](?:\.(.+))?$")


def _place(key: str, message: str, set_form: SetForm, kept: list[RuleForm]) -> None:
    """Put a validator message on the field its catalog key names."""
    found = RULE_KEY.match(key)
    top = re.sub(r"\[\d+\]$", "", key)
    if found and int(found[1]) < len(kept):
        form = kept[int(found[1])]
        field = RULE_FIELDS.get(re.sub(r"\[\d+\]$", "", found[2] or ""))
        form.add_error(field, message if field else f"{found[2] or 'rule'}: {message}")
    elif top in TOP_FIELDS:
        set_form.add_error(TOP_FIELDS[top], message)
    else:
        set_form.add_error(None, f"{key}: {message}" if key else message)


def _kept_forms(rules: forms.BaseFormSet) -> list[RuleForm]:
    kept = []
    for index, form in enumerate(rules.forms):
        if form.cleaned_data.get("DELETE"):
            continue
        if index >= rules.initial_form_count() and not form.has_changed():
            continue
        kept.append(form)
    return kept


@require_GET
@program_staff_required
def board_program(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sets = [
        {"set": s, "in_force": s.in_force(today), "scheduled": s.scheduled(today)}
        for s in program.board_sets(request.user)
    ]
    return render(request, "front/program/index.html", {"sets": sets, "today": today})


@require_GET
@program_staff_required
def program_set(request: HttpRequest, set_id: str) -> HttpResponse:
    board_set = _set_or_404(request, set_id)
    today = timezone.localdate()
    shown = board_set.in_force(today) or board_set.latest
    context = {
        "board_set": board_set,
        "in_force": board_set.in_force(today),
        "shown": shown,
        "rules": shown.requirement_set().rules,
        "scheduled": board_set.scheduled(today),
        "history": program.history(board_set),
        "today": today,
    }
    return render(request, "front/program/set.html", context)


@require_http_methods(["GET", "POST"])
@program_staff_required
def program_edit(request: HttpRequest, set_id: str) -> HttpResponse:
    board_set = _set_or_404(request, set_id)
    latest = board_set.latest
    today = timezone.localdate()
    if request.method == "POST":
        set_form = SetForm(request.POST)
        rules = RuleFormSet(request.POST, prefix="rules")
        if set_form.is_valid() and rules.is_valid():
            saved = _save(request, board_set, set_form, rules)
            if saved is not None:
                return saved
    else:
        start = ProgramInput.from_version(latest)
        set_form = SetForm(
            initial={
                "name": start.name,
                "short_name": start.short_name,
                "accepted_credit_types": start.accepted_credit_types,
                "cycle_months": start.cycle_months,
                "sources": "\n".join(start.sources),
                "effective_from": max(today, latest.effective_from + timedelta(days=1)),
            }
        )
        rules = RuleFormSet(initial=[_rule_initial(r) for r in start.rules], prefix="rules")
    context = {
        "board_set": board_set,
        "latest": latest,
        "in_force": board_set.in_force(today),
        "form": set_form,
        "rules": rules,
        "next_version": latest.version + 1,
    }
    return render(
        request,
        "front/program/edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _save(
    request: HttpRequest, board_set: BoardSet, set_form: SetForm, rules: forms.BaseFormSet
) -> HttpResponse | None:
    kept = _kept_forms(rules)
    for form in kept:
        if not form.cleaned_data["kind"]:
            form.add_error("kind", "Choose the kind of rule.")
    if any(form.errors for form in kept):
        return None
    data = set_form.cleaned_data
    change = ProgramInput(
        name=data["name"],
        short_name=data["short_name"],
        accepted_credit_types=data["accepted_credit_types"],
        cycle_months=data["cycle_months"],
        sources=[line.strip() for line in data["sources"].splitlines() if line.strip()],
        effective_from=data["effective_from"],
        rules=[form.rule_input() for form in kept],
    )
    try:
        row = program.save_version(request.user, board_set.set_id, change, timezone.localdate())
    except program.ProgramRefused as refused:
        for key, message in refused.problems:
            _place(key, message, set_form, kept)
        return None
    messages.success(
        request,
        f"Saved {row.set_id} version {row.version}, in force from "
        f"{row.effective_from:%b %-d, %Y}. Version {board_set.latest.version} is unchanged.",
    )
    return redirect("board-program-set", row.set_id)


@require_GET
@program_staff_required
def program_version_toml(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    board_set = _set_or_404(request, set_id)
    try:
        row = board_set.version(version)
    except NotYourSet:
        raise Http404("No such version.") from None
    response = HttpResponse(
        program.version_toml(row), content_type="application/toml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{row.set_id}-v{row.version}.toml"'
    return response
