"""The session documents page: the three documents, their files in English and Welsh as
PDF and DOCX, the deadlines; making them, approving the minutes, downloading a file.

Every view gets the case through `access_case` (audited; 404 for outsiders) and the session
through `session_of_request`. Every download is audited as an export.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.artefacts import access, selectors, services, tasks
from supervision.artefacts.models import ArtefactKind, FileStatus
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.access import access_case
from supervision.meetings.models import SupervisionSession
from supervision.records.access import session_of_request

PART = "session documents"


def _session(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> SupervisionSession:
    case = access_case(request.user, reference, part=PART)
    return session_of_request(case, code)


def _page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    page = selectors.documents_page(session)
    context = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "page": page,
        "deadlines": page.deadlines,
        "can_prepare": access.can_prepare(request.user, session),
        "can_approve": access.can_approve(request.user, session),
        "problem": problem,
    }
    return render(request, "artefacts/documents.html", context, status=status)


def _to_list(reference: str, code: UUID) -> HttpResponse:
    return redirect(reverse("artefacts:list", kwargs={"reference": reference, "code": code}))


@require_GET
@login_required
def documents(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _page(request, _session(request, reference, code))


@require_POST
@login_required
def prepare(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code)
    if not access.can_prepare(request.user, session):
        raise PermissionDenied
    try:
        services.artefacts_prepare(session=session, by=request.user)
    except services.NotSignedOff as problem:
        return _page(request, session, problem=str(problem), status=409)
    messages.success(
        request, _("The documents are being made. This page shows how far each file has got.")
    )
    return _to_list(reference, code)


@require_POST
@login_required
def approve_minutes(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code)
    if not access.can_approve(request.user, session):
        raise PermissionDenied
    minutes = selectors.artefact_of(session, ArtefactKind.MINUTES)
    if minutes is None:
        return _page(
            request,
            session,
            problem=_("The minutes have not been made yet. Make the documents first."),
            status=409,
        )
    try:
        services.artefact_approve(artefact=minutes, by=request.user)
    except services.NotReady as problem:
        return _page(request, session, problem=str(problem), status=409)
    messages.success(request, _("The minutes are approved. They can now be distributed."))
    return _to_list(reference, code)


@require_GET
@login_required
def download(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, file: UUID
) -> FileResponse:
    session = _session(request, reference, code)
    found = access.file_of_session(session, file)
    if found.status != FileStatus.DONE or not found.file:
        raise Http404
    try:
        handle = found.file.storage.open(found.file.name or "", "rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=found,
        case=session.case,
        detail={
            "kind": found.artefact.kind,
            "language": found.language,
            "format": found.format,
            "version": found.artefact.edition.number,
        },
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=tasks.file_name(found),
        content_type=tasks.CONTENT_TYPES[found.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
