"""Chronology analysis: computed views that SURFACE facts for the supervision session.

Pure Python: no Django, no I/O, no clock. Every function takes the entries, links and
people it needs as arguments.

Nothing here scores, rates or ranks a family. Each function answers a factual question
("which entries record a missed health appointment for this child?", "which agencies sent
nothing?") and returns the entries behind the answer, so practitioners can read them and
form their own analysis (domain.md §3.1, B5-B8, B11).

Conventions:

- Results that list entries keep the chronology's order (:func:`~.chronology.sort_key`),
  whatever order the input was in.
- Day counts are whole days between two dates, ``(later - earlier).days``.
- Questions about timing ("within 70 days") only use entries dated to the day (``exact``
  or ``approximate``): whether a month- or year-precision entry fell within N days of
  something is unknown, so those entries take no part in :func:`find_sequences`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from collections.abc import Sequence as Sequence_  # "Sequence" is a result type below
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, chain
from operator import attrgetter

from supervision.domain.chronology import (
    DatePrecision,
    Engagement,
    Entry,
    Link,
    LinkKind,
    Period,
    Polarity,
    clip,
    first_key_on,
    ordered,
    sort_key,
)

#: The engagement flags that record a contact not happening (B6).
NON_ENGAGEMENT_FLAGS: tuple[Engagement, ...] = (
    Engagement.WAS_NOT_BROUGHT,
    Engagement.DID_NOT_ATTEND,
    Engagement.NO_ACCESS,
    Engagement.CANCELLED,
    Engagement.DECLINED,
    Engagement.NOT_RESPONDING,
)

#: Involvement engagement values that mean the family did not (fully) engage.
NON_ENGAGED_INVOLVEMENT: frozenset[str] = frozenset(
    {"disengaged", "not_engaged", "partially_engaged", "declined"}
)

_ORDER_KEY = attrgetter("order_key")
_THEMES = attrgetter("themes")
_FIRST_DAY = attrgetter("first_day")
_LAST_DAY = attrgetter("last_day")
_YEAR = DatePrecision.YEAR
_WORRY = Polarity.WORRY
_LAST_MONTH = date.max.year * 12 + date.max.month - 1
_AGENCY = attrgetter("agency")
_DAY_PRECISIONS = frozenset({DatePrecision.EXACT, DatePrecision.APPROXIMATE})
_CONFLICT_KINDS = frozenset({LinkKind.CONFLICTS_WITH, LinkKind.CORROBORATES})
_STRENGTH_SIDE = frozenset({Polarity.STRENGTH, Polarity.BOTH})
_WORRY_SIDE = frozenset({Polarity.WORRY, Polarity.BOTH})


# --- themes per month ----------------------------------------------------------------


def theme_counts_by_month(
    entries: Iterable[Entry], months: Iterable[str] | None = None
) -> dict[str, Counter[str]]:
    """How many entries carry each theme, per calendar month (``"YYYY-MM"``).

    An entry counts once for each of its themes, in the month of its ``event_date``
    (month-precision entries in their month). Year-precision entries have no month and are
    not counted.

    With ``months``, the result has exactly those keys, in that order (an empty Counter for
    a month with no entries); entries in other months are left out. Without it, the axis
    runs from the first to the last month with an entry, empty months included, so a chart
    shows quiet months as quiet rather than skipping them.
    """
    return _on_axis(_theme_counts(_by_month(ordered(entries))), months)


def _theme_counts(by_month: dict[int, Sequence_[Entry]]) -> dict[int, Counter[str]]:
    return {
        month: Counter(chain.from_iterable(map(_THEMES, found)))
        for month, found in by_month.items()
    }


def _month_start(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def _by_month(chronology: Sequence_[Entry]) -> dict[int, Sequence_[Entry]]:
    """Month number (``year * 12 + month - 1``) to the entries dated in that month.

    ``chronology`` must be in sort order: each month is then one slice, found by bisection
    (month-precision entries sort on the 1st, inside their month). Year-precision entries,
    which sort on 1 January, are taken out of January's slice: they have no month.
    """
    found: dict[int, Sequence_[Entry]] = {}
    if not chronology:
        return found
    first, last = chronology[0].first_day, chronology[-1].first_day
    low = 0
    for month in range(first.year * 12 + first.month - 1, last.year * 12 + last.month):
        if month + 1 > _LAST_MONTH:
            high = len(chronology)
        else:
            high = bisect_left(
                chronology, first_key_on(_month_start(month + 1)), low, key=_ORDER_KEY
            )
        bucket = chronology[low:high]
        if month % 12 == 0:
            bucket = [entry for entry in bucket if entry.precision != _YEAR]
        if bucket:
            found[month] = bucket
        low = high
    return found


def _on_axis(
    counts: dict[int, Counter[str]], months: Iterable[str] | None
) -> dict[str, Counter[str]]:
    axis = tuple(months) if months is not None else _month_axis(counts)
    return {key: counts.get(_month_number(key), Counter()) for key in axis}


def _month_number(key: str) -> int:
    year, month = key.split("-")
    return int(year) * 12 + int(month) - 1


def _month_name(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def _month_axis(counts: dict[int, Counter[str]]) -> tuple[str, ...]:
    """Every month from the first to the last in ``counts``, empty ones included."""
    if not counts:
        return ()
    return tuple(_month_name(number) for number in range(min(counts), max(counts) + 1))


# --- engagement per person -----------------------------------------------------------


def engagement_entries(
    entries: Iterable[Entry],
    people: Iterable[str],
    flags: Iterable[Engagement] = NON_ENGAGEMENT_FLAGS,
) -> dict[str, dict[Engagement, tuple[Entry, ...]]]:
    """For each person, the entries that record them with each of ``flags`` (B6).

    An entry counts for every one of its subjects: a "no access" visit to a home with two
    children is a no-access for each child. Every person in ``people`` is a key (with an
    empty dict when nothing is flagged), in the order given; each person's flags follow
    the order of ``flags``; entries are in chronology order.
    """
    wanted_flags = tuple(dict.fromkeys(flags))
    flag_set = frozenset(wanted_flags)
    found: dict[str, dict[Engagement, list[Entry]]] = {person: {} for person in people}
    for entry in ordered(entry for entry in entries if entry.engagement in flag_set):
        for person in entry.subjects:
            by_flag = found.get(person)
            if by_flag is not None:
                by_flag.setdefault(entry.engagement, []).append(entry)
    return {
        person: {flag: tuple(by_flag[flag]) for flag in wanted_flags if flag in by_flag}
        for person, by_flag in found.items()
    }


def engagement_counts(
    entries: Iterable[Entry],
    people: Iterable[str],
    flags: Iterable[Engagement] = NON_ENGAGEMENT_FLAGS,
) -> dict[str, Counter[Engagement]]:
    """For each person, how many entries record them with each of ``flags``.

    Same rules as :func:`engagement_entries`, which also gives the entries behind each
    number. Every person in ``people`` is a key; a flag with no entries is absent (a
    Counter returns 0 for it).
    """
    return {
        person: Counter({flag: len(found) for flag, found in by_flag.items()})
        for person, by_flag in engagement_entries(entries, people, flags).items()
    }


# --- sequences -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sequence:
    """A trigger entry and the entries that followed it within the window, in order."""

    trigger: Entry
    followers: tuple[Entry, ...]


def find_sequences(
    entries: Iterable[Entry],
    trigger: Callable[[Entry], bool],
    follower: Callable[[Entry], bool],
    within_days: int,
    across_agencies_only: bool = True,
) -> list[Sequence]:
    """Entries matching ``follower`` that came soon after entries matching ``trigger``.

    A follower is dated strictly after the trigger's day and at most ``within_days`` days
    after it (a follower exactly ``within_days`` days later counts; one on the same day does
    not). With ``across_agencies_only``, a follower must come from a different agency than
    its trigger: the point is to see what one agency recorded after another's event.

    Only entries dated to the day take part (see the module docstring). One entry can be a
    trigger, a follower of several triggers, or both. Triggers without followers are left
    out. Sequences are in trigger order; followers in chronology order.

    Runs in O(n log n + output): followers are found by bisecting a sorted list of dates.
    """
    return _find_sequences(ordered(entries), trigger, follower, within_days, across_agencies_only)


def _find_sequences(
    chronology: list[Entry],
    trigger: Callable[[Entry], bool],
    follower: Callable[[Entry], bool],
    within_days: int,
    across_agencies_only: bool,
) -> list[Sequence]:
    dated = [entry for entry in chronology if entry.precision in _DAY_PRECISIONS]
    return _sequences_between(
        [entry for entry in dated if trigger(entry)],
        [entry for entry in dated if follower(entry)],
        within_days,
        across_agencies_only,
    )


def _sequences_between(
    triggers: list[Entry], followers: list[Entry], within_days: int, across_agencies_only: bool
) -> list[Sequence]:
    """Pair ordered, day-dated triggers with ordered, day-dated followers by bisection."""
    if within_days < 0:
        raise ValueError(f"within_days must not be negative (got {within_days})")
    days = list(map(date.toordinal, map(_FIRST_DAY, followers)))
    found: list[Sequence] = []
    for start in triggers:
        day = start.first_day.toordinal()
        low = bisect_right(days, day)
        high = bisect_right(days, day + within_days, low)
        if low == high:
            continue
        window = followers[low:high]
        if across_agencies_only:
            agency = start.agency
            window = [entry for entry in window if entry.agency != agency]
        if window:
            found.append(Sequence(start, tuple(window)))
    return found


DISENGAGEMENT_FLAGS = frozenset(
    {Engagement.WAS_NOT_BROUGHT, Engagement.DID_NOT_ATTEND, Engagement.NO_ACCESS}
)


def is_domestic_abuse_incident(entry: Entry) -> bool:
    """An ``incident`` entry with the ``domestic_abuse`` theme."""
    return entry.event_type == "incident" and "domestic_abuse" in entry.themes


def is_disengagement(entry: Entry) -> bool:
    """A missed health or other contact, no access, or a service withdrawn.

    That is an entry flagged was-not-brought, did-not-attend or no-access, or a
    ``decision`` recorded as a worry with the ``non_engagement`` theme (a service closing
    or withdrawing a place because the family did not engage).
    """
    if entry.engagement in DISENGAGEMENT_FLAGS:
        return True
    return (
        entry.event_type == "decision"
        and entry.polarity == Polarity.WORRY
        and "non_engagement" in entry.themes
    )


def incident_then_disengagement(entries: Iterable[Entry], within_days: int = 70) -> list[Sequence]:
    """Domestic-abuse incidents followed, within ``within_days``, by disengagement.

    Triggers are :func:`is_domestic_abuse_incident`; followers are
    :func:`is_disengagement` entries from another agency. This surfaces the timing the
    domain brief describes (§3.1 "time between domestic-abuse incidents and ... missed
    health appointments"); it says nothing about cause.
    """
    return _incident_then_disengagement(ordered(entries), within_days)


def _incident_then_disengagement(chronology: list[Entry], within_days: int) -> list[Sequence]:
    # The two predicates written out inline: the same rules, without a call per entry.
    dated = [entry for entry in chronology if entry.precision in _DAY_PRECISIONS]
    return _sequences_between(
        [
            entry
            for entry in dated
            if entry.event_type == "incident" and "domestic_abuse" in entry.themes
        ],
        [
            entry
            for entry in dated
            if entry.engagement in DISENGAGEMENT_FLAGS
            or (
                entry.event_type == "decision"
                and entry.polarity == _WORRY
                and "non_engagement" in entry.themes
            )
        ],
        within_days,
        True,
    )


# --- gaps ----------------------------------------------------------------------------


def agencies_without_entries(
    expected_agencies: Iterable[str], entries: Iterable[Entry]
) -> list[str]:
    """Expected agencies (for example, every agency invited) with no entry, in given order."""
    present = {entry.agency for entry in entries}
    return [agency for agency in dict.fromkeys(expected_agencies) if agency not in present]


def people_without_information(people: Iterable[str], entries: Iterable[Entry]) -> list[str]:
    """People who are the subject of no entry, in the order given.

    Pass the people whose absence matters (for example, adults with a parental or caring
    role): a significant adult about whom no agency holds anything is a gap to ask about.
    """
    wanted = list(dict.fromkeys(people))
    missing = set(wanted)
    for entry in entries:
        if not missing:
            break
        missing.difference_update(entry.subjects)
    return [person for person in wanted if person in missing]


@dataclass(frozen=True, slots=True)
class Silence:
    """A stretch with no entries: ``days`` days from ``start`` to ``end``.

    ``start`` is the last day anything before the silence could have happened on (or the
    period's start); ``end`` is the first day of the next entry (or the period's end).
    ``agency`` is the agency that was silent, or None for the whole chronology.
    """

    agency: str | None
    start: date
    end: date
    days: int


def long_silences(
    entries: Iterable[Entry],
    min_days: int,
    by_agency: bool,
    period: Period | None = None,
) -> list[Silence]:
    """Stretches of at least ``min_days`` days in which nothing was recorded.

    A silence runs from the last day an entry could have happened on (the end of its
    :func:`~.chronology.span`) to the first day of the next entry, so an imprecise entry
    never creates or hides a silence that the record does not support. ``days`` is
    ``(end - start).days``: entries on 1 and 15 March are 14 days apart.

    With ``by_agency``, each agency's entries are measured separately (an agency with no
    entries at all is :func:`agencies_without_entries`, not a silence); otherwise the whole
    chronology is. With a ``period``, only entries it contains count, and the stretches
    from the period's start to the first entry and from the last entry to the period's end
    count too. Results are ordered by start, then agency.
    """
    chronology = ordered(entries)
    if period is not None:
        chronology = clip(chronology, period)
    return _long_silences(chronology, min_days, by_agency, period)


def _long_silences(
    chronology: list[Entry], min_days: int, by_agency: bool, period: Period | None
) -> list[Silence]:
    if min_days < 1:
        raise ValueError(f"min_days must be at least 1 (got {min_days})")
    starts = list(map(date.toordinal, map(_FIRST_DAY, chronology)))
    # Only imprecise entries end after they start: remember where they are and their ends.
    spans = [
        (index, entry.last_day.toordinal())
        for index, entry in enumerate(chronology)
        if entry.precision not in _DAY_PRECISIONS
    ]
    if not by_agency:
        if not chronology and period is not None:
            return [Silence(None, period.start, period.end, period.days - 1)]
        return _silences(starts, spans, None, min_days, period)
    # Each agency's entries, by position in the chronology (so in order).
    positions: dict[str, list[int]] = {}
    for index, agency in enumerate(map(_AGENCY, chronology)):
        indexes = positions.get(agency)
        if indexes is None:
            positions[agency] = [index]
        else:
            indexes.append(index)
    found: list[Silence] = []
    for agency, indexes in positions.items():
        found.extend(
            _silences(
                [starts[index] for index in indexes],
                [
                    (bisect_left(indexes, index), end)
                    for index, end in spans
                    if chronology[index].agency == agency
                ],
                agency,
                min_days,
                period,
            )
        )
    found.sort(key=lambda silence: (silence.start, silence.agency or ""))
    return found


def _silences(
    starts: list[int],
    spans: list[tuple[int, int]],
    agency: str | None,
    min_days: int,
    period: Period | None,
) -> list[Silence]:
    """Silences in one ordered run of entries; see :func:`long_silences`.

    ``starts`` are the entries' first days as ordinals, in order; ``spans`` the
    ``(position, last-day ordinal)`` of the imprecise ones, in order. The day covered up to
    entry ``i`` is the later of its own start (starts never go backwards) and the end of any
    imprecise entry at or before ``i``; so a silence can only be where consecutive starts
    are far apart, and only imprecise entries can shorten it.
    """
    if not starts:
        return []
    span_at = [position for position, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))

    def covered(index: int) -> int:
        place = bisect_right(span_at, index)
        return max(starts[index], reach[place - 1]) if place else starts[index]

    found: list[Silence] = []
    edges: list[tuple[int, int]] = []
    if period is not None:
        edges.append((period.start.toordinal(), starts[0]))
    edges.extend(
        (covered(index), starts[index + 1])
        for index in range(len(starts) - 1)
        if starts[index + 1] - starts[index] >= min_days
    )
    if period is not None:
        edges.append((covered(len(starts) - 1), period.end.toordinal()))
    for before, after in edges:
        if after - before >= min_days:
            found.append(
                Silence(agency, date.fromordinal(before), date.fromordinal(after), after - before)
            )
    return found


@dataclass(frozen=True, slots=True)
class Gaps:
    """What is missing (B8): agencies that sent nothing, people nobody knows about, silences.

    ``silences`` cover the whole chronology; ``agency_silences`` each agency's own entries.
    """

    agencies_without_entries: tuple[str, ...]
    people_without_information: tuple[str, ...]
    silences: tuple[Silence, ...]
    agency_silences: tuple[Silence, ...]


def gaps(
    entries: Iterable[Entry],
    *,
    expected_agencies: Iterable[str],
    significant_people: Iterable[str],
    silence_days: int,
    period: Period | None = None,
) -> Gaps:
    """All the gap checks at once; see the functions each field comes from."""
    chronology = ordered(entries)
    if period is not None:
        chronology = clip(chronology, period)
    return _gaps(chronology, expected_agencies, significant_people, silence_days, period)


def _gaps(
    chronology: list[Entry],
    expected_agencies: Iterable[str],
    significant_people: Iterable[str],
    silence_days: int,
    period: Period | None,
) -> Gaps:
    return Gaps(
        agencies_without_entries=tuple(agencies_without_entries(expected_agencies, chronology)),
        people_without_information=tuple(
            people_without_information(significant_people, chronology)
        ),
        silences=tuple(_long_silences(chronology, silence_days, False, period)),
        agency_silences=tuple(_long_silences(chronology, silence_days, True, period)),
    )


# --- conflicts -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two entries whose accounts disagree (``a`` is the earlier), and what supports each.

    ``supports_a`` and ``supports_b`` are the entries linked to that side by
    ``corroborates`` (in either direction); ``corroborating`` is both, in order.
    """

    a: Entry
    b: Entry
    supports_a: tuple[Entry, ...] = ()
    supports_b: tuple[Entry, ...] = ()

    @property
    def corroborating(self) -> tuple[Entry, ...]:
        """Every entry that corroborates either side, in chronology order."""
        return tuple(sorted({*self.supports_a, *self.supports_b}, key=sort_key))


def conflicts(entries: Iterable[Entry], links: Iterable[Link]) -> list[Conflict]:
    """Every ``conflicts_with`` pair (B8), once, however many times it was recorded.

    A conflict recorded in both directions is one conflict. Links naming an entry not in
    ``entries`` are ignored. ``corroborates`` links attach supporting entries to a side;
    a corroboration is read both ways (if X supports Y's account, Y supports X's), but an
    entry is never listed as supporting the other side of its own conflict. Conflicts are
    ordered by their earlier entry, then the later.
    """
    relevant = [
        link for link in links if link.kind in _CONFLICT_KINDS and link.source != link.target
    ]
    named = {ref for link in relevant for ref in (link.source, link.target)}
    by_ref = {entry.ref: entry for entry in entries if entry.ref in named}
    pairs: set[tuple[str, str]] = set()
    support: dict[str, set[str]] = {}
    for link in relevant:
        if link.source not in by_ref or link.target not in by_ref:
            continue
        if link.kind == LinkKind.CONFLICTS_WITH:
            first, second = sorted((by_ref[link.source], by_ref[link.target]), key=sort_key)
            pairs.add((first.ref, second.ref))
        else:
            support.setdefault(link.target, set()).add(link.source)
            support.setdefault(link.source, set()).add(link.target)

    def supporters(side: str, other: str) -> tuple[Entry, ...]:
        refs = support.get(side, set()) - {other}
        return tuple(sorted((by_ref[ref] for ref in refs), key=sort_key))

    found = [Conflict(by_ref[a], by_ref[b], supporters(a, b), supporters(b, a)) for a, b in pairs]
    found.sort(key=lambda conflict: (sort_key(conflict.a), sort_key(conflict.b)))
    return found


# --- strengths and worries -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StrengthsAndWorries:
    """Entries on each side; an entry with polarity ``both`` is on both sides."""

    strengths: tuple[Entry, ...]
    worries: tuple[Entry, ...]


def strengths_and_worries(entries: Iterable[Entry]) -> StrengthsAndWorries:
    """Split entries into strengths and worries, in chronology order (B4).

    A chronology "reflects both strengths and concerns": ``both`` entries appear in each
    list, ``neutral`` entries in neither.
    """
    return _strengths_and_worries(ordered(entries))


def _strengths_and_worries(chronology: list[Entry]) -> StrengthsAndWorries:
    return StrengthsAndWorries(
        strengths=tuple(entry for entry in chronology if entry.polarity in _STRENGTH_SIDE),
        worries=tuple(entry for entry in chronology if entry.polarity in _WORRY_SIDE),
    )


def strengths_by_theme(entries: Iterable[Entry]) -> dict[str, tuple[Entry, ...]]:
    """Strength entries (polarity ``strength`` or ``both``) under each of their themes.

    Keys are the themes, alphabetically; entries are in chronology order. An entry appears
    under every theme it carries.
    """
    return _strengths_by_theme(ordered(entries))


def _strengths_by_theme(chronology: Iterable[Entry]) -> dict[str, tuple[Entry, ...]]:
    found: dict[str, list[Entry]] = {}
    for entry in chronology:
        if entry.polarity in _STRENGTH_SIDE:
            for theme in entry.themes:
                found.setdefault(theme, []).append(entry)
    return {theme: tuple(found[theme]) for theme in sorted(found)}


# --- involvements --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvolvementFact:
    """An agency's involvement with the family, as the analysis needs it.

    ``status`` is ``"current"`` or ``"previous"``; ``engagement`` is the recorded
    engagement (``"engaged"``, ``"partially_engaged"``, ``"disengaged"``, ``"n/a"``...);
    ``end_reason`` is free text ("" while current).
    """

    agency: str
    status: str
    engagement: str
    end_reason: str = ""
    ended_on: date | None = None


def previous_involvements_with_non_engagement(
    involvements: Iterable[InvolvementFact],
    non_engaged: Collection[str] = NON_ENGAGED_INVOLVEMENT,
) -> list[InvolvementFact]:
    """Previous (ended) involvements where the family did not engage, in the order given.

    "What has been tried" (B7): an earlier service that ended without engagement is
    history the session should see, to avoid the start-again syndrome.
    """
    return [
        fact
        for fact in involvements
        if fact.status == "previous" and fact.engagement in non_engaged
    ]


# --- entry volume (B11) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BusyMonth:
    """An agency's entry count for a month that exceeds the limit."""

    agency: str
    month: str
    count: int


def busy_months(entries: Iterable[Entry], per_month_limit: int) -> list[BusyMonth]:
    """Agency-months with more than ``per_month_limit`` entries (B11: discourage dumping).

    Counts by the month of ``event_date``; year-precision entries are not counted. Ordered
    by month, then agency.
    """
    return _busy_months(_by_month(ordered(entries)), per_month_limit)


def _busy_months(by_month: dict[int, Sequence_[Entry]], per_month_limit: int) -> list[BusyMonth]:
    return [
        BusyMonth(agency, _month_name(month), count)
        for month in sorted(by_month)
        for agency, count in sorted(Counter(map(_AGENCY, by_month[month])).items())
        if count > per_month_limit
    ]


# --- everything at once --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Analysis:
    """Every computed view of one chronology, for one call from the view layer."""

    themes_by_month: dict[str, Counter[str]]
    engagement: dict[str, dict[Engagement, tuple[Entry, ...]]]
    engagement_counts: dict[str, Counter[Engagement]]
    incident_sequences: tuple[Sequence, ...]
    gaps: Gaps
    conflicts: tuple[Conflict, ...]
    strengths_and_worries: StrengthsAndWorries
    strengths_by_theme: dict[str, tuple[Entry, ...]]
    previous_non_engagement: tuple[InvolvementFact, ...] = ()
    busy_months: tuple[BusyMonth, ...] = ()


def analyse(
    entries: Iterable[Entry],
    links: Iterable[Link],
    *,
    people: Iterable[str],
    significant_people: Iterable[str],
    expected_agencies: Iterable[str],
    within_days: int = 70,
    silence_days: int = 42,
    involvements: Iterable[InvolvementFact] = (),
    period: Period | None = None,
    per_month_limit: int | None = None,
) -> Analysis:
    """Run every analysis over one chronology.

    ``people`` get engagement counts; ``significant_people`` are checked for "no
    information"; ``expected_agencies`` for "no entries". With a ``period``, entries outside
    it are ignored, the monthly axis is the period's months and silences run to its ends.
    ``per_month_limit`` turns on the :func:`busy_months` check.
    """
    chronology = ordered(entries)
    if period is not None:
        chronology = clip(chronology, period)
    people = tuple(people)
    engagement = engagement_entries(chronology, people)
    by_month = _by_month(chronology)
    sides = _strengths_and_worries(chronology)
    return Analysis(
        themes_by_month=_on_axis(
            _theme_counts(by_month), period.months() if period is not None else None
        ),
        engagement=engagement,
        engagement_counts={
            person: Counter({flag: len(found) for flag, found in by_flag.items()})
            for person, by_flag in engagement.items()
        },
        incident_sequences=tuple(_incident_then_disengagement(chronology, within_days)),
        gaps=_gaps(chronology, expected_agencies, significant_people, silence_days, period),
        conflicts=tuple(conflicts(chronology, links)),
        strengths_and_worries=sides,
        # Only strength-side entries can be in it, and ``sides.strengths`` is in order.
        strengths_by_theme=_strengths_by_theme(sides.strengths),
        previous_non_engagement=tuple(previous_involvements_with_non_engagement(involvements)),
        busy_months=tuple(_busy_months(by_month, per_month_limit))
        if per_month_limit is not None
        else (),
    )
