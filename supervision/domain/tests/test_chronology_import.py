"""Checking chronology rows: every problem found, nothing invented, never a crash."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from supervision.domain.chronology import DatePrecision, Engagement, LinkKind
from supervision.domain.chronology_import import (
    COLUMNS,
    CaseFacts,
    Problem,
    check_rows,
    parse_date,
)

SCENARIO = Path(__file__).resolve().parents[3] / "demo" / "harries-walsh" / "chronology.csv"
FACTS = CaseFacts(
    people=frozenset({"P1", "P2", "P3", "P4", "P5", "P6"}),
    children=frozenset({"P1", "P2"}),
    themes=frozenset(
        {
            "child_voice",
            "conflicting_information",
            "cp_process",
            "development",
            "domestic_abuse",
            "early_years_attendance",
            "health",
            "missed_health",
            "neglect_indicators",
            "network",
            "non_engagement",
            "parental_mental_health",
            "safety_plan_breach",
            "safety_planning",
            "school_attendance",
            "strengths",
        }
    ),
    agencies=frozenset({"CS", "HV", "GP", "POL", "SCH", "DAS", "FSC"}),
    event_types=frozenset(
        {
            "incident",
            "contact",
            "visit",
            "appointment",
            "meeting",
            "assessment",
            "referral",
            "decision",
            "education",
            "health",
            "other",
        }
    ),
)


def scenario() -> list[dict[str, str]]:
    with SCENARIO.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_scenario_is_clean():
    result = check_rows(scenario(), FACTS)
    assert result.ok
    assert len(result.rows) == 46
    hv04 = next(row for row in result.rows if row.ref == "HV-04")
    assert hv04.links == ((LinkKind.SAME_EVENT, "CS-05"),)
    pol01 = next(row for row in result.rows if row.ref == "POL-01")
    assert pol01.event_time == time(23, 40)
    assert pol01.engagement is Engagement.NOT_APPLICABLE
    cs09 = next(row for row in result.rows if row.ref == "CS-09")
    assert cs09.precision is DatePrecision.APPROXIMATE


def test_each_problem_is_reported_against_its_line_and_column():
    rows = scenario()
    rows[0]["event_date"] = "2025-13-40"
    rows[1]["subject_persons"] = "P7"
    rows[2]["links"] = "same_event:XX-99"
    rows[3]["action_taken"] = ""
    rows[4]["agency"] = "MI5"
    rows[5]["event_time"] = "25:99"
    result = check_rows(rows, FACTS)
    found = {
        line: {(p.column, p.problem) for p in problems}
        for line, problems in result.problems.items()
    }
    assert found == {
        2: {("event_date", Problem.BAD_DATE)},
        3: {("subject_persons", Problem.UNKNOWN_PERSON)},
        4: {("links", Problem.UNKNOWN_LINK_TARGET)},
        5: {("action_taken", Problem.NO_ACTION_RECORDED)},
        6: {("agency", Problem.UNKNOWN_AGENCY)},
        7: {("event_time", Problem.BAD_TIME)},
    }
    assert len(result.rows) == 40


def test_no_action_is_recorded_explicitly():
    rows = scenario()[:1]
    rows[0]["action_taken"] = "No action."
    (row,) = check_rows(rows, FACTS).rows
    assert row.no_action
    assert row.action_taken == ""


def test_duplicate_and_existing_references():
    rows = scenario()[:2]
    rows[1]["entry_id"] = rows[0]["entry_id"]
    result = check_rows(rows, FACTS)
    assert {p.problem for p in result.problems[2]} == {Problem.DUPLICATE_REF}
    existing = dataclasses.replace(FACTS, existing_refs=frozenset({"SCH-01"}))
    result = check_rows(scenario()[:2], existing)
    assert {p.problem for p in result.problems[3]} == {Problem.EXISTING_REF}


def test_missing_columns_are_named():
    result = check_rows([{"entry_id": "X-1", "agency": "HV"}], FACTS)
    assert not result.ok
    assert "event_date" in result.missing_columns
    assert "source_of_information" in result.missing_columns


def test_dates_in_the_forms_people_use():
    assert parse_date("2025-06-12", DatePrecision.EXACT) == date(2025, 6, 12)
    assert parse_date("12/06/2025", DatePrecision.EXACT) == date(2025, 6, 12)
    assert parse_date("2025-06", DatePrecision.MONTH) == date(2025, 6, 1)
    assert parse_date("2025", DatePrecision.YEAR) == date(2025, 1, 1)
    assert parse_date("2025-06", DatePrecision.EXACT) is None
    assert parse_date("31/02/2025", DatePrecision.EXACT) is None


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300)
@given(st.lists(st.fixed_dictionaries(dict.fromkeys(COLUMNS, text)), max_size=8))
def test_any_text_is_either_a_row_or_a_problem_never_a_crash(rows):
    result = check_rows(rows, FACTS)
    assert len(result.rows) + len(result.problems) == len(rows)
    for line in result.problems:
        assert 2 <= line <= len(rows) + 1
