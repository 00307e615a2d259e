"""Importing a chronology file: upload, check every row, confirm, watch it finish."""

from __future__ import annotations

import csv
import io
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.chronology import selectors, services, tasks
from supervision.chronology.access import writable_agency_codes
from supervision.chronology.forms import ChronologyUploadForm
from supervision.chronology.models import ChronologyImport
from supervision.domain.chronology_import import COLUMNS


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="chronology import")
    agencies = writable_agency_codes(request.user, case)
    if not agencies:
        raise PermissionDenied
    form = ChronologyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        checked = services.chronology_import_check(
            case=case,
            rows=form.cleaned_data["file"],
            file_name=str(getattr(request.FILES.get("file"), "name", "") or ""),
            agency_codes=agencies,
            uploaded_by=request.user,
        )
        return redirect("chronology:import_detail", reference=reference, code=checked.code)
    status = 400 if request.method == "POST" else 200
    context = {"case": case, "form": form, "agencies": sorted(agencies)}
    return render(request, "chronology/import_upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    case = access_case(request.user, reference, part="chronology import")
    upload = get_object_or_404(ChronologyImport, case=case, code=code, created_by=request.user)
    if request.method == "POST":
        if upload.status != ChronologyImport.Status.PREVIEWED or upload.problems:
            return redirect("chronology:import_detail", reference=reference, code=code)
        agencies = sorted(writable_agency_codes(request.user, case))
        if upload.total_rows > services.INLINE_IMPORT_LIMIT:
            ChronologyImport.objects.filter(pk=upload.pk).update(
                status=ChronologyImport.Status.QUEUED
            )
            tasks.import_chronology.enqueue(upload.pk, agencies)
        else:
            services.chronology_import_run(upload=upload, agency_codes=frozenset(agencies))
        return redirect("chronology:import_detail", reference=reference, code=code)
    context = {
        "case": case,
        "upload": upload,
        "rows": selectors.import_preview(upload) if upload.status == "previewed" else [],
        "columns_missing": upload.problems.get("columns", []),
        "in_progress": upload.status in ("queued", "running"),
        "chronology_url": reverse("chronology:merged", kwargs={"reference": reference}),
    }
    return render(request, "chronology/import_detail.html", context)


@require_GET
@login_required
def template(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """A blank chronology file with the columns the import reads."""
    access_case(request.user, reference, part="chronology template")
    buffer = io.StringIO()
    csv.writer(buffer).writerow([*COLUMNS, "childs_words"])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chronology-template.csv"'
    return response
