"""Asking for a supervision, the chair's queue and decision, and the readiness page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.chronology import services as chronology_services
from supervision.chronology.access import is_case_social_worker, writable_agency_codes
from supervision.domain import chronology as domain
from supervision.meetings import access, selectors, services
from supervision.meetings.forms import (
    AddInviteeForm,
    DecisionForm,
    DueDateForm,
    ReasonForm,
    RequestForm,
)
from supervision.meetings.models import SupervisionRequest


@require_GET
@login_required
def case_requests(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="supervision requests")
    found = list(
        SupervisionRequest.objects.filter(case=case)
        .select_related("requester_agency", "requested_by", "chair")
        .order_by("-requested_on", "-created_at")
    )
    context = {
        "case": case,
        "requests": found,
        "can_request": access.can_request(request.user, case),
    }
    return render(request, "meetings/case_requests.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def create(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="supervision request")
    if not access.can_request(request.user, case):
        raise PermissionDenied
    today = timezone.localdate()
    period = domain.default_period(today)
    form = RequestForm(
        request.POST or None,
        initial={"period_start": period.start, "period_end": period.end},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = domain.Period(data["period_start"], data["period_end"])
        if domain.period_needs_reason(chosen, today) and not data["period_reason"].strip():
            form.add_error(
                "period_reason", _("Say why the chronology needs to cover more than 12 months")
            )
        else:
            created = services.request_create(
                case=case,
                requested_by=request.user,
                reasons=data["reasons"],
                question=data["question"],
                session_type=data["session_type"],
                period=chosen,
                period_reason=data["period_reason"],
                sharing=services.SharingBasis(
                    agreement=data["sharing_agreement"],
                    lawful_basis=data["lawful_basis"],
                    special_category_condition=data["special_category_condition"],
                    consent_status=data["consent_status"],
                    consent_reason=data["consent_reason"],
                ),
                today=today,
            )
            messages.success(request, _("Your request has been sent to the chairs."))
            return redirect("meetings:detail", reference=reference, code=created.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "meetings/request_form.html", {"case": case, "form": form}, status=status
    )


@require_GET
@login_required
def detail(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    case = access_case(request.user, reference, part="supervision request")
    found = access.request_of_case(case, code)
    view = selectors.readiness(found, today=timezone.localdate())
    agencies = writable_agency_codes(request.user, case)
    context = {
        "case": case,
        "view": view,
        "is_chair": access.is_request_chair(request.user, found),
        "is_social_worker": is_case_social_worker(request.user, case),
        "my_agencies": agencies,
        "due_form": DueDateForm(),
        "add_form": AddInviteeForm(),
    }
    return render(request, "meetings/request_detail.html", context)


@require_GET
@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.is_chair(request.user):
        raise PermissionDenied
    return render(
        request,
        "meetings/queue.html",
        {"requests": list(selectors.pending_requests()), "nav": "requests"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def decide(request: AuthenticatedHttpRequest, code: UUID) -> HttpResponse:
    found = access.access_request_to_decide(request.user, code)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "accept":
            services.request_accept(request=found, chair=request.user)
            messages.success(
                request,
                _("You are now the chair. The agencies have been asked for their chronologies."),
            )
            return redirect("meetings:detail", reference=found.case.reference, code=found.code)
        services.request_decline(
            request=found, chair=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The request has been declined."))
        return redirect("requests_queue")
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/decide.html", {"found": found, "form": form}, status=status)


def _chronology_of(found: SupervisionRequest, agency: str):  # type: ignore[no-untyped-def]
    return get_object_or_404(
        found.chronologies.select_related("agency", "case"), agency__code=agency.lower()
    )


@require_POST
@login_required
def propose_due_date(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, agency: str
) -> HttpResponse:
    case = access_case(request.user, reference, part="supervision request")
    found = access.request_of_case(case, code)
    if agency.upper() not in writable_agency_codes(request.user, case):
        raise PermissionDenied
    chronology = _chronology_of(found, agency)
    form = DueDateForm(request.POST)
    if form.is_valid():
        chronology_services.chronology_due_date_propose(
            chronology=chronology, due=form.cleaned_data["due"], proposed_by=request.user
        )
        messages.success(request, _("Due date proposed. The chair will approve it."))
    else:
        messages.error(request, _("Enter a real date, for example 2026-01-07"))
    return redirect("meetings:detail", reference=reference, code=code)


@require_POST
@login_required
def approve_due_date(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, agency: str
) -> HttpResponse:
    case = access_case(request.user, reference, part="supervision request")
    found = access.request_of_case(case, code)
    if not access.is_request_chair(request.user, found):
        raise PermissionDenied
    chronology = _chronology_of(found, agency)
    if chronology.proposed_due_date is not None:
        chronology_services.chronology_due_date_approve(
            chronology=chronology, approved_by=request.user
        )
        messages.success(request, _("Due date approved."))
    return redirect("meetings:detail", reference=reference, code=code)


@require_POST
@login_required
def submit_chronology(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, agency: str
) -> HttpResponse:
    case = access_case(request.user, reference, part="supervision request")
    found = access.request_of_case(case, code)
    if agency.upper() not in writable_agency_codes(request.user, case):
        raise PermissionDenied
    chronology = _chronology_of(found, agency)
    chronology_services.chronology_submit(
        chronology=chronology, submitted_by=request.user, today=timezone.localdate()
    )
    messages.success(request, _("Chronology shared with Children's Services."))
    return redirect("meetings:detail", reference=reference, code=code)


@require_POST
@login_required
def review_chronology(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, agency: str
) -> HttpResponse:
    """The social worker accepts a submitted chronology, or returns it with a reason."""
    case = access_case(request.user, reference, part="supervision request")
    found = access.request_of_case(case, code)
    if not is_case_social_worker(request.user, case):
        raise PermissionDenied
    chronology = _chronology_of(found, agency)
    if request.POST.get("decision") == "accept":
        chronology_services.chronology_accept(chronology=chronology, accepted_by=request.user)
        messages.success(request, _("Chronology accepted."))
    else:
        form = ReasonForm(request.POST)
        if form.is_valid():
            chronology_services.chronology_return(
                chronology=chronology, reason=form.cleaned_data["reason"], returned_by=request.user
            )
            messages.success(request, _("Chronology returned to the agency."))
        else:
            messages.error(request, _("Say why the chronology is returned."))
    return redirect("meetings:detail", reference=reference, code=code)
