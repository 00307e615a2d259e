"""Writes for data protection: applying retention, legal holds, subject access exports.

Anonymising a case (when retention says it is due) replaces the names and free text of
the people in it with fixed placeholders and keeps every row, count, code and date, so the
board's statistics still add up. Exactly these, for the case and everything under it:

- cases.Case: family_name → "[anonymised]"; local_authority_reference → "" (it links to
  the council's own record).
- cases.Person: given_names → "[anonymised]", family_name → the person's key (P1…);
  date_of_birth → 1 January of the same year; relationship → placeholder.
- cases.Involvement: end_reason, non_engagement_summary, relevant_information.
- chronology: AgencyChronology.return_reason; ChronologyEntry.source, description,
  impact_on_child, action_taken, childs_words; EntryNote.text; ChronologyFinding.text.
  Chronology import previews and export files of the case are deleted (rows and files).
- meetings: SupervisionRequest.question, decline_reason, period_reason, consent_reason;
  SupervisionSession.venue, cancel_reason; Invitation.relevant_information,
  non_engagement, added_reason, removed_reason.
- records: PrinciplesRecord.what_matters, family_words, balancing_summary,
  information_shared, learning_points; RecordEdition.content (every text in it; codes,
  dates, numbers and ids stay) and reopen_reason; Outcome.text, keep_reason;
  Strength.text; PriorityRisk.trying_to_avoid, from_whose_view; HighRiskMoment.when,
  where, trigger, early_sign; BalancingItem.text, raised_by; ScalingScore.participant,
  rationale; ReflectiveNote.text.
- safety: SafetyPlan.contingency, agreed_by, out_of_hours_reason; SafetyPlanItem.who,
  what, where, when_trigger, help_route; OutOfHoursShare.service_name, method;
  SafetyPlanVersion.content (as RecordEdition.content).
- actions: ActionPlan.no_actions_reason; Action.description, completion_note;
  ProgressPoint.target, monitored_by, how.
- artefacts: every ArtefactFile's file is deleted (the rows stay, marked failed, since
  distribution records point at them).
- distribution: Recipient.name, organisation, email, reason, sharing_basis, sent_by;
  Correction.text, resolution_note.
- casefile: ChildSynopsis.text, case_system_reference; ConferenceAlert.conference_chair,
  note.
- documents: every Document of the case is deleted, row and file (a file cannot be
  anonymised in place; its type and date are counted in the audit row).
- feedback: Feedback.useful, better (the rating stays). followup: ProgressCheck.where_we_are.
- notifications: OutboxMessage.body and calendar of the case → "" (emptied on delivery
  already; this catches undelivered ones).

A text that is empty stays empty; any other becomes the placeholder (so a rule that a text
must not be empty still holds). Not changed: accounts and practitioners (staff, not the
family), agencies, the audit trail (append-only: its rows hold references, never names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Case as Choose
from django.db.models import F, Value, When
from django.db.models.functions import TruncYear
from django.utils import timezone

from supervision.accounts.models import User
from supervision.actions.models import Action, ActionPlan, ProgressPoint
from supervision.artefacts.models import ArtefactFile, FileStatus
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.casefile.models import ChildSynopsis, ConferenceAlert
from supervision.cases.models import Case, Involvement, Person
from supervision.chronology.models import (
    AgencyChronology,
    ChronologyEntry,
    ChronologyExport,
    ChronologyFinding,
    ChronologyImport,
    EntryNote,
)
from supervision.dataprotection.models import (
    CaseAnonymisation,
    ExportStatus,
    LegalHold,
    RequestReason,
    SubjectAccessExport,
    SubjectKind,
)
from supervision.dataprotection.selectors import CaseRow, CaseWork, RetentionPlan
from supervision.distribution.models import Correction, Recipient
from supervision.documents.models import Document
from supervision.domain.retention import CaseState
from supervision.feedback.models import Feedback
from supervision.followup.models import ProgressCheck
from supervision.meetings.models import Invitation, SupervisionRequest, SupervisionSession
from supervision.notifications.models import OutboxMessage
from supervision.records.models import (
    BalancingItem,
    HighRiskMoment,
    Outcome,
    PrinciplesRecord,
    PriorityRisk,
    RecordEdition,
    ReflectiveNote,
    ScalingScore,
    Strength,
)
from supervision.safety.models import (
    OutOfHoursShare,
    SafetyPlan,
    SafetyPlanItem,
    SafetyPlanVersion,
)

PLACEHOLDER = "[anonymised]"
EMAIL_PLACEHOLDER = "anonymised@anonymised.invalid"
RETENTION = "dataprotection.retention"  # the audit rows' record type

# (model, the path from it to its case, the text fields to replace)
TEXTS: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (Person, "case", ("relationship",)),
    (Involvement, "case", ("end_reason", "non_engagement_summary", "relevant_information")),
    (AgencyChronology, "case", ("return_reason",)),
    (
        ChronologyEntry,
        "case",
        ("source", "description", "impact_on_child", "action_taken", "childs_words"),
    ),
    (EntryNote, "entry__case", ("text",)),
    (ChronologyFinding, "case", ("text",)),
    (
        SupervisionRequest,
        "case",
        ("question", "decline_reason", "period_reason", "consent_reason"),
    ),
    (SupervisionSession, "case", ("venue", "cancel_reason")),
    (
        Invitation,
        "session__case",
        ("relevant_information", "non_engagement", "added_reason", "removed_reason"),
    ),
    (
        PrinciplesRecord,
        "session__case",
        (
            "what_matters",
            "family_words",
            "balancing_summary",
            "information_shared",
            "learning_points",
        ),
    ),
    (RecordEdition, "record__session__case", ("reopen_reason",)),
    (Outcome, "record__session__case", ("text", "keep_reason")),
    (Strength, "record__session__case", ("text",)),
    (PriorityRisk, "record__session__case", ("trying_to_avoid", "from_whose_view")),
    (HighRiskMoment, "risk__record__session__case", ("when", "where", "trigger", "early_sign")),
    (BalancingItem, "record__session__case", ("text", "raised_by")),
    (ScalingScore, "record__session__case", ("participant", "rationale")),
    (ReflectiveNote, "record__session__case", ("text",)),
    (SafetyPlan, "record__session__case", ("contingency", "agreed_by", "out_of_hours_reason")),
    (
        SafetyPlanItem,
        "plan__record__session__case",
        ("who", "what", "where", "when_trigger", "help_route"),
    ),
    (OutOfHoursShare, "plan__record__session__case", ("service_name", "method")),
    (ActionPlan, "record__session__case", ("no_actions_reason",)),
    (Action, "record__session__case", ("description", "completion_note")),
    (ProgressPoint, "record__session__case", ("target", "monitored_by", "how")),
    (
        Recipient,
        "artefact__session__case",
        ("name", "organisation", "reason", "sharing_basis", "sent_by"),
    ),
    (Correction, "artefact__session__case", ("text", "resolution_note")),
    (ChildSynopsis, "session__case", ("text", "case_system_reference")),
    (ConferenceAlert, "session__case", ("conference_chair", "note")),
    (Feedback, "session__case", ("useful", "better")),
    (ProgressCheck, "review__new_request__case", ("where_we_are",)),
]
# Whole snapshots of a record (JSON): every text in them is replaced except these.
SNAPSHOTS: list[tuple[type[models.Model], str]] = [
    (RecordEdition, "record__session__case"),
    (SafetyPlanVersion, "plan__record__session__case"),
]
SNAPSHOT_CODES = frozenset(
    {
        "type",
        "meeting_language",
        "whose",
        "status",
        "kind",
        "column",
        "service",
        "change",
        "agency",
        "agency_cy",
        "agency_name",
    }
)
_KEEP_VALUE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]*)?"  # dates and times
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"  # ids
)


def _placeholder_unless_blank(name: str, placeholder: str = PLACEHOLDER) -> Choose:
    return Choose(When(**{name: ""}, then=Value("")), default=Value(placeholder))


def snapshot_anonymise(value: Any, key: str = "") -> Any:
    """A JSON snapshot with every text replaced, except codes, dates and ids."""
    if isinstance(value, dict):
        return {k: snapshot_anonymise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [snapshot_anonymise(item, key) for item in value]
    if isinstance(value, str) and value:
        if key in SNAPSHOT_CODES or _KEEP_VALUE.match(value):
            return value
        return PLACEHOLDER
    return value


class NotDue(Exception):
    """The case is no longer due (anonymised meanwhile, or put under legal hold)."""


def _delete_files(names: Iterable[str]) -> None:
    """Delete stored files once their rows are gone (after the transaction committed: a
    rollback must not leave rows without files). A file already gone is not an error."""
    for name in names:
        if name:
            default_storage.delete(name)


def case_anonymise(*, row: CaseRow) -> dict[str, int]:
    """Anonymise one case that retention found due, in one transaction, with one audit row.
    Returns how many rows of each kind were changed or deleted."""
    if row.decision.state is not CaseState.DUE or row.closed_on is None:
        raise NotDue
    files: list[str] = []
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=row.case_id)
        if (
            CaseAnonymisation.objects.filter(case=case).exists()
            or LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists()
        ):
            raise NotDue
        counts: dict[str, int] = {}
        for model, path, names in TEXTS:
            rows = model._default_manager.filter(**{path: case})
            changed = rows.update(**{name: _placeholder_unless_blank(name) for name in names})
            if changed:
                counts[model._meta.label_lower] = changed
        counts["cases.person"] = Person.objects.filter(case=case).update(
            given_names=Value(PLACEHOLDER),
            family_name=F("key"),
            date_of_birth=TruncYear("date_of_birth"),
        )
        Recipient.objects.filter(artefact__session__case=case).update(
            email=_placeholder_unless_blank("email", EMAIL_PLACEHOLDER)
        )
        for model, path in SNAPSHOTS:
            snapshots = list(model._default_manager.filter(**{path: case}))
            for snapshot in snapshots:
                model._default_manager.filter(pk=snapshot.pk).update(
                    content=snapshot_anonymise(snapshot.content)  # type: ignore[attr-defined]
                )
            if snapshots:
                counts[f"{model._meta.label_lower}.content"] = len(snapshots)
        artefact_files = ArtefactFile.objects.filter(artefact__session__case=case).exclude(file="")
        files += [name for name in artefact_files.values_list("file", flat=True) if name]
        if changed := artefact_files.update(file="", status=FileStatus.FAILED, error=PLACEHOLDER):
            counts["artefacts.artefactfile.deleted"] = changed
        for model in (Document, ChronologyExport):
            found = model._default_manager.filter(case=case)
            files += [name for name in found.values_list("file", flat=True) if name]
            if deleted := found.delete()[0]:
                counts[f"{model._meta.label_lower}.deleted"] = deleted
        if deleted := ChronologyImport.objects.filter(case=case).delete()[0]:
            counts["chronology.chronologyimport.deleted"] = deleted
        expired = SubjectAccessExport.objects.filter(person__case=case).exclude(
            status=ExportStatus.EXPIRED
        )
        files += [name for name in expired.values_list("file", flat=True) if name]
        if changed := expired.update(
            status=ExportStatus.EXPIRED, file="", expired_at=timezone.now()
        ):
            counts["dataprotection.subjectaccessexport.expired"] = changed
        if cleared := (
            OutboxMessage.objects.filter(case=case)
            .exclude(body="", calendar="")
            .update(body="", calendar="")
        ):
            counts["notifications.outboxmessage"] = cleared
        Case.objects.filter(pk=case.pk).update(
            family_name=PLACEHOLDER, local_authority_reference=""
        )
        counts["cases.case"] = 1
        CaseAnonymisation.objects.create(
            case=case,
            closed_on=row.closed_on,
            due_on=row.decision.due_on or row.closed_on,
            counts=counts,
        )
        audit.record(
            actor=None,
            action=AuditAction.UPDATE,
            target_type=RETENTION,
            case=case,
            detail={
                "part": "retention",
                "anonymised": True,
                "closed_on": row.closed_on.isoformat(),
                "counts": counts,
            },
        )
    _delete_files(files)
    return counts


def working_files_delete(*, work: CaseWork) -> dict[str, int]:
    """Delete one case's working files past their period (or those of no case), in one
    transaction with one audit row; a case put under legal hold meanwhile is left alone."""
    files: list[str] = []
    with transaction.atomic():
        case = None
        if work.case_id is not None:
            case = Case.objects.select_for_update().get(pk=work.case_id)
            if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
                return {}
        exports = ChronologyExport.objects.filter(pk__in=work.exports)
        files += [name for name in exports.values_list("file", flat=True) if name]
        sar = SubjectAccessExport.objects.filter(pk__in=work.subject_access).exclude(
            status=ExportStatus.EXPIRED
        )
        files += [name for name in sar.values_list("file", flat=True) if name]
        counts = {
            "import_previews": ChronologyImport.objects.filter(pk__in=work.imports).delete()[0],
            "chronology_exports": exports.delete()[0],
            "email_bodies": OutboxMessage.objects.filter(pk__in=work.email_bodies)
            .exclude(body="", calendar="")
            .update(body="", calendar=""),
            "subject_access_files": sar.update(
                status=ExportStatus.EXPIRED, file="", expired_at=timezone.now()
            ),
        }
        counts = {kind: count for kind, count in counts.items() if count}
        if counts:
            audit.record(
                actor=None,
                action=AuditAction.DELETE,
                target_type=RETENTION,
                case=case,
                detail={"part": "retention", "counts": counts},
            )
    _delete_files(files)
    return counts


@dataclass
class RetentionDone:
    anonymised: list[str] = field(default_factory=list)  # case references
    skipped: list[str] = field(default_factory=list)  # no longer due when their turn came
    counts: dict[str, int] = field(default_factory=dict)


def retention_apply(*, plan: RetentionPlan) -> RetentionDone:
    """Do what the plan says: each case, and each case's working files, in its own
    transaction (one failing leaves the others done). Safe to run again: what is done is
    no longer in the next plan."""
    done = RetentionDone()
    for row in plan.in_state(CaseState.DUE):
        try:
            case_anonymise(row=row)
        except NotDue:
            done.skipped.append(row.reference)
        else:
            done.anonymised.append(row.reference)
    for work in plan.work:
        for kind, count in working_files_delete(work=work).items():
            done.counts[kind] = done.counts.get(kind, 0) + count
    return done


# --- Legal holds ------------------------------------------------------------------------


class AlreadyHeld(Exception):
    pass


@transaction.atomic
def legal_hold_place(*, case: Case, reason: str, placed_by: User) -> LegalHold:
    if not reason.strip():
        raise ValueError("A legal hold needs a reason.")
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        raise AlreadyHeld
    hold = LegalHold.objects.create(case=case, reason=reason.strip(), placed_by=placed_by)
    audit.record(
        actor=placed_by,
        action=AuditAction.CREATE,
        target=hold,
        case=case,
        detail={"part": "legal hold"},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, lifted_by: User) -> LegalHold:
    changed = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=lifted_by
    )
    hold.refresh_from_db()
    if changed:
        audit.record(
            actor=lifted_by,
            action=AuditAction.UPDATE,
            target=hold,
            case=hold.case,
            detail={"part": "legal hold", "lifted": True},
        )
    return hold


# --- Subject access exports -------------------------------------------------------------


class WrongPassword(Exception):
    pass


def subject_access_request(
    *,
    person: Person | None = None,
    user: User | None = None,
    sar_reference: str,
    reason: RequestReason | str,
    password: str,
    language: str,
    requested_by: User,
) -> SubjectAccessExport:
    """Ask for an export about one family member (`person`) or member of staff (`user`).
    The officer's password is checked again first (a step-up before a bulk export). The
    export is audited as EXPORT with the reason and the request reference."""
    if (person is None) == (user is None):
        raise ValueError("An export is about one person or one member of staff.")
    if not requested_by.check_password(password):
        # Outside the export's transaction: the failed try is recorded although nothing
        # else happens.
        audit.record(
            actor=requested_by,
            action=AuditAction.LOGIN_FAILED,
            target_type="dataprotection.subjectaccessexport",
            detail={"part": "subject access password"},
        )
        raise WrongPassword
    with transaction.atomic():
        return _subject_access_create(
            person=person,
            user=user,
            sar_reference=sar_reference,
            reason=reason,
            language=language,
            requested_by=requested_by,
        )


def _subject_access_create(
    *,
    person: Person | None,
    user: User | None,
    sar_reference: str,
    reason: RequestReason | str,
    language: str,
    requested_by: User,
) -> SubjectAccessExport:
    export = SubjectAccessExport.objects.create(
        subject_kind=SubjectKind.PERSON if person is not None else SubjectKind.STAFF,
        person=person,
        user=user,
        sar_reference=sar_reference,
        reason=reason,
        language=language,
        requested_by=requested_by,
    )
    audit.record(
        actor=requested_by,
        action=AuditAction.EXPORT,
        target=export,
        case=person.case if person is not None else None,
        detail={
            "part": "subject access",
            "subject": export.subject_kind,
            "subject_id": (person or user).pk,  # type: ignore[union-attr]
            "reason": str(reason),
            "sar_reference": sar_reference,
        },
    )
    return export


def subject_access_downloaded(*, export: SubjectAccessExport, by: User) -> None:
    """Audit one download of a finished export (EXPORT, with the reason and reference)."""
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target=export,
        case=export.person.case if export.person is not None else None,
        detail={
            "part": "subject access download",
            "subject": export.subject_kind,
            "reason": export.reason,
            "sar_reference": export.sar_reference,
        },
    )
