"""The dashboards: my actions and deadlines; sessions and their deadlines for chairs and
safeguarding leads; the board's aggregate quality figures, on a page and as CSV."""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.dashboards import access, selectors
from supervision.dashboards.forms import QualityFilterForm


@require_GET
@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    dashboard = selectors.my_dashboard(
        request.user,
        today=today,
        actions_page=request.GET.get("page"),
        sessions_page=request.GET.get("sessions"),
    )
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="dashboards.mine",
        detail={
            "part": "my dashboard",
            "cases": sorted(
                {row.action.record.session.case.reference for row in dashboard.actions.rows}
                | {row.session.case.reference for row in dashboard.chaired.rows}
            ),
        },
    )
    context = {
        "dashboard": dashboard,
        "can_see_sessions": access.can_see_sessions(request.user),
        "can_see_quality": access.can_see_quality(request.user),
        "nav": "dashboard",
    }
    return render(request, "dashboards/mine.html", context)


@require_GET
@login_required
def sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_see_sessions(request.user):
        raise PermissionDenied
    rows = selectors.oversight_sessions(
        access.sessions_for_oversight(request.user),
        today=timezone.localdate(),
        page=request.GET.get("page"),
    )
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="dashboards.sessions",
        detail={
            "part": "sessions dashboard",
            "cases": sorted({row.session.case.reference for row in rows.rows}),
        },
    )
    context = {"rows": rows, "nav": "dashboard"}
    return render(request, "dashboards/sessions.html", context)


def _quality_form(request: AuthenticatedHttpRequest) -> QualityFilterForm:
    if not access.can_see_quality(request.user):
        raise PermissionDenied
    return QualityFilterForm(
        request.GET.dict(),
        today=timezone.localdate(),
        agencies=selectors.agencies(),
        auto_id="filter-%s",
    )


@require_GET
@login_required
def quality(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _quality_form(request)
    context: dict[str, Any] = {"form": form, "nav": "dashboard"}
    if not form.is_valid():
        return render(request, "dashboards/quality.html", context, status=400)
    context["figures"] = selectors.quality_figures(
        form.quality_filter(), today=timezone.localdate()
    )
    context["csv_query"] = urlencode(form.query())
    return render(request, "dashboards/quality.html", context)


@require_GET
@login_required
def quality_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _quality_form(request)
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    choice = form.quality_filter()
    figures = selectors.quality_figures(choice, today=timezone.localdate())
    query = form.query()
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type="dashboards.quality",
        detail={"part": "quality figures", **query},
    )
    periods = choice.periods
    name = f"quality-figures-{periods[0].key}-to-{periods[-1].key}"
    if choice.agency is not None:
        name += f"-{choice.agency.code}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read it as UTF-8
    csv.writer(response, lineterminator="\r\n").writerows(selectors.csv_rows(figures))
    return response
