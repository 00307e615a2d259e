"""Benchmarks for the pure working-day arithmetic (`make bench`; not part of `make test`)."""

from __future__ import annotations

from datetime import date

from supervision.domain.calendar import WorkingCalendar

# England and Wales bank holidays, 2025-2026 (GOV.UK).
CAL = WorkingCalendar.from_dates(
    [
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
    ]
)


def test_bench_add_20_working_days(benchmark):
    # Minutes are due 20 working days after the session (over Christmas: the slow case).
    result = benchmark(CAL.add_working_days, date(2025, 12, 24), 20)
    assert result == date(2026, 1, 26)


def test_bench_add_260_working_days(benchmark):
    result = benchmark(CAL.add_working_days, date(2025, 1, 1), 260)
    assert CAL.working_days_between(date(2025, 1, 1), result) == 260


def test_bench_working_days_between_over_a_year(benchmark):
    # 2025 has 261 weekdays, 8 of them bank holidays.
    result = benchmark(CAL.working_days_between, date(2024, 12, 31), date(2025, 12, 31))
    assert result == 253
