"""Case pages: my cases, a case, and who has viewed it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases import selectors
from supervision.cases.access import CaseAccess, access_case, can_view_audit


@require_GET
@login_required
def my_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = selectors.my_cases(request.user, page=request.GET.get("page"))
    return render(request, "cases/my_cases.html", {"page": page})


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
