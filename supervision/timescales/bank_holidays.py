"""England and Wales bank holidays, with English and Welsh titles, from the `holidays` package.

Plain Python (no Django): the seeding service and the data migration both call it.

The package lists the legal date of a holiday and, when that falls at a weekend, a
separate "(observed)" substitute weekday. Only weekdays are kept, which gives the list
GOV.UK publishes. Titles follow GOV.UK's wording; Welsh titles come from a fixed mapping
keyed by the package's English names, and an unknown name raises KeyError so that a new
one-off bank holiday cannot slip in without a Welsh title.
"""

from __future__ import annotations

from datetime import date

import holidays

# The package's English name -> (GOV.UK English title, Welsh title).
TITLES: dict[str, tuple[str, str]] = {
    "New Year's Day": ("New Year's Day", "Dydd Calan"),
    "Good Friday": ("Good Friday", "Dydd Gwener y Groglith"),
    "Easter Monday": ("Easter Monday", "Dydd Llun y Pasg"),
    "May Day": ("Early May bank holiday", "Gŵyl Banc Calan Mai"),
    "Spring Bank Holiday": ("Spring bank holiday", "Gŵyl Banc y Gwanwyn"),
    "Late Summer Bank Holiday": ("Summer bank holiday", "Gŵyl Banc yr Haf"),
    "Christmas Day": ("Christmas Day", "Dydd Nadolig"),
    "Boxing Day": ("Boxing Day", "Gŵyl San Steffan"),
    # One-off bank holidays.
    "Platinum Jubilee of Elizabeth II": (
        "Platinum Jubilee bank holiday",
        "Gŵyl Banc Jiwbilî Platinwm y Frenhines",
    ),
    "State Funeral of Queen Elizabeth II": (
        "Bank holiday for the State Funeral of Queen Elizabeth II",
        "Gŵyl Banc ar gyfer Angladd Gwladol y Frenhines Elizabeth II",
    ),
    "Coronation of Charles III": (
        "Bank holiday for the coronation of King Charles III",
        "Gŵyl Banc ar gyfer coroni'r Brenin Charles III",
    ),
}

OBSERVED_SUFFIX = " (observed)"
SUBSTITUTE_EN = " (substitute day)"
SUBSTITUTE_CY = " (diwrnod yn lle)"
SATURDAY = 5


def titles_for(package_name: str) -> tuple[str, str]:
    """(English, Welsh) titles for one name from the package; KeyError if it is unknown."""
    if package_name.endswith(OBSERVED_SUFFIX):
        title_en, title_cy = TITLES[package_name.removesuffix(OBSERVED_SUFFIX)]
        return title_en + SUBSTITUTE_EN, title_cy + SUBSTITUTE_CY
    return TITLES[package_name]


def england_and_wales_bank_holidays(first_year: int, last_year: int) -> list[tuple[date, str, str]]:
    """Weekday bank holidays in England and Wales from ``first_year`` to ``last_year``.

    Returns ``(date, English title, Welsh title)`` tuples sorted by date. England and
    Wales share one list, so the package's "ENG" subdivision is used for both.
    """
    if last_year < first_year:
        raise ValueError(f"last_year {last_year} is before first_year {first_year}")
    calendar = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(first_year, last_year + 1), language="en_GB"
    )
    result: list[tuple[date, str, str]] = []
    for day in sorted(calendar):
        if day.weekday() >= SATURDAY:
            continue
        # Two holidays on one day would come back as one "; "-joined name.
        names = [titles_for(name) for name in calendar.get_list(day)]
        result.append((day, "; ".join(en for en, _ in names), "; ".join(cy for _, cy in names)))
    return result
