"""Next steps and progress: the page and its forms. Every form posts to its own URL and, on
an error, the page is shown again with what was typed (status 400)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.actions import selectors, services
from supervision.actions.access import can_mark_done
from supervision.actions.forms import ActionForm, DoneForm, ProgressPointForm, ReviewForm
from supervision.actions.models import Action, ActionStatus
from supervision.actions.selectors import PROGRESS_MONTHS, PlanPage
from supervision.cases.access import access_case
from supervision.followup.access import can_start_review
from supervision.followup.selectors import review_of_session
from supervision.meetings.models import SupervisionSession
from supervision.records import access

PART = "next steps"


def _session(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, *, write: bool
) -> SupervisionSession:
    case = access_case(request.user, reference, part=PART)
    session = access.session_of_request(case, code)
    if write and not access.can_write_record(request.user, session):
        raise PermissionDenied
    return session


def _action_form(session: SupervisionSession, page: PlanPage, *args: Any) -> ActionForm:
    return ActionForm(
        *args,
        held_on=page.held_on,
        owners=selectors.practitioners_of(session),
        agencies=selectors.agencies_of(session),
        record=page.record,
        auto_id="action-%s",
    )


def _review_form(page: PlanPage, *args: Any, **kwargs: Any) -> ReviewForm:
    return ReviewForm(*args, held_on=page.held_on, auto_id="review-%s", **kwargs)


def _page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    status: int = 200,
    page: PlanPage | None = None,
    bound: forms.Form | None = None,
    done_number: int | None = None,
    point_months: int | None = None,
    conflict: bool = False,
) -> HttpResponse:
    """The plan with every form; `bound` replaces the blank form of its kind."""
    page = page or selectors.plan_page(session)
    add_form = bound if isinstance(bound, ActionForm) else _action_form(session, page)
    if isinstance(bound, ReviewForm):
        review_form = bound
    else:
        review = page.review_date
        review_form = _review_form(
            page,
            initial={
                "review_date": review.isoformat() if review else "",
                "no_actions_reason": page.no_actions_reason,
                "version": page.version,
            },
        )
    points = []
    for row in page.points:
        if point_months == row.months and bound is not None:
            point_form = bound
        else:
            saved = row.point
            point_form = ProgressPointForm(
                initial={
                    "target": saved.target if saved else "",
                    "monitored_by": saved.monitored_by if saved else "",
                    "how": saved.how if saved else "",
                    "version": row.version,
                },
                auto_id=f"progress-{row.months}-%s",
            )
        points.append((row, point_form))
    can_write = access.can_write_record(request.user, session)
    user_id = request.user.pk
    done_forms = [
        (
            row,
            bound
            if done_number == row.action.number and bound is not None
            else DoneForm(auto_id=f"done-{row.action.number}-%s"),
        )
        for row in page.actions
        if not row.is_done and (can_write or row.action.owner.user_id == user_id)
    ]
    context: dict[str, Any] = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "page": page,
        "add_form": add_form,
        "review_form": review_form,
        "points": points,
        "done_forms": done_forms,
        "error_form": bound,
        "conflict": conflict,
        "can_write": can_write,
        "locked": access.record_locked(session),
        "can_start_review": can_start_review(request.user, session),
        "review": review_of_session(session),
    }
    return render(request, "actions/plan.html", context, status=status)


def _back(reference: str, code: UUID, anchor: str) -> HttpResponse:
    response = redirect("actions:plan", reference=reference, code=code)
    response["Location"] += f"#{anchor}"
    return response


@require_GET
@login_required
def plan(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _page(request, _session(request, reference, code, write=False))


@require_POST
@login_required
def action_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    page = selectors.plan_page(session)
    form = _action_form(session, page, request.POST)
    if not form.is_valid():
        return _page(request, session, status=400, page=page, bound=form)
    data = form.cleaned_data
    action = services.action_add(
        session=session,
        description=data["description"],
        owner=data["owner"],
        agency=data["agency"],
        due_date=data["due_date"],
        outcome=data["outcome"],
        risk=data["risk"],
        by=request.user,
    )
    messages.success(request, _("Action %(label)s added.") % {"label": action.label})
    return _back(reference, code, f"action-{action.number}")


@require_POST
@login_required
def action_done(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, number: int
) -> HttpResponse:
    session = _session(request, reference, code, write=False)
    action = (
        Action.objects.select_related("owner", "record__session__case")
        .filter(record__session=session, number=number)
        .first()
    )
    if action is None:
        raise Http404
    if not can_mark_done(request.user, session, action):
        raise PermissionDenied
    if action.status == ActionStatus.DONE:
        messages.info(request, _("Action %(label)s was already done.") % {"label": action.label})
        return _back(reference, code, f"action-{number}")
    form = DoneForm(request.POST, auto_id=f"done-{number}-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, done_number=number)
    try:
        services.action_mark_done(
            action=action, completion_note=form.cleaned_data["completion_note"], by=request.user
        )
    except services.ActionAlreadyDone:
        messages.info(request, _("Action %(label)s was already done.") % {"label": action.label})
        return _back(reference, code, f"action-{number}")
    messages.success(request, _("Action %(label)s is done.") % {"label": action.label})
    return _back(reference, code, f"action-{number}")


@require_POST
@login_required
def progress_point(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, months: int
) -> HttpResponse:
    if months not in PROGRESS_MONTHS:
        raise Http404
    session = _session(request, reference, code, write=True)
    auto_id = f"progress-{months}-%s"
    form = ProgressPointForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, point_months=months)
    data = form.cleaned_data
    try:
        services.progress_point_save(
            session=session,
            months=months,
            target=data["target"],
            monitored_by=data["monitored_by"],
            how=data["how"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.PlanConflict as conflict:
        retry = ProgressPointForm({**data, "version": conflict.current.version}, auto_id=auto_id)
        retry.is_valid()
        retry.add_error(None, _conflict_message())
        return _page(request, session, status=409, bound=retry, point_months=months, conflict=True)
    if months == 1:
        messages.success(request, _("Where we want to be in one month is saved."))
    else:
        messages.success(request, _("Where we want to be in three months is saved."))
    return _back(reference, code, f"progress-{months}")


@require_POST
@login_required
def review(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    page = selectors.plan_page(session)
    form = _review_form(page, request.POST)
    if not form.is_valid():
        return _page(request, session, status=400, page=page, bound=form)
    data = form.cleaned_data
    try:
        services.action_plan_save(
            session=session,
            review_date=data["review_date"],
            no_actions_reason=data["no_actions_reason"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.PlanConflict as conflict:
        retry = _review_form(page, {**request.POST.dict(), "version": conflict.current.version})
        retry.is_valid()
        retry.add_error(None, _conflict_message())
        return _page(request, session, status=409, bound=retry, conflict=True)
    messages.success(request, _("The review date is saved."))
    return _back(reference, code, "review")


def _conflict_message() -> str:
    return _(
        "Someone else saved this while you were editing. The saved version is shown on the "
        "page and yours is in the form: nothing has been lost. Save again to keep yours."
    )
