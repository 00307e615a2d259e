"""Queries that shape chronology pages. A fixed number of queries whatever the size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, Prefetch
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from supervision.cases.models import Case, Involvement, Person, PersonRole
from supervision.chronology.models import (
    AgencyChronology,
    ChronologyEntry,
    ChronologyFinding,
    ChronologyImport,
    EntryLink,
    Theme,
)
from supervision.domain import analysis as domain_analysis
from supervision.domain import chronology as domain
from supervision.domain.chronology_import import Problem

ROWS_PER_PAGE = 200
# Adults whose absence from every agency's records is itself worth seeing (B8).
SIGNIFICANT_ROLES = (PersonRole.PARENT, PersonRole.CARER, PersonRole.PARTNER_OF_PARENT)


@dataclass
class EntryRow:
    entry: ChronologyEntry
    group: str | None
    subjects: list[Person]
    themes: list[Theme]
    links: list[tuple[str, str]] = field(default_factory=list)


ENGAGEMENT_COLUMNS = (
    domain.Engagement.WAS_NOT_BROUGHT,
    domain.Engagement.DID_NOT_ATTEND,
    domain.Engagement.NO_ACCESS,
    domain.Engagement.CANCELLED,
    domain.Engagement.DECLINED,
    domain.Engagement.NOT_RESPONDING,
)


@dataclass
class Findings:
    """The analysis, with entries and people ready to show."""

    sequences: list[tuple[EntryRow, list[EntryRow]]]
    engagement: list[tuple[Person, list[int]]]
    conflicts: list[tuple[EntryRow, EntryRow, list[EntryRow]]]
    agencies_without_entries: list[str]
    people_without_information: list[Person]
    silences: list[domain_analysis.Silence]
    previous_non_engagement: list[Involvement]
    strengths: list[tuple[str, list[EntryRow]]]
    strength_count: int
    worry_count: int
    months: list[date]
    heatmap: list[tuple[str, list[int]]]
    peak: int


@dataclass
class MergedView:
    case: Case
    period: domain.Period
    default_period: domain.Period
    page: Page[EntryRow]
    total: int
    analysis: domain_analysis.Analysis
    by_ref: dict[str, EntryRow]
    people: list[Person]
    themes: list[Theme]
    agencies: list[tuple[str, str, str]]
    findings: list[ChronologyFinding]
    involvements: list[Involvement]
    shown_analysis: Findings | None = None


def chronology_period(case: Case, today: date) -> domain.Period:
    """The period the agencies were asked to cover, or the 12 months before today."""
    bounds = AgencyChronology.objects.filter(case=case).aggregate(
        start=Min("period_start"), end=Max("period_end")
    )
    if bounds["start"] and bounds["end"]:
        return domain.Period(bounds["start"], bounds["end"])
    return domain.default_period(today)


def filtered_period(default: domain.Period, filters: dict[str, Any]) -> domain.Period:
    """The period asked for; a missing end stretches to take in the other one given, so a
    lone "to" before the default start (or "from" after its end) is still a period."""
    start, end = filters.get("start"), filters.get("end")
    if start and end:
        return domain.Period(start, end)
    if end:
        return domain.Period(min(default.start, end), end)
    if start:
        return domain.Period(start, max(default.end, start))
    return default


def merged_chronology(
    case: Case,
    *,
    today: date,
    filters: dict[str, Any],
    page: int | str | None = 1,
) -> MergedView:
    default = chronology_period(case, today)
    period = filtered_period(default, filters)
    entries = list(
        ChronologyEntry.objects.filter(case=case, is_draft=False)
        .select_related("chronology__agency")
        .prefetch_related(
            Prefetch("subjects", queryset=Person.objects.order_by("pk")),
            Prefetch("themes", queryset=Theme.objects.order_by("code")),
        )
    )
    links = [
        domain.Link(source, target, domain.LinkKind(kind))
        for source, target, kind in EntryLink.objects.filter(source__case=case).values_list(
            "source__ref", "target__ref", "kind"
        )
    ]
    rows: dict[str, EntryRow] = {}
    domain_entries = []
    for entry in entries:
        subjects = list(entry.subjects.all())
        themes = list(entry.themes.all())
        rows[entry.ref] = EntryRow(entry=entry, group=None, subjects=subjects, themes=themes)
        domain_entries.append(entry.to_domain(subjects=subjects, themes=themes))
    for link in links:
        if link.source in rows:
            rows[link.source].links.append((link.kind.value, link.target))

    merged = domain.merge(domain_entries, links, period)
    for row in merged.rows:
        rows[row.entry.ref].group = row.group
    people = list(case.people.order_by("date_of_birth", "pk"))
    involvements = list(case.involvements.select_related("agency").order_by("agency__name_en"))
    result = domain_analysis.analyse(
        merged.entries,
        links,
        people=[person.key for person in people],
        significant_people=[p.key for p in people if p.role in SIGNIFICANT_ROLES],
        expected_agencies=[involvement.agency.code.upper() for involvement in involvements],
        involvements=[
            domain_analysis.InvolvementFact(
                agency=involvement.agency.code.upper(),
                status=involvement.status,
                engagement=involvement.engagement_status,
                end_reason=involvement.end_reason,
                ended_on=involvement.end_date,
            )
            for involvement in involvements
        ],
        period=period,
    )
    shown = [rows[row.entry.ref] for row in merged.rows if _matches(rows[row.entry.ref], filters)]
    themes = list(Theme.objects.order_by("name_en"))
    agencies = sorted(
        {(i.agency.code.upper(), i.agency.name, i.agency.name_lang) for i in involvements},
        key=lambda a: a[1],
    )
    view = MergedView(
        case=case,
        period=period,
        default_period=default,
        page=Paginator(shown, ROWS_PER_PAGE).get_page(page),
        total=len(shown),
        analysis=result,
        by_ref=rows,
        people=people,
        themes=[theme for theme in themes if theme.is_active],
        agencies=agencies,
        findings=list(
            ChronologyFinding.objects.filter(case=case)
            .select_related("author")
            .prefetch_related(Prefetch("entries", queryset=ChronologyEntry.objects.only("ref")))
        ),
        involvements=involvements,
    )
    view.shown_analysis = _shape(result, rows, people, involvements, themes, period)
    return view


def _shape(
    result: domain_analysis.Analysis,
    rows: dict[str, EntryRow],
    people: list[Person],
    involvements: list[Involvement],
    themes: list[Theme],
    period: domain.Period,
) -> Findings:
    by_key = {person.key: person for person in people}
    names = {theme.code: theme.name for theme in themes}
    agency_names = {i.agency.code.upper(): i.agency.name for i in involvements}
    previous_agencies = {fact.agency for fact in result.previous_non_engagement}
    month_keys = list(period.months())
    months = [date(int(key[:4]), int(key[5:7]), 1) for key in month_keys]
    counts = result.themes_by_month
    heatmap = sorted(
        (
            (
                names.get(code, code),
                [counts[month][code] if month in counts else 0 for month in month_keys],
            )
            for code in {code for by_theme in counts.values() for code in by_theme}
        ),
        key=lambda item: item[0],
    )
    return Findings(
        sequences=[
            (rows[found.trigger.ref], [rows[entry.ref] for entry in found.followers])
            for found in result.incident_sequences
        ],
        engagement=[
            (by_key[key], [found.get(flag, 0) for flag in ENGAGEMENT_COLUMNS])
            for key, found in result.engagement_counts.items()
            if key in by_key and any(found.get(flag, 0) for flag in ENGAGEMENT_COLUMNS)
        ],
        conflicts=[
            (rows[c.a.ref], rows[c.b.ref], [rows[e.ref] for e in c.corroborating])
            for c in result.conflicts
        ],
        agencies_without_entries=[
            agency_names.get(code, code) for code in result.gaps.agencies_without_entries
        ],
        people_without_information=[
            by_key[key] for key in result.gaps.people_without_information if key in by_key
        ],
        silences=list(result.gaps.silences),
        previous_non_engagement=[
            i for i in involvements if i.agency.code.upper() in previous_agencies
        ],
        strengths=sorted(
            (
                (names.get(code, code), [rows[entry.ref] for entry in found])
                for code, found in result.strengths_by_theme.items()
            ),
            key=lambda item: item[0],
        ),
        strength_count=len(result.strengths_and_worries.strengths),
        worry_count=len(result.strengths_and_worries.worries),
        months=months,
        heatmap=heatmap,
        peak=max((count for _name, cells in heatmap for count in cells), default=0),
    )


def _matches(row: EntryRow, filters: dict[str, Any]) -> bool:
    entry = row.entry
    if filters.get("agency") and entry.chronology.agency.code.upper() != filters["agency"]:
        return False
    if filters.get("person") and filters["person"] not in {p.key for p in row.subjects}:
        return False
    if filters.get("theme") and filters["theme"] not in {t.code for t in row.themes}:
        return False
    return not (filters.get("polarity") and entry.polarity != filters["polarity"])


PROBLEM_MESSAGES = {
    Problem.MISSING: _("%(column)s is missing"),
    Problem.BAD_DATE: _("“%(value)s” is not a date (use 2025-06-12 or 12/06/2025)"),
    Problem.BAD_TIME: _("“%(value)s” is not a time (use 14:30)"),
    Problem.UNKNOWN_PERSON: _("“%(value)s” is not a person in this case"),
    Problem.UNKNOWN_THEME: _("“%(value)s” is not a theme in the list"),
    Problem.UNKNOWN_FLAG: _("“%(value)s” is not an engagement flag in the list"),
    Problem.UNKNOWN_CHOICE: _("“%(value)s” is not one of the choices for %(column)s"),
    Problem.UNKNOWN_AGENCY: _(
        "“%(value)s” is not an agency involved in this case that you can add entries for"
    ),
    Problem.DUPLICATE_REF: _("entry reference %(value)s is used more than once in the file"),
    Problem.EXISTING_REF: _("entry %(value)s is already in this case's chronology"),
    Problem.BAD_LINK: _("“%(value)s” is not a link (use same_event:HV-01)"),
    Problem.UNKNOWN_LINK_TARGET: _("links to %(value)s, which is not in the chronology"),
    Problem.TOO_LONG: _("%(column)s is longer than %(value)s characters"),
    Problem.NO_ACTION_RECORDED: _("record the action taken, or write “No action”"),
}
COLUMN_LABELS = {
    "entry_id": _("Entry reference"),
    "agency": _("Agency"),
    "event_date": _("Date of event"),
    "date_precision": _("How exact the date is"),
    "event_time": _("Time"),
    "source_of_information": _("Source of information"),
    "event_type": _("Type of event"),
    "subject_persons": _("People"),
    "description": _("What happened"),
    "impact_on_child": _("Impact on the child"),
    "action_taken": _("Action taken"),
    "themes": _("Themes"),
    "rag": _("Significance"),
    "polarity": _("Strength or worry"),
    "engagement_flag": _("Engagement"),
    "links": _("Links"),
}


@dataclass
class PreviewRow:
    line: int
    ref: str
    agency: str
    event_date: str
    problems: list[str]


def import_preview(upload: ChronologyImport) -> list[PreviewRow]:
    """Every row of a checked file with its problems worded for the reader."""
    found = upload.problems
    preview = []
    for index, row in enumerate(upload.rows):
        line = index + 2
        messages = [
            str(PROBLEM_MESSAGES[Problem(problem["problem"])])
            % {
                "column": COLUMN_LABELS.get(problem["column"], problem["column"]),
                "value": problem["value"],
            }
            for problem in found.get(str(line), [])
        ]
        preview.append(
            PreviewRow(
                line=line,
                ref=row.get("entry_id", ""),
                agency=row.get("agency", ""),
                event_date=row.get("event_date", ""),
                problems=messages,
            )
        )
    return preview


def drafts(case: Case, agency_codes: frozenset[str]) -> list[ChronologyEntry]:
    """Draft entries of the agencies the user writes for, newest first."""
    found = ChronologyEntry.objects.filter(case=case, is_draft=True).select_related(
        "chronology__agency"
    )
    return [
        entry
        for entry in found.order_by("-updated_at")
        if entry.chronology.agency.code.upper() in agency_codes
    ]


# Labels for people in an anonymised export, by role; children share one numbering.
_ROLE_LABELS: dict[str, Any] = {
    PersonRole.SUBJECT_CHILD: gettext_lazy("Child"),
    PersonRole.OTHER_CHILD: gettext_lazy("Child"),
    PersonRole.PARENT: gettext_lazy("Parent"),
    PersonRole.CARER: gettext_lazy("Carer"),
    PersonRole.PARTNER_OF_PARENT: gettext_lazy("Parent’s partner"),
    PersonRole.RELATIVE: gettext_lazy("Relative"),
    PersonRole.SIGNIFICANT_ADULT: gettext_lazy("Significant adult"),
}


def role_labels(people: Sequence[Person]) -> dict[int, str]:
    """A label for each person (by pk) from their role: "Child 1", "Child 2", "Parent 1",
    "Relative". People are numbered in the order they were added to the case; a role held
    by one person only is not numbered, except that children always are."""
    ordered_people = sorted(people, key=lambda person: person.pk)
    bases = {
        person.pk: str(_ROLE_LABELS.get(person.role, gettext("Person")))
        for person in ordered_people
    }
    totals = Counter(bases.values())
    child = str(_ROLE_LABELS[PersonRole.SUBJECT_CHILD])
    seen: Counter[str] = Counter()
    labels = {}
    for person in ordered_people:
        base = bases[person.pk]
        seen[base] += 1
        if totals[base] > 1 or base == child:
            labels[person.pk] = gettext("%(role)s %(number)s") % {
                "role": base,
                "number": seen[base],
            }
        else:
            labels[person.pk] = base
    return labels


def name_replacements(
    people: Sequence[Person], labels: Mapping[int, str], case: Case
) -> dict[str, str]:
    """Every way the people are named (full name, each given name, family name), with the
    label to write instead. A name two people share becomes "[name removed]"."""
    removed = gettext("[name removed]")
    found: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}

    def add(name: str, label: str) -> None:
        key = " ".join(name.split()).casefold()
        if key:
            found.setdefault(key, set()).add(label)
            spelled.setdefault(key, name)

    for person in people:
        label = labels[person.pk]
        add(person.full_name, label)
        add(person.given_names, label)
        add(person.family_name, label)
        for part in [*person.given_names.split(), *person.family_name.split()]:
            add(part, label)
    add(case.family_name, removed)
    return {
        spelled[key]: next(iter(chosen)) if len(chosen) == 1 else removed
        for key, chosen in found.items()
    }
