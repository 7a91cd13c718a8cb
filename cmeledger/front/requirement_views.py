"""Requirement-set pages: a clinician's sets (add, drop), every set version, and adding a
version for site admins and board staff."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.accounts.forms import DateInput
from cmeledger.lib.credits import day_text
from cmeledger.permissions import clinician_required, may_add_sets, set_editor_required
from cmeledger.requirements import choices, custom
from cmeledger.requirements.models import RequirementSetVersion


class AddSetForm(forms.Form):
    set_id = forms.CharField(
        max_length=64,
        widget=forms.HiddenInput,
        error_messages={"required": "Choose a set.", "max_length": "Choose a set from the list."},
    )
    started_on = forms.DateField(
        label="Start date",
        required=False,
        widget=DateInput,
        help_text="Leave empty for today.",
        error_messages={
            "invalid": "Enter a start date as YYYY-MM-DD, or leave it empty for today."
        },
    )

    def refused(self, offered: set[str]) -> AddSetForm:
        """The form as the page shows it refused. Its date field is drawn in the row of the
        set posted; when that set is not offered there is no row, so every problem is the
        form's (the set itself comes from the row's button, not from anything typed)."""
        if self.data.get("set_id") not in offered:
            for name in [name for name in self.errors if name in self.fields]:
                self.add_error(None, list(self.errors.pop(name)))
        return self


def _requirements_context(request: HttpRequest) -> dict:
    return {
        "followed": choices.followed(request.user),
        "dropped": choices.followed(request.user, dropped=True),
        "offers": choices.offers(request.user),
        "today": timezone.localdate(),
    }


@require_GET
@clinician_required
def requirements_page(request: HttpRequest) -> HttpResponse:
    return render(request, "front/requirements.html", _requirements_context(request))


@require_POST
@clinician_required
def requirement_add(request: HttpRequest) -> HttpResponse:
    form = AddSetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            enrollment = choices.add_enrollment(request.user, data["set_id"], data["started_on"])
        except choices.EnrollmentError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"You now follow {choices.set_name(enrollment.set_id)} from "
                f"{day_text(enrollment.started_on)}.",
            )
            return redirect("requirements")
    context = _requirements_context(request)
    offered = {offer.version.set_id for offer in context["offers"] if not offer.refusal}
    context["form"] = form.refused(offered)
    return render(request, "front/requirements.html", context, status=400)


@require_POST
@clinician_required
def requirement_drop(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        enrollment = choices.drop_enrollment(request.user, pk)
    except choices.NoSuchEnrollment:
        raise Http404("No such enrollment.") from None
    messages.success(request, f"You no longer follow {choices.set_name(enrollment.set_id)}.")
    return redirect("requirements")


@require_GET
@login_required
def sets_page(request: HttpRequest) -> HttpResponse:
    versions = RequirementSetVersion.objects.select_related("board").order_by("set_id", "version")
    context = {"versions": versions, "may_add": may_add_sets(request.user)}
    return render(request, "front/sets.html", context)


class SetUploadForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="TOML file",
        widget=forms.ClearableFileInput(attrs={"accept": ".toml,text/plain"}),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="Or paste the TOML",
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if bool(upload) == bool(text.strip()):
            raise forms.ValidationError("Choose a TOML file or paste its text (one of the two).")
        if upload:
            if upload.size > custom.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(custom.too_big(upload.size, upload.name).problems)
            try:
                data["toml"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(f"{upload.name}: not UTF-8 text.") from None
            data["name"] = upload.name
        else:
            data["toml"], data["name"] = text, "pasted text"
        return data

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("file", "text"):  # one of the two, so neither reads "(optional)"
            self.fields[name].required_sometimes = True


@require_http_methods(["GET", "POST"])
@set_editor_required
def set_upload(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = SetUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            row = custom.add_set_version(data["toml"], request.user, data["name"])
        except custom.SetRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, f"Added {row.name}, version {row.version}.")
            return redirect("sets")
    context = {"form": form, "max_kb": custom.MAX_UPLOAD_BYTES // 1024}
    return render(request, "front/set_upload.html", context, status=400 if form.is_bound else 200)
