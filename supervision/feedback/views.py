"""Feedback pages: an attendee's form, and the answers without names for the chair and the
social worker."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.feedback import access, selectors, services
from supervision.feedback.forms import FeedbackForm
from supervision.meetings.models import SupervisionSession
from supervision.records.access import session_of_request

PART = "feedback"


def _session(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> SupervisionSession:
    case = access_case(request.user, reference, part=PART)
    return session_of_request(case, code)


def _give_page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    form: FeedbackForm | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "open": access.feedback_open(session),
        "answer": selectors.own_answer(session, request.user),
        "form": form or FeedbackForm(auto_id="feedback-%s"),
        "refused": refused,
    }
    return render(request, "feedback/give.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def give(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code)
    if not access.can_give_feedback(request.user, session):
        raise PermissionDenied
    if request.method != "POST":
        return _give_page(request, session)
    form = FeedbackForm(request.POST, auto_id="feedback-%s")
    if not form.is_valid():
        return _give_page(request, session, form=form, status=400)
    data = form.cleaned_data
    try:
        services.feedback_give(
            session=session,
            user=request.user,
            useful=data["useful"],
            better=data["better"],
            rating=data["rating"],
        )
    except services.AlreadyAnswered:
        refused = _(
            "You have already given feedback on this session, so this answer was not saved. "
            "Each attendee answers once."
        )
        return _give_page(request, session, refused=refused, status=409)
    except services.FeedbackNotOpen:
        refused = _(
            "Feedback opens when the chair signs off the session record, so this answer was "
            "not saved."
        )
        return _give_page(request, session, form=form, refused=refused, status=409)
    messages.success(request, _("Thank you. Your feedback is saved."))
    return redirect("feedback:give", reference=reference, code=code)


@require_GET
@login_required
def results(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code)
    if not access.can_read_results(request.user, session):
        raise PermissionDenied
    context = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "results": selectors.results(session),
    }
    return render(request, "feedback/results.html", context)
