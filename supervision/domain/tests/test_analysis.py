"""Chronology analysis against the Harries/Walsh scenario (domain.md §7.3) and properties.

Each item of §7.3 "Expected analysis outputs" has its own test below, named after it.
Expected refs come from the brief, not from running the code.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.analysis import (
    NON_ENGAGEMENT_FLAGS,
    InvolvementFact,
    Silence,
    agencies_without_entries,
    analyse,
    busy_months,
    conflicts,
    engagement_counts,
    engagement_entries,
    find_sequences,
    gaps,
    incident_then_disengagement,
    is_disengagement,
    is_domestic_abuse_incident,
    long_silences,
    people_without_information,
    previous_involvements_with_non_engagement,
    strengths_and_worries,
    strengths_by_theme,
    theme_counts_by_month,
)
from supervision.domain.chronology import (
    DatePrecision,
    Engagement,
    Entry,
    Link,
    LinkKind,
    Period,
    Polarity,
    Rag,
    default_period,
    merge,
    ordered,
)
from supervision.domain.tests import scenario
from supervision.domain.tests.scenario import entry_lists, make_entry

WNB = Engagement.WAS_NOT_BROUGHT
DNA = Engagement.DID_NOT_ATTEND
NO_ACCESS = Engagement.NO_ACCESS


def refs(entries):
    return [entry.ref for entry in entries]


@pytest.fixture(scope="module")
def entries() -> tuple[Entry, ...]:
    return merge(
        scenario.entries(), scenario.links(), default_period(scenario.REQUEST_DATE)
    ).entries


@pytest.fixture(scope="module")
def entry() -> dict[str, Entry]:
    return scenario.by_ref()


# --- Pattern: domestic-abuse incidents followed by missed contact, no access, withdrawal ---


@pytest.mark.parametrize(
    ("incident", "follower", "days"),
    [
        pytest.param("POL-01", "HV-03", 39, id="POL-01-then-HV-03-WNB-about-6-weeks"),
        pytest.param("POL-02", "FSC-02", 23, id="POL-02-then-FSC-02-place-withdrawn"),
        pytest.param("POL-02", "CS-07", 70, id="POL-02-then-CS-07-no-access"),
        pytest.param("POL-05", "HV-07", 11, id="POL-05-then-HV-07-no-access-11-days"),
        pytest.param("POL-05", "GP-05", 59, id="POL-05-then-GP-05-WNB"),
    ],
)
def test_pattern_incident_then_disengagement(entries, entry, incident, follower, days):
    sequences = {
        found.trigger.ref: refs(found.followers) for found in incident_then_disengagement(entries)
    }
    assert follower in sequences[incident]
    assert (entry[follower].event_date - entry[incident].event_date).days == days


def test_pattern_window_is_inclusive_at_70_days_and_excludes_beyond(entries):
    # CS-07 is exactly 70 days after POL-02: inside the default window, outside a 69-day one.
    narrow = {
        found.trigger.ref: refs(found.followers)
        for found in incident_then_disengagement(entries, 69)
    }
    assert "CS-07" not in narrow["POL-02"]
    assert "FSC-02" in narrow["POL-02"]


def test_pattern_only_pairs_domestic_abuse_incidents_with_disengagement(entries):
    for found in incident_then_disengagement(entries):
        assert is_domestic_abuse_incident(found.trigger)
        assert all(is_disengagement(f) for f in found.followers)
        assert all(f.agency != found.trigger.agency for f in found.followers)
        assert all(
            0 < (f.event_date - found.trigger.event_date).days <= 70 for f in found.followers
        )


def test_pattern_follower_kinds(entry):
    assert is_disengagement(entry["HV-03"])  # was not brought
    assert is_disengagement(entry["CS-07"])  # no access
    assert is_disengagement(entry["GP-02"])  # did not attend
    assert is_disengagement(entry["FSC-02"])  # place withdrawn (a decision, non-engagement)
    assert not is_disengagement(entry["FSC-01"])  # not responding, but no service withdrawn
    assert not is_disengagement(entry["HV-02"])  # engaged
    assert is_domestic_abuse_incident(entry["SCH-02"])
    assert not is_domestic_abuse_incident(entry["CS-09"])  # an incident, but not domestic abuse
    assert not is_domestic_abuse_incident(entry["CS-01"])  # domestic abuse, but a decision


def test_pattern_school_attendance_low_in_incident_terms_and_high_with_nan(entries):
    attendance_worries = [
        e for e in strengths_and_worries(entries).worries if "school_attendance" in e.themes
    ]
    assert {"SCH-01", "SCH-05"} <= set(refs(attendance_worries))
    assert refs(strengths_by_theme(entries)["school_attendance"]) == ["SCH-06"]
    assert "SCH-06" in refs(strengths_by_theme(entries)["network"])


# --- Strengths ------------------------------------------------------------------------------


def test_strengths_grandmother(entries):
    assert refs(strengths_by_theme(entries)["network"]) == ["CS-02", "GP-03", "HV-05", "SCH-06"]


@pytest.mark.parametrize(
    ("ref", "theme"),
    [
        ("GP-01", "parental_mental_health"),
        ("POL-06", "domestic_abuse"),
        ("DAS-04", "domestic_abuse"),
    ],
)
def test_strengths_mother_seeks_help(entries, entry, ref, theme):
    mother = scenario.person_id("Leanne")
    assert mother in entry[ref].subjects
    assert entry[ref].polarity in {Polarity.STRENGTH, Polarity.BOTH}
    assert ref in refs(strengths_by_theme(entries)[theme])
    assert ref in refs(strengths_and_worries(entries).strengths)


def test_strengths_macys_speech_improving(entries, entry):
    macy = scenario.person_id("Macy")
    development = strengths_by_theme(entries)["development"]
    assert "HV-08" in refs(development)
    assert macy in entry["HV-08"].subjects
    # Her speech entries read in order: delay found, therapy started, progressing.
    assert refs(development) == ["HV-02", "HV-05", "HV-08"]


def test_strengths_and_worries_put_both_on_each_side_and_neutral_on_neither(entries):
    sides = strengths_and_worries(entries)
    strengths, worries = refs(sides.strengths), refs(sides.worries)
    assert "GP-01" in strengths
    assert "GP-01" in worries  # polarity both
    assert "DAS-01" in strengths
    assert "DAS-01" not in worries
    assert "HV-01" in worries
    assert "HV-01" not in strengths
    assert "CS-03" not in strengths
    assert "CS-03" not in worries  # neutral
    assert strengths == refs(ordered(sides.strengths))
    polarity = Counter(row["polarity"] for row in scenario.rows())
    assert len(strengths) == polarity["strength"] + polarity["both"]
    assert len(worries) == polarity["worry"] + polarity["both"]


# --- Conflict -------------------------------------------------------------------------------


def test_conflict_school_and_social_worker_accounts_with_grandmother_corroborating(entries):
    links = scenario.links()
    recorded = [link for link in links if link.kind == LinkKind.CONFLICTS_WITH]
    assert len(recorded) == 2  # once from each side

    (conflict,) = conflicts(entries, links)
    assert (conflict.a.ref, conflict.b.ref) == ("SCH-04", "CS-08")
    assert refs(conflict.supports_a) == ["CS-09"]
    assert conflict.supports_b == ()
    assert refs(conflict.corroborating) == ["CS-09"]


def test_conflicts_ignore_links_to_missing_entries_and_self_links():
    a = make_entry("A-1", "2025-01-01", agency="SCH")
    b = make_entry("B-1", "2025-01-02", agency="CS")
    links = [
        Link("A-1", "GONE", LinkKind.CONFLICTS_WITH),
        Link("A-1", "A-1", LinkKind.CONFLICTS_WITH),
        Link("B-1", "A-1", LinkKind.CONFLICTS_WITH),
        Link("A-1", "B-1", LinkKind.CORROBORATES),
    ]
    (conflict,) = conflicts([b, a], links)
    assert (conflict.a, conflict.b) == (a, b)
    # An entry never supports the other side of its own conflict.
    assert conflict.corroborating == ()


# --- Previous involvement with non-engagement ---------------------------------------------


def test_previous_involvement_with_non_engagement():
    found = previous_involvements_with_non_engagement(scenario.involvements())
    agencies = [fact.agency for fact in found]
    assert "FSC" in agencies
    (fsc,) = [fact for fact in found if fact.agency == "FSC"]
    assert fsc.ended_on == date(2025, 4, 30)
    assert all(fact.status == "previous" for fact in found)
    assert "HV" not in agencies  # partially engaged, but still current


def test_previous_involvement_that_ended_engaged_is_not_listed():
    facts = [
        InvolvementFact("A", "previous", "engaged", "work completed"),
        InvolvementFact("B", "previous", "disengaged", "no contact"),
        InvolvementFact("C", "current", "disengaged"),
        InvolvementFact("D", "previous", "n/a"),
    ]
    assert [fact.agency for fact in previous_involvements_with_non_engagement(facts)] == ["B"]


# --- Counts per child -----------------------------------------------------------------------


def test_counts_macy_was_not_brought_4_times_and_no_access_twice(entries):
    macy = scenario.person_id("Macy")
    found = engagement_entries(entries, [macy])[macy]
    assert refs(found[WNB]) == ["HV-01", "HV-03", "HV-06", "GP-05"]
    assert refs(found[NO_ACCESS]) == ["CS-07", "HV-07"]
    counts = engagement_counts(entries, [macy])[macy]
    assert counts[WNB] == 4
    assert counts[NO_ACCESS] == 2


def test_counts_adults_did_not_attend_twice(entries):
    leanne, dean = scenario.person_id("Leanne"), scenario.person_id("Dean")
    found = engagement_entries(entries, [leanne, dean])
    assert refs(found[leanne][DNA]) == ["GP-02"]
    assert refs(found[dean][DNA]) == ["CS-12"]
    counts = engagement_counts(entries, [leanne, dean])
    assert counts[leanne][DNA] + counts[dean][DNA] == 2


def test_counts_use_the_words_for_children_and_adults(entries):
    people = [person["id"] for person in scenario.people()]
    counts = engagement_counts(entries, people)
    children = [p["id"] for p in scenario.people() if p["role"] == "subject_child"]
    adults = [p for p in people if p not in children]
    assert all(counts[child][DNA] == 0 for child in children)
    assert all(counts[adult][WNB] == 0 for adult in adults)


def test_counts_list_everyone_asked_about_even_with_nothing_flagged(entries):
    counts = engagement_counts(entries, ["P5", "P6", "P2"])
    assert list(counts) == ["P5", "P6", "P2"]
    assert counts["P5"] == Counter()
    assert counts["P6"] == Counter()


def test_counts_an_entry_counts_for_each_of_its_subjects(entries):
    # CS-07: no access to the home of both children.
    counts = engagement_counts(entries, ["P1", "P2"], flags=[NO_ACCESS])
    assert counts["P1"] == Counter({NO_ACCESS: 1})
    assert counts["P2"] == Counter({NO_ACCESS: 2})


def test_counts_default_flags_leave_out_engaged_and_not_applicable():
    assert Engagement.ENGAGED not in NON_ENGAGEMENT_FLAGS
    assert Engagement.NOT_APPLICABLE not in NON_ENGAGEMENT_FLAGS
    assert set(NON_ENGAGEMENT_FLAGS) == set(Engagement) - {
        Engagement.ENGAGED,
        Engagement.NOT_APPLICABLE,
    }


# --- Gap check ----------------------------------------------------------------------------


def test_gap_kais_father_is_a_significant_adult_with_no_information(entries):
    father = scenario.person_id("Ryan")
    assert [p["relationship"] for p in scenario.people() if p["id"] == father] == [
        "father of P1; occasional contact"
    ]
    significant = scenario.significant_adults()
    assert set(significant) == {"P3", "P4", "P6"}
    assert people_without_information(significant, entries) == [father]


def test_gap_no_invited_agency_sent_nothing_in_the_scenario(entries):
    assert agencies_without_entries(scenario.agencies(), entries) == []
    assert agencies_without_entries(["HSG", *scenario.agencies(), "HSG"], entries) == ["HSG"]


def test_gap_silences_flag_the_setting_that_stopped_after_withdrawing_the_place(entries):
    period = default_period(scenario.REQUEST_DATE)
    silences = long_silences(entries, 42, by_agency=True, period=period)
    assert Silence("FSC", date(2025, 4, 30), date(2025, 12, 10), 224) in silences
    # Across all agencies together the family was never out of sight for six weeks.
    assert long_silences(entries, 42, by_agency=False, period=period) == []


def test_gaps_bundle(entries):
    found = gaps(
        entries,
        expected_agencies=[*scenario.agencies(), "HSG"],
        significant_people=scenario.significant_adults(),
        silence_days=42,
        period=default_period(scenario.REQUEST_DATE),
    )
    assert found.agencies_without_entries == ("HSG",)
    assert found.people_without_information == ("P6",)
    assert found.silences == ()
    assert any(s.agency == "FSC" for s in found.agency_silences)


# --- silences in detail ---------------------------------------------------------------------


def test_silence_between_two_entries_counts_days_between_them():
    entries = [make_entry("A-1", "2025-03-01"), make_entry("A-2", "2025-04-15")]
    assert long_silences(entries, 42, by_agency=False) == [
        Silence(None, date(2025, 3, 1), date(2025, 4, 15), 45)
    ]
    assert long_silences(entries, 45, by_agency=False) != []
    assert long_silences(entries, 46, by_agency=False) == []


def test_an_imprecise_entry_covers_its_whole_span():
    entries = [
        make_entry("A-1", "2025-03-01"),
        make_entry("A-2", "2025-03-20", precision=DatePrecision.MONTH),
        make_entry("A-3", "2025-05-20"),
    ]
    # Something happened some time in March: the silence starts at the end of March.
    assert long_silences(entries, 42, by_agency=False) == [
        Silence(None, date(2025, 3, 31), date(2025, 5, 20), 50)
    ]


def test_silences_per_agency_and_at_the_period_edges():
    period = Period(date(2025, 1, 1), date(2025, 6, 30))
    entries = [
        make_entry("HV-1", "2025-01-05", agency="HV"),
        make_entry("CS-1", "2025-03-01", agency="CS"),
        make_entry("HV-2", "2025-06-20", agency="HV"),
    ]
    assert long_silences(entries, 50, by_agency=True, period=period) == [
        Silence("CS", date(2025, 1, 1), date(2025, 3, 1), 59),
        Silence("HV", date(2025, 1, 5), date(2025, 6, 20), 166),
        Silence("CS", date(2025, 3, 1), date(2025, 6, 30), 121),
    ]
    assert long_silences(entries, 50, by_agency=False, period=period) == [
        Silence(None, date(2025, 1, 5), date(2025, 3, 1), 55),
        Silence(None, date(2025, 3, 1), date(2025, 6, 20), 111),
    ]


def test_an_empty_chronology_is_one_long_silence_over_the_period():
    period = Period(date(2025, 1, 1), date(2025, 3, 1))
    assert long_silences([], 42, by_agency=False, period=period) == [
        Silence(None, date(2025, 1, 1), date(2025, 3, 1), 59)
    ]
    assert long_silences([], 42, by_agency=True, period=period) == []


def test_silences_need_a_positive_threshold():
    with pytest.raises(ValueError, match="min_days"):
        long_silences([], 0, by_agency=False)


def brute_force_silences(entries, min_days, by_agency, period):
    """The definition, checked start by start against every other entry (O(n^2))."""
    groups: dict[str | None, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.agency if by_agency else None, []).append(e)
    found = []
    for agency, group in groups.items():
        starts = sorted({e.first_day for e in group})
        edges = []
        if period is not None:
            edges.append((period.start, starts[0]))
        for start in starts[1:]:
            # The last day anything before this start could have happened on.
            reach = max(e.last_day for e in group if e.first_day < start)
            if reach < start:
                edges.append((reach, start))
        if period is not None:
            edges.append((max(e.last_day for e in group), period.end))
        found += [Silence(agency, a, b, (b - a).days) for a, b in edges if (b - a).days >= min_days]
    return sorted(found, key=lambda s: (s.start, s.agency or ""))


@given(entry_lists(min_size=1), st.integers(1, 40), st.booleans(), st.booleans())
def test_silences_match_brute_force(entries, min_days, by_agency, with_period):
    period = Period(date(2023, 12, 1), date(2024, 3, 31)) if with_period else None
    if period is not None:
        entries = [e for e in entries if period.contains(e)] or entries[:0]
    expected = brute_force_silences(entries, min_days, by_agency, period)
    if not entries and period is not None and not by_agency:
        expected = [Silence(None, period.start, period.end, period.days - 1)]
    assert long_silences(entries, min_days, by_agency, period) == expected


# --- themes per month -----------------------------------------------------------------------


def test_theme_counts_by_month_on_the_scenario(entries):
    counts = theme_counts_by_month(entries)
    assert list(counts) == [f"2025-{month:02d}" for month in range(1, 13)]
    # April 2025: POL-02, SCH-03, DAS-01, POL-03.
    assert counts["2025-04"]["domestic_abuse"] == 4
    assert counts["2025-01"]["missed_health"] == 1  # HV-01
    assert counts["2025-01"]["domestic_abuse"] == 0
    total = sum(len(row["themes"].split(";")) for row in scenario.rows())
    assert sum(sum(month.values()) for month in counts.values()) == total


def test_theme_counts_on_a_fixed_axis_include_empty_months(entries):
    axis = default_period(scenario.REQUEST_DATE).months()
    counts = theme_counts_by_month(entries, axis)
    assert list(counts) == list(axis)
    assert counts["2024-12"] == Counter()
    assert theme_counts_by_month(entries, ["2025-04"]) == {"2025-04": counts["2025-04"]}


def test_theme_counts_fill_quiet_months_and_skip_year_precision():
    entries = [
        make_entry("A-1", "2024-11-03", themes=frozenset({"health"})),
        make_entry("A-2", "2025-02-14", themes=frozenset({"health", "network"})),
        make_entry(
            "A-3", "2025-02-01", precision=DatePrecision.MONTH, themes=frozenset({"health"})
        ),
        make_entry("A-4", "2025-07-01", precision=DatePrecision.YEAR, themes=frozenset({"health"})),
    ]
    assert theme_counts_by_month(entries) == {
        "2024-11": Counter({"health": 1}),
        "2024-12": Counter(),
        "2025-01": Counter(),
        "2025-02": Counter({"health": 2, "network": 1}),
    }
    assert theme_counts_by_month([]) == {}


@given(entry_lists())
def test_theme_counts_match_a_simple_count(entries):
    expected: dict[str, Counter[str]] = {}
    for e in entries:
        if e.precision != DatePrecision.YEAR:
            key = f"{e.event_date.year:04d}-{e.event_date.month:02d}"
            expected.setdefault(key, Counter()).update(e.themes)
    counts = theme_counts_by_month(entries)
    assert {key: counter for key, counter in counts.items() if counter} == {
        key: counter for key, counter in expected.items() if counter
    }


def test_busy_months_flag_agency_months_over_the_limit():
    entries = [make_entry(f"HV-{day}", f"2025-03-{day:02d}", agency="HV") for day in range(1, 7)]
    entries += [make_entry("CS-1", "2025-03-01", agency="CS")]
    found = busy_months(entries, per_month_limit=5)
    assert [(b.agency, b.month, b.count) for b in found] == [("HV", "2025-03", 6)]
    assert busy_months(entries, per_month_limit=6) == []


# --- sequences ------------------------------------------------------------------------------


def brute_force_sequences(entries, trigger, follower, within_days, across):
    """The definition, checked pair by pair (O(n^2))."""
    dated = [
        e
        for e in sorted(entries, key=lambda e: e.order_key)
        if e.precision in (DatePrecision.EXACT, DatePrecision.APPROXIMATE)
    ]
    found = []
    for t in dated:
        if not trigger(t):
            continue
        followers = [
            f
            for f in dated
            if follower(f)
            and 0 < (f.event_date - t.event_date).days <= within_days
            and (not across or f.agency != t.agency)
        ]
        if followers:
            found.append((t.ref, [f.ref for f in followers]))
    return found


def red(entry):
    return entry.rag == Rag.RED


def not_engaged(entry):
    return entry.engagement != Engagement.ENGAGED


@given(entry_lists(max_size=60), st.integers(0, 40), st.booleans())
def test_find_sequences_matches_brute_force(entries, within_days, across):
    found = find_sequences(entries, red, not_engaged, within_days, across)
    assert [(s.trigger.ref, refs(s.followers)) for s in found] == brute_force_sequences(
        entries, red, not_engaged, within_days, across
    )


@given(entry_lists(max_size=60), st.integers(0, 90))
def test_incident_then_disengagement_matches_brute_force(entries, within_days):
    found = incident_then_disengagement(entries, within_days)
    assert [(s.trigger.ref, refs(s.followers)) for s in found] == brute_force_sequences(
        entries, is_domestic_abuse_incident, is_disengagement, within_days, True
    )


def test_find_sequences_same_agency_when_allowed(entry):
    chosen = [entry["HV-01"], entry["HV-03"], entry["POL-01"]]
    same = find_sequences(chosen, lambda e: e.ref == "HV-01", lambda e: True, 90, False)
    assert [(s.trigger.ref, refs(s.followers)) for s in same] == [("HV-01", ["POL-01", "HV-03"])]
    across = find_sequences(chosen, lambda e: e.ref == "HV-01", lambda e: True, 90)
    assert [(s.trigger.ref, refs(s.followers)) for s in across] == [("HV-01", ["POL-01"])]


def test_find_sequences_ignore_entries_not_dated_to_the_day():
    trigger = make_entry("POL-1", "2025-02-09", agency="POL", event_type="incident")
    month = make_entry("HV-1", "2025-03-01", agency="HV", precision=DatePrecision.MONTH)
    found = find_sequences([trigger, month], lambda e: e.agency == "POL", lambda e: True, 70)
    assert found == []


def test_find_sequences_refuse_a_negative_window():
    with pytest.raises(ValueError, match="within_days"):
        find_sequences([], lambda e: True, lambda e: True, -1)


# --- everything at once ---------------------------------------------------------------------


def test_analyse_bundles_every_view_for_the_scenario(entries):
    period = default_period(scenario.REQUEST_DATE)
    people = [person["id"] for person in scenario.people()]
    result = analyse(
        scenario.entries(),
        scenario.links(),
        people=people,
        significant_people=scenario.significant_adults(),
        expected_agencies=scenario.agencies(),
        involvements=scenario.involvements(),
        period=period,
    )
    assert list(result.themes_by_month) == list(period.months())
    assert result.engagement_counts["P2"][WNB] == 4
    assert refs(result.engagement["P2"][NO_ACCESS]) == ["CS-07", "HV-07"]
    pairs = {(s.trigger.ref, f.ref) for s in result.incident_sequences for f in s.followers}
    assert {
        ("POL-01", "HV-03"),
        ("POL-02", "FSC-02"),
        ("POL-02", "CS-07"),
        ("POL-05", "HV-07"),
        ("POL-05", "GP-05"),
    } <= pairs
    assert result.gaps.people_without_information == ("P6",)
    assert result.gaps.agencies_without_entries == ()
    assert [(c.a.ref, c.b.ref) for c in result.conflicts] == [("SCH-04", "CS-08")]
    assert refs(result.strengths_by_theme["network"]) == ["CS-02", "GP-03", "HV-05", "SCH-06"]
    assert "FSC" in [fact.agency for fact in result.previous_non_engagement]
    assert result.busy_months == ()
    # The bundle says the same as the functions it bundles.
    assert result.strengths_and_worries == strengths_and_worries(entries)
    assert result.themes_by_month == theme_counts_by_month(entries, period.months())


def test_analyse_leaves_out_entries_outside_the_period():
    period = Period(date(2025, 1, 1), date(2025, 12, 31))
    inside = make_entry("A-1", "2025-06-01", polarity=Polarity.STRENGTH)
    outside = make_entry("A-2", "2024-06-01", polarity=Polarity.STRENGTH)
    result = analyse(
        [inside, outside],
        [],
        people=["P1"],
        significant_people=["P1"],
        expected_agencies=["CS"],
        period=period,
        per_month_limit=0,
    )
    assert result.strengths_and_worries.strengths == (inside,)
    assert [(b.agency, b.month) for b in result.busy_months] == [("CS", "2025-06")]
