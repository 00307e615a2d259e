"""Writes to chronologies: importing files, recording findings, adding notes."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from supervision.accounts.models import User
from supervision.agencies.models import Agency
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.models import Case, CaseTeamMember, Person, TeamRole
from supervision.cases.services import DEMO_DIR
from supervision.chronology.models import (
    DEFAULT_THEMES,
    AgencyChronology,
    ChronologyEntry,
    ChronologyExport,
    ChronologyFinding,
    ChronologyImport,
    ChronologyStatus,
    EntryLink,
    EntryNote,
    EventType,
    Theme,
)
from supervision.domain import chronology as domain
from supervision.domain.chronology_import import CaseFacts, ParsedRow, check_rows

# Files with more rows than this are imported by a background task with progress shown.
INLINE_IMPORT_LIMIT = 300


def case_facts(*, case: Case, agency_codes: frozenset[str]) -> CaseFacts:
    people = list(case.people.values_list("key", "role"))
    return CaseFacts(
        people=frozenset(key for key, _role in people),
        children=frozenset(key for key, role in people if role in Person.CHILD_ROLES),
        themes=frozenset(Theme.objects.filter(is_active=True).values_list("code", flat=True)),
        agencies=agency_codes,
        event_types=frozenset(EventType.values),
        existing_refs=frozenset(
            ChronologyEntry.objects.filter(case=case).values_list("ref", flat=True)
        ),
    )


@transaction.atomic
def chronology_import_check(
    *,
    case: Case,
    rows: Sequence[Mapping[str, str]],
    file_name: str,
    agency_codes: frozenset[str],
    uploaded_by: User,
) -> ChronologyImport:
    """Check an uploaded file row by row and keep it for confirmation. Saves no entry."""
    result = check_rows(rows, case_facts(case=case, agency_codes=agency_codes))
    problems: dict[str, Any] = {
        str(line): [asdict(problem) for problem in found] for line, found in result.problems.items()
    }
    if result.missing_columns:
        problems["columns"] = result.missing_columns
    upload = ChronologyImport.objects.create(
        case=case,
        file_name=file_name[:200],
        rows=[dict(row) for row in rows],
        problems=problems,
        total_rows=len(rows),
        created_by=uploaded_by,
    )
    audit.record(
        actor=uploaded_by,
        action=AuditAction.CREATE,
        target=upload,
        case=case,
        detail={"rows": len(rows), "rows_with_problems": len(result.problems)},
    )
    return upload


def chronology_import_run(*, upload: ChronologyImport, agency_codes: frozenset[str]) -> int:
    """Save every row of a checked file, or none. Returns how many entries were saved.

    Rows are checked again (the case may have changed since the preview); the progress
    shown is "checking" then "saving" (processed_rows = rows checked); the entries are
    saved in one transaction.
    """
    ChronologyImport.objects.filter(pk=upload.pk).update(status=ChronologyImport.Status.RUNNING)
    case = upload.case
    result = check_rows(upload.rows, case_facts(case=case, agency_codes=agency_codes))
    ChronologyImport.objects.filter(pk=upload.pk).update(processed_rows=len(upload.rows))
    if not result.ok:
        ChronologyImport.objects.filter(pk=upload.pk).update(
            status=ChronologyImport.Status.FAILED,
            failure="The file no longer matches the case. Check it again.",
        )
        return 0
    try:
        with transaction.atomic():
            saved = _save_rows(case=case, rows=result.rows, upload=upload)
            audit.record(
                actor=upload.created_by,
                action=AuditAction.CREATE,
                target=upload,
                case=case,
                detail={"entries": saved},
            )
    except Exception as error:
        ChronologyImport.objects.filter(pk=upload.pk).update(
            status=ChronologyImport.Status.FAILED, failure=type(error).__name__
        )
        raise
    ChronologyImport.objects.filter(pk=upload.pk).update(
        status=ChronologyImport.Status.DONE, saved_entries=saved, rows=[]
    )
    return saved


def _chronology_for(*, case: Case, agency: Agency, today: date) -> AgencyChronology:
    period = domain.default_period(today)
    chronology, _created = AgencyChronology.objects.get_or_create(
        case=case,
        agency=agency,
        defaults={"period_start": period.start, "period_end": period.end, "status": "in_progress"},
    )
    return chronology


def _save_rows(*, case: Case, rows: Sequence[ParsedRow], upload: ChronologyImport) -> int:
    agencies = {agency.code.upper(): agency for agency in Agency.objects.all()}
    people = {person.key: person for person in case.people.all()}
    themes = {theme.code: theme for theme in Theme.objects.all()}
    today = upload.created_at.date()
    chronologies: dict[str, AgencyChronology] = {}
    entries: list[ChronologyEntry] = []
    for row in rows:
        if row.agency not in chronologies:
            chronologies[row.agency] = _chronology_for(
                case=case, agency=agencies[row.agency], today=today
            )
        entries.append(
            ChronologyEntry(
                case=case,
                chronology=chronologies[row.agency],
                ref=row.ref,
                event_date=row.event_date,
                date_precision=row.precision.value,
                event_time=row.event_time,
                source=row.source,
                event_type=row.event_type,
                description=row.description,
                impact_on_child=row.impact_on_child,
                action_taken=row.action_taken,
                no_action=row.no_action,
                significance=row.rag.value,
                polarity=row.polarity.value,
                engagement=row.engagement.value,
                childs_words=row.childs_words,
                created_by=upload.created_by,
            )
        )
    ChronologyEntry.objects.bulk_create(entries, batch_size=500)
    saved = {entry.ref: entry for entry in ChronologyEntry.objects.filter(case=case)}
    subject_links = ChronologyEntry.subjects.through
    theme_links = ChronologyEntry.themes.through
    subject_links.objects.bulk_create(
        [
            subject_links(chronologyentry_id=saved[row.ref].pk, person_id=people[key].pk)
            for row in rows
            for key in row.subjects
        ],
        batch_size=1000,
    )
    theme_links.objects.bulk_create(
        [
            theme_links(chronologyentry_id=saved[row.ref].pk, theme_id=themes[code].pk)
            for row in rows
            for code in row.themes
        ],
        batch_size=1000,
    )
    EntryLink.objects.bulk_create(
        [
            EntryLink(source=saved[row.ref], target=saved[target], kind=kind.value)
            for row in rows
            for kind, target in row.links
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(entries)


@transaction.atomic
def finding_record(
    *, case: Case, kind: str, text: str, refs: Sequence[str], author: User
) -> ChronologyFinding:
    entries = list(ChronologyEntry.objects.filter(case=case, ref__in=refs, is_draft=False))
    missing = sorted(set(refs) - {entry.ref for entry in entries})
    if missing:
        raise ValueError(", ".join(missing))
    finding = ChronologyFinding.objects.create(case=case, kind=kind, text=text, author=author)
    finding.entries.set(entries)
    audit.record(
        actor=author, action=AuditAction.CREATE, target=finding, case=case, detail={"kind": kind}
    )
    return finding


@transaction.atomic
def entry_note_add(*, entry: ChronologyEntry, text: str, author: User, agency: Agency) -> EntryNote:
    note = EntryNote.objects.create(entry=entry, text=text, author=author, agency=agency)
    audit.record(actor=author, action=AuditAction.CREATE, target=note, case=entry.case)
    return note


def theme_taxonomy_ensure() -> int:
    """Add any of the starting themes that are missing; returns how many were added."""
    existing = set(Theme.objects.values_list("code", flat=True))
    missing = [
        Theme(code=code, name_en=name_en, name_cy=name_cy)
        for code, name_en, name_cy in DEFAULT_THEMES
        if code not in existing
    ]
    Theme.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def demo_chronology_load(*, data_dir: Path = DEMO_DIR) -> int:
    """Load the fictional agencies' chronologies for the demo case. Safe to run again."""
    theme_taxonomy_ensure()
    scenario = yaml.safe_load((data_dir / "harries-walsh" / "request-and-session.yaml").read_text())
    people = yaml.safe_load((data_dir / "harries-walsh" / "people.yaml").read_text())
    case = Case.objects.get(local_authority_reference=people["case"]["la_case_ref"])
    author = CaseTeamMember.objects.get(case=case, role=TeamRole.SOCIAL_WORKER).practitioner.user
    period = scenario["request"]["chronology_period"]
    for row in scenario["agency_chronologies"]:
        AgencyChronology.objects.update_or_create(
            case=case,
            agency=Agency.objects.get(code=row["agency"].lower()),
            defaults={
                "period_start": period["start"],
                "period_end": period["end"],
                "proposed_due_date": row["due"],
                "due_date": row["due"],
                "submitted_on": row["submitted"],
                "status": "submitted",
            },
        )
    with (data_dir / "harries-walsh" / "chronology.csv").open(encoding="utf-8", newline="") as f:
        existing = set(ChronologyEntry.objects.filter(case=case).values_list("ref", flat=True))
        rows = [row for row in csv.DictReader(f) if row["entry_id"] not in existing]
    if not rows:
        return 0
    agencies = frozenset(code.upper() for code in Agency.objects.values_list("code", flat=True))
    upload = chronology_import_check(
        case=case, rows=rows, file_name="chronology.csv", agency_codes=agencies, uploaded_by=author
    )
    if upload.problems:
        raise ValueError(f"The demo chronology does not import cleanly: {upload.problems}")
    return chronology_import_run(upload=upload, agency_codes=agencies)


# --- Entries added and changed on screen ------------------------------------------------
# (Imported here so this part can be appended without touching the code above.)

# The columns of an entry that the entry form sets (subjects, themes and links aside).
ENTRY_COLUMNS = (
    "event_date",
    "date_precision",
    "event_time",
    "source",
    "event_type",
    "description",
    "impact_on_child",
    "action_taken",
    "no_action",
    "significance",
    "polarity",
    "engagement",
    "childs_words",
)


class EntryConflict(Exception):
    """The entry changed since the person saving it loaded it: nothing was saved."""

    def __init__(self, current: ChronologyEntry) -> None:
        super().__init__(current.ref)
        self.current = current


def _next_ref(*, case: Case, agency: Agency) -> str:
    """The agency's next entry reference in the case: HV-07 after HV-06."""
    prefix = f"{agency.code.upper()}-"
    numbers = [
        int(ref[len(prefix) :])
        for ref in ChronologyEntry.objects.filter(case=case, ref__startswith=prefix).values_list(
            "ref", flat=True
        )
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _check_belongs(*, case_id: int, data: Mapping[str, Any], ref: str | None) -> None:
    if any(person.case_id != case_id for person in data.get("subjects", ())):
        raise ValueError("a subject is not a person in this case")
    for _kind, target in data.get("links", ()):
        if target.case_id != case_id or target.ref == ref:
            raise ValueError(f"cannot link to {target.ref}")


def _set_relations(*, entry: ChronologyEntry, data: Mapping[str, Any]) -> list[str]:
    """Replace the subjects, themes and links given in `data`; return which changed."""
    changed = []
    if "subjects" in data:
        before = set(entry.subjects.values_list("pk", flat=True))
        entry.subjects.set(data["subjects"])
        if before != {person.pk for person in data["subjects"]}:
            changed.append("subjects")
    if "themes" in data:
        before = set(entry.themes.values_list("pk", flat=True))
        entry.themes.set(data["themes"])
        if before != {theme.pk for theme in data["themes"]}:
            changed.append("themes")
    if "links" in data:
        wanted = {(str(kind), target.pk) for kind, target in data["links"]}
        existing = set(EntryLink.objects.filter(source=entry).values_list("kind", "target_id"))
        if wanted != existing:
            EntryLink.objects.filter(source=entry).delete()
            EntryLink.objects.bulk_create(
                [EntryLink(source=entry, target_id=pk, kind=kind) for kind, pk in sorted(wanted)]
            )
            changed.append("links")
    return changed


@transaction.atomic
def entry_create(
    *, case: Case, agency: Agency, data: Mapping[str, Any], author: User, draft: bool
) -> ChronologyEntry:
    """Add an entry to `agency`'s chronology for `case`, as a draft or in full.

    `data` holds the entry's answers by column name, plus subjects (people of the case),
    themes and links (kind, target entry); a draft may leave out anything but the date.
    The agency's chronology is opened if this is its first entry.
    """
    _check_belongs(case_id=case.pk, data=data, ref=None)
    chronology = _chronology_for(case=case, agency=agency, today=timezone.localdate())
    columns = {name: data[name] for name in ENTRY_COLUMNS if name in data}
    for _attempt in range(5):
        ref = _next_ref(case=case, agency=agency)
        try:
            with transaction.atomic():
                entry = ChronologyEntry.objects.create(
                    case=case,
                    chronology=chronology,
                    ref=ref,
                    is_draft=draft,
                    created_by=author,
                    **columns,
                )
            break
        except IntegrityError:
            # Someone took the same reference a moment ago: take the next one.
            if not ChronologyEntry.objects.filter(case=case, ref=ref).exists():
                raise
    else:
        raise IntegrityError(f"no free entry reference for {agency.code}")
    _set_relations(entry=entry, data=data)
    audit.record(
        actor=author,
        action=AuditAction.CREATE,
        target=entry,
        case=case,
        detail={"ref": entry.ref, "agency": agency.code, "draft": draft},
    )
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: ChronologyEntry,
    data: Mapping[str, Any],
    expected_version: int,
    author: User,
    draft: bool,
) -> ChronologyEntry:
    """Change an entry, if nobody has changed it since `expected_version`.

    Raises EntryConflict (saving nothing) when the version has moved on. Only the answers
    in `data` change. An entry already in the chronology cannot go back to being a draft.
    The version goes up by one with every save, in the same UPDATE that checks it, so two
    saves from the same starting version cannot both succeed.
    """
    _check_belongs(case_id=entry.case_id, data=data, ref=entry.ref)
    columns = {name: data[name] for name in ENTRY_COLUMNS if name in data}
    changed = sorted(name for name, value in columns.items() if getattr(entry, name) != value)
    saved = (
        ChronologyEntry.objects.filter(pk=entry.pk, version=expected_version)
        .filter(Q(is_draft=True) | Q(is_draft=draft))
        .update(
            **columns,
            is_draft=draft,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
    )
    current = ChronologyEntry.objects.select_related("chronology__agency").get(pk=entry.pk)
    if not saved:
        if current.version == expected_version:
            raise ValueError("an entry in the chronology cannot go back to being a draft")
        raise EntryConflict(current)
    changed += _set_relations(entry=current, data=data)
    audit.record(
        actor=author,
        action=AuditAction.UPDATE,
        target=current,
        case=entry.case,
        detail={
            "ref": current.ref,
            "version": current.version,
            "draft": draft,
            "published": entry.is_draft and not draft,
            "fields": sorted(changed),
        },
    )
    return current


@transaction.atomic
def agency_chronology_request(
    *, case: Case, agency: Agency, period: domain.Period, requested_by: User
) -> AgencyChronology:
    """Ask an agency for its chronology of the family for a period (a new request reopens it)."""
    chronology, _created = AgencyChronology.objects.get_or_create(
        case=case,
        agency=agency,
        defaults={"period_start": period.start, "period_end": period.end},
    )
    chronology.period_start = min(chronology.period_start, period.start)
    chronology.period_end = max(chronology.period_end, period.end)
    chronology.status = ChronologyStatus.REQUESTED
    chronology.proposed_due_date = None
    chronology.due_date = None
    chronology.due_date_approved_by = None
    chronology.submitted_on = None
    chronology.return_reason = ""
    chronology.save()
    audit.record(
        actor=requested_by,
        action=AuditAction.UPDATE,
        target=chronology,
        case=case,
        detail={"status": "requested", "period": [str(period.start), str(period.end)]},
    )
    return chronology


@transaction.atomic
def chronology_due_date_propose(
    *, chronology: AgencyChronology, due: date, proposed_by: User
) -> AgencyChronology:
    """The agency's author proposes when its chronology will be ready; the chair approves."""
    chronology.proposed_due_date = due
    chronology.due_date = None
    chronology.due_date_approved_by = None
    if chronology.status == ChronologyStatus.REQUESTED:
        chronology.status = ChronologyStatus.IN_PROGRESS
    chronology.save()
    audit.record(
        actor=proposed_by,
        action=AuditAction.UPDATE,
        target=chronology,
        case=chronology.case,
        detail={"proposed_due_date": str(due)},
    )
    return chronology


@transaction.atomic
def chronology_due_date_approve(
    *, chronology: AgencyChronology, approved_by: User
) -> AgencyChronology:
    if chronology.proposed_due_date is None:
        raise ValueError("No due date has been proposed.")
    chronology.due_date = chronology.proposed_due_date
    chronology.due_date_approved_by = approved_by
    chronology.save()
    audit.record(
        actor=approved_by,
        action=AuditAction.UPDATE,
        target=chronology,
        case=chronology.case,
        detail={"due_date": str(chronology.due_date), "approved": True},
    )
    return chronology


@transaction.atomic
def chronology_submit(
    *, chronology: AgencyChronology, submitted_by: User, today: date
) -> AgencyChronology:
    """The agency shares its chronology with Children's Services."""
    chronology.status = ChronologyStatus.SUBMITTED
    chronology.submitted_on = today
    chronology.return_reason = ""
    chronology.save()
    audit.record(
        actor=submitted_by,
        action=AuditAction.SHARE,
        target=chronology,
        case=chronology.case,
        detail={"submitted_on": str(today)},
    )
    return chronology


@transaction.atomic
def chronology_export_request(
    *, case: Case, file_format: str, anonymised: bool, language: str, requested_by: User
) -> ChronologyExport:
    export = ChronologyExport.objects.create(
        case=case,
        format=file_format,
        anonymised=anonymised,
        language=language,
        created_by=requested_by,
    )
    audit.record(
        actor=requested_by,
        action=AuditAction.CREATE,
        target=export,
        case=case,
        detail={"format": file_format, "anonymised": anonymised},
    )
    return export


@transaction.atomic
def chronology_return(
    *, chronology: AgencyChronology, reason: str, returned_by: User
) -> AgencyChronology:
    """Children's Services sends a chronology back to its agency, saying why."""
    if not reason.strip():
        raise ValueError("A returned chronology needs a reason.")
    chronology.status = ChronologyStatus.RETURNED
    chronology.return_reason = reason
    chronology.submitted_on = None
    chronology.save()
    audit.record(
        actor=returned_by,
        action=AuditAction.UPDATE,
        target=chronology,
        case=chronology.case,
        detail={"status": "returned"},
    )
    return chronology


@transaction.atomic
def chronology_accept(*, chronology: AgencyChronology, accepted_by: User) -> AgencyChronology:
    """Children's Services accepts a submitted chronology into the multi-agency chronology."""
    chronology.status = ChronologyStatus.ACCEPTED
    chronology.save()
    audit.record(
        actor=accepted_by,
        action=AuditAction.UPDATE,
        target=chronology,
        case=chronology.case,
        detail={"status": "accepted"},
    )
    return chronology
