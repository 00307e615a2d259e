"""Data protection rules over plain values: when a record is due to be anonymised or
deleted, and where people's names stand in a text (for subject access exports).

Pure Python: no Django, no I/O, no clock. "Today" and the periods are passed in.

Retention (security.md §2.2; the defaults are documented in the data protection app):

- a closed case is kept until its youngest child reaches `child_age_years` (25: the Wales
  child-protection records norm). A child with no date of birth counts as reaching that age
  `years_after_closure` years after the case closed, as does a case with no child at all.
  A child who is already that age at closure makes the case due at closure;
- an open case is never due; a case under legal hold is never due (the hold blocks every
  kind of deletion for that case); a case already anonymised is done;
- working files (chronology import previews, chronology export files, undelivered email
  bodies) are due when they are more than `working_file_days` days old, subject access
  export files when more than `subject_access_days` days old;
- audit rows are kept for at least `audit_years` years. The audit trail is append-only:
  rows past that period are reported, never changed or deleted by the application.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# --- Retention --------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """How long each kind of record is kept. Every period is a whole, non-negative number."""

    child_age_years: int = 25
    years_after_closure: int = 25
    audit_years: int = 7
    working_file_days: int = 30
    subject_access_days: int = 7

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier, when negative); 29 February becomes 28."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


class CaseState(enum.StrEnum):
    OPEN = "open"  # still open: nothing is due
    HELD = "held"  # under legal hold: nothing is done, whatever the dates say
    KEPT = "kept"  # closed, and within its retention period
    DUE = "due"  # closed and past its period: anonymise now
    DONE = "done"  # anonymised already


@dataclass(frozen=True)
class CaseDecision:
    state: CaseState
    # The day a closed case is (or was) due; None for an open case.
    due_on: date | None = None


def case_due_on(
    *, closed_on: date, child_birth_dates: Sequence[date | None], periods: Periods
) -> date:
    """The day a case closed on `closed_on` is due to be anonymised."""
    without_birth_date = add_years(closed_on, periods.years_after_closure)
    if not child_birth_dates:
        return without_birth_date
    reaches_age = [
        add_years(born, periods.child_age_years) if born is not None else without_birth_date
        for born in child_birth_dates
    ]
    return max(closed_on, *reaches_age)


def case_decision(
    *,
    is_open: bool,
    closed_on: date | None,
    on_hold: bool,
    anonymised: bool,
    child_birth_dates: Sequence[date | None],
    today: date,
    periods: Periods,
) -> CaseDecision:
    """What retention does with one case today."""
    due_on = (
        None
        if is_open or closed_on is None
        else case_due_on(closed_on=closed_on, child_birth_dates=child_birth_dates, periods=periods)
    )
    if anonymised:
        return CaseDecision(CaseState.DONE, due_on)
    if on_hold:
        return CaseDecision(CaseState.HELD, due_on)
    if due_on is None:
        return CaseDecision(CaseState.OPEN)
    return CaseDecision(CaseState.DUE if due_on <= today else CaseState.KEPT, due_on)


@dataclass(frozen=True)
class Cutoffs:
    """Records made before these days are past their period."""

    working_files: date
    subject_access: date
    audit: date


def cutoffs(*, today: date, periods: Periods) -> Cutoffs:
    return Cutoffs(
        working_files=today - timedelta(days=periods.working_file_days),
        subject_access=today - timedelta(days=periods.subject_access_days),
        audit=add_years(today, -periods.audit_years),
    )


# --- Names in text ----------------------------------------------------------------------
#
# The same rules as supervision.domain.anonymise: a name matches as a whole word, ignoring
# case, with any run of whitespace between its parts; longer names are tried first.

_WORD = re.compile(r"\w")


def _pattern_for(name: str) -> str:
    return r"\s+".join(re.escape(part) for part in name.split())


@lru_cache(maxsize=64)
def _compile(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(f"(?P<n{i}>{_pattern_for(name)})" for i, name in enumerate(names))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _ordered(names: Iterable[str]) -> tuple[str, ...]:
    unique: dict[str, str] = {}
    for name in names:
        spaced = " ".join(name.split())
        if _WORD.search(spaced):
            unique.setdefault(spaced.casefold(), spaced)
    return tuple(sorted(unique.values(), key=lambda name: (-len(name), name)))


def names_in(text: str, people: Mapping[str, Iterable[str]]) -> list[str]:
    """Who of `people` (a label for each, with the names they go by) `text` mentions, in
    the order of `people`.

    >>> names_in("Kai saw Nan", {"P1": ["Kai Harries", "Kai"], "P5": ["Glenys"]})
    ['P1']
    """
    owner: dict[str, str] = {}
    for label, names in people.items():
        for name in _ordered(names):
            owner.setdefault(name.casefold(), label)
    if not text or not owner:
        return []
    ordered = _ordered(owner)
    found = {
        owner[ordered[int((match.lastgroup or "n0")[1:])]]
        for match in _compile(ordered).finditer(text)
    }
    return [label for label in people if label in found]


def mark_names(text: str, names: Iterable[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each marked True when it is one of `names`.

    >>> mark_names("Kai and Leanne", ["Leanne"])
    [('Kai and ', False), ('Leanne', True)]
    """
    ordered = _ordered(names)
    if not text or not ordered:
        return [(text, False)] if text else []
    pieces: list[tuple[str, bool]] = []
    position = 0
    for found in _compile(ordered).finditer(text):
        if found.start() > position:
            pieces.append((text[position : found.start()], False))
        pieces.append((found.group(0), True))
        position = found.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
