"""The mock audit, the audit packet download, and the CSV/JSON exports (clinicians only).

The views parse the query, call reports.packet / reports.exports and add headers; a bad
parameter gives the page again with status 400 and the message naming it.
"""

from __future__ import annotations

import tempfile
from datetime import date

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cmeledger.front.report_forms import ExportsForm, MockAuditForm
from cmeledger.permissions import clinician_required
from cmeledger.portable.schema import dumps
from cmeledger.reports import exports
from cmeledger.reports.exports import ExportError, parse_day
from cmeledger.reports.packet import PacketError, missing_proof, write_packet
from cmeledger.reports.transcript import TranscriptError
from cmeledger.requirements.choices import followed


def _private(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _sets(user) -> list[tuple[str, str]]:
    out = []
    for item in followed(user):
        name = item.version.name if item.version else item.enrollment.set_id
        out.append((item.enrollment.set_id, name))
    return list(dict.fromkeys(out))


def _cycle_query(request: HttpRequest) -> tuple[str, date | None]:
    """`set` and `on` from the query; ExportError names a malformed one."""
    set_id = request.GET.get("set", "").strip()
    if len(set_id) > 64:
        raise ExportError("set", "a set id has at most 64 characters.")
    return set_id, parse_day("on", request.GET.get("on"), timezone.localdate())


def _mock_page(
    request: HttpRequest, *, problem: ValueError | None = None, status: int = 200
) -> HttpResponse:
    form = MockAuditForm(_sets(request.user), request.GET)
    context: dict = {
        "form": form,
        "sets": form.fields["set"].choices,
        "set_id": request.GET.get("set", ""),
        "on": request.GET.get("on", ""),
        "gaps": None,
    }
    if problem is None and request.GET.get("set", ""):
        try:
            set_id, on = _cycle_query(request)
            context["gaps"] = missing_proof(request.user, set_id=set_id, on=on)
        except (ExportError, TranscriptError) as found:
            problem, status = found, 400
    if problem is not None:
        form.refuse(getattr(problem, "field", None), str(problem))
    return render(request, "front/reports/mock_audit.html", context, status=status)


@require_GET
@clinician_required
def mock_audit(request: HttpRequest) -> HttpResponse:
    return _mock_page(request)


@require_GET
@clinician_required
def packet_download(request: HttpRequest) -> HttpResponse:
    try:
        set_id, on = _cycle_query(request)
        if not set_id:
            raise ExportError("set", "choose the requirement set whose cycle is audited.")
        # On disk, not in memory: a packet of hundreds of certificates is large.
        target = tempfile.TemporaryFile()
        try:
            summary = write_packet(request.user, target, set_id=set_id, on=on)
        except BaseException:
            target.close()
            raise
    except (ExportError, TranscriptError, PacketError) as problem:
        return _mock_page(request, problem=problem, status=400)
    target.seek(0)
    response = FileResponse(target, content_type="application/zip")
    return _private(response, summary.filename)


def _exports_page(
    request: HttpRequest, *, problem: ExportError | None = None, status: int = 200
) -> HttpResponse:
    form = ExportsForm(_sets(request.user), request.GET)
    if problem is not None:
        form.refuse(problem.field, str(problem))
    context = {"form": form, "columns": exports.CSV_COLUMNS}
    return render(request, "front/reports/exports.html", context, status=status)


@require_GET
@clinician_required
def exports_page(request: HttpRequest) -> HttpResponse:
    return _exports_page(request)


def _filter(request: HttpRequest) -> exports.ExportFilter:
    return exports.parse_filter(request.user, request.GET)


@require_GET
@clinician_required
def export_csv(request: HttpRequest) -> HttpResponse:
    try:
        chosen = _filter(request)
    except ExportError as problem:
        return _exports_page(request, problem=problem, status=400)
    lines = exports.csv_lines(request.user, chosen)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _private(response, exports.filename(chosen, "csv"))


@require_GET
@clinician_required
def export_json(request: HttpRequest) -> HttpResponse:
    try:
        chosen = _filter(request)
    except ExportError as problem:
        return _exports_page(request, problem=problem, status=400)
    document = exports.ledger_document(request.user, chosen)
    response = HttpResponse(dumps(document), content_type="application/json")
    return _private(response, exports.filename(chosen, "json"))
