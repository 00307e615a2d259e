"""Retention rules and finding names in text: worked examples, then properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.retention import (
    CaseDecision,
    CaseState,
    Periods,
    add_years,
    case_decision,
    case_due_on,
    cutoffs,
    mark_names,
    names_in,
)

D = date
DEFAULT = Periods()
KAI, MACY = D(2016, 11, 2), D(2022, 9, 20)


def decide(**overrides: object) -> CaseDecision:
    values: dict[str, object] = {
        "is_open": False,
        "closed_on": D(2027, 3, 1),
        "on_hold": False,
        "anonymised": False,
        "child_birth_dates": [KAI, MACY],
        "today": D(2030, 1, 1),
        "periods": DEFAULT,
    }
    values.update(overrides)
    return case_decision(**values)


# --- Periods ----------------------------------------------------------------------------


def test_the_defaults_are_the_documented_periods() -> None:
    assert vars(Periods()) == {
        "child_age_years": 25,
        "years_after_closure": 25,
        "audit_years": 7,
        "working_file_days": 30,
        "subject_access_days": 7,
    }


@pytest.mark.parametrize("bad", [-1, 2.5, "7", True, None])
def test_a_period_must_be_a_whole_number_of_zero_or_more(bad: object) -> None:
    with pytest.raises(ValueError, match="audit_years"):
        Periods(audit_years=bad)


def test_adding_years_to_29_february_lands_on_28_february() -> None:
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2031, 5, 6), -7) == D(2024, 5, 6)


# --- When a case is due -----------------------------------------------------------------


def test_a_closed_case_is_kept_until_its_youngest_child_is_25() -> None:
    # Macy (born 20 September 2022) is the younger: 25 on 20 September 2047.
    due = case_due_on(closed_on=D(2027, 3, 1), child_birth_dates=[KAI, MACY], periods=DEFAULT)
    assert due == D(2047, 9, 20)
    assert decide(today=D(2047, 9, 19)) == CaseDecision(CaseState.KEPT, D(2047, 9, 20))
    assert decide(today=D(2047, 9, 20)) == CaseDecision(CaseState.DUE, D(2047, 9, 20))


def test_a_child_without_a_date_of_birth_counts_as_25_years_after_closure() -> None:
    due = case_due_on(closed_on=D(2027, 3, 1), child_birth_dates=[KAI, None], periods=DEFAULT)
    assert due == D(2052, 3, 1)


def test_a_case_with_no_child_is_kept_25_years_after_closure() -> None:
    assert case_due_on(closed_on=D(2027, 3, 1), child_birth_dates=[], periods=DEFAULT) == D(
        2052, 3, 1
    )


def test_a_child_already_25_at_closure_makes_the_case_due_at_closure() -> None:
    due = case_due_on(closed_on=D(2027, 3, 1), child_birth_dates=[D(1990, 1, 1)], periods=DEFAULT)
    assert due == D(2027, 3, 1)


def test_the_periods_come_from_the_settings_passed_in() -> None:
    shorter = Periods(child_age_years=18, years_after_closure=3)
    assert case_due_on(closed_on=D(2027, 3, 1), child_birth_dates=[MACY], periods=shorter) == D(
        2040, 9, 20
    )
    assert case_due_on(closed_on=D(2027, 3, 1), child_birth_dates=[None], periods=shorter) == D(
        2030, 3, 1
    )


def test_an_open_case_is_never_due() -> None:
    assert decide(is_open=True, today=D(2100, 1, 1)) == CaseDecision(CaseState.OPEN)


def test_a_legal_hold_blocks_a_case_that_is_past_its_period() -> None:
    assert decide(on_hold=True, today=D(2100, 1, 1)).state is CaseState.HELD


def test_an_anonymised_case_is_done_whatever_else_holds() -> None:
    assert decide(anonymised=True, on_hold=True, today=D(2100, 1, 1)).state is CaseState.DONE


def test_cutoffs_count_back_from_today() -> None:
    found = cutoffs(today=D(2026, 3, 31), periods=DEFAULT)
    assert found.working_files == D(2026, 3, 1)
    assert found.subject_access == D(2026, 3, 24)
    assert found.audit == D(2019, 3, 31)


@given(
    closed=st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)),
    births=st.lists(st.one_of(st.none(), st.dates(D(1990, 1, 1), D(2060, 1, 1))), max_size=5),
)
def test_a_case_is_never_due_before_it_closed_nor_before_any_child_is_25(closed, births) -> None:
    due = case_due_on(closed_on=closed, child_birth_dates=births, periods=DEFAULT)
    assert due >= closed
    for born in births:
        if born is not None:
            assert due >= add_years(born, 25)


@given(
    today=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)),
    is_open=st.booleans(),
    on_hold=st.booleans(),
)
def test_open_and_held_cases_are_never_due(today, is_open, on_hold) -> None:
    state = decide(today=today, is_open=is_open, on_hold=on_hold).state
    if is_open or on_hold:
        assert state is not CaseState.DUE


# --- Names in text ----------------------------------------------------------------------

FAMILY = {
    "P1": ["Kai Harries", "Kai"],
    "P3": ["Leanne Harries", "Leanne"],
    "P5": ["Glenys Harries", "Glenys"],
}


def test_names_in_finds_who_a_text_mentions_in_the_order_given() -> None:
    text = "Leanne said Kai's asthma was worse; KAI\nHARRIES missed school."
    assert names_in(text, FAMILY) == ["P1", "P3"]


def test_names_in_matches_whole_words_only() -> None:
    assert names_in("Kaiser and Leanne-Marie", FAMILY) == ["P3"]
    assert names_in("nothing here", FAMILY) == []
    assert names_in("", FAMILY) == []


def test_the_family_name_alone_names_no_one_unless_given() -> None:
    assert names_in("Ms Harries phoned", FAMILY) == []


def test_mark_names_cuts_the_text_around_each_name() -> None:
    assert mark_names("Kai told Leanne and leanne harries.", ["Leanne", "Leanne Harries"]) == [
        ("Kai told ", False),
        ("Leanne", True),
        (" and ", False),
        ("leanne harries", True),
        (".", False),
    ]


def test_mark_names_without_names_keeps_the_text_whole() -> None:
    assert mark_names("Kai", []) == [("Kai", False)]
    assert mark_names("", ["Kai"]) == []


@given(text=st.text(), names=st.lists(st.text(min_size=1, max_size=12), max_size=4))
def test_marked_pieces_put_back_together_are_the_text(text, names) -> None:
    pieces = mark_names(text, names)
    assert "".join(piece for piece, _named in pieces) == text
    assert all(piece for piece, _named in pieces)
