"""The session record page and its add forms. Every form posts to its own URL and, on an
error, the page is shown again with what was typed (status 400)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.meetings.models import SupervisionSession
from supervision.records import access, selectors, services
from supervision.records.forms import (
    BalancingItemForm,
    BalancingSummaryForm,
    MomentForm,
    OutcomeForm,
    RiskForm,
    ScalingScoreForm,
    StrengthForm,
    WhatMattersForm,
)
from supervision.records.models import PriorityRisk


def _session(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, *, write: bool
) -> SupervisionSession:
    case = access_case(request.user, reference, part="session record")
    session = access.session_of_request(case, code)
    if write and not access.can_write_record(request.user, session):
        raise PermissionDenied
    return session


def _page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    status: int = 200,
    bound: forms.Form | None = None,
    moment_rank: int | None = None,
    show_keep: bool = False,
) -> HttpResponse:
    """The record with every add form; `bound` replaces the blank form of its kind."""
    case = session.case
    page = selectors.record_page(session)
    blank: dict[str, forms.Form] = {
        "what_matters": WhatMattersForm(
            initial={
                "what_matters": page.record.what_matters if page.record else "",
                "family_words": page.record.family_words if page.record else "",
                "version": page.version,
            },
            auto_id="what-matters-%s",
        ),
        "outcome": OutcomeForm(case=case, auto_id="outcome-%s"),
        "strength": StrengthForm(case=case, auto_id="strength-%s"),
        "risk": RiskForm(auto_id="risk-%s"),
        "balancing_item": BalancingItemForm(auto_id="balancing-item-%s"),
        "scaling_score": ScalingScoreForm(auto_id="scaling-%s"),
        "balancing_summary": BalancingSummaryForm(
            initial={
                "summary": page.record.balancing_summary if page.record else "",
                "version": page.balancing_version,
            },
            auto_id="balancing-summary-%s",
        ),
    }
    moment_forms: dict[int, forms.Form] = {}
    if bound is not None and moment_rank is not None:
        moment_forms[moment_rank] = bound
    elif bound is not None:
        name = {
            WhatMattersForm: "what_matters",
            OutcomeForm: "outcome",
            StrengthForm: "strength",
            RiskForm: "risk",
            BalancingItemForm: "balancing_item",
            ScalingScoreForm: "scaling_score",
            BalancingSummaryForm: "balancing_summary",
        }[type(bound)]
        blank[name] = bound
    risks = [
        (
            risk,
            moment_forms.get(risk.rank) or MomentForm(auto_id=f"risk-{risk.rank}-moment-%s"),
        )
        for risk in page.risks
    ]
    context: dict[str, Any] = {
        "case": case,
        "found": session.request,
        "session": session,
        "page": page,
        "risks": risks,
        "forms": blank,
        "error_form": bound,
        "show_keep": show_keep,
        "can_write": access.can_write_record(request.user, session),
    }
    return render(request, "records/record.html", context, status=status)


def _back(reference: str, code: UUID, anchor: str) -> HttpResponse:
    response = redirect("records:record", reference=reference, code=code)
    response["Location"] += f"#{anchor}"
    return response


@require_GET
@login_required
def record(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _page(request, _session(request, reference, code, write=False))


@require_POST
@login_required
def what_matters(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = WhatMattersForm(request.POST, auto_id="what-matters-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    data = form.cleaned_data
    try:
        services.record_update_what_matters(
            session=session,
            what_matters=data["what_matters"],
            family_words=data["family_words"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.RecordConflict as conflict:
        retry = WhatMattersForm(
            initial={**data, "version": conflict.current.version}, auto_id="what-matters-%s"
        )
        context = {
            "case": session.case,
            "found": session.request,
            "session": session,
            "current": conflict.current,
            "mine": data,
            "form": retry,
        }
        return render(request, "records/conflict.html", context, status=409)
    messages.success(request, _("What matters is saved."))
    return _back(reference, code, "what-matters")


@require_POST
@login_required
def outcome_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = OutcomeForm(request.POST, case=session.case, auto_id="outcome-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    data = form.cleaned_data
    try:
        services.outcome_add(
            session=session,
            whose=data["whose"],
            person=data["person"],
            text=data["text"],
            status=data["status"],
            keep_reason=data["keep_reason"],
            language=translation.get_language() or "en",
            by=request.user,
        )
    except services.GenericOutcome as generic:
        words = ", ".join(f"“{word}”" for word in generic.words)
        form.add_error(
            "text",
            ngettext(
                "%(words)s is a generic word. What would this look like day to day?",
                "%(words)s are generic words. What would this look like day to day?",
                len(generic.words),
            )
            % {"words": words},
        )
        return _page(request, session, status=400, bound=form, show_keep=True)
    messages.success(request, _("Outcome added."))
    return _back(reference, code, "outcomes")


@require_POST
@login_required
def strength_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = StrengthForm(request.POST, case=session.case, auto_id="strength-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    services.strength_add(
        session=session,
        kind=form.cleaned_data["kind"],
        text=form.cleaned_data["text"],
        people=form.cleaned_data["people"],
        by=request.user,
    )
    messages.success(request, _("Strength added."))
    return _back(reference, code, "strengths")


@require_POST
@login_required
def risk_add(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = RiskForm(request.POST, auto_id="risk-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    services.risk_add(
        session=session,
        trying_to_avoid=form.cleaned_data["trying_to_avoid"],
        from_whose_view=form.cleaned_data["from_whose_view"],
        by=request.user,
    )
    messages.success(request, _("Priority risk added."))
    return _back(reference, code, "risks")


@require_POST
@login_required
def moment_add(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, rank: int
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    risk = (
        PriorityRisk.objects.select_related("record__session__case")
        .filter(record__session=session, rank=rank)
        .first()
    )
    if risk is None:
        raise Http404
    form = MomentForm(request.POST, auto_id=f"risk-{rank}-moment-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, moment_rank=rank)
    services.high_risk_moment_add(risk=risk, by=request.user, **form.cleaned_data)
    messages.success(request, _("High-risk moment added."))
    return _back(reference, code, f"risk-{rank}")


@require_POST
@login_required
def balancing_item_add(
    request: AuthenticatedHttpRequest, reference: str, code: UUID
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = BalancingItemForm(request.POST, auto_id="balancing-item-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    services.balancing_item_add(
        session=session,
        column=form.cleaned_data["column"],
        text=form.cleaned_data["text"],
        raised_by=form.cleaned_data["raised_by"],
        by=request.user,
    )
    messages.success(request, _("Added to the balancing exercise."))
    return _back(reference, code, "balancing")


@require_POST
@login_required
def scaling_score_add(
    request: AuthenticatedHttpRequest, reference: str, code: UUID
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = ScalingScoreForm(request.POST, auto_id="scaling-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    services.scaling_score_add(
        session=session,
        participant=form.cleaned_data["participant"],
        score=form.cleaned_data["score"],
        rationale=form.cleaned_data["rationale"],
        by=request.user,
    )
    messages.success(request, _("Score added."))
    return _back(reference, code, "scaling")


@require_POST
@login_required
def balancing_summary(
    request: AuthenticatedHttpRequest, reference: str, code: UUID
) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = BalancingSummaryForm(request.POST, auto_id="balancing-summary-%s")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form)
    data = form.cleaned_data
    try:
        services.balancing_summary_save(
            session=session,
            summary=data["summary"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.RecordConflict as conflict:
        retry = BalancingSummaryForm(
            initial={**data, "version": conflict.current.balancing_version},
            auto_id="balancing-summary-%s",
        )
        context = {
            "case": session.case,
            "found": session.request,
            "session": session,
            "part": "balancing_summary",
            "current": conflict.current,
            "mine": data,
            "form": retry,
        }
        return render(request, "records/conflict.html", context, status=409)
    messages.success(request, _("Summary judgement saved."))
    return _back(reference, code, "balancing-summary")
