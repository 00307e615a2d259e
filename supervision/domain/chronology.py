"""Multi-agency chronology: entries, periods, ordering and merging. Pure Python.

No Django, no I/O, no clock: "today" and the request date are always passed in.

Conventions (domain.md §3.1, B1-B8):

- An entry's ``ref`` (for example ``"HV-01"``) is its stable id, unique within one merged
  chronology. ``agency`` is the contributing agency's code, stamped on merge.
- ``event_date`` is read with its ``precision``:

  ========================  ==================================================
  ``exact``                 the day itself
  ``approximate``           treated as the day given ("around the start of June")
  ``month``                 some day in the month of ``event_date``
  ``year``                  some day in the year of ``event_date``
  ========================  ==================================================

  :func:`span` turns that into the inclusive range of days the entry could fall on.
- A :class:`Period` is inclusive at both ends. The default period is the 12 months up to,
  and not including, the request date (:func:`default_period`).
- :func:`sort_key` defines the one order every view uses; see its docstring.
- :func:`merge` filters to a period, orders, and groups entries that record the same event.
  It never changes an entry: each entry stays owned by its agency.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from operator import attrgetter

ONE_DAY = timedelta(days=1)


class DatePrecision(StrEnum):
    """How precisely an entry's ``event_date`` is known (B1)."""

    EXACT = "exact"
    APPROXIMATE = "approximate"
    MONTH = "month"
    YEAR = "year"


class Polarity(StrEnum):
    """Whether an entry records a strength, a worry, both, or neither (B4)."""

    STRENGTH = "strength"
    WORRY = "worry"
    BOTH = "both"
    NEUTRAL = "neutral"


class Engagement(StrEnum):
    """The engagement flag on an entry (B6).

    ``was_not_brought`` is for children (a child does not take themselves to an
    appointment); ``did_not_attend`` is for adults and older young people; ``cancelled`` is
    "unable to attend" with notice; ``no_access`` is a practitioner denied access to the
    child or home. ``not_applicable`` is the CSV's ``n/a``.
    """

    WAS_NOT_BROUGHT = "was_not_brought"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"
    NO_ACCESS = "no_access"
    DECLINED = "declined"
    NOT_RESPONDING = "not_responding"
    ENGAGED = "engaged"
    NOT_APPLICABLE = "not_applicable"

    @classmethod
    def parse(cls, text: str) -> Engagement:
        """Read a flag as people and spreadsheets write it.

        Case, surrounding spaces, hyphens and inner spaces are ignored, so
        ``"Was not brought"``, ``"was-not-brought"`` and ``"was_not_brought"`` are the same.
        ``"n/a"``, ``"na"``, ``"none"`` and the empty string mean ``not_applicable``; the
        abbreviations ``WNB`` and ``DNA`` are accepted. Anything else raises ValueError.
        """
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        found = _ENGAGEMENT_ALIASES.get(key)
        if found is None:
            try:
                return cls(key)
            except ValueError:
                raise ValueError(f"unknown engagement flag {text!r}") from None
        return found


_ENGAGEMENT_ALIASES: dict[str, Engagement] = {
    "": Engagement.NOT_APPLICABLE,
    "n/a": Engagement.NOT_APPLICABLE,
    "na": Engagement.NOT_APPLICABLE,
    "none": Engagement.NOT_APPLICABLE,
    "wnb": Engagement.WAS_NOT_BROUGHT,
    "dna": Engagement.DID_NOT_ATTEND,
}


class Rag(StrEnum):
    """Optional red/amber/green significance rating; ``none`` when not rated (B4)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NONE = "none"


class LinkKind(StrEnum):
    """How two entries relate.

    ``same_event``: two agencies' records of one event (symmetric). ``corroborates``:
    ``source`` supports ``target``'s account. ``conflicts_with``: the accounts disagree
    (symmetric; recording it in both directions is the same conflict).
    """

    SAME_EVENT = "same_event"
    CORROBORATES = "corroborates"
    CONFLICTS_WITH = "conflicts_with"


_MONTH = DatePrecision.MONTH
_YEAR = DatePrecision.YEAR
_PRECISION_RANK = {
    DatePrecision.EXACT: 0,
    DatePrecision.APPROXIMATE: 0,
    DatePrecision.MONTH: 1,
    DatePrecision.YEAR: 2,
}
_MICROSECONDS_A_DAY = 86_400_000_000
MAX_SEQUENCE = 999_999_999

#: What :func:`sort_key` returns: an opaque string whose order is the chronology order.
SortKey = str


@dataclass(frozen=True, slots=True)
class Entry:
    """One agency's chronology entry, reduced to the facts the analysis needs.

    ``sequence`` orders an agency's entries on the same day: 0 (the default) when unused,
    at most ``MAX_SEQUENCE``. ``subjects`` holds person keys (``"P1"``); ``themes`` holds
    theme codes.

    ``first_day``, ``last_day`` (the :func:`span`) and ``order_key`` (the :func:`sort_key`)
    are derived from the other fields when the entry is made, so that merging and
    analysing large chronologies never recompute them. They take no part in equality.
    """

    ref: str
    agency: str
    event_date: date
    precision: DatePrecision
    event_time: time | None
    subjects: frozenset[str]
    event_type: str
    themes: frozenset[str]
    rag: Rag
    polarity: Polarity
    engagement: Engagement
    sequence: int = 0
    first_day: date = field(init=False, repr=False, compare=False)
    last_day: date = field(init=False, repr=False, compare=False)
    order_key: SortKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        day = self.event_date
        precision = self.precision
        if precision == _MONTH:
            first = date(day.year, day.month, 1)
            last = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        elif precision == _YEAR:
            first, last = date(day.year, 1, 1), date(day.year, 12, 31)
        else:
            first = last = day
        if not 0 <= self.sequence <= MAX_SEQUENCE:
            raise ValueError(f"{self.ref}: sequence must be 0 to {MAX_SEQUENCE}")
        if "\x00" in self.agency:
            raise ValueError(f"{self.ref}: agency code contains a NUL character")
        at = self.event_time
        # One integer carries rules 1-3 of sort_key (day, then precision, then time of day);
        # fixed-width digits make string order equal number order, and NUL ends the agency
        # code so that "CS" sorts before "CSX" as it would on its own.
        moment = (first.toordinal() * 3 + _PRECISION_RANK[precision]) * 2
        if at is None:
            moment = (moment + 1) * _MICROSECONDS_A_DAY
        else:
            moment = moment * _MICROSECONDS_A_DAY + (
                ((at.hour * 60 + at.minute) * 60 + at.second) * 1_000_000 + at.microsecond
            )
        key = f"{moment:020d}{self.sequence:010d}{self.agency}\x00{self.ref}"
        object.__setattr__(self, "first_day", first)
        object.__setattr__(self, "last_day", last)
        object.__setattr__(self, "order_key", key)


@dataclass(frozen=True, slots=True)
class Link:
    """A typed relation from the entry ``source`` to the entry ``target`` (both refs)."""

    source: str
    target: str
    kind: LinkKind


def span(entry: Entry) -> tuple[date, date]:
    """The inclusive first and last day the entry could have happened on.

    Exact and approximate entries span their own day; month precision spans the whole
    month of ``event_date``; year precision the whole year.
    """
    return entry.first_day, entry.last_day


def month_key(day: date) -> str:
    """The ``"YYYY-MM"`` key used for every monthly axis."""
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive range of days, ``start`` to ``end``; ``start`` must not be after ``end``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"period starts ({self.start}) after it ends ({self.end})")

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, entry: Entry) -> bool:
        """True if the entry could have happened in the period.

        An imprecise entry is in the period when any day of its :func:`span` is: a
        month-precision entry for December 2024 is in a period starting 11 December 2024.
        """
        return entry.first_day <= self.end and entry.last_day >= self.start

    def months(self) -> tuple[str, ...]:
        """Every calendar month the period touches, as ``"YYYY-MM"``, in order."""
        year, month = self.start.year, self.start.month
        keys: list[str] = []
        while (year, month) <= (self.end.year, self.end.month):
            keys.append(month_key(date(year, month, 1)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(keys)


def twelve_months_before(day: date) -> date:
    """The same calendar date one year earlier; 29 February becomes 1 March.

    Rolling forward (not back to 28 February) keeps a 12-month period from holding the same
    day of the year twice.
    """
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February, and the year before has none
        return date(day.year - 1, 3, 1)


def default_period(request_date: date) -> Period:
    """The 12 months before the request: request 2025-12-11 gives 2024-12-11 to 2025-12-10.

    The request day itself is not included. A request on 29 February 2024 gives
    2023-03-01 to 2024-02-28 (see :func:`twelve_months_before`).
    """
    return Period(twelve_months_before(request_date), request_date - ONE_DAY)


def period_needs_reason(period: Period, request_date: date) -> bool:
    """True when the period is longer than the default 12 months (R33: a reason is needed).

    That is the case when it reaches back before the default period for the request
    (:func:`default_period`), or when it spans more than 12 calendar months wherever it
    ends. A shorter or equal period inside the default never needs a reason.
    """
    if period.start < default_period(request_date).start:
        return True
    return period.start < twelve_months_before(period.end + ONE_DAY)


def sort_key(entry: Entry) -> SortKey:
    """The one total, stable order of a chronology.

    Entries are ordered by, in turn:

    1. the first day of the entry's :func:`span` (an imprecise entry sorts at the start of
       its month or year);
    2. precision: on that day, exact and approximate entries come first, then
       month-precision entries, then year-precision ones ("sometime in June" is read after
       everything known to have happened on 1 June);
    3. time of day: entries with a time come before entries without one on the same day,
       earliest time first. An untimed entry happened "sometime that day", and is usually
       an agency's response to a timed event (the police log the 01:15 incident; school
       records what the child said);
    4. ``sequence`` (an agency's own same-day order);
    5. agency code, then ``ref``, alphabetically, so ties never depend on input order.

    Because refs are unique in a chronology, no two entries share a key: the order is total.
    The key is computed once, when the entry is made (``Entry.order_key``). It is a string
    (sorting strings is several times faster than sorting tuples); compare keys, don't
    take them apart.
    """
    return entry.order_key


_ORDER_KEY = attrgetter("order_key")
_REF = attrgetter("ref")
_ENTRY = attrgetter("entry")


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """The entries in :func:`sort_key` order (a new list)."""
    return sorted(entries, key=_ORDER_KEY)


def first_key_on(day: date) -> SortKey:
    """A key below every entry whose span starts on or after ``day``, above all others.

    So ``bisect_left(chronology, first_key_on(day), key=sort_key)`` is where ``day`` begins
    in an ordered chronology.
    """
    return f"{day.toordinal() * 6 * _MICROSECONDS_A_DAY:020d}"


_LONGEST_SPAN = timedelta(days=366)


def clip(chronology: Sequence[Entry], period: Period) -> list[Entry]:
    """The entries of an ordered chronology that ``period`` :meth:`~Period.contains`.

    ``chronology`` must already be in :func:`sort_key` order (as :func:`ordered` and
    :func:`merge` return it); the result keeps that order. Runs in O(log n + result):
    only imprecise entries that start before the period and may run into it are checked
    one by one.
    """
    start, end = period.start, period.end
    low = bisect_left(chronology, first_key_on(start), key=_ORDER_KEY)
    high = (
        len(chronology)
        if end == date.max
        else bisect_left(chronology, first_key_on(end + ONE_DAY), low, key=_ORDER_KEY)
    )
    floor = start - _LONGEST_SPAN if start - date.min > _LONGEST_SPAN else date.min
    earliest = bisect_left(chronology, first_key_on(floor), 0, low, key=_ORDER_KEY)
    spilling = [entry for entry in chronology[earliest:low] if entry.last_day >= start]
    return [*spilling, *chronology[low:high]]


@dataclass(frozen=True, slots=True)
class Row:
    """A merged-chronology row: the entry and the id of its same-event group, if any."""

    entry: Entry
    group: str | None = None


@dataclass(frozen=True, slots=True)
class MergedChronology:
    """The merged chronology.

    ``rows`` are in :func:`sort_key` order. ``groups`` maps a same-event group id (the ref
    of the group's earliest entry) to the refs of its entries, in row order. ``links`` are
    the links whose two ends are both in ``rows``, each once, ordered by source then target.
    """

    rows: tuple[Row, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    period: Period | None = None

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries of ``rows``, in order."""
        return tuple(map(_ENTRY, self.rows))


def _same_event_groups(
    links: Iterable[Link], by_ref: dict[str, Entry]
) -> dict[str, tuple[str, ...]]:
    """Connected components of ``same_event`` links, keyed and ordered by earliest entry."""
    parent: dict[str, str] = {}

    def root(ref: str) -> str:
        while (up := parent.get(ref, ref)) != ref:
            parent[ref] = parent.get(up, up)
            ref = up
        return ref

    def key(ref: str) -> str:
        return by_ref[ref].order_key

    for link in links:
        if link.kind == LinkKind.SAME_EVENT:
            top_a, top_b = root(link.source), root(link.target)
            if top_a != top_b:
                first, second = sorted((top_a, top_b), key=key)
                parent[second] = first
                parent.setdefault(first, first)

    members: dict[str, list[str]] = {}
    for ref in parent:
        members.setdefault(root(ref), []).append(ref)
    return {top: tuple(sorted(members[top], key=key)) for top in sorted(members, key=key)}


def merge(
    entries: Iterable[Entry],
    links: Iterable[Link] = (),
    period: Period | None = None,
) -> MergedChronology:
    """Merge agency entries into one chronology.

    - Every ref must be unique: a repeated ref raises ValueError naming it (the caller,
      not this function, decides which version of an entry is current).
    - With a ``period``, only entries it :meth:`~Period.contains` are kept.
    - Rows are ordered by :func:`sort_key`, so the result does not depend on input order.
    - Entries joined by ``same_event`` links, directly or through other entries, form a
      group identified by the ref of its earliest entry. Links that name an entry not in
      the result (outside the period, or not supplied) are dropped and group nothing.
    """
    supplied = list(entries)
    by_ref = dict(zip(map(_REF, supplied), supplied, strict=True))
    if len(by_ref) != len(supplied):
        seen: set[str] = set()
        for entry in supplied:
            if entry.ref in seen:
                raise ValueError(f"duplicate entry ref {entry.ref!r}")
            seen.add(entry.ref)
    supplied.sort(key=_ORDER_KEY)
    kept = supplied if period is None else clip(supplied, period)

    def inside(ref: str) -> bool:
        entry = by_ref.get(ref)
        return entry is not None and (period is None or period.contains(entry))

    kept_links = tuple(
        sorted(
            {link for link in links if inside(link.source) and inside(link.target)},
            key=lambda link: (
                by_ref[link.source].order_key,
                by_ref[link.target].order_key,
                link.kind,
            ),
        )
    )
    groups = _same_event_groups(kept_links, by_ref)

    rows = list(map(Row, kept))
    for top, refs in groups.items():
        for ref in refs:
            index = bisect_left(kept, by_ref[ref].order_key, key=_ORDER_KEY)
            rows[index] = Row(kept[index], top)
    return MergedChronology(rows=tuple(rows), groups=groups, links=kept_links, period=period)
