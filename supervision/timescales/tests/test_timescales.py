"""Bank holidays and closure days: the seeded table, the services and the calendar built from it."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from supervision.agencies.models import Agency, AgencyType
from supervision.audit.models import AuditAction, AuditEvent
from supervision.domain.tests.test_calendar import BANK_HOLIDAYS_2025_2026, SECTION_7_6
from supervision.timescales import services
from supervision.timescales.bank_holidays import england_and_wales_bank_holidays, titles_for
from supervision.timescales.calendars import working_calendar
from supervision.timescales.models import NonWorkingDay, NonWorkingDayKind

# --- the list from the `holidays` package (no database) ---------------------------------


def test_every_bank_holiday_2020_to_2035_has_english_and_welsh_titles():
    # titles_for raises KeyError for a name it does not know, so this fails loudly when
    # a new package release adds or renames a holiday.
    rows = england_and_wales_bank_holidays(2020, 2035)
    assert all(title_en and title_cy for _, title_en, title_cy in rows)
    # 8 a year, plus the Platinum Jubilee and the State Funeral (2022) and the Coronation.
    assert len(rows) == 16 * 8 + 3


def test_bank_holiday_list_is_weekdays_only_and_sorted():
    rows = england_and_wales_bank_holidays(2020, 2035)
    days = [day for day, _, _ in rows]
    assert days == sorted(set(days))
    assert all(day.weekday() < 5 for day in days)


def test_bank_holiday_list_matches_govuk_for_2025_and_2026():
    days = {day for day, _, _ in england_and_wales_bank_holidays(2025, 2026)}
    assert days == BANK_HOLIDAYS_2025_2026


@pytest.mark.parametrize(
    ("day", "title_en", "title_cy"),
    [
        (date(2025, 1, 1), "New Year's Day", "Dydd Calan"),
        (date(2025, 4, 18), "Good Friday", "Dydd Gwener y Groglith"),
        (date(2025, 4, 21), "Easter Monday", "Dydd Llun y Pasg"),
        (date(2025, 5, 5), "Early May bank holiday", "Gŵyl Banc Calan Mai"),
        (date(2025, 5, 26), "Spring bank holiday", "Gŵyl Banc y Gwanwyn"),
        (date(2025, 8, 25), "Summer bank holiday", "Gŵyl Banc yr Haf"),
        (date(2025, 12, 25), "Christmas Day", "Dydd Nadolig"),
        (date(2025, 12, 26), "Boxing Day", "Gŵyl San Steffan"),
        (
            date(2026, 12, 28),
            "Boxing Day (substitute day)",
            "Gŵyl San Steffan (diwrnod yn lle)",
        ),
        (
            date(2021, 12, 27),
            "Christmas Day (substitute day)",
            "Dydd Nadolig (diwrnod yn lle)",
        ),
        (date(2022, 1, 3), "New Year's Day (substitute day)", "Dydd Calan (diwrnod yn lle)"),
        (date(2022, 6, 2), "Spring bank holiday", "Gŵyl Banc y Gwanwyn"),
        (
            date(2022, 6, 3),
            "Platinum Jubilee bank holiday",
            "Gŵyl Banc Jiwbilî Platinwm y Frenhines",
        ),
        (
            date(2022, 9, 19),
            "Bank holiday for the State Funeral of Queen Elizabeth II",
            "Gŵyl Banc ar gyfer Angladd Gwladol y Frenhines Elizabeth II",
        ),
        (
            date(2023, 5, 8),
            "Bank holiday for the coronation of King Charles III",
            "Gŵyl Banc ar gyfer coroni'r Brenin Charles III",
        ),
    ],
)
def test_bank_holiday_titles(day, title_en, title_cy):
    rows = {row[0]: row[1:] for row in england_and_wales_bank_holidays(day.year, day.year)}
    assert rows[day] == (title_en, title_cy)


def test_weekend_dates_of_substituted_holidays_are_left_out():
    days = {day for day, _, _ in england_and_wales_bank_holidays(2026, 2027)}
    assert date(2026, 12, 26) not in days  # Saturday; Monday 28th is the substitute
    assert {date(2027, 12, 27), date(2027, 12, 28)} <= days
    assert not {date(2027, 12, 25), date(2027, 12, 26)} & days


def test_unknown_holiday_name_fails_loudly():
    with pytest.raises(KeyError):
        titles_for("Made-up Jubilee")
    with pytest.raises(KeyError):
        titles_for("Made-up Jubilee (observed)")


def test_year_range_must_run_forwards():
    with pytest.raises(ValueError, match="before"):
        england_and_wales_bank_holidays(2030, 2020)


# --- the seeded table ---------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_seeded_bank_holidays_2020_to_2035():
    stored = NonWorkingDay.objects.filter(kind=NonWorkingDayKind.BANK_HOLIDAY)
    years = {day.year for day in stored.values_list("date", flat=True)}
    assert set(range(2020, 2036)) <= years
    assert stored.filter(date__year=2025).count() == 8
    assert set(stored.filter(date__year__in=[2025, 2026]).values_list("date", flat=True)) == set(
        BANK_HOLIDAYS_2025_2026
    )
    boxing_substitute = stored.get(date=date(2026, 12, 28))
    assert boxing_substitute.title_en == "Boxing Day (substitute day)"
    assert boxing_substitute.title_cy == "Gŵyl San Steffan (diwrnod yn lle)"
    assert not NonWorkingDay.objects.filter(date=date(2026, 12, 26)).exists()


@pytest.mark.django_db
def test_seeding_is_idempotent():
    NonWorkingDay.objects.filter(date__year=2030).delete()

    assert services.bank_holidays_seed(first_year=2030, last_year=2030) == 8
    assert services.bank_holidays_seed(first_year=2030, last_year=2030) == 0
    assert NonWorkingDay.objects.filter(date__year=2030).count() == 8


@pytest.mark.django_db
def test_seeding_again_writes_nothing_and_audits_nothing():
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert services.bank_holidays_seed() == 0
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert statements.count("SELECT") == 1  # read what is stored, in one query
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_seeding_restores_a_changed_title_and_audits_it():
    NonWorkingDay.objects.filter(date=date(2025, 12, 26)).update(title_cy="")

    assert services.bank_holidays_seed(first_year=2025, last_year=2025) == 0

    assert NonWorkingDay.objects.get(date=date(2025, 12, 26)).title_cy == "Gŵyl San Steffan"
    event = AuditEvent.objects.get(target_type="timescales.nonworkingday")
    assert event.action == AuditAction.UPDATE
    assert event.detail["updated"] == 1


@pytest.mark.django_db
def test_seed_command_reports_how_many_were_added():
    NonWorkingDay.objects.filter(date__year=2035).delete()
    out = StringIO()

    call_command("seed_bank_holidays", "--first-year=2035", "--last-year=2035", stdout=out)
    call_command("seed_bank_holidays", "--first-year=2035", "--last-year=2035", stdout=out)

    first, second = out.getvalue().splitlines()
    assert first.startswith("Added 8 ")
    assert second.startswith("Added 0 ")


@pytest.mark.django_db
def test_seeding_extends_beyond_the_migrated_years():
    assert services.bank_holidays_seed(first_year=2036, last_year=2036) == 8
    assert working_calendar().add_working_days(date(2036, 12, 24), 1) == date(2036, 12, 29)


# --- the calendar built from the table ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("event", "event_dow", "n", "expected", "expected_dow"), SECTION_7_6)
def test_stored_calendar_reproduces_domain_brief_cases(event, event_dow, n, expected, expected_dow):
    calendar = working_calendar()
    assert calendar.add_working_days(date.fromisoformat(event), n) == date.fromisoformat(expected)


@pytest.mark.django_db
def test_building_the_calendar_takes_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = working_calendar()
    assert date(2026, 12, 28) in calendar.holidays


@pytest.mark.django_db
def test_local_closure_day_is_skipped():
    session = date(2026, 1, 15)  # Thursday
    assert working_calendar().add_working_days(session, 1) == date(2026, 1, 16)

    closure = services.closure_day_add(
        day=date(2026, 1, 16), title_en="Staff training day", title_cy="Diwrnod hyfforddi staff"
    )

    assert closure.kind == NonWorkingDayKind.LOCAL_CLOSURE
    assert working_calendar().add_working_days(session, 1) == date(2026, 1, 19)
    event = AuditEvent.objects.get(target_type="timescales.nonworkingday")
    assert (event.action, event.target_id) == (AuditAction.CREATE, str(closure.pk))


@pytest.mark.django_db
def test_agency_closure_day_only_affects_that_agencys_calendar():
    agency = Agency.objects.create(
        code="hv-test", name_en="Test health visiting", type=AgencyType.HEALTH_BOARD_COMMUNITY
    )
    other = Agency.objects.create(code="sch-test", name_en="Test school", type=AgencyType.SCHOOL)
    services.closure_day_add(day=date(2026, 1, 16), title_en="Office move", agency=agency)

    session = date(2026, 1, 15)
    assert working_calendar().add_working_days(session, 1) == date(2026, 1, 16)
    assert working_calendar(agency=other).add_working_days(session, 1) == date(2026, 1, 16)
    assert working_calendar(agency=agency).add_working_days(session, 1) == date(2026, 1, 19)


@pytest.mark.django_db
def test_closure_day_cannot_duplicate_a_bank_holiday():
    with pytest.raises(ValidationError) as excinfo:
        services.closure_day_add(day=date(2025, 12, 25), title_en="Christmas closure")
    assert "date" in excinfo.value.message_dict
    assert NonWorkingDay.objects.get(date=date(2025, 12, 25)).kind == (
        NonWorkingDayKind.BANK_HOLIDAY
    )


@pytest.mark.django_db
def test_closure_day_needs_an_english_title():
    with pytest.raises(ValidationError) as excinfo:
        services.closure_day_add(day=date(2026, 1, 16), title_en="")
    assert "title_en" in excinfo.value.message_dict
    assert not NonWorkingDay.objects.filter(date=date(2026, 1, 16)).exists()


@pytest.mark.django_db
def test_bank_holiday_cannot_belong_to_one_agency():
    agency = Agency.objects.create(code="pol-test", name_en="Test police", type=AgencyType.POLICE)
    with pytest.raises(IntegrityError):
        NonWorkingDay.objects.create(
            date=date(2026, 1, 16),
            kind=NonWorkingDayKind.BANK_HOLIDAY,
            title_en="Not really a bank holiday",
            agency=agency,
        )
