"""The safety plan page, its forms and its versions. Every form posts to its own URL and,
on an error, the page is shown again with what was typed (status 400)."""

from __future__ import annotations

from datetime import date
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
from supervision.cases.access import access_case
from supervision.meetings.models import SupervisionSession
from supervision.records import access
from supervision.records.services import RecordLocked
from supervision.safety import selectors, services
from supervision.safety.forms import DetailsForm, ItemForm, NotApplicableForm, ShareForm
from supervision.safety.models import (
    OutOfHoursService,
    OutOfHoursShare,
    SafetyPlanItem,
)


def _session(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, *, write: bool
) -> SupervisionSession:
    case = access_case(request.user, reference, part="safety plan")
    session = access.session_of_request(case, code)
    if write and not access.can_write_record(request.user, session):
        raise PermissionDenied
    if write and access.record_locked(session):
        raise RecordLocked(session)  # one 409 page, whatever was typed
    return session


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _details_form(page: selectors.PlanPage) -> DetailsForm:
    plan = page.plan
    return DetailsForm(
        initial={
            "contingency": plan.contingency if plan else "",
            "agreed_by": plan.agreed_by if plan else "",
            "family_owned": _yes_no(plan.family_owned) if plan else None,
            "version": page.version,
        },
        auto_id="details-%s",
    )


def _page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    status: int = 200,
    bound: forms.Form | None = None,
) -> HttpResponse:
    """The plan with every form; `bound` replaces the blank form of its kind."""
    page = selectors.plan_page(session)
    blank: dict[str, forms.Form] = {
        "item": ItemForm(session=session, auto_id="item-%s"),
        "details": _details_form(page),
        "share": ShareForm(auto_id="share-%s"),
        "not_applicable": NotApplicableForm(
            initial={"not_applicable": True}, auto_id="not-applicable-%s"
        ),
    }
    if bound is not None:
        name = {
            ItemForm: "item",
            DetailsForm: "details",
            ShareForm: "share",
            NotApplicableForm: "not_applicable",
        }[type(bound)]
        blank[name] = bound
    locked = access.record_locked(session)
    context: dict[str, Any] = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "page": page,
        "forms": blank,
        "error_form": bound,
        "locked": locked,
        "can_write": not locked and access.can_write_record(request.user, session),
    }
    return render(request, "safety/plan.html", context, status=status)


def _back(reference: str, code: UUID, anchor: str) -> HttpResponse:
    response = redirect("safety:plan", reference=reference, code=code)
    response["Location"] += f"#{anchor}"
    return response


@require_GET
@login_required
def plan(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _page(request, _session(request, reference, code, write=False))


@require_GET
@login_required
def version(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, number: int
) -> HttpResponse:
    """One earlier version of the plan, read-only, as it stood after that change."""
    session = _session(request, reference, code, write=False)
    found = selectors.plan_version(session, number)
    if found is None:
        raise Http404
    content = found.content
    shares = [
        {
            **share,
            "service_label": OutOfHoursService(share["service"]).label,
            "shared_on": date.fromisoformat(share["shared_on"]),
        }
        for share in content["out_of_hours"]["shares"]
    ]
    context = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "saved": found,
        "content": content,
        "shares": shares,
        "latest": selectors.current_version(session),
    }
    return render(request, "safety/version.html", context)


@require_POST
@login_required
def item_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = ItemForm(request.POST, session=session, auto_id="item-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    services.plan_item_add(session=session, by=request.user, **form.cleaned_data)
    messages.success(request, _("Item added to the safety plan."))
    return _back(reference, code, "items")


@require_POST
@login_required
def item_remove(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, pk: int
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    item = SafetyPlanItem.objects.filter(pk=pk, plan__record__session=session).first()
    if item is None:
        raise Http404
    services.plan_item_remove(session=session, item=item, by=request.user)
    messages.success(request, _("Item removed from the safety plan."))
    return _back(reference, code, "items")


@require_POST
@login_required
def details(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = DetailsForm(request.POST, auto_id="details-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    data = form.cleaned_data
    try:
        services.plan_details_save(
            session=session,
            contingency=data["contingency"],
            agreed_by=data["agreed_by"],
            family_owned=data["family_owned"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.PlanConflict as conflict:
        retry = DetailsForm(
            initial={
                **data,
                "family_owned": _yes_no(data["family_owned"]),
                "version": conflict.current.version,
            },
            auto_id="details-%s",
        )
        context = {
            "case": session.case,
            "found": session.request,
            "session": session,
            "current": conflict.current,
            "mine": data,
            "form": retry,
        }
        return render(request, "safety/conflict.html", context, status=409)
    messages.success(request, _("The contingency and agreement are saved."))
    return _back(reference, code, "details")


@require_POST
@login_required
def share_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = ShareForm(request.POST, auto_id="share-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    try:
        services.out_of_hours_share_add(session=session, by=request.user, **form.cleaned_data)
    except services.NotApplicableOutOfHours:
        form.add_error(
            "service",
            _(
                "The plan says out-of-hours services do not apply. Withdraw that answer "
                "before recording where the plan was shared."
            ),
        )
        return _page(request, session, status=400, bound=form)
    messages.success(request, _("Out-of-hours sharing recorded."))
    return _back(reference, code, "out-of-hours")


@require_POST
@login_required
def share_remove(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, pk: int
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    share = OutOfHoursShare.objects.filter(pk=pk, plan__record__session=session).first()
    if share is None:
        raise Http404
    services.out_of_hours_share_remove(session=session, share=share, by=request.user)
    messages.success(request, _("Out-of-hours sharing removed."))
    return _back(reference, code, "out-of-hours")


@require_POST
@login_required
def not_applicable(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = NotApplicableForm(request.POST, auto_id="not-applicable-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    marking = form.cleaned_data["not_applicable"]
    try:
        services.out_of_hours_not_applicable_save(
            session=session,
            not_applicable=marking,
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except services.SharedOutOfHours:
        form.add_error(
            "reason",
            _(
                "The plan is recorded as shared with out-of-hours services. Remove those "
                "records before saying out-of-hours services do not apply."
            ),
        )
        return _page(request, session, status=400, bound=form)
    if marking:
        messages.success(request, _("Saved: out-of-hours services do not apply."))
    else:
        messages.success(request, _("Withdrawn: out-of-hours services may apply."))
    return _back(reference, code, "out-of-hours")
