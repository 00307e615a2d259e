"""The multi-agency chronology page and the social worker's findings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.cases.access import access_case
from supervision.chronology import selectors, services
from supervision.chronology.access import is_case_social_worker, writable_agency_codes
from supervision.chronology.forms import ChronologyFilterForm, FindingForm


@require_GET
@login_required
def merged(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="chronology")
    form = ChronologyFilterForm(request.GET if set(request.GET) - {"page", "anonymised"} else None)
    filters = form.cleaned_data if form.is_valid() else {}
    view = selectors.merged_chronology(
        case, today=timezone.localdate(), filters=filters, page=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    agencies = writable_agency_codes(request.user, case)
    anonymised = request.GET.get("anonymised") == "1"
    labels = selectors.role_labels(view.people) if anonymised else {}
    context = {
        "case": case,
        "view": view,
        "anonymised": anonymised,
        "labels": labels,
        "replacements": selectors.name_replacements(view.people, labels, case)
        if anonymised
        else {},
        "form": form,
        "query": query.urlencode(),
        "drafts": selectors.drafts(case, agencies),
        "can_import": bool(agencies),
        "can_record_findings": is_case_social_worker(request.user, case),
        "finding_form": FindingForm(),
    }
    return render(request, "chronology/merged.html", context)


@require_POST
@login_required
def finding_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference, part="chronology")
    if not is_case_social_worker(request.user, case):
        raise PermissionDenied
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.finding_record(
                case=case,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                refs=form.cleaned_data["entries"],
                author=request.user,
            )
        except ValueError as missing:
            form.add_error(
                "entries",
                _("There is no entry %(refs)s in this chronology.") % {"refs": str(missing)},
            )
        else:
            messages.success(request, _("Finding recorded."))
            return redirect(
                reverse("chronology:merged", kwargs={"reference": reference}) + "#findings"
            )
    view = selectors.merged_chronology(case, today=timezone.localdate(), filters={})
    context = {
        "case": case,
        "view": view,
        "form": ChronologyFilterForm(),
        "query": "",
        "anonymised": False,
        "labels": {},
        "replacements": {},
        "drafts": [],
        "can_import": bool(writable_agency_codes(request.user, case)),
        "can_record_findings": True,
        "finding_form": form,
    }
    return render(request, "chronology/merged.html", context, status=400)
