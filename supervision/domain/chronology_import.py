"""Checking chronology rows from a spreadsheet before anything is saved.

Pure Python: rows arrive as mappings of column name to text (the caller decodes the
file); what is known about the case (people, themes, agencies, existing entries) is passed
in. Problems are codes with the offending value, so the caller can word them in the
reader's language. A file is saved only when no row has a problem.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from supervision.domain.chronology import DatePrecision, Engagement, LinkKind, Polarity, Rag

COLUMNS = (
    "entry_id",
    "agency",
    "event_date",
    "date_precision",
    "event_time",
    "source_of_information",
    "event_type",
    "subject_persons",
    "description",
    "impact_on_child",
    "action_taken",
    "themes",
    "rag",
    "polarity",
    "engagement_flag",
    "links",
)
OPTIONAL_COLUMNS = ("childs_words",)
REQUIRED = (
    "entry_id",
    "agency",
    "event_date",
    "source_of_information",
    "event_type",
    "subject_persons",
    "description",
    "polarity",
)
NO_ACTION_WORDS = frozenset({"no action", "none", "dim gweithredu", "dim"})
MAX_LENGTHS = {"entry_id": 32, "source_of_information": 300}
_LIST_SPLIT = re.compile(r"\s*;\s*")


class Problem(enum.StrEnum):
    MISSING_COLUMN = "missing_column"
    MISSING = "missing"
    BAD_DATE = "bad_date"
    BAD_TIME = "bad_time"
    UNKNOWN_PERSON = "unknown_person"
    UNKNOWN_THEME = "unknown_theme"
    UNKNOWN_FLAG = "unknown_flag"
    UNKNOWN_CHOICE = "unknown_choice"
    UNKNOWN_AGENCY = "unknown_agency"
    DUPLICATE_REF = "duplicate_ref"
    EXISTING_REF = "existing_ref"
    BAD_LINK = "bad_link"
    UNKNOWN_LINK_TARGET = "unknown_link_target"
    TOO_LONG = "too_long"
    NO_ACTION_RECORDED = "no_action_recorded"


@dataclass(frozen=True, slots=True)
class RowProblem:
    column: str
    problem: Problem
    value: str = ""


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    ref: str
    agency: str
    event_date: date
    precision: DatePrecision
    event_time: time | None
    source: str
    event_type: str
    subjects: tuple[str, ...]
    description: str
    impact_on_child: str
    action_taken: str
    no_action: bool
    themes: tuple[str, ...]
    rag: Rag
    polarity: Polarity
    engagement: Engagement
    links: tuple[tuple[LinkKind, str], ...]
    childs_words: str = ""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rows are checked against."""

    people: frozenset[str]
    children: frozenset[str]
    themes: frozenset[str]
    agencies: frozenset[str]
    event_types: frozenset[str]
    existing_refs: frozenset[str] = frozenset()


@dataclass
class CheckResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: dict[int, list[RowProblem]] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing_columns


def parse_date(text: str, precision: DatePrecision) -> date | None:
    """Read 2025-06-12, 12/06/2025, 2025-06 (month) or 2025 (year). None if unreadable."""
    text = text.strip()
    formats = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
    if precision is DatePrecision.MONTH:
        formats += ["%Y-%m", "%m/%Y"]
    if precision is DatePrecision.YEAR:
        formats += ["%Y"]
    for pattern in formats:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_time(text: str) -> time | None:
    for pattern in ("%H:%M", "%H:%M:%S", "%H.%M"):
        try:
            return datetime.strptime(text.strip(), pattern).time()
        except ValueError:
            continue
    return None


def split_list(text: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(text.strip()) if part]


def _choice(enum_type: type[enum.StrEnum], text: str, default: str) -> enum.StrEnum | None:
    value = (text.strip().lower() or default).replace(" ", "_")
    try:
        return enum_type(value)
    except ValueError:
        return None


def check_rows(rows: Sequence[Mapping[str, str]], facts: CaseFacts) -> CheckResult:
    """Check every row; return the parsed rows and, per line number, what is wrong.

    Line numbers count the header as line 1, as a spreadsheet shows them.
    """
    result = CheckResult()
    present = set(rows[0].keys()) if rows else set(COLUMNS)
    result.missing_columns = [name for name in REQUIRED if name not in present]
    if result.missing_columns:
        return result
    refs_in_file: dict[str, int] = {}
    for row in rows:
        ref = (row.get("entry_id") or "").strip()
        if ref:
            refs_in_file.setdefault(ref, 0)
            refs_in_file[ref] += 1
    known_refs = facts.existing_refs | set(refs_in_file)
    for index, row in enumerate(rows):
        line = index + 2
        problems: list[RowProblem] = []
        parsed = _check_row(row, line, facts, refs_in_file, known_refs, problems)
        if problems:
            result.problems[line] = problems
        elif parsed is not None:
            result.rows.append(parsed)
    return result


def _check_row(
    row: Mapping[str, str],
    line: int,
    facts: CaseFacts,
    refs_in_file: Mapping[str, int],
    known_refs: Iterable[str],
    problems: list[RowProblem],
) -> ParsedRow | None:
    def value(column: str) -> str:
        return (row.get(column) or "").strip()

    for column in REQUIRED:
        if not value(column):
            problems.append(RowProblem(column, Problem.MISSING))
    for column, limit in MAX_LENGTHS.items():
        if len(value(column)) > limit:
            problems.append(RowProblem(column, Problem.TOO_LONG, str(limit)))

    ref = value("entry_id")
    if ref and refs_in_file.get(ref, 0) > 1:
        problems.append(RowProblem("entry_id", Problem.DUPLICATE_REF, ref))
    if ref and ref in facts.existing_refs:
        problems.append(RowProblem("entry_id", Problem.EXISTING_REF, ref))

    agency = value("agency").upper()
    if agency and agency not in facts.agencies:
        problems.append(RowProblem("agency", Problem.UNKNOWN_AGENCY, value("agency")))

    precision = _choice(DatePrecision, value("date_precision"), "exact")
    if precision is None:
        problems.append(
            RowProblem("date_precision", Problem.UNKNOWN_CHOICE, value("date_precision"))
        )
        precision = DatePrecision.EXACT
    event_date = (
        parse_date(value("event_date"), DatePrecision(precision)) if value("event_date") else None
    )
    if value("event_date") and event_date is None:
        problems.append(RowProblem("event_date", Problem.BAD_DATE, value("event_date")))

    event_time = parse_time(value("event_time")) if value("event_time") else None
    if value("event_time") and event_time is None:
        problems.append(RowProblem("event_time", Problem.BAD_TIME, value("event_time")))

    event_type = value("event_type").lower()
    if event_type and event_type not in facts.event_types:
        problems.append(RowProblem("event_type", Problem.UNKNOWN_CHOICE, value("event_type")))

    subjects = split_list(value("subject_persons"))
    for person in subjects:
        if person not in facts.people:
            problems.append(RowProblem("subject_persons", Problem.UNKNOWN_PERSON, person))
    # An entry may be about an adult only (a parent's GP consultation): it is part of the
    # children's world. The people named must be people in this case.

    themes = [theme.lower() for theme in split_list(value("themes"))]
    for theme in themes:
        if theme not in facts.themes:
            problems.append(RowProblem("themes", Problem.UNKNOWN_THEME, theme))

    rag = _choice(Rag, value("rag"), "none")
    if rag is None:
        problems.append(RowProblem("rag", Problem.UNKNOWN_CHOICE, value("rag")))
        rag = Rag.NONE
    polarity = _choice(Polarity, value("polarity"), "") if value("polarity") else None
    if value("polarity") and polarity is None:
        problems.append(RowProblem("polarity", Problem.UNKNOWN_CHOICE, value("polarity")))
    try:
        engagement = Engagement.parse(value("engagement_flag") or "n/a")
    except ValueError:
        problems.append(
            RowProblem("engagement_flag", Problem.UNKNOWN_FLAG, value("engagement_flag"))
        )
        engagement = Engagement.NOT_APPLICABLE

    action = value("action_taken")
    no_action = action.lower().rstrip(".") in NO_ACTION_WORDS
    if not action:
        problems.append(RowProblem("action_taken", Problem.NO_ACTION_RECORDED))

    links: list[tuple[LinkKind, str]] = []
    for link in split_list(value("links")):
        kind_text, _, target = link.partition(":")
        try:
            kind = LinkKind(kind_text.strip().lower())
        except ValueError:
            problems.append(RowProblem("links", Problem.BAD_LINK, link))
            continue
        target = target.strip()
        if not target or target == ref:
            problems.append(RowProblem("links", Problem.BAD_LINK, link))
        elif target not in known_refs:
            problems.append(RowProblem("links", Problem.UNKNOWN_LINK_TARGET, target))
        else:
            links.append((kind, target))

    if problems or event_date is None or polarity is None:
        return None
    return ParsedRow(
        line=line,
        ref=ref,
        agency=agency,
        event_date=event_date,
        precision=DatePrecision(precision),
        event_time=event_time,
        source=value("source_of_information"),
        event_type=event_type,
        subjects=tuple(subjects),
        description=value("description"),
        impact_on_child=value("impact_on_child"),
        action_taken="" if no_action else action,
        no_action=no_action,
        themes=tuple(themes),
        rag=Rag(rag),
        polarity=Polarity(polarity),
        engagement=engagement,
        links=tuple(links),
        childs_words=value("childs_words"),
    )
