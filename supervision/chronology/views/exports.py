"""Exporting the multi-agency chronology: choose a format, watch it being made, download it.

The file is made by a background task (`tasks.export_chronology`). An export is seen and
downloaded only by the person who asked for it: anyone else gets the same 404 as for an
export that does not exist. Every download is audited as an export.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.access import access_case
from supervision.cases.models import Case
from supervision.chronology import services, tasks
from supervision.chronology.forms import ExportForm
from supervision.chronology.models import ChronologyExport

PART = "chronology export"


@require_http_methods(["GET", "POST"])
@login_required
def start(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part=PART)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export = services.chronology_export_request(
            case=case,
            file_format=form.cleaned_data["format"],
            anonymised=form.cleaned_data["anonymised"],
            language=translation.get_language() or "en-gb",
            requested_by=request.user,
        )
        tasks.export_chronology.enqueue(export.pk)
        return redirect("chronology:export_status", reference=reference, code=export.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "chronology/export.html", {"case": case, "form": form}, status=status)


def _own_export(request: AuthenticatedHttpRequest, case: Case, code: UUID) -> ChronologyExport:
    return get_object_or_404(
        ChronologyExport.objects.select_related("case"),
        case=case,
        code=code,
        created_by=request.user,
    )


@require_GET
@login_required
def status(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    case = access_case(request.user, reference, part=PART)
    export = _own_export(request, case, code)
    context = {
        "case": case,
        "export": export,
        "in_progress": export.status
        in (ChronologyExport.Status.QUEUED, ChronologyExport.Status.RUNNING),
        "file_name": tasks.export_file_name(export),
    }
    return render(request, "chronology/export_status.html", context)


@require_GET
@login_required
def download(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> FileResponse:
    case = access_case(request.user, reference, part=PART)
    export = _own_export(request, case, code)
    if export.status != ChronologyExport.Status.DONE or not export.file:
        raise Http404
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=export,
        case=case,
        detail={"format": export.format, "anonymised": export.anonymised},
    )
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=tasks.export_file_name(export),
        content_type=tasks.EXPORT_CONTENT_TYPES[export.format],
    )
    response["Cache-Control"] = "no-store"
    return response
