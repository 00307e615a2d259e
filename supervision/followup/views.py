"""Starting a review of a signed-off session, and the review page: where we wanted to be
next to where we are now, and the last session's actions as they stand."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.actions.selectors import PROGRESS_MONTHS
from supervision.cases.access import access_case
from supervision.followup import access, selectors, services
from supervision.followup.forms import ProgressCheckForm
from supervision.followup.models import ReviewLink
from supervision.records.access import session_of_request

PART = "review"


def _review(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> ReviewLink:
    case = access_case(request.user, reference, part=PART)
    return access.review_of_request(case, code)


def _form(
    months: int, data: dict[str, Any] | None = None, initial: dict[str, Any] | None = None
) -> ProgressCheckForm:
    return ProgressCheckForm(data, initial=initial, auto_id=f"check-{months}-%s")


def _page(
    request: AuthenticatedHttpRequest,
    review: ReviewLink,
    *,
    status: int = 200,
    bound: ProgressCheckForm | None = None,
    bound_months: int | None = None,
) -> HttpResponse:
    page = selectors.compare_page(review)
    can_write = access.can_write_review(request.user, review)
    points = []
    for point in page.points:
        if bound is not None and bound_months == point.months:
            form = bound
        else:
            check = point.check
            form = _form(
                point.months,
                initial={
                    "where_we_are": check.where_we_are if check else "",
                    "version": point.version,
                },
            )
        points.append((point, form))
    context = {
        "case": review.previous_session.case,
        "found": review.new_request,
        "page": page,
        "points": points,
        "can_write": can_write,
        "error_form": bound,
    }
    return render(request, "followup/compare.html", context, status=status)


@require_GET
@login_required
def compare(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _page(request, _review(request, reference, code))


@require_POST
@login_required
def progress(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, months: int
) -> HttpResponse:
    if months not in PROGRESS_MONTHS:
        raise Http404
    review = _review(request, reference, code)
    if not access.can_write_review(request.user, review):
        raise PermissionDenied
    form = _form(months, request.POST.dict())
    if not form.is_valid():
        return _page(request, review, status=400, bound=form, bound_months=months)
    data = form.cleaned_data
    back = reverse("followup:compare", kwargs={"reference": reference, "code": code})
    try:
        services.progress_check_save(
            review=review,
            months=months,
            where_we_are=data["where_we_are"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.CheckConflict as conflict:
        return _conflict(request, review, conflict.current, data, months, back)
    messages.success(
        request,
        _("Where we are now at one month is saved.")
        if months == 1
        else _("Where we are now at three months is saved."),
    )
    return redirect(f"{back}#progress-{months}")


def _conflict(
    request: AuthenticatedHttpRequest,
    review: ReviewLink,
    current: Any,
    data: dict[str, Any],
    months: int,
    back: str,
) -> HttpResponse:
    """Someone saved where we are now since this form was loaded: both versions (409)."""
    retry = _form(months, {**data, "version": current.version})
    retry.is_valid()
    part_name = (
        _("where we are now at one month") if months == 1 else _("where we are now at three months")
    )
    context = {
        "case": review.previous_session.case,
        "found": review.new_request,
        "who": current.updated_by.full_name,
        "part_name": part_name,
        "saved": [(_("Where we are now"), current.where_we_are)],
        "form": retry,
        "action": request.path,
        "back": f"{back}#progress-{months}",
    }
    return render(request, "records/conflict.html", context, status=409)


@require_POST
@login_required
def start(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    """The chair starts the review of this (signed-off) session: a new request, linked."""
    case = access_case(request.user, reference, part=PART)
    session = session_of_request(case, code)
    if not access.can_start_review(request.user, session):
        raise PermissionDenied
    try:
        review, created = services.review_start(
            session=session, by=request.user, today=timezone.localdate()
        )
    except services.NotSignedOff:
        messages.error(
            request, _("A review can start once the chair has signed off the session record.")
        )
        return redirect("actions:plan", reference=reference, code=code)
    if created:
        messages.success(
            request,
            _(
                "The review is started. Book its session, then compare where we wanted to be "
                "with where we are now."
            ),
        )
    else:
        messages.info(request, _("A review of this session was already started."))
    return redirect("meetings:detail", reference=reference, code=review.new_request.code)
