"""Test data for the chronology tests.

1. The fictional Harries/Walsh scenario (domain.md §7), read from demo/. Test code may
   read files; the domain modules may not. The CSV and YAML rows are turned into domain
   values with nothing but the standard library and PyYAML, so the tests check the domain
   functions against the data practitioners wrote, not against values copied from the
   code under test.
2. ``make_entry`` and the ``entry_lists`` Hypothesis strategy for property tests.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from hypothesis import strategies as st

from supervision.domain.analysis import InvolvementFact
from supervision.domain.chronology import (
    DatePrecision,
    Engagement,
    Entry,
    Link,
    LinkKind,
    Polarity,
    Rag,
)

T = TypeVar("T")

SCENARIO = Path(__file__).resolve().parents[3] / "demo" / "harries-walsh"
REQUEST_DATE = date(2025, 12, 11)


def _split(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(";") if part.strip())


def _links(source: str, text: str) -> list[Link]:
    links = []
    for part in _split(text):
        kind, _, target = part.partition(":")
        links.append(Link(source=source, target=target.strip(), kind=LinkKind(kind.strip())))
    return links


@cache
def rows() -> tuple[dict[str, str], ...]:
    with (SCENARIO / "chronology.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def entry_from_row(row: dict[str, str]) -> Entry:
    return Entry(
        ref=row["entry_id"],
        agency=row["agency"],
        event_date=date.fromisoformat(row["event_date"]),
        precision=DatePrecision(row["date_precision"]),
        event_time=time.fromisoformat(row["event_time"]) if row["event_time"] else None,
        subjects=_split(row["subject_persons"]),
        event_type=row["event_type"],
        themes=_split(row["themes"]),
        rag=Rag(row["rag"]),
        polarity=Polarity(row["polarity"]),
        engagement=Engagement.parse(row["engagement_flag"]),
    )


@cache
def entries() -> tuple[Entry, ...]:
    return tuple(entry_from_row(row) for row in rows())


@cache
def links() -> tuple[Link, ...]:
    return tuple(link for row in rows() for link in _links(row["entry_id"], row["links"]))


def by_ref() -> dict[str, Entry]:
    return {entry.ref: entry for entry in entries()}


def _yaml(name: str) -> Any:
    with (SCENARIO / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def people() -> tuple[dict[str, Any], ...]:
    return tuple(_yaml("people.yaml")["people"])


@cache
def agencies() -> tuple[str, ...]:
    return tuple(agency["code"] for agency in _yaml("agencies.yaml")["agencies"])


@cache
def involvements() -> tuple[InvolvementFact, ...]:
    return tuple(
        InvolvementFact(
            agency=item["agency"],
            status=item["status"],
            engagement=item["engagement"],
            end_reason=item.get("end_reason", ""),
            ended_on=item.get("end"),
        )
        for item in _yaml("agencies.yaml")["involvements"]
    )


def person_id(given: str) -> str:
    """The key of the person with this given name (so tests read as the brief does)."""
    (found,) = [person["id"] for person in people() if person["given"] == given]
    return str(found)


def significant_adults() -> tuple[str, ...]:
    """Adults with a parental or caring role for the children (parents, mother's partner)."""
    return tuple(
        person["id"] for person in people() if person["role"] in {"parent", "partner_of_parent"}
    )


# --- synthetic entries -----------------------------------------------------------------


def make_entry(
    ref: str,
    day: str | date,
    *,
    agency: str = "CS",
    precision: DatePrecision = DatePrecision.EXACT,
    at: str | None = None,
    sequence: int = 0,
    subjects: frozenset[str] = frozenset({"P1"}),
    event_type: str = "visit",
    themes: frozenset[str] = frozenset(),
    rag: Rag = Rag.NONE,
    polarity: Polarity = Polarity.NEUTRAL,
    engagement: Engagement = Engagement.NOT_APPLICABLE,
) -> Entry:
    """An entry with defaults for everything a test does not care about."""
    return Entry(
        ref=ref,
        agency=agency,
        event_date=day if isinstance(day, date) else date.fromisoformat(day),
        precision=precision,
        event_time=time.fromisoformat(at) if at else None,
        sequence=sequence,
        subjects=subjects,
        event_type=event_type,
        themes=themes,
        rag=rag,
        polarity=polarity,
        engagement=engagement,
    )


AGENCY_CODES = ("CS", "CSX", "GP", "HV", "POL")
THEME_CODES = ("domestic_abuse", "non_engagement", "network", "health")
_TIMES = (None, time(0, 0), time(8, 20), time(23, 40))
_SUBJECTS = tuple(
    frozenset(people)
    for people in (
        ["P1"],
        ["P2"],
        ["P3"],
        ["P1", "P2"],
        ["P1", "P3"],
        ["P2", "P3"],
        ["P1", "P2", "P3"],
    )
)
_THEME_SETS = (
    frozenset(),
    *(frozenset({theme}) for theme in THEME_CODES),
    *(
        frozenset({a, b})
        for position, a in enumerate(THEME_CODES)
        for b in THEME_CODES[position + 1 :]
    ),
)
_EVENT_TYPES = ("incident", "visit", "decision")


def _decode(number: int, index: int, first: date, days: int) -> Entry:
    """Turn one drawn number into an entry: each field is one digit of a mixed radix."""

    def pick(options: Sequence[T]) -> T:
        nonlocal number
        number, digit = divmod(number, len(options))
        return options[digit]

    return Entry(
        ref=f"{pick(('R0', 'R1', 'R2', 'R3'))}-{index:03d}",
        agency=pick(AGENCY_CODES),
        event_date=first + timedelta(days=pick(range(days))),
        precision=pick(tuple(DatePrecision)),
        event_time=pick(_TIMES),
        sequence=pick((0, 1, 2)),
        subjects=pick(_SUBJECTS),
        event_type=pick(_EVENT_TYPES),
        themes=pick(_THEME_SETS),
        rag=pick(tuple(Rag)),
        polarity=pick(tuple(Polarity)),
        engagement=pick(tuple(Engagement)),
    )


def entry_lists(
    *,
    min_size: int = 0,
    max_size: int = 40,
    first: date = date(2023, 12, 20),
    last: date = date(2024, 3, 5),
) -> st.SearchStrategy[list[Entry]]:
    """Entries with unique refs, crowded into a few months so that ties are common.

    Dates cross a year end and a leap day; precision, time, sequence and agency vary, so
    every rule of the sort order gets exercised. Each entry is one drawn number decoded
    into fields, which keeps generation fast and shrinks towards the simplest entry.
    """
    days = (last - first).days + 1
    return st.lists(
        st.integers(min_value=0, max_value=2**80), min_size=min_size, max_size=max_size
    ).map(
        lambda numbers: [
            _decode(number, index, first, days) for index, number in enumerate(numbers)
        ]
    )
