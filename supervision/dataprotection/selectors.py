"""Reads for data protection: the retention plan (what is due today), the officer's pages,
and everything held about one subject (supervision.dataprotection.subject builds that).

Retention settings (read with defaults, so none has to be set; see README "Configuration"):

- RETENTION_CHILD_AGE_YEARS (25): a closed case is kept until its youngest child is this old;
- RETENTION_CASE_YEARS_AFTER_CLOSURE (25): how long after closure for a child with no date
  of birth, or a case with no child;
- RETENTION_AUDIT_YEARS (7): the audit trail is kept at least this long (it is append-only:
  older rows are reported, never changed or deleted);
- RETENTION_WORKING_FILE_DAYS (30): chronology import previews, chronology export files
  and undelivered email bodies are deleted after this many days;
- RETENTION_SUBJECT_ACCESS_DAYS (7): subject access export files are deleted after this
  many days.

When a case closed: the cases app keeps no closure date, so the date of the last change
recorded on the case stands in for it (the newest create, update, delete, sign-off or share
in its audit trail, not counting legal holds and retention itself; the case's creation when
there is none). That is never earlier than the last thing done on the case, so a case is
never due sooner than its real closure would make it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from supervision.accounts.models import User, UserRole
from supervision.actions.models import Action, ProgressPoint
from supervision.audit.models import AuditAction, AuditEvent
from supervision.casefile.models import ChildSynopsis, ConferenceAlert
from supervision.cases.models import Case, CaseTeamMember, Involvement, Person, PersonRole
from supervision.chronology.models import (
    ChronologyEntry,
    ChronologyExport,
    ChronologyFinding,
    ChronologyImport,
)
from supervision.dataprotection.models import (
    CaseAnonymisation,
    ExportStatus,
    LegalHold,
    SubjectAccessExport,
)
from supervision.distribution.models import Correction
from supervision.documents.models import Document
from supervision.domain.retention import (
    CaseDecision,
    CaseState,
    Periods,
    case_decision,
    cutoffs,
    mark_names,
    names_in,
)
from supervision.feedback.models import Feedback
from supervision.followup.models import ProgressCheck
from supervision.meetings.models import Invitation, SupervisionRequest
from supervision.notifications.models import OutboxMessage
from supervision.records.models import (
    BalancingItem,
    Outcome,
    PrinciplesRecord,
    PriorityRisk,
    ReflectiveNote,
    Strength,
)
from supervision.safety.models import SafetyPlan, SafetyPlanItem

# The audit actions that change a case: the newest of them stands in for its closure date.
CHANGES = (
    AuditAction.CREATE,
    AuditAction.UPDATE,
    AuditAction.DELETE,
    AuditAction.SIGN_OFF,
    AuditAction.SHARE,
)
OWN_AUDIT_TYPES = "dataprotection."


def retention_periods() -> Periods:
    return Periods(
        child_age_years=getattr(settings, "RETENTION_CHILD_AGE_YEARS", 25),
        years_after_closure=getattr(settings, "RETENTION_CASE_YEARS_AFTER_CLOSURE", 25),
        audit_years=getattr(settings, "RETENTION_AUDIT_YEARS", 7),
        working_file_days=getattr(settings, "RETENTION_WORKING_FILE_DAYS", 30),
        subject_access_days=getattr(settings, "RETENTION_SUBJECT_ACCESS_DAYS", 7),
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class CaseRow:
    case_id: int
    reference: str
    decision: CaseDecision
    closed_on: date | None


@dataclass
class CaseWork:
    """The working files of one case (or of no case: `case_id` None) past their period."""

    case_id: int | None
    reference: str
    imports: list[int] = field(default_factory=list)
    exports: list[int] = field(default_factory=list)
    email_bodies: list[int] = field(default_factory=list)
    subject_access: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "import_previews": len(self.imports),
            "chronology_exports": len(self.exports),
            "email_bodies": len(self.email_bodies),
            "subject_access_files": len(self.subject_access),
        }


@dataclass(frozen=True)
class RetentionPlan:
    """What retention would do today. Names nothing: case references and counts only."""

    today: date
    periods: Periods
    cases: list[CaseRow]  # every closed case, and every case under legal hold
    open_cases: int
    work: list[CaseWork]  # working files past their period, by case; held cases left out
    audit_rows_past_period: int

    def in_state(self, state: CaseState) -> list[CaseRow]:
        return [row for row in self.cases if row.decision.state is state]

    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for work in self.work:
            for kind, count in work.counts().items():
                totals[kind] += count
        return {
            "cases_to_anonymise": len(self.in_state(CaseState.DUE)),
            **{kind: totals[kind] for kind in CaseWork(None, "").counts()},
        }

    @property
    def nothing_to_do(self) -> bool:
        return not any(self.totals().values())


def retention_plan(*, today: date, periods: Periods | None = None) -> RetentionPlan:
    """What is due today, in a fixed number of queries (eleven) however many rows there are."""
    periods = periods or retention_periods()
    cut = cutoffs(today=today, periods=periods)
    held = set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("case_id", flat=True))
    candidates = list(
        Case.objects.filter(Q(status=Case.Status.CLOSED) | Q(pk__in=held))
        .order_by("reference")
        .values_list("pk", "reference", "status", "created_at")
    )
    ids = [pk for pk, *_rest in candidates]
    done = set(CaseAnonymisation.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    births: dict[int, list[date | None]] = defaultdict(list)
    for case_id, born in Person.objects.filter(
        case_id__in=ids, role__in=[PersonRole.SUBJECT_CHILD, PersonRole.OTHER_CHILD]
    ).values_list("case_id", "date_of_birth"):
        births[case_id].append(born)
    last_change = dict(
        AuditEvent.objects.filter(case_id__in=ids, action__in=CHANGES)
        .exclude(target_type__startswith=OWN_AUDIT_TYPES)
        .values("case_id")
        .annotate(last=Max("occurred_at"))
        .values_list("case_id", "last")
    )
    rows = []
    for pk, reference, status, created_at in candidates:
        is_open = status != Case.Status.CLOSED
        changed = last_change.get(pk) or created_at
        closed_on = None if is_open else timezone.localdate(changed)
        decision = case_decision(
            is_open=is_open,
            closed_on=closed_on,
            on_hold=pk in held,
            anonymised=pk in done,
            child_birth_dates=births[pk],
            today=today,
            periods=periods,
        )
        rows.append(CaseRow(pk, reference, decision, closed_on))
    # Working files: not those of held cases, nor of cases anonymised today (that deletes
    # all of theirs, whatever their age).
    skip = held | {row.case_id for row in rows if row.decision.state is CaseState.DUE}
    work: dict[int | None, CaseWork] = {}

    def of(case_id: int | None, reference: str | None) -> CaseWork:
        if case_id not in work:
            work[case_id] = CaseWork(case_id, reference or "")
        return work[case_id]

    files_before = _start_of(cut.working_files)
    for pk, case_id, reference in (
        ChronologyImport.objects.filter(created_at__lt=files_before)
        .exclude(case_id__in=skip)
        .values_list("pk", "case_id", "case__reference")
    ):
        of(case_id, reference).imports.append(pk)
    for pk, case_id, reference in (
        ChronologyExport.objects.filter(created_at__lt=files_before)
        .exclude(case_id__in=skip)
        .values_list("pk", "case_id", "case__reference")
    ):
        of(case_id, reference).exports.append(pk)
    # Delivered emails are emptied when sent; this catches any left, and undelivered ones.
    for pk, case_id, reference in (
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.SENT)
            | Q(status=OutboxMessage.Status.FAILED, created_at__lt=files_before)
        )
        .filter(~Q(body="") | ~Q(calendar=""))
        .exclude(case_id__in=skip)
        .values_list("pk", "case_id", "case__reference")
    ):
        of(case_id, reference).email_bodies.append(pk)
    for pk, case_id, reference in (
        SubjectAccessExport.objects.filter(requested_at__lt=_start_of(cut.subject_access))
        .exclude(status=ExportStatus.EXPIRED)
        .exclude(person__case_id__in=skip)
        .values_list("pk", "person__case_id", "person__case__reference")
    ):
        of(case_id, reference).subject_access.append(pk)
    return RetentionPlan(
        today=today,
        periods=periods,
        cases=rows,
        open_cases=Case.objects.exclude(status=Case.Status.CLOSED).exclude(pk__in=held).count(),
        work=sorted(work.values(), key=lambda w: (w.case_id is None, w.reference)),
        audit_rows_past_period=AuditEvent.objects.filter(
            occurred_at__lt=_start_of(cut.audit)
        ).count(),
    )


# --- The officer's pages ----------------------------------------------------------------


def recent_exports(user: User, *, limit: int = 20) -> list[SubjectAccessExport]:
    """The officer's own latest exports (one query)."""
    return list(
        SubjectAccessExport.objects.filter(requested_by=user)
        .select_related("person__case", "user")
        .order_by("-requested_at", "-pk")[:limit]
    )


def active_holds() -> list[LegalHold]:
    """Every legal hold in force (one query)."""
    return list(
        LegalHold.objects.filter(lifted_at__isnull=True)
        .select_related("case", "placed_by")
        .order_by("case__reference")
    )


# --- Everything held about one subject --------------------------------------------------
#
# A subject is a member of a family (a cases.Person, found by case reference and key) or a
# member of staff (an accounts.User, found by email). What is held about them is gathered
# from every kind of record, in a fixed number of queries whatever their number (each
# source is one query and its prefetches), and given as sections of items. An item that
# names or links anyone else in the family is marked for the officer to review before
# release (third-party information). Reflective notes are only ever the subject's own: a
# member of staff gets their own; a family member gets none.


@dataclass(frozen=True)
class Value:
    key: str  # the JSON key
    label: StrOrPromise  # the PDF label (lazily translated)
    value: object
    # For a text: the text in pieces, True where it names someone else (for the PDF).
    pieces: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class Item:
    heading: str
    case: str  # the case reference, or ""
    values: tuple[Value, ...]
    third_parties: tuple[str, ...] = ()

    @property
    def third_party_review(self) -> bool:
        return bool(self.third_parties)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]
    note: str = ""
    table: bool = False  # many short items: shown as one table in the PDF


@dataclass(frozen=True)
class SubjectDocument:
    kind: str  # SubjectKind
    name: str
    about: tuple[Value, ...]
    sections: tuple[Section, ...]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    @property
    def review_count(self) -> int:
        return sum(item.third_party_review for section in self.sections for item in section.items)


def _name_variants(person: Person) -> list[str]:
    """The names a person goes by in free text: full name, given names, first given name,
    and their short reference in the case (imported chronologies write "P3 DNA..."). Not
    the family name alone (it names the whole family). Placeholders left by anonymisation
    are not names."""
    given = " ".join(person.given_names.split())
    variants = [
        f"{given} {person.family_name}",
        given,
        given.split(" ")[0] if given else "",
        person.key,
    ]
    return [name for name in dict.fromkeys(variants) if name.strip() and "[" not in name]


def _person_label(person: Person) -> str:
    return f"{person.full_name} ({person.key})"


@dataclass(frozen=True)
class _Source:
    """One kind of record: how to read it for a case or for its author, and what of it
    goes in the export."""

    key: str
    title: StrOrPromise
    model: type[models.Model]
    case_path: str  # from the record to its case
    author_path: str | None  # from the record to the user who wrote or owns it
    values: Callable[[Any], list[tuple[str, StrOrPromise, object]]]
    heading: Callable[[Any], str]
    people: Callable[[Any], Iterable[Person]] = lambda row: ()
    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    everything: bool = False  # every row of the subject's cases, not only those naming them
    note: StrOrPromise = ""

    def rows(self, condition: Q) -> list[Any]:
        rows = self.model._default_manager.filter(condition)
        return list(
            rows.select_related(*self.select, self.case_path)
            .prefetch_related(*self.prefetch)
            .order_by("pk")
        )


def _case_of(row: Any, case_path: str) -> Case:
    found: Any = row
    for part in case_path.split("__"):
        found = getattr(found, part)
    return found  # type: ignore[no-any-return]


def _display(row: Any, name: str) -> str:
    return str(getattr(row, f"get_{name}_display")())


def _names(people: Iterable[Person]) -> str:
    return ", ".join(person.full_name for person in people)


SOURCES: list[_Source] = [
    _Source(
        key="involvements",
        title=_("Agencies involved"),
        model=Involvement,
        case_path="case",
        author_path="practitioner__user",
        select=("agency",),
        prefetch=("people",),
        people=lambda row: row.people.all(),
        heading=lambda row: str(row.agency.name),
        values=lambda row: [
            ("agency", _("Agency"), row.agency.name),
            ("status", _("Status"), _display(row, "status")),
            ("start_date", _("Start"), row.start_date),
            ("end_date", _("End"), row.end_date),
            ("end_reason", _("Reason it ended"), row.end_reason),
            ("engagement", _("Engagement"), _display(row, "engagement_status")),
            ("non_engagement", _("What is known about non-engagement"), row.non_engagement_summary),
            ("relevant_information", _("Relevant information"), row.relevant_information),
            ("people", _("People"), _names(row.people.all())),
        ],
    ),
    _Source(
        key="chronology_entries",
        title=_("Chronology entries"),
        model=ChronologyEntry,
        case_path="case",
        author_path="created_by",
        select=("chronology__agency",),
        prefetch=("subjects", "themes", "notes__agency"),
        people=lambda row: row.subjects.all(),
        heading=lambda row: row.ref,
        values=lambda row: [
            ("ref", _("Entry reference"), row.ref),
            ("event_date", _("Date of event"), row.event_date),
            ("agency", _("Agency"), row.chronology.agency.name),
            ("event_type", _("Type of event"), _display(row, "event_type")),
            ("source", _("Source of information"), row.source),
            ("description", _("What happened"), row.description),
            ("impact_on_child", _("Impact on the child"), row.impact_on_child),
            ("action_taken", _("Action taken"), row.action_taken),
            ("childs_words", _("The child’s own words"), row.childs_words),
            ("themes", _("Themes"), ", ".join(theme.name for theme in row.themes.all())),
            ("significance", _("Significance"), _display(row, "significance")),
            ("engagement", _("Engagement"), _display(row, "engagement")),
            ("draft", _("Draft"), row.is_draft),
            ("people", _("About"), _names(row.subjects.all())),
            (
                "notes",
                _("Notes from other agencies"),
                "\n".join(f"{note.agency.name}: {note.text}" for note in row.notes.all()),
            ),
        ],
    ),
    _Source(
        key="chronology_findings",
        title=_("Findings from the chronology"),
        model=ChronologyFinding,
        case_path="case",
        author_path="author",
        prefetch=("entries",),
        heading=lambda row: _display(row, "kind"),
        values=lambda row: [
            ("kind", _("Kind of finding"), _display(row, "kind")),
            ("text", _("Finding"), row.text),
            ("entries", _("Entries behind it"), ", ".join(e.ref for e in row.entries.all())),
        ],
    ),
    _Source(
        key="supervision_requests",
        title=_("Supervision requests"),
        model=SupervisionRequest,
        case_path="case",
        author_path="requested_by",
        heading=lambda row: str(row.requested_on),
        values=lambda row: [
            ("requested_on", _("Requested on"), row.requested_on),
            ("session_type", _("Type of session"), _display(row, "session_type")),
            ("reasons", _("Reasons"), ", ".join(row.reason_labels())),
            ("question", _("The question for the session"), row.question),
            ("status", _("Status"), _display(row, "status")),
            ("decline_reason", _("Why it was declined"), row.decline_reason),
            ("consent", _("Consent"), _display(row, "consent_status")),
            ("consent_reason", _("Why consent was not sought or not needed"), row.consent_reason),
        ],
    ),
    _Source(
        key="session_records",
        title=_("What matters, from session records"),
        model=PrinciplesRecord,
        case_path="session__case",
        author_path=None,
        select=("session",),
        heading=lambda row: str(timezone.localdate(row.session.starts_at)),
        values=lambda row: [
            ("session_date", _("Session date"), timezone.localdate(row.session.starts_at)),
            ("what_matters", _("What matters"), row.what_matters),
            ("family_words", _("The family’s own words"), row.family_words),
            ("balancing_summary", _("Summary judgement"), row.balancing_summary),
            ("information_shared", _("Information shared"), row.information_shared),
            ("learning_points", _("Learning points"), row.learning_points),
        ],
    ),
    _Source(
        key="outcomes",
        title=_("Outcomes"),
        model=Outcome,
        case_path="record__session__case",
        author_path="created_by",
        select=("person",),
        people=lambda row: [row.person] if row.person is not None else [],
        heading=lambda row: _display(row, "whose"),
        values=lambda row: [
            ("whose", _("Whose outcome"), _display(row, "whose")),
            ("person", _("Person"), row.person.full_name if row.person else ""),
            ("text", _("Outcome"), row.text),
            ("status", _("Status"), _display(row, "status")),
            ("keep_reason", _("Why the wording was kept"), row.keep_reason),
        ],
    ),
    _Source(
        key="strengths",
        title=_("Strengths"),
        model=Strength,
        case_path="record__session__case",
        author_path="created_by",
        prefetch=("people",),
        people=lambda row: row.people.all(),
        heading=lambda row: _display(row, "kind"),
        values=lambda row: [
            ("kind", _("Kind of strength"), _display(row, "kind")),
            ("text", _("Strength"), row.text),
            ("people", _("People"), _names(row.people.all())),
        ],
    ),
    _Source(
        key="priority_risks",
        title=_("Priority risks"),
        model=PriorityRisk,
        case_path="record__session__case",
        author_path="created_by",
        prefetch=("moments",),
        heading=lambda row: str(row.rank),
        values=lambda row: [
            ("rank", _("Rank"), row.rank),
            ("trying_to_avoid", _("What the family is trying to avoid"), row.trying_to_avoid),
            ("from_whose_view", _("From whose point of view"), row.from_whose_view),
            (
                "moments",
                _("High-risk moments"),
                "\n".join(
                    " · ".join(p for p in (m.when, m.where, m.trigger, m.early_sign) if p)
                    for m in row.moments.all()
                ),
            ),
        ],
    ),
    _Source(
        key="balancing_items",
        title=_("Balancing exercise"),
        model=BalancingItem,
        case_path="record__session__case",
        author_path="created_by",
        heading=lambda row: _display(row, "column"),
        values=lambda row: [
            ("column", _("Column"), _display(row, "column")),
            ("text", _("Item"), row.text),
            ("raised_by", _("Who raised it"), row.raised_by),
        ],
    ),
    _Source(
        key="safety_plan",
        title=_("Safety plans"),
        model=SafetyPlan,
        case_path="record__session__case",
        author_path=None,
        prefetch=("items",),
        heading=lambda row: f"v{row.version}",
        values=lambda row: [
            (
                "items",
                _("Who does what"),
                "\n".join(
                    f"{item.who}: {item.what} ({item.when_trigger}; {item.help_route})"
                    for item in row.items.all()
                    if item.removed_at is None
                ),
            ),
            ("contingency", _("Contingency"), row.contingency),
            ("agreed_by", _("Who agreed the plan"), row.agreed_by),
        ],
    ),
    _Source(
        key="safety_plan_items",
        title=_("Safety plan items added"),
        model=SafetyPlanItem,
        case_path="plan__record__session__case",
        author_path="created_by",
        heading=lambda row: row.who,
        values=lambda row: [
            ("who", _("Who"), row.who),
            ("what", _("What"), row.what),
            ("where", _("Where"), row.where),
            ("when_trigger", _("When or trigger"), row.when_trigger),
            ("help_route", _("How to get help"), row.help_route),
        ],
    ),
    _Source(
        key="actions",
        title=_("Actions"),
        model=Action,
        case_path="record__session__case",
        author_path="owner__user",
        select=("owner__user", "agency"),
        heading=lambda row: row.label,
        values=lambda row: [
            ("number", _("Action"), row.label),
            ("description", _("What needs to happen"), row.description),
            ("owner", _("Owner"), row.owner.user.full_name),
            ("agency", _("Agency"), row.agency.name),
            ("due_date", _("Due date"), row.due_date),
            ("status", _("Status"), _display(row, "status")),
            ("completion_note", _("Completion note"), row.completion_note),
        ],
    ),
    _Source(
        key="progress_points",
        title=_("Progress points"),
        model=ProgressPoint,
        case_path="record__session__case",
        author_path="updated_by",
        heading=lambda row: str(row.due_date),
        values=lambda row: [
            ("months", _("Months after the session"), row.months),
            ("target", _("Where we want to be"), row.target),
            ("due_date", _("Due date"), row.due_date),
            ("monitored_by", _("Who checks"), row.monitored_by),
        ],
    ),
    _Source(
        key="synopses",
        title=_("Synopses on children’s case files"),
        model=ChildSynopsis,
        case_path="session__case",
        author_path="updated_by",
        select=("child",),
        people=lambda row: [row.child],
        heading=lambda row: row.child.full_name,
        values=lambda row: [
            ("child", _("Child"), row.child.full_name),
            ("text", _("Synopsis"), row.text),
            ("recorded_at", _("Recorded on the case file at"), row.recorded_on_case_file_at),
        ],
    ),
    _Source(
        key="conference_alerts",
        title=_("Alerts to conference chairs"),
        model=ConferenceAlert,
        case_path="session__case",
        author_path="alerted_by",
        heading=lambda row: str(row.conference_on),
        values=lambda row: [
            ("conference_on", _("Date of the conference"), row.conference_on),
            ("note", _("Note"), row.note),
        ],
    ),
    _Source(
        key="invitations",
        title=_("Invitations to sessions"),
        model=Invitation,
        case_path="session__case",
        author_path="practitioner__user",
        select=("agency", "session"),
        heading=lambda row: str(row.agency.name),
        values=lambda row: [
            ("session_date", _("Session date"), timezone.localdate(row.session.starts_at)),
            ("agency", _("Agency"), row.agency.name),
            ("basis", _("Why invited"), _display(row, "basis")),
            ("relevant_information", _("Relevant information"), row.relevant_information),
            ("non_engagement", _("What is known about non-engagement"), row.non_engagement),
            ("response", _("Answer"), _display(row, "response")),
        ],
    ),
    _Source(
        key="corrections",
        title=_("Corrections to minutes"),
        model=Correction,
        case_path="artefact__session__case",
        author_path="raised_by",
        heading=lambda row: str(timezone.localdate(row.raised_at)),
        values=lambda row: [
            ("text", _("Correction"), row.text),
            ("status", _("Status"), _display(row, "status")),
            ("resolution_note", _("Chair’s note"), row.resolution_note),
        ],
    ),
    _Source(
        key="progress_checks",
        title=_("Progress checks at reviews"),
        model=ProgressCheck,
        case_path="review__new_request__case",
        author_path="updated_by",
        heading=lambda row: str(row.months),
        values=lambda row: [
            ("months", _("Months after the session"), row.months),
            ("where_we_are", _("Where we are now"), row.where_we_are),
        ],
    ),
    _Source(
        key="feedback",
        title=_("Feedback on sessions"),
        model=Feedback,
        case_path="session__case",
        author_path="author",
        heading=lambda row: str(timezone.localdate(row.submitted_at)),
        values=lambda row: [
            ("useful", _("What was useful"), row.useful),
            ("better", _("What could be better"), row.better),
            ("rating", _("Rating"), row.rating),
        ],
    ),
    _Source(
        key="documents",
        title=_("Documents (details only)"),
        note=_(
            "The files themselves are not in this export. Read each one in the case’s "
            "document pack before deciding what to release."
        ),
        model=Document,
        case_path="case",
        author_path="uploaded_by",
        everything=True,
        heading=lambda row: row.title,
        values=lambda row: [
            ("title", _("Title"), row.title),
            ("type", _("Type of document"), _display(row, "type")),
            ("document_date", _("Date of the document"), row.document_date),
            ("language", _("Language"), _display(row, "language")),
            ("file_name", _("File name"), row.original_name),
            ("size", _("Size in bytes"), row.size),
        ],
    ),
]
# Only ever the subject's own (R9): for a member of staff, never for a family member.
REFLECTIVE_NOTES = _Source(
    key="reflective_notes",
    title=_("Your reflective notes"),
    model=ReflectiveNote,
    case_path="record__session__case",
    author_path="author",
    select=("record__session",),
    heading=lambda row: str(timezone.localdate(row.record.session.starts_at)),
    values=lambda row: [
        ("session_date", _("Session date"), timezone.localdate(row.record.session.starts_at)),
        ("text", _("My role and impact"), row.text),
    ],
)


class _People:
    """The family members of some cases: who each is, and the names they go by."""

    def __init__(self, people: Iterable[Person], subject: Iterable[Person] = ()) -> None:
        self.subject_ids = {person.pk for person in subject}
        self.by_case: dict[int, dict[str, list[str]]] = defaultdict(dict)
        self.label_of: dict[int, str] = {}
        for person in people:
            self.label_of[person.pk] = _person_label(person)
            if person.pk not in self.subject_ids:
                self.by_case[person.case_id][_person_label(person)] = _name_variants(person)

    def others_in(self, case_id: int) -> dict[str, list[str]]:
        return self.by_case.get(case_id, {})


def _item(source: _Source, row: Any, people: _People) -> Item:
    case = _case_of(row, source.case_path)
    others = people.others_in(case.pk)
    names = [name for variants in others.values() for name in variants]
    raw = source.values(row)
    texts = " \n".join(str(value) for _key, _label, value in raw if isinstance(value, str))
    third = {
        people.label_of.get(person.pk, _person_label(person))
        for person in source.people(row)
        if person.pk not in people.subject_ids
    } | set(names_in(texts, others))
    values = tuple(
        Value(key, label, value, tuple(mark_names(value, names)) if isinstance(value, str) else ())
        for key, label, value in raw
    )
    return Item(
        heading=source.heading(row),
        case=case.reference,
        values=values,
        third_parties=tuple(sorted(third)),
    )


def _mentions(source: _Source, row: Any, subject: _People, variants: dict[str, list[str]]) -> bool:
    if source.everything:
        return True
    if any(person.pk in subject.subject_ids for person in source.people(row)):
        return True
    texts = " \n".join(str(v) for _k, _l, v in source.values(row) if isinstance(v, str))
    return bool(names_in(texts, variants))


def person_subject(person: Person) -> SubjectDocument:
    """Everything held about a member of a family: the person records that are theirs (the
    one asked about, and any in another case with the same name and date of birth), the
    cases they are in, and every record that links to them or names them. A fixed number
    of queries whatever the number of records."""
    matches = [person]
    if person.date_of_birth is not None:
        matches = list(
            Person.objects.filter(
                given_names__iexact=person.given_names,
                family_name__iexact=person.family_name,
                date_of_birth=person.date_of_birth,
            ).order_by("pk")
        )
    case_ids = sorted({match.case_id for match in matches})
    cases = list(
        Case.objects.filter(pk__in=case_ids).select_related("local_authority").order_by("pk")
    )
    references = {case.pk: case.reference for case in cases}
    people = _People(Person.objects.filter(case_id__in=case_ids).order_by("pk"), subject=matches)
    variants = {_person_label(match): _name_variants(match) for match in matches}
    sections = [
        Section(
            key="cases",
            title=str(_("Cases")),
            items=tuple(
                Item(
                    heading=case.reference,
                    case=case.reference,
                    values=(
                        Value("reference", _("Reference"), case.reference),
                        Value("family_name", _("Family name"), case.family_name),
                        Value("local_authority", _("Local authority"), case.local_authority.name),
                        Value(
                            "local_authority_reference",
                            _("Local authority case reference"),
                            case.local_authority_reference,
                        ),
                        Value("status", _("Status"), case.get_status_display()),
                        Value("created_at", _("Created"), case.created_at),
                    ),
                )
                for case in cases
            ),
        ),
        Section(
            key="person_records",
            title=str(_("Records of the person")),
            items=tuple(
                Item(
                    heading=_person_label(match),
                    case=references[match.case_id],
                    values=(
                        Value("key", _("Short reference"), match.key),
                        Value("given_names", _("Given names"), match.given_names),
                        Value("family_name", _("Family name"), match.family_name),
                        Value("date_of_birth", _("Date of birth"), match.date_of_birth),
                        Value("role", _("Role in the case"), match.get_role_display()),
                        Value("household", _("Household"), match.get_household_display()),
                        Value("relationship", _("Relationship"), match.relationship),
                        Value(
                            "spoken_languages",
                            _("Spoken languages"),
                            ", ".join(match.spoken_language_labels()),
                        ),
                    ),
                )
                for match in matches
            ),
        ),
    ]
    for source in SOURCES:
        rows = source.rows(Q(**{f"{source.case_path}__in": case_ids}))
        items = tuple(
            _item(source, row, people) for row in rows if _mentions(source, row, people, variants)
        )
        sections.append(Section(source.key, str(source.title), items, str(source.note)))
    return SubjectDocument(
        kind="person",
        name=person.full_name,
        about=(
            Value("name", _("Name"), person.full_name),
            Value("case", _("Case"), ", ".join(case.reference for case in cases)),
            Value("key", _("Short reference"), person.key),
        ),
        sections=tuple(sections),
    )


def staff_subject(user: User) -> SubjectDocument:
    """Everything held about a member of staff: their account and roles, the audit rows
    where they are the actor, the emails sent to them, the cases they are on, the actions
    they own and the records they wrote, and their own reflective notes. A fixed number of
    queries whatever the number of records."""
    user = User.objects.select_related("practitioner__agency").get(pk=user.pk)
    practitioner = getattr(user, "practitioner", None)
    roles = [str(role) for role in UserRole.objects.filter(user=user).order_by("role")]
    team = list(
        CaseTeamMember.objects.filter(practitioner__user=user)
        .select_related("case")
        .order_by("case__reference", "role")
    )
    audit_rows = list(
        AuditEvent.objects.filter(actor=user).select_related("case").order_by("occurred_at", "pk")
    )
    emails = list(OutboxMessage.objects.filter(to__iexact=user.email).order_by("created_at", "pk"))
    written = [
        (source, source.rows(Q(**{source.author_path: user})))
        for source in [*SOURCES, REFLECTIVE_NOTES]
        if source.author_path is not None
    ]
    case_ids = {_case_of(row, source.case_path).pk for source, rows in written for row in rows}
    people = _People(Person.objects.filter(case_id__in=case_ids).order_by("pk"))
    sections = [
        Section(
            key="account",
            title=str(_("Account")),
            items=(
                Item(
                    heading=user.email,
                    case="",
                    values=(
                        Value("email", _("Email address"), user.email),
                        Value("full_name", _("Full name"), user.full_name),
                        Value("active", _("Active"), user.is_active),
                        Value("date_joined", _("Date joined"), user.date_joined),
                        Value("last_login", _("Last signed in"), user.last_login),
                        Value("roles", _("Roles"), ", ".join(roles)),
                        Value(
                            "agency",
                            _("Agency"),
                            practitioner.agency.name if practitioner is not None else "",
                        ),
                        Value(
                            "job_title",
                            _("Job title"),
                            practitioner.job_title if practitioner is not None else "",
                        ),
                    ),
                ),
            ),
        ),
        Section(
            key="case_team",
            title=str(_("Case teams")),
            table=True,
            items=tuple(
                Item(
                    heading=member.case.reference,
                    case=member.case.reference,
                    values=(
                        Value("case", _("Case"), member.case.reference),
                        Value("role", _("Role"), member.get_role_display()),
                    ),
                )
                for member in team
            ),
        ),
        Section(
            key="audit",
            title=str(_("Audit trail: what they did")),
            table=True,
            items=tuple(
                Item(
                    heading=row.occurred_at.isoformat(),
                    case=row.case.reference if row.case else "",
                    values=(
                        Value("occurred_at", _("When"), row.occurred_at),
                        Value("action", _("What"), row.get_action_display()),
                        Value("record_type", _("Record type"), row.target_type),
                        Value("record", _("Record"), row.target_id),
                        Value("case", _("Case"), row.case.reference if row.case else ""),
                        Value("ip_address", _("From address"), row.ip_address or ""),
                    ),
                )
                for row in audit_rows
            ),
        ),
        Section(
            key="emails",
            title=str(_("Emails sent to them")),
            table=True,
            items=tuple(
                Item(
                    heading=message.created_at.isoformat(),
                    case="",
                    values=(
                        Value("created_at", _("Created"), message.created_at),
                        Value("subject", _("Subject"), message.subject),
                        Value("status", _("Status"), message.get_status_display()),
                        Value("sent_at", _("Sent"), message.sent_at),
                    ),
                )
                for message in emails
            ),
        ),
    ]
    for source, rows in written:
        items = tuple(_item(source, row, people) for row in rows)
        sections.append(Section(source.key, str(source.title), items, str(source.note)))
    return SubjectDocument(
        kind="staff",
        name=user.full_name,
        about=(
            Value("name", _("Name"), user.full_name),
            Value("email", _("Email address"), user.email),
        ),
        sections=tuple(sections),
    )


def find_person(reference: str, key: str) -> Person | None:
    return (
        Person.objects.select_related("case")
        .filter(case__reference__iexact=reference.strip(), key__iexact=key.strip())
        .first()
    )


def find_staff(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
