"""Writes to the session record. Each is one transaction with its audit row inside."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from supervision.accounts.models import User
from supervision.actions.selectors import completion_facts as action_facts
from supervision.agencies.models import Practitioner
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import Person
from supervision.domain.session import SCALE_MAX, SCALE_MIN, completion_problems
from supervision.domain.wording import check_outcome
from supervision.meetings.models import SessionStatus, SupervisionSession
from supervision.records.access import can_read_reflections, can_sign_off
from supervision.records.models import (
    Attendance,
    BalancingColumn,
    BalancingItem,
    HighRiskMoment,
    Outcome,
    PrinciplesRecord,
    PriorityRisk,
    RecordEdition,
    ReflectiveNote,
    ScalingScore,
    Strength,
    Whose,
)
from supervision.records.selectors import attendance_candidates, record_content
from supervision.safety.selectors import out_of_hours_answered


class RecordConflict(Exception):
    """Someone else saved this part since the editor loaded it. Carries what is saved now."""

    def __init__(self, current: PrinciplesRecord) -> None:
        super().__init__("The record changed since it was loaded.")
        self.current = current


class GenericOutcome(ValueError):
    """The outcome is mostly generic words and no reason was given to keep it (R13)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        super().__init__(f"Generic outcome wording: {', '.join(words)}")
        self.words = words


class RecordLocked(Exception):
    """The chair has signed the record off. A change needs the chair to reopen it with a
    reason, which starts a new version. Raised by every write to any part of the record."""

    def __init__(self, session: SupervisionSession) -> None:
        super().__init__("The session record is signed off.")
        self.session = session


def record_for_writing(session: SupervisionSession) -> PrinciplesRecord:
    """The session's record, created on the first write and locked for this transaction.

    Every service that changes any part of the session record (in this app or another)
    calls this first, inside its transaction: it raises RecordLocked once signed off.
    """
    PrinciplesRecord.objects.get_or_create(session=session)
    record = PrinciplesRecord.objects.select_for_update().get(session=session)
    if record.locked:
        raise RecordLocked(session)
    return record


def _check_people(session: SupervisionSession, people: Iterable[Person]) -> None:
    if any(person.case_id != session.case_id for person in people):
        raise ValueError("Everyone named must be in this case.")


def _save_versioned_part(
    *,
    session: SupervisionSession,
    version_field: str,
    expected_version: int,
    part: str,
    by: User,
    **fields: str,
) -> PrinciplesRecord:
    """Save one free-text part of the record and move its version on, unless someone saved
    it since `expected_version` (then RecordConflict carries what is saved now). Audited."""
    record = record_for_writing(session)
    changed = PrinciplesRecord.objects.filter(
        pk=record.pk, **{version_field: expected_version}
    ).update(**fields, **{version_field: F(version_field) + 1}, updated_by=by)
    record.refresh_from_db()
    if not changed:
        raise RecordConflict(record)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=record,
        case=session.case,
        detail={"part": part, "version": getattr(record, version_field)},
    )
    return record


@transaction.atomic
def record_update_what_matters(
    *,
    session: SupervisionSession,
    what_matters: str,
    family_words: str,
    expected_version: int,
    by: User,
) -> PrinciplesRecord:
    """Save what matters and the family's words, unless someone saved since `expected_version`."""
    return _save_versioned_part(
        session=session,
        version_field="version",
        expected_version=expected_version,
        part="what matters",
        by=by,
        what_matters=what_matters,
        family_words=family_words,
    )


@transaction.atomic
def outcome_add(
    *,
    session: SupervisionSession,
    whose: str,
    person: Person | None,
    text: str,
    status: str,
    keep_reason: str,
    language: str,
    by: User,
) -> Outcome:
    """Add an outcome. A mostly generic one is refused unless there is a reason to keep it."""
    text = text.strip()
    keep_reason = keep_reason.strip()
    result = check_outcome(text, language)
    if result.flagged and not keep_reason:
        raise GenericOutcome(result.generic_words)
    if whose == Whose.WHOLE_FAMILY:
        person = None
    if person is not None:
        _check_people(session, [person])
    outcome = Outcome.objects.create(
        record=record_for_writing(session),
        whose=whose,
        person=person,
        text=text,
        status=status,
        keep_reason=keep_reason if result.flagged else "",
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=outcome,
        case=session.case,
        detail={"part": "outcome", "flagged": result.flagged, "kept": bool(outcome.keep_reason)},
    )
    return outcome


@transaction.atomic
def strength_add(
    *, session: SupervisionSession, kind: str, text: str, people: Iterable[Person], by: User
) -> Strength:
    people = list(people)
    _check_people(session, people)
    strength = Strength.objects.create(
        record=record_for_writing(session), kind=kind, text=text.strip(), created_by=by
    )
    strength.people.set(people)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=strength,
        case=session.case,
        detail={"part": "strength", "kind": kind, "people": [p.key for p in people]},
    )
    return strength


@transaction.atomic
def risk_add(
    *, session: SupervisionSession, trying_to_avoid: str, from_whose_view: str, by: User
) -> PriorityRisk:
    """Add a priority risk at the next rank."""
    record = record_for_writing(session)  # locked: two adds cannot take the same rank
    last = record.risks.order_by("-rank").values_list("rank", flat=True).first() or 0
    risk = PriorityRisk.objects.create(
        record=record,
        trying_to_avoid=trying_to_avoid.strip(),
        from_whose_view=from_whose_view.strip(),
        rank=last + 1,
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=risk,
        case=session.case,
        detail={"part": "priority risk", "rank": risk.rank},
    )
    return risk


@transaction.atomic
def high_risk_moment_add(
    *, risk: PriorityRisk, when: str, where: str, trigger: str, early_sign: str, by: User
) -> HighRiskMoment:
    record_for_writing(risk.record.session)
    moment = HighRiskMoment.objects.create(
        risk=risk,
        when=when.strip(),
        where=where.strip(),
        trigger=trigger.strip(),
        early_sign=early_sign.strip(),
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=moment,
        case=risk.record.session.case,
        detail={"part": "high-risk moment", "rank": risk.rank},
    )
    return moment


@transaction.atomic
def balancing_item_add(
    *, session: SupervisionSession, column: str, text: str, raised_by: str, by: User
) -> BalancingItem:
    """Add a strength, risk or outstanding need to the balancing exercise, with who raised it."""
    if column not in BalancingColumn.values:
        raise ValueError(f"Unknown balancing column: {column!r}")
    text, raised_by = text.strip(), raised_by.strip()
    if not text or not raised_by:
        raise ValueError("A balancing item needs its text and who raised it.")
    item = BalancingItem.objects.create(
        record=record_for_writing(session),
        column=column,
        text=text,
        raised_by=raised_by,
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=item,
        case=session.case,
        detail={"part": "balancing item", "column": column},
    )
    return item


@transaction.atomic
def scaling_score_add(
    *, session: SupervisionSession, participant: str, score: int, rationale: str, by: User
) -> ScalingScore:
    """Record one participant's 0-10 score. Scores are shown as a spread, never averaged."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise TypeError("A score must be a whole number from 0 to 10.")
    if not SCALE_MIN <= score <= SCALE_MAX:
        raise ValueError("A score must be from 0 to 10.")
    participant = participant.strip()
    if not participant:
        raise ValueError("A score needs the participant who gave it.")
    scaling = ScalingScore.objects.create(
        record=record_for_writing(session),
        participant=participant,
        score=score,
        rationale=rationale.strip(),
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=scaling,
        case=session.case,
        detail={"part": "scaling score", "score": score},
    )
    return scaling


@transaction.atomic
def balancing_summary_save(
    *, session: SupervisionSession, summary: str, expected_version: int, by: User
) -> PrinciplesRecord:
    """Save the summary judgement, unless someone saved it since `expected_version`."""
    return _save_versioned_part(
        session=session,
        version_field="balancing_version",
        expected_version=expected_version,
        part="balancing summary",
        by=by,
        balancing_summary=summary.strip(),
    )


@transaction.atomic
def chair_summary_save(
    *,
    session: SupervisionSession,
    information_shared: str,
    learning_points: str,
    expected_version: int,
    by: User,
) -> PrinciplesRecord:
    """Save the chair summary (R39), unless someone saved it since `expected_version`."""
    return _save_versioned_part(
        session=session,
        version_field="summary_version",
        expected_version=expected_version,
        part="chair summary",
        by=by,
        information_shared=information_shared.strip(),
        learning_points=learning_points.strip(),
    )


@transaction.atomic
def attendance_save(
    *, session: SupervisionSession, practitioners: Iterable[Practitioner], by: User
) -> list[Attendance]:
    """Record who attended, replacing the previous list. Everyone named must be someone the
    session could have had: an invitee, the case team or the person who asked."""
    record = record_for_writing(session)
    chosen = {p.pk: p for p in practitioners}
    allowed = {p.pk for p in attendance_candidates(session)}
    if not set(chosen) <= allowed:
        raise ValueError("Only invitees, the case team and the requester can be attendees.")
    Attendance.objects.filter(record=record).exclude(practitioner_id__in=chosen).delete()
    have = set(Attendance.objects.filter(record=record).values_list("practitioner_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(record=record, practitioner=p, recorded_by=by)
        for pk, p in chosen.items()
        if pk not in have
    )
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=record,
        case=session.case,
        detail={"part": "attendance", "attendees": sorted(str(p.code) for p in chosen.values())},
    )
    return list(Attendance.objects.filter(record=record).select_related("practitioner"))


class NoteConflict(Exception):
    """The author saved their note elsewhere (another tab) since this editor loaded it."""

    def __init__(self, current: ReflectiveNote) -> None:
        super().__init__("The note changed since it was loaded.")
        self.current = current


@transaction.atomic
def reflective_note_save(
    *, session: SupervisionSession, text: str, expected_version: int, by: User
) -> ReflectiveNote:
    """Save the author's own reflection. Only attendees and the chair write one. Notes are
    not part of the signed-off record, so they can be written after sign-off too."""
    if not can_read_reflections(by, session):
        raise PermissionDenied
    PrinciplesRecord.objects.get_or_create(session=session)
    record = PrinciplesRecord.objects.select_for_update().get(session=session)
    note = ReflectiveNote.objects.filter(record=record, author=by).first()
    # With no note yet there is nothing to overwrite, whatever version the form claims.
    if note is not None and note.version != expected_version:
        raise NoteConflict(note)
    if note is None:
        note = ReflectiveNote.objects.create(record=record, author=by, text=text.strip())
    else:
        note.text = text.strip()
        note.version += 1
        note.save(update_fields=["text", "version", "updated_at"])
    # The audit row says a note was written, never what it says.
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=record,
        case=session.case,
        detail={"part": "reflective note", "version": note.version},
    )
    return note


class WrongPassword(Exception):
    """The password entered to sign off is not the chair's."""


class NotReady(Exception):
    """The record cannot be signed off yet; `problems` are CompletionProblem codes."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def completion_problems_of(session: SupervisionSession) -> list[str]:
    """What stops this session's record being signed off; empty when it can be."""
    record = PrinciplesRecord.objects.filter(session=session).first()
    facts = action_facts(session)
    return completion_problems(
        session_type=session.request.session_type,
        has_review_date=facts.has_review_date,
        out_of_hours_answered=out_of_hours_answered(session),
        action_count=facts.action_count,
        no_actions_reason=facts.no_actions_reason,
        has_balancing_summary=bool(record and record.balancing_summary.strip()),
        has_chair_summary=bool(record and record.information_shared.strip()),
        summary_signed=bool(record and record.locked),
    )


@transaction.atomic
def record_sign_off(*, session: SupervisionSession, password: str, by: User) -> RecordEdition:
    """The chair signs the record off with their password (R39): it is locked, kept whole as
    a new version, and the session counts as held."""
    if not can_sign_off(by, session):
        raise PermissionDenied
    if not by.check_password(password):
        raise WrongPassword
    record = record_for_writing(session)
    problems = completion_problems_of(session)
    if problems:
        raise NotReady(problems)
    now = timezone.now()
    number = record.editions.count() + 1
    edition = RecordEdition.objects.create(
        record=record,
        number=number,
        signed_off_at=now,
        signed_off_by=by,
        content=record_content(session),
    )
    record.signed_off_at = now
    record.signed_off_by = by
    record.save(update_fields=["signed_off_at", "signed_off_by", "updated_at"])
    SupervisionSession.objects.filter(pk=session.pk).update(status=SessionStatus.HELD)
    audit.record(
        actor=by,
        action=AuditAction.SIGN_OFF,
        target=record,
        case=session.case,
        detail={"part": "session record", "version": number},
    )
    return edition


@transaction.atomic
def record_reopen(*, session: SupervisionSession, reason: str, by: User) -> PrinciplesRecord:
    """The chair reopens a signed-off record to change it; the reason stays with the version
    it replaces, and signing off again makes the next version."""
    if not can_sign_off(by, session):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValueError("Reopening a signed-off record needs a reason.")
    record = PrinciplesRecord.objects.select_for_update().get(session=session)
    if not record.locked:
        raise ValueError("The record is not signed off.")
    edition = record.editions.order_by("-number").first()
    if edition is not None:
        edition.reopened_at = timezone.now()
        edition.reopened_by = by
        edition.reopen_reason = reason
        edition.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    record.signed_off_at = None
    record.signed_off_by = None
    record.save(update_fields=["signed_off_at", "signed_off_by", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=record,
        case=session.case,
        detail={"part": "reopened", "version": edition.number if edition else 0},
    )
    return record
