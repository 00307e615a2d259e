"""Writes: sending a session document to those who attended and to others with a reason,
recording a secure email, acknowledging receipt, and the corrections to the minutes.

Each function is one transaction with its audit rows inside; emails are queued in the
same transaction (notifications.email_queue), in the recipient's language, and carry a
link into the service, never the document or any case detail.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from supervision.accounts.models import User
from supervision.agencies.models import Practitioner
from supervision.artefacts.models import (
    Artefact,
    ArtefactFile,
    ArtefactKind,
    ArtefactStatus,
    FileStatus,
)
from supervision.artefacts.services import artefact_mark_distributed
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.distribution import access
from supervision.distribution.models import Channel, Correction, CorrectionStatus, Recipient
from supervision.meetings.models import SupervisionSession
from supervision.notifications.models import OutboxMessage
from supervision.notifications.services import email_queue
from supervision.records.access import attendee_user_ids

#: The documents that are distributed; the conference extract goes to the conference.
DISTRIBUTED_KINDS = (ArtefactKind.ACTIONS, ArtefactKind.MINUTES)


class Problem(enum.StrEnum):
    """Why something cannot be done; the views put each into plain words."""

    NOT_DISTRIBUTED_KIND = "not_distributed_kind"
    NO_FILES = "no_files"
    FILES_NOT_READY = "files_not_ready"
    NOT_APPROVED = "not_approved"
    NO_ATTENDEES = "no_attendees"
    ATTENDEES_FIRST = "attendees_first"
    REASON_NEEDED = "reason_needed"
    CANNOT_OPEN_CASE = "cannot_open_case"
    ALREADY_SENT = "already_sent"
    ATTENDED = "attended"
    DETAILS_NEEDED = "details_needed"
    WRONG_FILE = "wrong_file"
    NOT_MINUTES = "not_minutes"
    MINUTES_NOT_OUT = "minutes_not_out"
    TEXT_NEEDED = "text_needed"
    ALREADY_DECIDED = "already_decided"
    NOTE_NEEDED = "note_needed"


class Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def send_problem(artefact: Artefact, files: Sequence[ArtefactFile]) -> Problem | None:
    """Why the document cannot go out yet, or None. No query: pass its files.

    The actions go out once the record is signed off and their files are made; the minutes
    also need the chair's approval first.
    """
    if artefact.kind not in DISTRIBUTED_KINDS:
        return Problem.NOT_DISTRIBUTED_KIND
    if artefact.kind == ArtefactKind.MINUTES and artefact.status == ArtefactStatus.DRAFT:
        return Problem.NOT_APPROVED
    if not files:
        return Problem.NO_FILES
    if any(file.status != FileStatus.DONE for file in files):
        return Problem.FILES_NOT_READY
    return None


def _locked(artefact: Artefact) -> Artefact:
    """The artefact, read again and locked for this transaction (two senders at once send
    each email once)."""
    return (
        Artefact.objects.select_for_update(of=("self",))
        .select_related("session__request", "session__case")
        .get(pk=artefact.pk)
    )


def _check_sendable(artefact: Artefact, by: User) -> SupervisionSession:
    session = artefact.session
    if not access.can_distribute(by, session):
        raise PermissionDenied
    problem = send_problem(artefact, list(artefact.files.all()))
    if problem is not None:
        raise Refused(problem)
    return session


def _language(user: User) -> str:
    practitioner = getattr(user, "practitioner", None)
    return str(practitioner.preferred_language) if practitioner is not None else "en"


def page_link(session: SupervisionSession, language: str, anchor: str = "") -> str:
    """The distribution page of a session, in `language`, as a full address."""
    with translation.override("cy" if language == "cy" else settings.LANGUAGE_CODE):
        path = reverse(
            "distribution:list",
            kwargs={"reference": session.case.reference, "code": session.request.code},
        )
    return str(settings.SITE_URL).rstrip("/") + path + (f"#{anchor}" if anchor else "")


def _send(
    *,
    user: User,
    template: str,
    context: dict[str, object],
    session: SupervisionSession,
    related: models.Model,
    anchor: str,
) -> OutboxMessage:
    """Queue one email in the recipient's language, with a link to the distribution page."""
    language = _language(user)
    context = {**context, "link": page_link(session, language, anchor)}
    with translation.override(language):
        subject = render_to_string(f"distribution/email/{template}_subject.txt", context)
        body = render_to_string(f"distribution/email/{template}_body.txt", context)
    return email_queue(
        to=user.email,
        subject=subject,
        body=body,
        kind=f"distribution_{template}"[:32],
        language=language,
        case=session.case,
        related=related,
    )


def _tell(recipient: Recipient, practitioner: Practitioner) -> None:
    artefact = recipient.artefact
    recipient.message = _send(
        user=practitioner.user,
        template="document_sent",
        context={"kind": artefact.kind},
        session=artefact.session,
        related=recipient,
        anchor=artefact.kind,
    )
    recipient.save(update_fields=["message"])


@transaction.atomic
def distribution_send_to_attendees(*, artefact: Artefact, by: User) -> list[Recipient]:
    """Send the document to everyone recorded as attending (R25): one email each, in their
    language, with a link to the distribution page. Attendees already sent it are not sent
    it again, so sending twice sends nothing more. Returns the new recipients."""
    artefact = _locked(artefact)
    session = _check_sendable(artefact, by)
    attendees = list(
        Practitioner.objects.filter(attended__record__session=session)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    if not attendees:
        raise Refused(Problem.NO_ATTENDEES)
    already = set(
        Recipient.objects.filter(artefact=artefact, practitioner__isnull=False).values_list(
            "practitioner_id", flat=True
        )
    )
    now = timezone.now()
    sent: list[Recipient] = []
    for practitioner in attendees:
        if practitioner.pk in already:
            continue
        recipient = Recipient.objects.create(
            artefact=artefact,
            practitioner=practitioner,
            is_attendee=True,
            channel=Channel.SERVICE,
            sent_at=now,
            added_by=by,
        )
        _tell(recipient, practitioner)
        sent.append(recipient)
    if sent:
        artefact_mark_distributed(artefact=artefact, when=now, by=by)
        audit.record(
            actor=by,
            action=AuditAction.SHARE,
            target=artefact,
            case=session.case,
            detail={"kind": artefact.kind, "to": "attendees", "recipients": len(sent)},
        )
    return sent


def _check_wider(artefact: Artefact, reason: str, sharing_basis: str) -> None:
    if artefact.distributed_at is None:
        raise Refused(Problem.ATTENDEES_FIRST)
    if not reason.strip() or not sharing_basis.strip():
        raise Refused(Problem.REASON_NEEDED)


@transaction.atomic
def recipient_add(
    *,
    artefact: Artefact,
    practitioner: Practitioner,
    reason: str,
    sharing_basis: str,
    by: User,
) -> Recipient:
    """Send the document to a practitioner of the case who did not attend, for care
    planning (R25): the reason and the information-sharing basis (B29) are recorded."""
    artefact = _locked(artefact)
    session = _check_sendable(artefact, by)
    _check_wider(artefact, reason, sharing_basis)
    if not access.can_open_case(practitioner, session.case):
        raise Refused(Problem.CANNOT_OPEN_CASE)
    if Recipient.objects.filter(artefact=artefact, practitioner=practitioner).exists():
        raise Refused(Problem.ALREADY_SENT)
    if practitioner.user_id in attendee_user_ids(session):
        raise Refused(Problem.ATTENDED)
    recipient = Recipient.objects.create(
        artefact=artefact,
        practitioner=practitioner,
        is_attendee=False,
        reason=reason.strip(),
        sharing_basis=sharing_basis.strip(),
        channel=Channel.SERVICE,
        sent_at=timezone.now(),
        added_by=by,
    )
    _tell(recipient, practitioner)
    audit.record(
        actor=by,
        action=AuditAction.SHARE,
        target=recipient,
        case=session.case,
        detail={"kind": artefact.kind, "to": "practitioner", "channel": Channel.SERVICE.value},
    )
    return recipient


@transaction.atomic
def secure_email_record(
    *,
    artefact: Artefact,
    name: str,
    organisation: str,
    email: str,
    file: ArtefactFile,
    reason: str,
    sharing_basis: str,
    sent_by: str,
    by: User,
) -> Recipient:
    """Record that the document was sent by secure email, outside the service, to someone
    without an account: who they are, why, on what basis, who sent it and which file."""
    artefact = _locked(artefact)
    session = _check_sendable(artefact, by)
    _check_wider(artefact, reason, sharing_basis)
    if not (name.strip() and email.strip() and sent_by.strip()):
        raise Refused(Problem.DETAILS_NEEDED)
    if file.artefact_id != artefact.pk or file.status != FileStatus.DONE:
        raise Refused(Problem.WRONG_FILE)
    recipient = Recipient.objects.create(
        artefact=artefact,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        is_attendee=False,
        reason=reason.strip(),
        sharing_basis=sharing_basis.strip(),
        channel=Channel.SECURE_EMAIL,
        sent_at=timezone.now(),
        sent_by=sent_by.strip(),
        file=file,
        added_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.SHARE,
        target=recipient,
        case=session.case,
        detail={
            "kind": artefact.kind,
            "to": "no account",
            "channel": Channel.SECURE_EMAIL.value,
            "file": str(file.code),
            "language": file.language,
            "format": file.format,
        },
    )
    return recipient


@transaction.atomic
def recipient_acknowledge(*, recipient: Recipient, by: User) -> Recipient:
    """The recipient confirms they have received the document; only they can, and the
    first confirmation stands."""
    recipient = (
        Recipient.objects.select_for_update(of=("self",))
        .select_related("practitioner", "artefact__session__case")
        .get(pk=recipient.pk)
    )
    if recipient.practitioner is None or recipient.practitioner.user_id != by.pk:
        raise PermissionDenied
    if recipient.acknowledged_at is not None:
        return recipient
    recipient.acknowledged_at = timezone.now()
    recipient.save(update_fields=["acknowledged_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=recipient,
        case=recipient.artefact.session.case,
        detail={"kind": recipient.artefact.kind, "acknowledged": True},
    )
    return recipient


@transaction.atomic
def correction_raise(*, artefact: Artefact, text: str, by: User) -> Correction:
    """An attendee sends in a correction to the minutes, once the chair has approved them
    (before or after they went out). The chair is told by email."""
    artefact = Artefact.objects.select_related(
        "session__request__chair__practitioner", "session__case"
    ).get(pk=artefact.pk)
    session = artefact.session
    if artefact.kind != ArtefactKind.MINUTES:
        raise Refused(Problem.NOT_MINUTES)
    if not access.can_raise_correction(by, attendee_user_ids(session)):
        raise PermissionDenied
    if artefact.status not in (ArtefactStatus.APPROVED, ArtefactStatus.DISTRIBUTED):
        raise Refused(Problem.MINUTES_NOT_OUT)
    if not text.strip():
        raise Refused(Problem.TEXT_NEEDED)
    correction = Correction.objects.create(
        artefact=artefact, raised_by=by, text=text.strip(), raised_at=timezone.now()
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=correction,
        case=session.case,
        detail={"kind": artefact.kind},
    )
    chair = session.request.chair
    if chair is not None:
        _send(
            user=chair,
            template="correction_raised",
            context={},
            session=session,
            related=correction,
            anchor="corrections",
        )
    return correction


@transaction.atomic
def correction_resolve(
    *, correction: Correction, accepted: bool, note: str, by: User
) -> Correction:
    """The chair accepts a correction, or does not and says why. The person who sent it
    in is told by email."""
    correction = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("artefact__session__request", "artefact__session__case", "raised_by")
        .get(pk=correction.pk)
    )
    session = correction.artefact.session
    if not access.can_resolve_corrections(by, session):
        raise PermissionDenied
    if correction.status != CorrectionStatus.OPEN:
        raise Refused(Problem.ALREADY_DECIDED)
    if not accepted and not note.strip():
        raise Refused(Problem.NOTE_NEEDED)
    correction.status = CorrectionStatus.ACCEPTED if accepted else CorrectionStatus.NOT_ACCEPTED
    correction.resolution_note = note.strip()
    correction.resolved_by = by
    correction.resolved_at = timezone.now()
    correction.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=correction,
        case=session.case,
        detail={"status": correction.status},
    )
    _send(
        user=correction.raised_by,
        template="correction_decided",
        context={"accepted": accepted},
        session=session,
        related=correction,
        anchor="corrections",
    )
    return correction
