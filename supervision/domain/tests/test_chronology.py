"""Chronology entries, periods, ordering and merging (domain.md §3.1 B1, B8; §7.3)."""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.chronology import (
    DatePrecision,
    Engagement,
    Link,
    LinkKind,
    Period,
    clip,
    default_period,
    merge,
    ordered,
    period_needs_reason,
    sort_key,
    span,
    twelve_months_before,
)
from supervision.domain.tests import scenario
from supervision.domain.tests.scenario import entry_lists, make_entry

DEFAULT_2025 = Period(date(2024, 12, 11), date(2025, 12, 10))


def refs(entries):
    return [entry.ref for entry in entries]


# --- engagement flags ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n/a", Engagement.NOT_APPLICABLE),
        ("N/A", Engagement.NOT_APPLICABLE),
        ("", Engagement.NOT_APPLICABLE),
        ("was_not_brought", Engagement.WAS_NOT_BROUGHT),
        ("Was not brought", Engagement.WAS_NOT_BROUGHT),
        ("WNB", Engagement.WAS_NOT_BROUGHT),
        ("did-not-attend", Engagement.DID_NOT_ATTEND),
        ("DNA", Engagement.DID_NOT_ATTEND),
        (" no_access ", Engagement.NO_ACCESS),
        ("not_responding", Engagement.NOT_RESPONDING),
    ],
)
def test_engagement_parse_reads_the_spellings_people_use(text, expected):
    assert Engagement.parse(text) is expected


def test_engagement_parse_rejects_an_unknown_flag():
    with pytest.raises(ValueError, match="forgot"):
        Engagement.parse("forgot")


def test_the_scenario_csv_uses_only_known_flags():
    flags = {row["engagement_flag"] for row in scenario.rows()}
    assert "n/a" in flags
    assert {Engagement.parse(flag) for flag in flags} >= {
        Engagement.WAS_NOT_BROUGHT,
        Engagement.DID_NOT_ATTEND,
        Engagement.NO_ACCESS,
        Engagement.NOT_APPLICABLE,
    }


# --- entries -----------------------------------------------------------------------------


def test_entries_are_immutable():
    entry = make_entry("A-1", "2025-01-01")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.ref = "A-2"


def test_replacing_a_field_recomputes_the_derived_span_and_order():
    entry = make_entry("A-1", "2025-06-15", precision=DatePrecision.MONTH)
    moved = dataclasses.replace(entry, event_date=date(2025, 2, 10))
    assert span(moved) == (date(2025, 2, 1), date(2025, 2, 28))
    assert sort_key(moved) < sort_key(entry)


def test_equality_ignores_nothing_the_caller_set():
    assert make_entry("A-1", "2025-01-01") == make_entry("A-1", "2025-01-01")
    assert make_entry("A-1", "2025-01-01") != make_entry("A-1", "2025-01-02")


@pytest.mark.parametrize("sequence", [-1, 1_000_000_000])
def test_sequence_out_of_range_is_refused(sequence):
    with pytest.raises(ValueError, match="sequence"):
        make_entry("A-1", "2025-01-01", sequence=sequence)


@pytest.mark.parametrize(
    ("day", "precision", "first", "last"),
    [
        ("2025-06-12", DatePrecision.EXACT, "2025-06-12", "2025-06-12"),
        ("2025-06-01", DatePrecision.APPROXIMATE, "2025-06-01", "2025-06-01"),
        ("2025-06-18", DatePrecision.MONTH, "2025-06-01", "2025-06-30"),
        ("2024-02-10", DatePrecision.MONTH, "2024-02-01", "2024-02-29"),
        ("2025-02-10", DatePrecision.MONTH, "2025-02-01", "2025-02-28"),
        ("2025-06-18", DatePrecision.YEAR, "2025-01-01", "2025-12-31"),
    ],
)
def test_span_covers_every_day_the_entry_could_fall_on(day, precision, first, last):
    entry = make_entry("A-1", day, precision=precision)
    assert span(entry) == (date.fromisoformat(first), date.fromisoformat(last))


# --- periods -----------------------------------------------------------------------------


def test_default_period_is_the_12_months_before_the_request():
    assert default_period(scenario.REQUEST_DATE) == DEFAULT_2025


@pytest.mark.parametrize(
    ("requested", "start", "end"),
    [
        pytest.param("2024-02-29", "2023-03-01", "2024-02-28", id="request-on-leap-day"),
        pytest.param("2024-03-01", "2023-03-01", "2024-02-29", id="period-holds-leap-day"),
        pytest.param("2025-03-01", "2024-03-01", "2025-02-28", id="year-after-leap-day"),
        pytest.param("2025-02-28", "2024-02-28", "2025-02-27", id="leap-year-start"),
        pytest.param("2028-02-29", "2027-03-01", "2028-02-28", id="next-leap-day"),
        pytest.param("2026-01-01", "2025-01-01", "2025-12-31", id="new-year"),
    ],
)
def test_default_period_around_leap_days(requested, start, end):
    period = default_period(date.fromisoformat(requested))
    assert period == Period(date.fromisoformat(start), date.fromisoformat(end))


@given(st.dates(date(1901, 1, 1), date(2199, 12, 31)))
def test_default_period_is_a_year_ending_the_day_before_the_request(requested):
    period = default_period(requested)
    assert period.end == requested - timedelta(days=1)
    assert period.days in (365, 366)
    if (requested.month, requested.day) != (2, 29):
        assert period.start == requested.replace(year=requested.year - 1)
    # Never the same day of the year twice: the period is at most one calendar year.
    assert twelve_months_before(period.end + timedelta(days=1)) == period.start
    assert not period_needs_reason(period, requested)


def test_period_rejects_a_start_after_its_end():
    with pytest.raises(ValueError, match="after it ends"):
        Period(date(2025, 2, 1), date(2025, 1, 31))


def test_period_months_lists_every_month_it_touches():
    assert DEFAULT_2025.months() == (
        "2024-12",
        *(f"2025-{month:02d}" for month in range(1, 13)),
    )
    assert Period(date(2025, 3, 5), date(2025, 3, 5)).months() == ("2025-03",)


@pytest.mark.parametrize(
    ("start", "end", "needs_reason"),
    [
        pytest.param("2024-12-11", "2025-12-10", False, id="the-default"),
        pytest.param("2025-06-01", "2025-12-10", False, id="shorter"),
        pytest.param("2024-12-10", "2025-12-10", True, id="one-day-longer"),
        pytest.param("2023-12-11", "2025-12-10", True, id="two-years"),
        pytest.param("2024-12-11", "2025-12-11", True, id="runs-on-to-the-request-day"),
        pytest.param("2023-01-01", "2023-12-31", True, id="reaches-back-before-the-default"),
    ],
)
def test_period_needs_reason_when_longer_than_12_months(start, end, needs_reason):
    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    assert period_needs_reason(period, scenario.REQUEST_DATE) is needs_reason


@pytest.mark.parametrize(
    ("day", "precision", "inside"),
    [
        pytest.param("2024-12-10", DatePrecision.EXACT, False, id="day-before-start"),
        pytest.param("2024-12-11", DatePrecision.EXACT, True, id="first-day"),
        pytest.param("2025-12-10", DatePrecision.EXACT, True, id="last-day"),
        pytest.param("2025-12-11", DatePrecision.EXACT, False, id="request-day"),
        pytest.param("2024-12-10", DatePrecision.APPROXIMATE, False, id="approximate-is-its-day"),
        pytest.param("2024-12-01", DatePrecision.MONTH, True, id="month-overlapping-start"),
        pytest.param("2024-11-30", DatePrecision.MONTH, False, id="month-before"),
        pytest.param("2025-12-31", DatePrecision.MONTH, True, id="month-overlapping-end"),
        pytest.param("2026-01-01", DatePrecision.MONTH, False, id="month-after"),
        pytest.param("2024-06-01", DatePrecision.YEAR, True, id="year-overlapping-start"),
        pytest.param("2023-12-31", DatePrecision.YEAR, False, id="year-before"),
        pytest.param("2026-01-01", DatePrecision.YEAR, False, id="year-after"),
    ],
)
def test_period_contains_imprecise_entries_whose_span_overlaps(day, precision, inside):
    entry = make_entry("A-1", day, precision=precision)
    assert DEFAULT_2025.contains(entry) is inside
    assert refs(merge([entry], period=DEFAULT_2025).entries) == (["A-1"] if inside else [])


@given(entry_lists(min_size=5), st.dates(date(2023, 10, 1), date(2024, 4, 1)), st.integers(0, 120))
def test_clip_keeps_exactly_the_entries_the_period_contains(entries, start, days):
    period = Period(start, start + timedelta(days=days))
    chronology = ordered(entries)
    assert clip(chronology, period) == [e for e in chronology if period.contains(e)]


# --- ordering ----------------------------------------------------------------------------


def reference_key(entry):
    """The documented order, written out independently of the implementation."""
    first = {
        DatePrecision.MONTH: entry.event_date.replace(day=1),
        DatePrecision.YEAR: entry.event_date.replace(month=1, day=1),
    }.get(entry.precision, entry.event_date)
    rank = {DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}.get(entry.precision, 0)
    return (
        first,
        rank,
        entry.event_time is None,
        entry.event_time or time.min,
        entry.sequence,
        entry.agency,
        entry.ref,
    )


def test_same_day_timed_entries_come_first_in_time_order():
    untimed = make_entry("CS-1", "2025-04-07", agency="CS")
    late = make_entry("SCH-1", "2025-04-07", agency="SCH", at="08:20")
    early = make_entry("POL-1", "2025-04-07", agency="POL", at="01:15")
    assert refs(ordered([untimed, late, early])) == ["POL-1", "SCH-1", "CS-1"]


def test_same_day_untimed_entries_follow_sequence_then_agency_then_ref():
    entries = [
        make_entry("HV-2", "2025-05-01", agency="HV"),
        make_entry("CS-9", "2025-05-01", agency="CS", sequence=2),
        make_entry("CS-7", "2025-05-01", agency="CS", sequence=1),
        make_entry("HV-1", "2025-05-01", agency="HV"),
        make_entry("CS-8", "2025-05-01", agency="CS"),
    ]
    assert refs(ordered(entries)) == ["CS-8", "HV-1", "HV-2", "CS-7", "CS-9"]


def test_agency_codes_compare_as_whole_codes():
    # "CS" < "CSX" on its own; the key must not let the ref change that.
    a = make_entry("Z-1", "2025-05-01", agency="CS")
    b = make_entry("A-1", "2025-05-01", agency="CSX")
    assert refs(ordered([b, a])) == ["Z-1", "A-1"]


def test_month_precision_sorts_at_the_start_of_the_month_after_that_days_entries():
    entries = [
        make_entry("JUNE", "2025-06-20", precision=DatePrecision.MONTH),
        make_entry("2-JUNE", "2025-06-02"),
        make_entry("1-JUNE", "2025-06-01", at="23:00"),
        make_entry("1-JUNE-UNTIMED", "2025-06-01", sequence=5),
        make_entry("31-MAY", "2025-05-31"),
        make_entry("1-JUNE-APPROX", "2025-06-01", precision=DatePrecision.APPROXIMATE),
    ]
    assert refs(ordered(entries)) == [
        "31-MAY",
        "1-JUNE",
        "1-JUNE-APPROX",
        "1-JUNE-UNTIMED",
        "JUNE",
        "2-JUNE",
    ]


def test_year_precision_sorts_after_month_precision_on_1_january():
    entries = [
        make_entry("YEAR", "2025-08-08", precision=DatePrecision.YEAR),
        make_entry("JAN", "2025-01-31", precision=DatePrecision.MONTH),
        make_entry("1-JAN", "2025-01-01"),
        make_entry("2-JAN", "2025-01-02"),
        make_entry("DEC", "2024-12-31", precision=DatePrecision.MONTH),
    ]
    assert refs(ordered(entries)) == ["DEC", "1-JAN", "JAN", "YEAR", "2-JAN"]


@given(entry_lists(min_size=10, max_size=60))
def test_sort_key_follows_the_documented_order(entries):
    assert refs(ordered(entries)) == refs(sorted(entries, key=reference_key))


@given(entry_lists(min_size=10, max_size=60))
def test_sort_key_is_a_total_order(entries):
    keys = [sort_key(entry) for entry in entries]
    assert len(set(keys)) == len(entries)  # distinct refs never tie
    for a in entries:
        for b in entries:
            assert (sort_key(a) < sort_key(b)) == (reference_key(a) < reference_key(b))


@given(entry_lists(min_size=5, max_size=60), st.randoms(use_true_random=False))
def test_merge_does_not_depend_on_input_order(entries, rng):
    shuffled = list(entries)
    rng.shuffle(shuffled)
    links = [
        Link(a.ref, b.ref, LinkKind.SAME_EVENT) for a, b in zip(entries, entries[3:], strict=False)
    ][::4]
    assert merge(shuffled, links) == merge(entries, links)
    assert merge(shuffled, reversed(links), DEFAULT_2025) == merge(entries, links, DEFAULT_2025)


# --- merging the scenario ----------------------------------------------------------------


@pytest.fixture(scope="module")
def merged():
    return merge(scenario.entries(), scenario.links(), default_period(scenario.REQUEST_DATE))


def test_all_46_scenario_entries_fall_in_the_default_period(merged):
    assert len(scenario.rows()) == 46
    assert len(merged.rows) == 46
    assert {row.entry.ref for row in merged.rows} == {row["entry_id"] for row in scenario.rows()}


def test_merged_scenario_is_in_date_order(merged):
    days = [row.entry.event_date for row in merged.rows]
    assert days == sorted(days)
    assert merged.rows[0].entry.ref == "HV-01"
    assert merged.rows[-1].entry.ref == "HV-08"


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        pytest.param("POL-02", "SCH-03", id="01:15-police-before-08:20-school"),
        pytest.param("SCH-03", "CS-03", id="different-days"),
        pytest.param("CS-04", "POL-03", id="same-day-untimed-by-agency"),
        pytest.param("CS-05", "HV-04", id="icpc-same-event"),
        pytest.param("DAS-03", "SCH-06", id="same-day-30-09"),
        pytest.param("CS-09", "HV-05", id="approximate-01-06-before-03-06"),
    ],
)
def test_scenario_same_and_near_day_order(merged, earlier, later):
    order = [row.entry.ref for row in merged.rows]
    assert order.index(earlier) < order.index(later)


def test_merge_groups_same_event_entries(merged):
    assert merged.groups == {"CS-05": ("CS-05", "HV-04"), "CS-13": ("CS-13", "HV-08")}
    group_of = {row.entry.ref: row.group for row in merged.rows}
    assert group_of["HV-04"] == group_of["CS-05"] == "CS-05"
    assert group_of["HV-08"] == group_of["CS-13"] == "CS-13"
    ungrouped = {ref for ref, group in group_of.items() if group is None}
    assert ungrouped == set(group_of) - {"CS-05", "HV-04", "CS-13", "HV-08"}


def test_merge_keeps_every_scenario_link(merged):
    assert set(merged.links) == set(scenario.links())
    assert len(merged.links) == 5


def test_same_event_groups_are_transitive_and_named_by_the_earliest_entry():
    entries = [
        make_entry("SCH-1", "2025-04-07", agency="SCH", at="08:20"),
        make_entry("POL-1", "2025-04-07", agency="POL", at="01:15"),
        make_entry("CS-1", "2025-04-08", agency="CS"),
        make_entry("GP-1", "2025-04-09", agency="GP"),
    ]
    links = [
        Link("CS-1", "SCH-1", LinkKind.SAME_EVENT),
        Link("SCH-1", "POL-1", LinkKind.SAME_EVENT),
        Link("GP-1", "CS-1", LinkKind.CONFLICTS_WITH),
    ]
    result = merge(entries, links)
    assert result.groups == {"POL-1": ("POL-1", "SCH-1", "CS-1")}
    assert [(row.entry.ref, row.group) for row in result.rows] == [
        ("POL-1", "POL-1"),
        ("SCH-1", "POL-1"),
        ("CS-1", "POL-1"),
        ("GP-1", None),
    ]


def test_links_to_entries_outside_the_period_are_dropped():
    entries = [
        make_entry("CS-1", "2024-12-10", agency="CS"),
        make_entry("HV-1", "2024-12-11", agency="HV"),
    ]
    result = merge(entries, [Link("HV-1", "CS-1", LinkKind.SAME_EVENT)], DEFAULT_2025)
    assert refs(result.entries) == ["HV-1"]
    assert result.groups == {}
    assert result.links == ()
    assert result.rows[0].group is None


def test_links_to_unknown_entries_are_dropped():
    result = merge(
        [make_entry("CS-1", "2025-01-01")], [Link("CS-1", "GONE-1", LinkKind.SAME_EVENT)]
    )
    assert result.groups == {}
    assert result.links == ()


def test_merge_refuses_a_duplicate_ref():
    entries = [
        make_entry("HV-01", "2025-01-08", agency="HV"),
        make_entry("GP-01", "2025-02-18", agency="GP"),
        make_entry("HV-01", "2025-01-29", agency="HV"),
    ]
    with pytest.raises(ValueError, match="'HV-01'"):
        merge(entries)


def test_merge_refuses_a_duplicate_even_outside_the_period():
    entries = [make_entry("A-1", "2020-01-01"), make_entry("A-1", "2025-01-01")]
    with pytest.raises(ValueError, match="duplicate"):
        merge(entries, period=DEFAULT_2025)


def test_merge_of_nothing_is_empty():
    result = merge([], period=DEFAULT_2025)
    assert result.rows == ()
    assert result.groups == {}


def test_merge_accepts_any_iterable_once():
    generated = (entry for entry in scenario.entries())
    assert len(merge(generated, iter(scenario.links())).rows) == 46


def test_merge_does_not_change_the_callers_list():
    entries = list(scenario.entries())
    before = list(entries)
    random.Random(1).shuffle(entries)
    shuffled = list(entries)
    merge(entries)
    assert entries == shuffled
    assert sorted(refs(entries)) == sorted(refs(before))


# --- purity ------------------------------------------------------------------------------


def test_domain_modules_import_without_django_or_project_apps():
    code = (
        "import sys\n"
        "import supervision.domain\n"
        "import supervision.domain.chronology\n"
        "import supervision.domain.analysis\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "bad += [m for m in sys.modules if m.startswith('supervision.')\n"
        "        and not m.startswith('supervision.domain')]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
