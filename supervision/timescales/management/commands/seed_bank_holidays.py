from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from supervision.timescales import services


class Command(BaseCommand):
    help = "Store England and Wales bank holidays for a range of years (safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--first-year", type=int, default=2020)
        parser.add_argument("--last-year", type=int, default=2035)

    def handle(self, *args: Any, first_year: int, last_year: int, **options: Any) -> None:
        added = services.bank_holidays_seed(first_year=first_year, last_year=last_year)
        self.stdout.write(f"Added {added} bank holidays for {first_year} to {last_year}.")
