"""The case file page: each child's synopsis, the conference alert and closing the session.
Every form posts to its own URL; on an error the page is shown again with what was typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.casefile import access, selectors, services
from supervision.casefile.forms import (
    CloseForm,
    ConferenceAlertForm,
    RecordedForm,
    SynopsisForm,
)
from supervision.casefile.models import ChildSynopsis
from supervision.cases.access import access_case
from supervision.cases.models import Person, PersonRole
from supervision.domain.closing import ClosingProblem
from supervision.meetings.models import SessionStatus, SupervisionSession
from supervision.records.access import session_of_request


def _session(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, *, write: bool = False
) -> SupervisionSession:
    case = access_case(request.user, reference, part="case file")
    session = session_of_request(case, code)
    if write and not access.can_write_case_file(request.user, session):
        raise PermissionDenied
    return session


def _child(session: SupervisionSession, key: str) -> Person:
    child = Person.objects.filter(
        case_id=session.case_id, key=key, role=PersonRole.SUBJECT_CHILD
    ).first()
    if child is None:
        raise Http404
    return child


@dataclass(frozen=True)
class Problem:
    message: str
    anchor: str
    names: list[str]


def _problems(state: selectors.ClosingState) -> list[Problem]:
    """Each closing problem in plain words, with where on the page to fix it."""
    words = {
        ClosingProblem.NOT_SIGNED_OFF: (
            _("The chair has not signed off the session record."),
            "closing",
        ),
        ClosingProblem.NO_CHILDREN: (
            _("The case has no child recorded, so no synopsis can go on a child’s case file."),
            "children",
        ),
        ClosingProblem.SYNOPSIS_NOT_RECORDED: (
            _("The synopsis is not confirmed as recorded on the case file of:"),
            "children",
        ),
        ClosingProblem.ACTIONS_NOT_DISTRIBUTED: (
            _("The actions have not been distributed."),
            "closing",
        ),
        ClosingProblem.MINUTES_NOT_DISTRIBUTED: (
            _("The minutes have not been distributed."),
            "closing",
        ),
    }
    found = []
    for code in state.problems:
        message, anchor = words[ClosingProblem(code)]
        names = (
            [child.full_name for child in state.children_not_recorded]
            if code == ClosingProblem.SYNOPSIS_NOT_RECORDED
            else []
        )
        found.append(Problem(message, anchor, names))
    return found


def _page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    status: int = 200,
    bound: forms.Form | None = None,
    bound_child: int | None = None,
    close_refused: bool = False,
) -> HttpResponse:
    """The whole page; `bound` (for the child `bound_child`, if a child's form) replaces
    the blank form of its kind."""
    page = selectors.case_file_page(session)
    held_on = selectors.held_on(session)
    children = []
    for section in page.children:
        key = section.child.pk
        synopsis_form = SynopsisForm(
            initial={"text": section.draft, "version": section.version},
            auto_id=f"child-{key}-synopsis-%s",
        )
        recorded_form = RecordedForm(auto_id=f"child-{key}-recorded-%s")
        if bound is not None and bound_child == key:
            if isinstance(bound, SynopsisForm):
                synopsis_form = bound
            elif isinstance(bound, RecordedForm):
                recorded_form = bound
        children.append((section, synopsis_form, recorded_form))
    alert_form = (
        bound
        if isinstance(bound, ConferenceAlertForm)
        else ConferenceAlertForm(
            initial={"conference_chair": page.suggested_conference_chair},
            held_on=held_on,
            auto_id="alert-%s",
        )
    )
    closed = session.status == SessionStatus.CLOSED
    can_write = access.can_write_case_file(request.user, session) and not closed
    context: dict[str, Any] = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "held_on": held_on,
        "page": page,
        "children": children,
        "alert_form": alert_form,
        "error_form": bound,
        "problems": _problems(page.closing),
        "close_refused": close_refused,
        "closed": closed,
        "can_write": can_write,
        "can_write_synopsis": can_write and page.signed_off,
        "can_close": access.can_close(request.user, session) and not closed,
    }
    return render(request, "casefile/detail.html", context, status=status)


def _back(reference: str, code: UUID, anchor: str) -> HttpResponse:
    response = redirect("casefile:detail", reference=reference, code=code)
    response["Location"] += f"#{anchor}"
    return response


@require_GET
@login_required
def detail(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _page(request, _session(request, reference, code))


def _refused(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    form: forms.Form,
    child: Person,
    message: str,
) -> HttpResponse:
    form.add_error(None, message)
    return _page(request, session, status=400, bound=form, bound_child=child.pk)


@require_POST
@login_required
def synopsis_save(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, key: str
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    child = _child(session, key)
    auto_id = f"child-{child.pk}-synopsis-%s"
    form = SynopsisForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, bound_child=child.pk)
    data = form.cleaned_data
    try:
        services.synopsis_save(
            session=session,
            child=child,
            text=data["text"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.SynopsisConflict as conflict:
        return _conflict(request, session, child, conflict.current, data)
    except services.NotSignedOff:
        return _refused(
            request,
            session,
            form,
            child,
            _("The synopsis can be saved once the chair has signed off the session record."),
        )
    except services.SynopsisRecorded:
        return _refused(
            request,
            session,
            form,
            child,
            _("This synopsis is already recorded on the case file, so it cannot be changed."),
        )
    except services.SessionClosed:
        return _refused(request, session, form, child, _("The session is closed."))
    messages.success(request, _("Synopsis saved."))
    return _back(reference, code, f"child-{child.pk}")


def _conflict(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    child: Person,
    current: ChildSynopsis,
    data: dict[str, Any],
) -> HttpResponse:
    """Someone saved this synopsis since the form was loaded: both texts, nothing saved."""
    retry = SynopsisForm(
        initial={**data, "version": current.version}, auto_id=f"child-{child.pk}-synopsis-%s"
    )
    kwargs = {"reference": session.case.reference, "code": session.request.code}
    context = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "who": current.updated_by.full_name,
        "part_name": format_html(
            _("the synopsis for {name}"),
            name=format_html('<span translate="no">{}</span>', child.full_name),
        ),
        "saved": [(_("Synopsis for the case file"), current.text)],
        "form": retry,
        "action": request.path,
        "back": reverse("casefile:detail", kwargs=kwargs) + f"#child-{child.pk}",
    }
    return render(request, "records/conflict.html", context, status=409)


@require_POST
@login_required
def synopsis_recorded(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, key: str
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    child = _child(session, key)
    form = RecordedForm(request.POST, auto_id=f"child-{child.pk}-recorded-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, bound_child=child.pk)
    synopsis = (
        ChildSynopsis.objects.select_related("session__case", "session__request", "child")
        .filter(session=session, child=child)
        .first()
    )
    if synopsis is None:
        return _refused(
            request,
            session,
            form,
            child,
            _("Save the synopsis first, then confirm it is on the case file."),
        )
    try:
        services.synopsis_confirm_recorded(
            synopsis=synopsis,
            case_system_reference=form.cleaned_data["case_system_reference"],
            by=request.user,
        )
    except services.NotSignedOff:
        return _refused(
            request,
            session,
            form,
            child,
            _("The session record is reopened. Confirm once the chair has signed it off again."),
        )
    except services.SynopsisRecorded:
        messages.info(request, _("This synopsis was already confirmed as recorded."))
        return _back(reference, code, f"child-{child.pk}")
    except services.SessionClosed:
        return _refused(request, session, form, child, _("The session is closed."))
    messages.success(request, _("Confirmed as recorded on the case file."))
    return _back(reference, code, f"child-{child.pk}")


@require_POST
@login_required
def conference_alert(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = ConferenceAlertForm(request.POST, held_on=selectors.held_on(session), auto_id="alert-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    try:
        services.conference_alert_record(session=session, by=request.user, **form.cleaned_data)
    except services.SessionClosed:
        form.add_error(None, _("The session is closed."))
        return _page(request, session, status=400, bound=form)
    messages.success(request, _("The alert to the conference chair is recorded."))
    return _back(reference, code, "conference")


@require_POST
@login_required
def close(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code)
    if not access.can_close(request.user, session):
        raise PermissionDenied
    try:
        services.session_close(session=session, by=request.user)
    except services.NotReadyToClose:
        return _page(request, session, status=400, bound=CloseForm(), close_refused=True)
    except services.SessionClosed:
        messages.info(request, _("The session is already closed."))
        return _back(reference, code, "closing")
    messages.success(request, _("The session is closed."))
    return _back(reference, code, "closing")
