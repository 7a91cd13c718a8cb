"""The Reports page, transcripts, share links and the public pages a share link opens."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmeledger.accounts.middleware import accepts_anonymous_files
from cmeledger.front.report_forms import ShareLinkForm, TranscriptForm, VerifyForm
from cmeledger.permissions import clinician_required
from cmeledger.reports import sharing
from cmeledger.reports.models import IssuedTranscript, ShareAccessKind, ShareLink
from cmeledger.reports.sharing import ShareError
from cmeledger.reports.transcript import TranscriptError, default_filename, issue

# A verification upload is a transcript PDF: a few hundred kilobytes at most.
MAX_VERIFY_BYTES = 20 * 1024 * 1024


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """Pages a share link opens: never cached, indexed, or leaked on as a referrer."""
    response["Cache-Control"] = "private, no-store"
    # same-origin, not no-referrer: no other site ever sees the address, and Chromium
    # still sends an Origin with this page's forms (under no-referrer it sends "null",
    # which Django's CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@clinician_required
def reports_page(request: HttpRequest) -> HttpResponse:
    context = {"form": TranscriptForm(request.user), "issued": _issued(request.user)}
    return render(request, "front/reports/index.html", context)


def _issued(user) -> list[IssuedTranscript]:
    return list(IssuedTranscript.objects.filter(clinician=user).select_related("share_link")[:10])


@require_GET
@clinician_required
def transcript_download(request: HttpRequest) -> HttpResponse:
    form = TranscriptForm(request.user, request.GET)
    if form.is_valid():
        try:
            pdf, issued = issue(request.user, **form.period())
        except TranscriptError as error:
            form.add_error(None, str(error))
        else:
            return _pdf(pdf, default_filename(issued))
    context = {"form": form, "issued": _issued(request.user)}
    return render(request, "front/reports/index.html", context, status=400)


@require_http_methods(["GET", "POST"])
@clinician_required
def share_links(request: HttpRequest) -> HttpResponse:
    form = ShareLinkForm(request.user, request.POST or None)
    created_url = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, secret = sharing.create_link(
                request.user, recipient=data["recipient"], days=data["days"], **form.period()
            )
        except (TranscriptError, ShareError) as error:
            form.add_error(None, str(error))
        else:
            created_url = settings.SITE_URL.rstrip("/") + f"/s/{secret}/"
            form = ShareLinkForm(request.user)
    links = ShareLink.objects.owned_by(request.user).prefetch_related("accesses")
    context = {"form": form, "links": links, "created_url": created_url}
    status = 400 if request.method == "POST" and not created_url else 200
    return _private(render(request, "front/reports/share_links.html", context, status=status))


def _own_link(request: HttpRequest, pk: int) -> ShareLink:
    return get_object_or_404(ShareLink.objects.owned_by(request.user), pk=pk)


@require_GET
@clinician_required
def share_link_detail(request: HttpRequest, pk: int) -> HttpResponse:
    link = _own_link(request, pk)
    context = {"link": link, "accesses": link.accesses.all()[:500]}
    return render(request, "front/reports/share_link_detail.html", context)


@require_POST
@clinician_required
def share_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _own_link(request, pk).revoke()
    return redirect("share-links")


def _opened_or_404(request: HttpRequest, secret: str) -> ShareLink | HttpResponse:
    opened = sharing.open_link(secret)
    if opened.link is None:
        raise Http404("No such link.")
    if not opened.usable:
        sharing.log_access(opened.link, ShareAccessKind.REFUSED, request)
        context = {"state": opened.link.state}
        return _private(render(request, "front/reports/shared_gone.html", context, status=410))
    return opened.link


@require_GET
def shared_transcript(request: HttpRequest, secret: str) -> HttpResponse:
    link = _opened_or_404(request, secret)
    if isinstance(link, HttpResponse):
        return link
    try:
        data = sharing.transcript_of(link)
    except TranscriptError:
        # The clinician's records changed (a set dropped) since the link was made; the
        # reason is written for the clinician, so the visitor gets none.
        context = {"state": "unavailable"}
        return _private(render(request, "front/reports/shared_gone.html", context, status=410))
    sharing.log_access(link, ShareAccessKind.PAGE, request)
    context = {"data": data, "link": link, "secret": secret}
    return _private(render(request, "front/reports/shared.html", context))


@require_GET
def shared_transcript_pdf(request: HttpRequest, secret: str) -> HttpResponse:
    link = _opened_or_404(request, secret)
    if isinstance(link, HttpResponse):
        return link
    try:
        pdf, issued = issue(link.clinician, share_link=link, **sharing.issue_kwargs(link))
    except TranscriptError:
        context = {"state": "unavailable"}
        return _private(render(request, "front/reports/shared_gone.html", context, status=410))
    sharing.log_access(link, ShareAccessKind.PDF, request)
    return _private(_pdf(pdf, default_filename(issued)))


# Anyone may check a transcript against its file; the form's other fields are small.
@accepts_anonymous_files(MAX_VERIFY_BYTES + 65_536)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone holding a transcript checks its code (and, if they like, the file itself)."""
    data = request.POST if request.method == "POST" else request.GET
    form = VerifyForm(data or None, request.FILES or None)
    context: dict = {"form": form}
    if form.is_valid():
        issued = (
            IssuedTranscript.objects.select_related("clinician", "share_link")
            .filter(code=form.cleaned_data["code"])
            .first()
        )
        context["issued"] = issued
        context["checked"] = True
        upload = form.cleaned_data.get("file")
        if issued is not None and upload is not None:
            context["file_matches"] = _same_file(upload, issued)
        if issued is not None and issued.share_link_id:
            sharing.log_access(issued.share_link, ShareAccessKind.VERIFY, request)
    status = 400 if data and not form.is_valid() else 200
    return _private(render(request, "front/reports/verify.html", context, status=status))


def _same_file(upload, issued: IssuedTranscript) -> bool:
    if upload.size > MAX_VERIFY_BYTES:
        return False
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest() == issued.sha256
