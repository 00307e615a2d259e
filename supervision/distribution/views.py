"""The distribution page of a session's actions and minutes, and its writes. Every form
posts to its own URL; on an error the page is shown again with what was typed (400)."""

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
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from supervision.accounts.requests import AuthenticatedHttpRequest
from supervision.agencies.models import Practitioner
from supervision.artefacts.models import Artefact, ArtefactFile, ArtefactStatus, FileStatus
from supervision.cases.access import access_case
from supervision.distribution import access, selectors, services
from supervision.distribution.forms import (
    CorrectionForm,
    DecisionForm,
    RecipientForm,
    SecureEmailForm,
)
from supervision.distribution.models import Correction, CorrectionStatus, Recipient
from supervision.distribution.services import DISTRIBUTED_KINDS, Problem, Refused
from supervision.meetings.models import SupervisionSession
from supervision.records import access as records_access

PROBLEM_MESSAGES: dict[Problem, Promise] = {
    Problem.NOT_DISTRIBUTED_KIND: gettext_lazy("Only the actions and the minutes are sent here."),
    Problem.NO_FILES: gettext_lazy("The document has not been made yet."),
    Problem.FILES_NOT_READY: gettext_lazy(
        "The document is still being made. Try again when its files are ready."
    ),
    Problem.NOT_APPROVED: gettext_lazy("The minutes can be sent once the chair has approved them."),
    Problem.NO_ATTENDEES: gettext_lazy(
        "No one is recorded as attending the session. The chair records who attended on the "
        "chair summary page."
    ),
    Problem.ATTENDEES_FIRST: gettext_lazy(
        "Send the document to the attendees first. Then you can send it to others."
    ),
    Problem.REASON_NEEDED: gettext_lazy(
        "Anyone who did not attend needs a reason linked to care planning and an "
        "information-sharing basis."
    ),
    Problem.CANNOT_OPEN_CASE: gettext_lazy(
        "This person cannot open the case, so it cannot be sent to them through the service. "
        "If they need it, send it by secure email and record that here."
    ),
    Problem.ALREADY_SENT: gettext_lazy("It has already been sent to this person."),
    Problem.ATTENDED: gettext_lazy(
        "This person attended the session: send it to the attendees instead."
    ),
    Problem.DETAILS_NEEDED: gettext_lazy(
        "Enter who it was sent to, their email address and who sent it."
    ),
    Problem.WRONG_FILE: gettext_lazy("Select one of this document’s files."),
    Problem.NOT_MINUTES: gettext_lazy("Corrections are for the minutes."),
    Problem.MINUTES_NOT_OUT: gettext_lazy(
        "You can send in a correction once the chair has approved the minutes."
    ),
    Problem.TEXT_NEEDED: gettext_lazy("Enter your correction"),
    Problem.ALREADY_DECIDED: gettext_lazy("The chair has already decided on this correction."),
    Problem.NOTE_NEEDED: gettext_lazy("Say why you do not accept the correction"),
}


def _session(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> SupervisionSession:
    case = access_case(request.user, reference, part="distribution")
    return records_access.session_of_request(case, code)


def _artefact(session: SupervisionSession, kind: str) -> Artefact:
    if kind not in DISTRIBUTED_KINDS:
        raise Http404
    found = Artefact.objects.filter(session=session, kind=kind).first()
    if found is None:
        raise Http404
    return found


def _file_label(file: ArtefactFile) -> str:
    language = _("Welsh") if file.language == "cy" else _("English")
    return _("%(language)s, %(format)s") % {"language": language, "format": file.format.upper()}


def _candidates(
    all_candidates: list[Practitioner], part: selectors.DocumentPart, attendee_ids: set[int]
) -> list[Practitioner]:
    """Who the document can still be sent to through the service: not an attendee, and
    not sent it already."""
    sent_to = {recipient.practitioner_id for recipient in part.recipients}
    return [
        practitioner
        for practitioner in all_candidates
        if practitioner.pk not in sent_to and practitioner.user_id not in attendee_ids
    ]


@dataclass(frozen=True)
class PartView:
    part: selectors.DocumentPart
    recipient_form: RecipientForm
    secure_form: SecureEmailForm
    file_labels: list[tuple[ArtefactFile, str]]
    mine: Recipient | None


def _page(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    *,
    status: int = 200,
    bound: forms.Form | None = None,
    bound_key: tuple[str, str] | None = None,
) -> HttpResponse:
    """The page with every form; `bound` (posted to the form named by `bound_key`)
    replaces the blank form of its kind."""
    user = request.user
    page = selectors.distribution_page(session)
    distributor = access.can_distribute(user, session)
    chair = access.can_resolve_corrections(user, session)
    all_candidates = selectors.wider_candidates(session) if distributor else []
    parts = []
    for part in page.documents:
        files = part.done_files
        labels = {file.pk: _file_label(file) for file in part.files}
        recipient_form = RecipientForm(
            candidates=_candidates(all_candidates, part, page.attendee_user_ids),
            auto_id=f"{part.kind}-recipient-%s",
        )
        secure_form = SecureEmailForm(
            files=files,
            labels=labels,
            initial={"sent_by": user.full_name},
            auto_id=f"{part.kind}-secure-%s",
        )
        if bound_key == (part.kind, "recipient") and isinstance(bound, RecipientForm):
            recipient_form = bound
        if bound_key == (part.kind, "secure") and isinstance(bound, SecureEmailForm):
            secure_form = bound
        mine = next(
            (
                recipient
                for recipient in part.recipients
                if recipient.practitioner is not None and recipient.practitioner.user_id == user.pk
            ),
            None,
        )
        parts.append(
            PartView(
                part=part,
                recipient_form=recipient_form,
                secure_form=secure_form,
                file_labels=[(file, labels[file.pk]) for file in files],
                mine=mine,
            )
        )
    corrections = [
        (
            correction,
            bound
            if bound_key == ("decision", str(correction.code)) and bound is not None
            else DecisionForm(auto_id=f"decision-{correction.code}-%s"),
        )
        for correction in page.corrections
    ]
    minutes = page.minutes
    attendee = access.can_raise_correction(user, page.attendee_user_ids)
    context: dict[str, Any] = {
        "case": session.case,
        "found": session.request,
        "session": session,
        "page": page,
        "parts": parts,
        "corrections": corrections,
        "correction_form": bound
        if bound_key == ("correction", "")
        else CorrectionForm(auto_id="correction-%s"),
        "error_form": bound,
        "can_distribute": distributor,
        "can_resolve": chair,
        "is_attendee": attendee,
        "can_correct": attendee
        and minutes is not None
        and minutes.status in (ArtefactStatus.APPROVED, ArtefactStatus.DISTRIBUTED),
        "open_status": CorrectionStatus.OPEN,
    }
    return render(request, "distribution/list.html", context, status=status)


def _back(reference: str, code: UUID, anchor: str) -> HttpResponse:
    response = redirect("distribution:list", reference=reference, code=code)
    response["Location"] += f"#{anchor}"
    return response


def _refused(
    request: AuthenticatedHttpRequest,
    session: SupervisionSession,
    refused: Refused,
    form: forms.Form | None = None,
    key: tuple[str, str] | None = None,
) -> HttpResponse:
    """The page again (400) with the reason in the error summary, and what was typed."""
    shown = form if form is not None else forms.Form(data={})
    shown.is_valid()
    shown.add_error(None, str(PROBLEM_MESSAGES[refused.problem]))
    return _page(request, session, status=400, bound=shown, bound_key=key)


@require_GET
@login_required
def distribution(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    return _page(request, _session(request, reference, code))


def _distributor_session(
    request: AuthenticatedHttpRequest, reference: str, code: UUID
) -> SupervisionSession:
    session = _session(request, reference, code)
    if not access.can_distribute(request.user, session):
        raise PermissionDenied
    return session


@require_POST
@login_required
def send(request: AuthenticatedHttpRequest, reference: str, code: UUID, kind: str) -> HttpResponse:
    session = _distributor_session(request, reference, code)
    artefact = _artefact(session, kind)
    try:
        sent = services.distribution_send_to_attendees(artefact=artefact, by=request.user)
    except Refused as refused:
        return _refused(request, session, refused)
    if sent:
        messages.success(
            request,
            ngettext(
                "Sent to %(count)d attendee. They have been emailed a link to it.",
                "Sent to %(count)d attendees. They have each been emailed a link to it.",
                len(sent),
            )
            % {"count": len(sent)},
        )
    else:
        messages.info(request, _("Everyone who attended has already been sent it."))
    return _back(reference, code, kind)


@require_POST
@login_required
def recipient_add(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, kind: str
) -> HttpResponse:
    session = _distributor_session(request, reference, code)
    artefact = _artefact(session, kind)
    page = selectors.distribution_page(session)
    part = next(part for part in page.documents if part.kind == kind)
    candidates = _candidates(selectors.wider_candidates(session), part, page.attendee_user_ids)
    form = RecipientForm(request.POST, candidates=candidates, auto_id=f"{kind}-recipient-%s")
    key = (kind, "recipient")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, bound_key=key)
    try:
        services.recipient_add(
            artefact=artefact,
            practitioner=form.chosen(),
            reason=form.cleaned_data["reason"],
            sharing_basis=form.cleaned_data["sharing_basis"],
            by=request.user,
        )
    except Refused as refused:
        return _refused(request, session, refused, form, key)
    messages.success(request, _("Sent. They have been emailed a link to it."))
    return _back(reference, code, kind)


@require_POST
@login_required
def secure_email(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, kind: str
) -> HttpResponse:
    session = _distributor_session(request, reference, code)
    artefact = _artefact(session, kind)
    files = list(artefact.files.filter(status=FileStatus.DONE).order_by("language", "format"))
    labels = {file.pk: _file_label(file) for file in files}
    form = SecureEmailForm(request.POST, files=files, labels=labels, auto_id=f"{kind}-secure-%s")
    key = (kind, "secure")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, bound_key=key)
    data = form.cleaned_data
    try:
        services.secure_email_record(
            artefact=artefact,
            name=data["name"],
            organisation=data["organisation"],
            email=data["email"],
            file=form.chosen(),
            reason=data["reason"],
            sharing_basis=data["sharing_basis"],
            sent_by=data["sent_by"],
            by=request.user,
        )
    except Refused as refused:
        return _refused(request, session, refused, form, key)
    messages.success(request, _("The secure email is recorded."))
    return _back(reference, code, kind)


@require_POST
@login_required
def acknowledge(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, recipient: UUID
) -> HttpResponse:
    session = _session(request, reference, code)
    found = (
        Recipient.objects.select_related("practitioner", "artefact")
        .filter(code=recipient, artefact__session=session)
        .first()
    )
    if found is None:
        raise Http404
    if found.practitioner is None or found.practitioner.user_id != request.user.pk:
        raise PermissionDenied
    services.recipient_acknowledge(recipient=found, by=request.user)
    messages.success(request, _("Thank you. You have confirmed that you received it."))
    return _back(reference, code, found.artefact.kind)


@require_POST
@login_required
def correction_raise(request: AuthenticatedHttpRequest, reference: str, code: UUID) -> HttpResponse:
    session = _session(request, reference, code)
    if not access.can_raise_correction(request.user, records_access.attendee_user_ids(session)):
        raise PermissionDenied
    minutes = _artefact(session, "minutes")
    form = CorrectionForm(request.POST, auto_id="correction-%s")
    key = ("correction", "")
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, bound_key=key)
    try:
        services.correction_raise(artefact=minutes, text=form.cleaned_data["text"], by=request.user)
    except Refused as refused:
        return _refused(request, session, refused, form, key)
    messages.success(request, _("Your correction is sent to the chair."))
    return _back(reference, code, "corrections")


@require_POST
@login_required
def correction_resolve(
    request: AuthenticatedHttpRequest, reference: str, code: UUID, correction: UUID
) -> HttpResponse:
    session = _session(request, reference, code)
    if not access.can_resolve_corrections(request.user, session):
        raise PermissionDenied
    found = Correction.objects.filter(code=correction, artefact__session=session).first()
    if found is None:
        raise Http404
    form = DecisionForm(request.POST, auto_id=f"decision-{found.code}-%s")
    key = ("decision", str(found.code))
    if not form.is_valid():
        return _page(request, session, status=400, bound=form, bound_key=key)
    try:
        services.correction_resolve(
            correction=found,
            accepted=form.accepted,
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except Refused as refused:
        return _refused(request, session, refused, form, key)
    messages.success(request, _("Your decision is saved."))
    return _back(reference, code, "corrections")
