"""Data protection pages: the public privacy notice; for the data protection officer only,
subject access exports (ask, watch it being made, download) and legal holds.

Everyone signed in who is not a data protection officer gets 403 on the officer's pages;
an export is seen only by the officer who asked for it (anyone else: 404).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.models import Case
from supervision.dataprotection import access, selectors, services, tasks
from supervision.dataprotection.forms import LegalHoldForm, SubjectAccessForm
from supervision.dataprotection.models import ExportStatus, LegalHold, SubjectKind

PASSWORD_TRIES = 5
PASSWORD_WINDOW_SECONDS = 30 * 60


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: public, in English and Welsh, with the retention periods as set."""
    context = {
        "controller": getattr(settings, "PRIVACY_CONTROLLER_NAME", ""),
        "contact_email": getattr(settings, "PRIVACY_CONTACT_EMAIL", ""),
        "periods": selectors.retention_periods(),
    }
    return render(request, "dataprotection/privacy.html", context)


def _subject_page(
    request: AuthenticatedHttpRequest, form: SubjectAccessForm, status: int = 200
) -> HttpResponse:
    context = {"form": form, "exports": selectors.recent_exports(request.user)}
    return render(request, "dataprotection/subject_access.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def subject_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_data_protection_officer(request.user)
    if request.method != "POST":
        return _subject_page(request, SubjectAccessForm(initial={"subject_kind": "person"}))
    form = SubjectAccessForm(request.POST)
    tries_key = f"subject-access-tries:{request.user.pk}"
    if cache.get(tries_key, 0) >= PASSWORD_TRIES:
        form.is_valid()
        form.add_error(
            "password",
            _("Too many wrong passwords. Try again in 30 minutes, or sign out and in again."),
        )
        return _subject_page(request, form, status=429)
    if not form.is_valid():
        return _subject_page(request, form, status=400)
    data = form.cleaned_data
    person = user = None
    if data["subject_kind"] == SubjectKind.PERSON:
        person = selectors.find_person(data["case_reference"], data["person_key"])
        if person is None:
            form.add_error(
                "case_reference", _("No one in a case has this case and short reference")
            )
    else:
        user = selectors.find_staff(data["email"])
        if user is None:
            form.add_error("email", _("No account has this email address"))
    if form.errors:
        return _subject_page(request, form, status=400)
    try:
        export = services.subject_access_request(
            person=person,
            user=user,
            sar_reference=data["sar_reference"],
            reason=data["reason"],
            password=data["password"],
            language=translation.get_language() or "en-gb",
            requested_by=request.user,
        )
    except services.WrongPassword:
        cache.set(tries_key, cache.get(tries_key, 0) + 1, PASSWORD_WINDOW_SECONDS)
        form.add_error("password", _("The password is not right"))
        return _subject_page(request, form, status=400)
    cache.delete(tries_key)
    tasks.subject_access_make.enqueue(export.pk)
    return redirect("dataprotection:export", code=export.code)


@require_GET
@login_required
def export_status(request: AuthenticatedHttpRequest, code: UUID) -> HttpResponse:
    access.require_data_protection_officer(request.user)
    export = access.own_export(request.user, code)
    context: dict[str, Any] = {"export": export, "file_name": tasks.file_name(export)}
    response = render(request, "dataprotection/export_status.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def export_download(request: AuthenticatedHttpRequest, code: UUID) -> FileResponse:
    access.require_data_protection_officer(request.user)
    export = access.own_export(request.user, code)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    services.subject_access_downloaded(export=export, by=request.user)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=tasks.file_name(export),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


def _holds_page(
    request: AuthenticatedHttpRequest, form: LegalHoldForm, status: int = 200
) -> HttpResponse:
    context = {"form": form, "holds": selectors.active_holds()}
    return render(request, "dataprotection/legal_holds.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def legal_holds(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_data_protection_officer(request.user)
    if request.method != "POST":
        return _holds_page(request, LegalHoldForm())
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        return _holds_page(request, form, status=400)
    case = Case.objects.filter(
        reference__iexact=form.cleaned_data["case_reference"].strip()
    ).first()
    if case is None:
        form.add_error("case_reference", _("No case has this reference"))
        return _holds_page(request, form, status=400)
    try:
        services.legal_hold_place(
            case=case, reason=form.cleaned_data["reason"], placed_by=request.user
        )
    except services.AlreadyHeld:
        form.add_error("case_reference", _("This case is already under a legal hold"))
        return _holds_page(request, form, status=400)
    messages.success(
        request,
        _("Case %(reference)s is under legal hold: nothing of it will be deleted.")
        % {"reference": case.reference},
    )
    return redirect("dataprotection:legal_holds")


@require_POST
@login_required
def legal_hold_lift(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access.require_data_protection_officer(request.user)
    hold = LegalHold.objects.select_related("case").filter(pk=pk, lifted_at__isnull=True).first()
    if hold is None:
        raise Http404
    services.legal_hold_lift(hold=hold, lifted_by=request.user)
    messages.success(
        request,
        _("The legal hold on case %(reference)s is lifted.") % {"reference": hold.case.reference},
    )
    return redirect("dataprotection:legal_holds")
