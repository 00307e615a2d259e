"""Case pages: my cases, a case, who has viewed it, and emergency (break-glass) access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases import selectors, services
from supervision.cases.access import (
    CaseAccess,
    access_case,
    break_glass_grants_to_review,
    can_break_glass,
    can_review_break_glass,
    can_review_grant,
    can_view_audit,
)
from supervision.cases.forms import BreakGlassForm, BreakGlassReviewForm


@require_GET
@login_required
def my_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = selectors.my_cases(request.user, page=request.GET.get("page"))
    context = {
        "page": page,
        "can_break_glass": can_break_glass(request.user),
        "can_review_break_glass": can_review_break_glass(request.user),
    }
    return render(request, "cases/my_cases.html", context)


@require_GET
@login_required
def detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference)
    context = {
        "view": selectors.case_page(case),
        "can_view_audit": can_view_audit(request.user, case),
    }
    return render(request, "cases/detail.html", context)


@require_GET
@login_required
def views_log(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, CaseAccess.VIEW_AUDIT)
    page = selectors.case_views(case, page=request.GET.get("page"))
    return render(request, "cases/views_log.html", {"case": case, "page": page})


# --- Emergency (break-glass) access ------------------------------------------------------

BREAK_GLASS_TRIES = 5
BREAK_GLASS_WINDOW_SECONDS = 30 * 60


def _break_glass_page(
    request: AuthenticatedHttpRequest, form: BreakGlassForm, *, status: int = 200
) -> HttpResponse:
    context = {"form": form, "hours": int(services.break_glass_duration().total_seconds() // 3600)}
    return render(request, "cases/break_glass.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for emergency access to a case by its reference, with a reason and the password.

    Whatever stands in the way (no such case, an exclusion, a restriction without the
    user's name, a role that may not) gets the same answer, so that the page never says
    whether a case exists.
    """
    if request.method == "GET":
        if not can_break_glass(request.user):
            raise PermissionDenied
        return _break_glass_page(request, BreakGlassForm(auto_id="break-glass-%s"))
    form = BreakGlassForm(request.POST, auto_id="break-glass-%s")
    tries_key = f"break-glass-tries:{request.user.pk}"
    if cache.get(tries_key, 0) >= BREAK_GLASS_TRIES:
        form.is_valid()
        form.add_error(
            "password",
            _("Too many wrong passwords. Try again in 30 minutes, or sign out and in again."),
        )
        return _break_glass_page(request, form, status=429)
    if not form.is_valid():
        return _break_glass_page(request, form, status=400)
    data = form.cleaned_data
    try:
        grant = services.break_glass_open(
            user=request.user,
            reference=data["reference"],
            reason_code=data["reason_code"],
            reason=data["reason"],
            password=data["password"],
        )
    except services.WrongPassword:
        cache.set(tries_key, cache.get(tries_key, 0) + 1, BREAK_GLASS_WINDOW_SECONDS)
        form.add_error("password", _("The password is not right"))
        return _break_glass_page(request, form, status=400)
    except services.AlreadyHasAccess as already:
        cache.delete(tries_key)
        messages.info(request, _("You are on this case already: no emergency access is needed."))
        return redirect(already.case)
    except services.BreakGlassRefused:
        cache.delete(tries_key)
        form.add_error(
            None,
            _(
                "Emergency access could not be given. Check the case reference, or ask the "
                "local authority's children's services for help."
            ),
        )
        return _break_glass_page(request, form, status=403)
    cache.delete(tries_key)
    until = date_format(timezone.localtime(grant.expires_at), "H:i")
    messages.success(
        request,
        _(
            "You have emergency access to this case until %(time)s. Every page you open is "
            "recorded, the case's social worker has been told, and someone else will review it."
        )
        % {"time": until},
    )
    return redirect(grant.case)


def _reviews_page(
    request: AuthenticatedHttpRequest,
    *,
    status: int = 200,
    bound: BreakGlassReviewForm | None = None,
    bound_pk: int | None = None,
) -> HttpResponse:
    page = selectors.break_glass_reviews(request.user, page=request.GET.get("page"))
    rows = [
        (
            grant,
            bound
            if bound is not None and grant.pk == bound_pk
            else BreakGlassReviewForm(auto_id=f"review-{grant.pk}-%s"),
            can_review_grant(request.user, grant),
        )
        for grant in page.object_list
    ]
    context = {"page": page, "rows": rows, "error_form": bound}
    return render(request, "cases/break_glass_reviews.html", context, status=status)


@require_GET
@login_required
def break_glass_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_review_break_glass(request.user):
        raise PermissionDenied
    return _reviews_page(request)


@require_POST
@login_required
def break_glass_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not can_review_break_glass(request.user):
        raise PermissionDenied
    grant = break_glass_grants_to_review(request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    if not can_review_grant(request.user, grant):
        raise PermissionDenied
    form = BreakGlassReviewForm(request.POST, auto_id=f"review-{grant.pk}-%s")
    if not form.is_valid():
        return _reviews_page(request, status=400, bound=form, bound_pk=grant.pk)
    try:
        services.break_glass_review(
            grant=grant,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except services.AlreadyReviewed:
        messages.info(request, _("Someone else has reviewed this emergency access already."))
    else:
        messages.success(request, _("Your review is saved."))
    return redirect("cases:break_glass_reviews")
