"""Benchmark: merge and analyse a 100,000-entry chronology (`make bench`; not in `make test`).

A real multi-agency chronology holds tens to hundreds of entries; 100,000 (10 agencies,
3 years, about 90 a day) is far beyond that, so a pass here leaves plenty of headroom and
catches any accidental O(n^2) step. The entries are generated once, outside the timed part,
from a fixed seed so every run measures the same data.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from datetime import time as clock

import pytest

from supervision.domain.analysis import Analysis, analyse
from supervision.domain.chronology import (
    DatePrecision,
    Engagement,
    Entry,
    Link,
    LinkKind,
    MergedChronology,
    Period,
    Polarity,
    Rag,
    merge,
)

N_ENTRIES = 100_000
AGENCIES = ("CS", "HV", "GP", "POL", "SCH", "DAS", "FSC", "HSG", "YOS", "CAMHS")
PEOPLE = ("P1", "P2", "P3", "P4", "P5", "P6")
START = date(2023, 1, 1)
DAYS = 3 * 365
PERIOD = Period(START, START + timedelta(days=DAYS - 1))
THEMES = (
    "domestic_abuse",
    "missed_health",
    "non_engagement",
    "school_attendance",
    "parental_mental_health",
    "development",
    "network",
    "strengths",
    "safety_planning",
    "cp_process",
    "child_voice",
    "health",
    "neglect_indicators",
    "safety_plan_breach",
    "early_years_attendance",
)
EVENT_TYPES = ("visit", "appointment", "meeting", "contact", "education", "health", "decision")
ENGAGEMENT = (
    [Engagement.ENGAGED] * 60
    + [Engagement.NOT_APPLICABLE] * 25
    + [Engagement.WAS_NOT_BROUGHT] * 3
    + [Engagement.DID_NOT_ATTEND] * 2
    + [Engagement.NO_ACCESS] * 2
    + [Engagement.CANCELLED] * 3
    + [Engagement.DECLINED] * 2
    + [Engagement.NOT_RESPONDING] * 3
)
PRECISION = (  # per 200 entries
    [DatePrecision.EXACT] * 190
    + [DatePrecision.APPROXIMATE] * 6
    + [DatePrecision.MONTH] * 3
    + [DatePrecision.YEAR]
)


def synthetic_chronology(
    n: int = N_ENTRIES, *, as_submitted: bool = True
) -> tuple[list[Entry], list[Link]]:
    """``n`` entries from 10 agencies over 3 years, plus links (deterministic).

    ``as_submitted``: the entries arrive as agencies send them, one agency's chronology
    after another, each in date order (and are made in that order, as an adapter reading
    the database would). Otherwise they are made and listed in random order: the worst
    case for sorting and for memory locality.
    """
    rng = random.Random(0)  # noqa: S311 - synthetic data, not security
    rows: list[tuple[str, int]] = []
    for position, agency in enumerate(AGENCIES):
        share = n // len(AGENCIES) + (1 if position < n % len(AGENCIES) else 0)
        rows.extend((agency, day) for day in sorted(rng.randrange(DAYS) for _ in range(share)))
    order = list(range(n))
    if not as_submitted:
        rng.shuffle(order)
    entries: list[Entry] = []
    for index in order:
        agency, day = rows[index]
        incident = rng.random() < 0.02
        themes = set(rng.sample(THEMES, rng.randint(1, 3)))
        if incident and rng.random() < 0.6:
            themes.add("domestic_abuse")
        entries.append(
            Entry(
                ref=f"{agency}-{index:06d}",
                agency=agency,
                event_date=START + timedelta(days=day),
                precision=rng.choice(PRECISION),
                event_time=clock(rng.randrange(24), rng.randrange(60))
                if rng.random() < 0.2
                else None,
                sequence=rng.randrange(3),
                subjects=frozenset(rng.sample(PEOPLE, rng.randint(1, 2))),
                event_type="incident" if incident else rng.choice(EVENT_TYPES),
                themes=frozenset(themes),
                rag=rng.choice(list(Rag)),
                polarity=rng.choice(list(Polarity)),
                engagement=rng.choice(ENGAGEMENT),
            )
        )
    refs = [entry.ref for entry in entries]
    links = [
        Link(rng.choice(refs), rng.choice(refs), kind)
        for kind, count in (
            (LinkKind.SAME_EVENT, n // 100),
            (LinkKind.CONFLICTS_WITH, n // 1000),
            (LinkKind.CORROBORATES, n // 1000),
        )
        for _ in range(count)
    ]
    return entries, links


def merge_and_analyse(entries: list[Entry], links: list[Link]) -> tuple[MergedChronology, Analysis]:
    merged = merge(entries, links, PERIOD)
    analysis = analyse(
        merged.entries,
        merged.links,
        people=PEOPLE,
        significant_people=("P3", "P4", "P6"),
        expected_agencies=(*AGENCIES, "EXTRA"),
        period=PERIOD,
        per_month_limit=400,
    )
    return merged, analysis


@pytest.fixture(scope="module")
def chronology() -> tuple[list[Entry], list[Link]]:
    return synthetic_chronology()


def test_bench_merge_and_analyse_100k(benchmark, chronology):
    entries, links = chronology
    merged, analysis = benchmark(merge_and_analyse, entries, links)
    assert len(merged.rows) == N_ENTRIES
    assert analysis.gaps.agencies_without_entries == ("EXTRA",)
    assert analysis.incident_sequences

    # A plain wall-clock check as well, so `make bench` fails loudly on a regression.
    started = time.perf_counter()
    merge_and_analyse(entries, links)
    elapsed = time.perf_counter() - started
    print(f"\nmerge + analyse of {N_ENTRIES:,} entries, one run: {elapsed:.3f} s")
    assert elapsed < 1.0, f"merge + analyse of {N_ENTRIES:,} entries took {elapsed:.3f} s"


def test_bench_merge_and_analyse_100k_in_random_order(benchmark):
    """The worst case, for comparison: entries made and listed in random order.

    Sorting has no runs to exploit and consecutive entries sit far apart in memory. No
    time limit is asserted here; the number shows how much input order matters.
    """
    entries, links = synthetic_chronology(as_submitted=False)
    merged, _ = benchmark(merge_and_analyse, entries, links)
    assert len(merged.rows) == N_ENTRIES
