"""The document pack: the list and its warning, adding a document, downloading one.

Everyone who may open the case sees the pack and downloads its documents; only the
case's social worker adds documents. Every page and download is audited: opening the
case (access_case) as a view, each download also as an export.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.documents import files, selectors, services
from supervision.documents.access import can_upload
from supervision.documents.forms import DocumentUploadForm
from supervision.documents.models import Document


@require_GET
@login_required
def pack(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="document pack")
    uploader = can_upload(request.user, case)
    context = {
        "case": case,
        "pack": selectors.document_pack(case, page=request.GET.get("page")),
        "form": DocumentUploadForm() if uploader else None,
        "accept": files.ACCEPT,
    }
    return render(request, "documents/pack.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="document upload")
    if not can_upload(request.user, case):
        raise PermissionDenied
    posted = request.method == "POST"
    form = DocumentUploadForm(request.POST, request.FILES) if posted else DocumentUploadForm()
    if posted and form.is_valid():
        data = form.cleaned_data
        document = services.document_upload(
            case=case,
            upload=data["file"],
            type=data["type"],
            title=data["title"],
            document_date=form.document_date,
            version=data["version"],
            language=data["language"],
            uploaded_by=request.user,
        )
        messages.success(
            request, _("‘%(title)s’ was added to the document pack.") % {"title": document.title}
        )
        return redirect("documents:pack", reference=reference)
    context = {"case": case, "form": form, "accept": files.ACCEPT}
    status = 400 if posted else 200
    return render(request, "documents/upload.html", context, status=status)


@require_GET
@login_required
def download(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> FileResponse:
    case = access_case(request.user, reference, part="document")
    document = get_object_or_404(Document, case=case, code=code)
    try:
        handle = document.file.storage.open(document.file.name or "", "rb")
    except FileNotFoundError:
        raise Http404 from None
    services.document_download_record(document=document, downloaded_by=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
