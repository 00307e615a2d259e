"""Booking the session, inviting people, and their answers."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.meetings import access, services
from supervision.meetings.forms import AddInviteeForm, ReasonForm, RespondForm, ScheduleForm
from supervision.meetings.models import SessionStatus, SupervisionRequest


def _chaired_request(
    request: AuthenticatedHttpRequest, reference: str, code: UUID
) -> SupervisionRequest:
    case = access_case(request.user, reference, part="supervision session")
    found = access.request_of_case(case, code)
    if not access.is_request_chair(request.user, found):
        raise PermissionDenied
    return found


@require_http_methods(["GET", "POST"])
@login_required
def schedule(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    found = _chaired_request(request, reference, code)
    session = getattr(found, "session", None)
    initial = {}
    if session is not None:
        starts = timezone.localtime(session.starts_at)
        initial = {
            "day": starts.date(),
            "time": starts.time(),
            "duration_minutes": session.duration_minutes,
            "venue": session.venue,
            "meeting_language": session.meeting_language,
        }
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = timezone.make_aware(datetime.datetime.combine(data["day"], data["time"]))
        services.session_schedule(
            request=found,
            starts_at=starts_at,
            duration_minutes=data["duration_minutes"],
            venue=data["venue"],
            meeting_language=data["meeting_language"],
            scheduled_by=request.user,
        )
        messages.success(
            request,
            _("The session is booked and everyone invited has been sent the calendar invitation."),
        )
        return redirect("meetings:detail", reference=reference, code=code)
    status = 400 if request.method == "POST" else 200
    context = {"case": found.case, "found": found, "form": form, "session": session}
    return render(request, "meetings/schedule.html", context, status=status)


@require_POST
@login_required
def cancel(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    found = _chaired_request(request, reference, code)
    session = getattr(found, "session", None)
    form = ReasonForm(request.POST)
    if session is not None and session.status == SessionStatus.SCHEDULED and form.is_valid():
        services.session_cancel(
            session=session, reason=form.cleaned_data["reason"], cancelled_by=request.user
        )
        messages.success(request, _("The session is cancelled and everyone invited has been told."))
    elif not form.is_valid():
        messages.error(request, _("Give a reason for cancelling the session."))
    return redirect("meetings:detail", reference=reference, code=code)


@require_POST
@login_required
def invitee_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    found = _chaired_request(request, reference, code)
    session = getattr(found, "session", None)
    form = AddInviteeForm(request.POST)
    if session is None:
        raise PermissionDenied
    if form.is_valid():
        services.invitation_add(
            session=session,
            practitioner=form.cleaned_data["practitioner"],
            reason=form.cleaned_data["reason"],
            added_by=request.user,
        )
        messages.success(request, _("Invitation sent."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("meetings:detail", reference=reference, code=code)


@require_POST
@login_required
def invitee_remove(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, invitation: UUID
) -> HttpResponse:
    found = _chaired_request(request, reference, code)
    session = getattr(found, "session", None)
    if session is None:
        raise PermissionDenied
    target = get_object_or_404(
        session.invitations.select_related("practitioner__user"), code=invitation
    )
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.invitation_remove(
            invitation=target, reason=form.cleaned_data["reason"], removed_by=request.user
        )
        messages.success(request, _("They are no longer invited and have been told."))
    else:
        messages.error(request, _("Say why this person is no longer invited."))
    return redirect("meetings:detail", reference=reference, code=code)


@require_http_methods(["GET", "POST"])
@login_required
def respond(request: AuthenticatedHttpRequest, code: UUID) -> HttpResponse:
    invitation = access.access_invitation(request.user, code)
    form = RespondForm(request.POST or None, initial={"response": invitation.response})
    if request.method == "POST" and form.is_valid():
        services.invitation_respond(
            invitation=invitation, response=form.cleaned_data["response"], by=request.user
        )
        messages.success(request, _("Thank you. The chair can see your answer."))
        return redirect("invitation_respond", code=code)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "meetings/respond.html", {"invitation": invitation, "form": form}, status=status
    )
