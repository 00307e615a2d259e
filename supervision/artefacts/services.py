"""Making, approving and distributing the session documents (R23, R27, R40).

`artefacts_prepare` makes (or refreshes) the three documents from the newest signed-off
version and queues one background task per language and format; `artefact_approve` is the
chair's approval of the minutes; `artefact_mark_distributed` records when a document first
went out (the distribution app calls it).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.accounts.models import User
from supervision.artefacts.access import can_approve, can_prepare
from supervision.artefacts.models import (
    Artefact,
    ArtefactFile,
    ArtefactKind,
    ArtefactStatus,
    FileStatus,
)
from supervision.artefacts.selectors import FORMATS, LANGUAGES
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.meetings.models import SupervisionSession
from supervision.records.models import PrinciplesRecord, RecordEdition


class NotSignedOff(Exception):
    """The documents are made from a signed-off record only."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The documents can be made once the chair has signed off the session record. "
                "It is not signed off now."
            )
        )


class NotReady(Exception):
    """The step cannot be taken in the document's present state; the message says why."""


@transaction.atomic
def artefacts_prepare(*, session: SupervisionSession, by: User) -> list[Artefact]:
    """Make or refresh the actions, the minutes and the conference extract from the newest
    signed-off version, and queue their files (English and Welsh, PDF and DOCX).

    A document already distributed keeps the version it went out with: only its files that
    are missing or failed are made again. Any other document moves to the newest version
    (a change of version takes the minutes back to draft) and its files are made again,
    except an approved document's files that are already made.
    """
    if not can_prepare(by, session):
        raise PermissionDenied
    record = PrinciplesRecord.objects.select_for_update().filter(session=session).first()
    latest = (
        RecordEdition.objects.filter(record=record).defer("content").order_by("-number").first()
        if record is not None
        else None
    )
    if record is None or not record.locked or latest is None:
        raise NotSignedOff
    existing = {a.kind: a for a in Artefact.objects.select_for_update().filter(session=session)}
    queued: list[tuple[int, uuid.UUID]] = []
    made = []
    for kind in ArtefactKind:
        artefact = existing.get(kind)
        remake_all = True
        action = AuditAction.UPDATE
        if artefact is None:
            artefact = Artefact.objects.create(
                session=session, kind=kind, edition=latest, created_by=by
            )
            action = AuditAction.CREATE
        elif artefact.status == ArtefactStatus.DISTRIBUTED:
            remake_all = False
        elif artefact.edition_id != latest.pk:
            artefact.edition = latest
            artefact.status = ArtefactStatus.DRAFT
            artefact.approved_at = None
            artefact.approved_by = None
            artefact.save(update_fields=["edition", "status", "approved_at", "approved_by"])
        elif artefact.status == ArtefactStatus.APPROVED:
            remake_all = False
        queued += _queue_files(artefact, remake_all=remake_all, by=by)
        audit.record(
            actor=by,
            action=action,
            target=artefact,
            case=session.case,
            detail={"kind": kind.value, "version": artefact.edition.number},
        )
        made.append(artefact)

    def enqueue() -> None:
        from supervision.artefacts.tasks import artefact_file_make

        for file_id, run in queued:
            artefact_file_make.enqueue(file_id, str(run))

    # robust: the files stay queued when the queue is down, and preparing again retries.
    transaction.on_commit(enqueue, robust=True)
    return made


def _queue_files(artefact: Artefact, *, remake_all: bool, by: User) -> list[tuple[int, uuid.UUID]]:
    """Create the missing files and queue again those to remake; returns (id, run) pairs."""
    files = {(f.language, f.format): f for f in ArtefactFile.objects.filter(artefact=artefact)}
    queued = []
    for language in LANGUAGES:
        for fmt in FORMATS:
            found = files.get((language, fmt))
            if found is None:
                found = ArtefactFile.objects.create(
                    artefact=artefact, language=language, format=fmt, requested_by=by
                )
            elif remake_all or found.status != FileStatus.DONE:
                found.status = FileStatus.QUEUED
                found.progress = 0
                found.error = ""
                found.finished_at = None
                found.run = uuid.uuid4()
                found.requested_by = by
                found.save(
                    update_fields=[
                        "status",
                        "progress",
                        "error",
                        "finished_at",
                        "run",
                        "requested_by",
                    ]
                )
            else:
                continue
            queued.append((found.pk, found.run))
    return queued


@transaction.atomic
def artefact_approve(*, artefact: Artefact, by: User) -> Artefact:
    """The chair approves the minutes: every file made, from the newest version, not yet
    approved or distributed."""
    session = artefact.session
    if not can_approve(by, session):
        raise PermissionDenied
    artefact = Artefact.objects.select_for_update().select_related("edition").get(pk=artefact.pk)
    if artefact.kind != ArtefactKind.MINUTES:
        raise NotReady(_("Only the minutes are approved by the chair."))
    if artefact.status == ArtefactStatus.DISTRIBUTED:
        raise NotReady(_("The minutes have already been distributed."))
    if artefact.status == ArtefactStatus.APPROVED:
        raise NotReady(_("The minutes are already approved."))
    newest = (
        RecordEdition.objects.filter(record__session=session)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    if newest != artefact.edition_id:
        raise NotReady(
            _(
                "The minutes were made from an earlier version of the record. Make the "
                "documents again, then approve them."
            )
        )
    files = list(ArtefactFile.objects.filter(artefact=artefact).values_list("status", flat=True))
    if len(files) != len(LANGUAGES) * len(FORMATS) or any(s != FileStatus.DONE for s in files):
        raise NotReady(
            _("The minutes cannot be approved until all their files are made. Try again soon.")
        )
    artefact.status = ArtefactStatus.APPROVED
    artefact.approved_at = timezone.now()
    artefact.approved_by = by
    artefact.save(update_fields=["status", "approved_at", "approved_by"])
    audit.record(
        actor=by,
        action=AuditAction.SIGN_OFF,
        target=artefact,
        case=session.case,
        detail={"kind": artefact.kind, "version": artefact.edition.number, "status": "approved"},
    )
    return artefact


@transaction.atomic
def artefact_mark_distributed(*, artefact: Artefact, when: datetime, by: User) -> Artefact:
    """Record that a document went out. `distributed_at` keeps the first time: the
    deadlines are measured on it, so sending again later changes nothing. The minutes go
    out only once the chair has approved them."""
    artefact = (
        Artefact.objects.select_for_update().select_related("session__case").get(pk=artefact.pk)
    )
    if artefact.status == ArtefactStatus.DISTRIBUTED:
        return artefact
    if artefact.kind == ArtefactKind.MINUTES and artefact.status != ArtefactStatus.APPROVED:
        raise NotReady(_("The minutes go out only once the chair has approved them."))
    artefact.status = ArtefactStatus.DISTRIBUTED
    artefact.distributed_at = when
    artefact.save(update_fields=["status", "distributed_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=artefact,
        case=artefact.session.case,
        detail={"kind": artefact.kind, "status": "distributed"},
    )
    return artefact
