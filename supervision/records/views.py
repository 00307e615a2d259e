"""The session record page and its add forms. Every form posts to its own URL and, on an
error, the page is shown again with what was typed (status 400)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.access import access_case
from supervision.domain.session import CompletionProblem
from supervision.meetings.models import SupervisionSession
from supervision.records import access, selectors, services
from supervision.records.forms import (
    AttendanceForm,
    BalancingItemForm,
    BalancingSummaryForm,
    ChairSummaryForm,
    MomentForm,
    OutcomeForm,
    ReflectiveNoteForm,
    ReopenForm,
    RiskForm,
    ScalingScoreForm,
    SignOffForm,
    StrengthForm,
    WhatMattersForm,
)
from supervision.records.models import PriorityRisk, RecordEdition


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
        "can_write": access.can_write_record(request.user, session)
        and not (page.record is not None and page.record.locked),
    }
    return render(request, "records/record.html", context, status=status)


# --- Drafts saved as you type, and the conflict page -------------------------------------


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    """The autosave script asks for JSON; a plain form post gets pages."""
    return "application/json" in request.headers.get("Accept", "")


def _draft_saved(version: int) -> JsonResponse:
    time = date_format(timezone.localtime(), "H:i")
    return JsonResponse(
        {
            "saved": True,
            "version": version,
            "message": _("Draft saved at %(time)s") % {"time": time},
        }
    )


def _draft_not_saved(request: AuthenticatedHttpRequest, form: forms.Form) -> JsonResponse | None:
    if not _wants_json(request):
        return None
    first = next(iter(form.errors.values()))[0] if form.errors else ""
    message = _("Draft not saved yet: %(problem)s.") % {"problem": first}
    return JsonResponse({"saved": False, "message": message}, status=400)


def _conflict(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    current: Any,
    form: forms.Form,
    part_name: str,
    saved: list[tuple[str, str]],
    *,
    back: str | None = None,
) -> HttpResponse:
    """Someone saved since this form was loaded: show both versions (409), save nothing."""
    if _wants_json(request):
        message = _(
            "Someone else has saved a newer version since you opened this. Your latest changes "
            "are not saved: select the save button to compare the two versions."
        )
        return JsonResponse({"saved": False, "conflict": True, "message": message}, status=409)
    who = getattr(current, "updated_by", None)
    kwargs = {"reference": session.case.reference, "code": session.request.code}
    context = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "who": who.full_name if who is not None else "",
        "part_name": part_name,
        "saved": saved,
        "form": form,
        "action": request.path,
        "back": back or reverse("records:record", kwargs=kwargs),
    }
    return render(request, "records/conflict.html", context, status=409)


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
        return _draft_not_saved(request, form) or _page(request, session, status=400, bound=form)
    data = form.cleaned_data
    try:
        record = services.record_update_what_matters(
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
        saved = [
            (_("What matters"), conflict.current.what_matters),
            (_("The family's own words"), conflict.current.family_words),
        ]
        return _conflict(request, session, conflict.current, retry, _("what matters"), saved)
    if _wants_json(request):
        return _draft_saved(record.version)
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
        return _draft_not_saved(request, form) or _page(request, session, status=400, bound=form)
    data = form.cleaned_data
    try:
        record = services.balancing_summary_save(
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
        saved = [(_("Summary judgement"), conflict.current.balancing_summary)]
        return _conflict(
            request, session, conflict.current, retry, _("the summary judgement"), saved
        )
    if _wants_json(request):
        return _draft_saved(record.balancing_version)
    messages.success(request, _("Summary judgement saved."))
    return _back(reference, code, "balancing-summary")


# --- The chair summary, attendance and sign-off (R39) -------------------------------------

PROBLEM_MESSAGES = {
    CompletionProblem.ALREADY_SIGNED_OFF: (
        gettext_lazy("The record is already signed off."),
        "",
    ),
    CompletionProblem.NO_REVIEW_DATE: (
        gettext_lazy("There is no review date. Add it under next steps."),
        "actions:plan",
    ),
    CompletionProblem.OUT_OF_HOURS_UNANSWERED: (
        gettext_lazy(
            "Nobody has said whether the safety plan is available to out-of-hours services. "
            "Record who it was shared with, or why that does not apply."
        ),
        "safety:plan",
    ),
    CompletionProblem.NO_ACTIONS: (
        gettext_lazy("There are no actions. Add them under next steps, or say why there are none."),
        "actions:plan",
    ),
    CompletionProblem.NO_BALANCING_SUMMARY: (
        gettext_lazy("The balancing exercise has no summary judgement."),
        "records:record",
    ),
    CompletionProblem.NO_CHAIR_SUMMARY: (
        gettext_lazy("The chair summary does not say what information was shared."),
        "records:summary",
    ),
}


@dataclass(frozen=True)
class Problem:
    message: str
    url: str


def _problems(session: SupervisionSession) -> list[Problem]:
    kwargs = {"reference": session.case.reference, "code": session.request.code}
    found = []
    for code in services.completion_problems_of(session):
        message, url_name = PROBLEM_MESSAGES[CompletionProblem(code)]
        found.append(Problem(str(message), reverse(url_name, kwargs=kwargs) if url_name else ""))
    return found


def _summary_page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    status: int = 200,
    bound: forms.Form | None = None,
    problems: list[Problem] | None = None,
) -> HttpResponse:
    page = selectors.summary_page(session)
    record = page.record
    candidates = page.candidates
    blank: dict[str, forms.Form] = {
        "summary": ChairSummaryForm(
            initial={
                "information_shared": record.information_shared if record else "",
                "learning_points": record.learning_points if record else "",
                "version": record.summary_version if record else 0,
            },
            auto_id="summary-%s",
        ),
        "attendance": AttendanceForm(
            initial={"attendees": [p.pk for p in page.attendees]},
            candidates=candidates,
            auto_id="attendance-%s",
        ),
        "sign_off": SignOffForm(auto_id="sign-off-%s"),
        "reopen": ReopenForm(auto_id="reopen-%s"),
    }
    if bound is not None:
        name = {
            ChairSummaryForm: "summary",
            AttendanceForm: "attendance",
            SignOffForm: "sign_off",
            ReopenForm: "reopen",
        }[type(bound)]
        blank[name] = bound
    can_write = access.can_write_record(request.user, session)
    context: dict[str, Any] = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "page": page,
        "forms": blank,
        "error_form": bound,
        "can_write": can_write and not page.locked,
        "can_sign_off": access.can_sign_off(request.user, session),
        "problems": problems if problems is not None else _problems(session),
    }
    return render(request, "records/summary.html", context, status=status)


@require_GET
@login_required
def summary(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _summary_page(request, _session(request, reference, code, write=False))


@require_POST
@login_required
def summary_save(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    form = ChairSummaryForm(request.POST, auto_id="summary-%s")
    if not form.is_valid():
        return _draft_not_saved(request, form) or _summary_page(
            request, session, status=400, bound=form
        )
    data = form.cleaned_data
    try:
        record = services.chair_summary_save(
            session=session,
            information_shared=data["information_shared"],
            learning_points=data["learning_points"],
            expected_version=data["version"],
            by=request.user,
        )
    except services.RecordConflict as conflict:
        retry = ChairSummaryForm(
            initial={**data, "version": conflict.current.summary_version}, auto_id="summary-%s"
        )
        saved = [
            (_("Information shared"), conflict.current.information_shared),
            (_("Learning points"), conflict.current.learning_points),
        ]
        kwargs = {"reference": reference, "code": code}
        return _conflict(
            request,
            session,
            conflict.current,
            retry,
            _("the chair summary"),
            saved,
            back=reverse("records:summary", kwargs=kwargs),
        )
    if _wants_json(request):
        return _draft_saved(record.summary_version)
    messages.success(request, _("Chair summary saved."))
    return _back_to(reference, code, "records:summary", "chair-summary")


@require_POST
@login_required
def attendance(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=True)
    candidates = selectors.attendance_candidates(session)
    form = AttendanceForm(request.POST, candidates=candidates, auto_id="attendance-%s")
    if not form.is_valid():
        return _summary_page(request, session, status=400, bound=form)
    services.attendance_save(
        session=session, practitioners=form.cleaned_data["attendees"], by=request.user
    )
    messages.success(request, _("Attendance saved."))
    return _back_to(reference, code, "records:summary", "attendance")


def _signed_off_only_by_chair(
    request: AuthenticatedHttpRequest, session: SupervisionSession
) -> None:
    if not access.can_sign_off(request.user, session):
        raise PermissionDenied


SIGN_OFF_TRIES = 5
SIGN_OFF_WINDOW_SECONDS = 30 * 60


@require_POST
@login_required
def sign_off(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=False)
    _signed_off_only_by_chair(request, session)
    form = SignOffForm(request.POST, auto_id="sign-off-%s")
    tries_key = f"sign-off-tries:{request.user.pk}"
    if cache.get(tries_key, 0) >= SIGN_OFF_TRIES:
        form.is_valid()
        form.add_error(
            "password",
            _("Too many wrong passwords. Try again in 30 minutes, or sign out and in again."),
        )
        return _summary_page(request, session, status=429, bound=form)
    if not form.is_valid():
        return _summary_page(request, session, status=400, bound=form)
    try:
        services.record_sign_off(
            session=session, password=form.cleaned_data["password"], by=request.user
        )
    except services.WrongPassword:
        cache.set(tries_key, cache.get(tries_key, 0) + 1, SIGN_OFF_WINDOW_SECONDS)
        audit.record(
            actor=request.user,
            action=AuditAction.LOGIN_FAILED,
            target=session,
            case=session.case,
            detail={"part": "sign-off password"},
        )
        form.add_error("password", _("The password is not right"))
        return _summary_page(request, session, status=400, bound=form)
    except services.NotReady:
        form.add_error(None, _("The record cannot be signed off yet. See what is missing below."))
        return _summary_page(request, session, status=400, bound=form)
    cache.delete(tries_key)
    messages.success(request, _("The record is signed off. It cannot be changed now."))
    return _back_to(reference, code, "records:summary", "sign-off")


@require_POST
@login_required
def reopen(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code, write=False)
    _signed_off_only_by_chair(request, session)
    form = ReopenForm(request.POST, auto_id="reopen-%s")
    if not form.is_valid():
        return _summary_page(request, session, status=400, bound=form)
    try:
        services.record_reopen(session=session, reason=form.cleaned_data["reason"], by=request.user)
    except ValueError:
        messages.error(request, _("The record is not signed off, so there is nothing to reopen."))
        return _back_to(reference, code, "records:summary", "sign-off")
    messages.success(
        request, _("The record is open for changes. Sign it off again to make the new version.")
    )
    return _back_to(reference, code, "records:summary", "sign-off")


@require_GET
@login_required
def edition(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, number: int
) -> HttpResponse:
    session = _session(request, reference, code, write=False)
    found = (
        RecordEdition.objects.filter(record__session=session, number=number)
        .select_related("signed_off_by", "reopened_by")
        .first()
    )
    if found is None:
        raise Http404
    context = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "edition": found,
        "content": selectors.EditionContent.of(found.content),
    }
    return render(request, "records/edition.html", context)


def _back_to(reference: str, code: UUID, name: str, anchor: str) -> HttpResponse:
    response = redirect(name, reference=reference, code=code)
    response["Location"] += f"#{anchor}"
    return response


# --- Reflective notes (R7, R9) ------------------------------------------------------------


def _reflections_page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    status: int = 200,
    bound: ReflectiveNoteForm | None = None,
) -> HttpResponse:
    notes = selectors.reflective_notes(session)
    mine = next((note for note in notes if note.author_id == request.user.pk), None)
    form = bound or ReflectiveNoteForm(
        initial={"text": mine.text if mine else "", "version": mine.version if mine else 0},
        auto_id="reflection-%s",
    )
    context = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "notes": notes,
        "form": form,
        "error_form": bound,
    }
    return render(request, "records/reflections.html", context, status=status)


def _reflections_session(
    request: AuthenticatedHttpRequest, reference: str, code: UUID
) -> SupervisionSession:
    session = _session(request, reference, code, write=False)
    if not access.can_read_reflections(request.user, session):
        raise ReflectionsClosed(session)
    return session


class ReflectionsClosed(PermissionDenied):
    def __init__(self, session: SupervisionSession) -> None:
        super().__init__("Reflective notes are for attendees and the chair.")
        self.session = session


def _closed(request: AuthenticatedHttpRequest, session: SupervisionSession) -> HttpResponse:
    context = {"case": session.case, "found": session.request, "session": session}
    return render(request, "records/reflections_closed.html", context, status=403)


@require_GET
@login_required
def reflections(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    try:
        session = _reflections_session(request, reference, code)
    except ReflectionsClosed as closed:
        return _closed(request, closed.session)
    return _reflections_page(request, session)


@require_POST
@login_required
def reflection_save(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    try:
        session = _reflections_session(request, reference, code)
    except ReflectionsClosed as closed:
        return _closed(request, closed.session)
    form = ReflectiveNoteForm(request.POST, auto_id="reflection-%s")
    if not form.is_valid():
        return _draft_not_saved(request, form) or _reflections_page(
            request, session, status=400, bound=form
        )
    try:
        note = services.reflective_note_save(
            session=session,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )
    except services.NoteConflict as conflict:
        retry = ReflectiveNoteForm(
            initial={**form.cleaned_data, "version": conflict.current.version},
            auto_id="reflection-%s",
        )
        kwargs = {"reference": reference, "code": code}
        return _conflict(
            request,
            session,
            None,
            retry,
            _("your reflective note"),
            [(_("My role and impact"), conflict.current.text)],
            back=reverse("records:reflections", kwargs=kwargs),
        )
    if _wants_json(request):
        return _draft_saved(note.version)
    messages.success(request, _("Your reflective note is saved."))
    return _back_to(reference, code, "records:reflections", "my-reflection")
