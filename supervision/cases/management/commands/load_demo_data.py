"""Load the fictional Harries/Walsh case and demo accounts (demo mode only; safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision.cases import services


class Command(BaseCommand):
    help = "Load the fictional demonstration case and accounts. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=settings.DEMO_PASSWORD)

    def handle(self, *args: Any, password: str, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.TESTING):
            raise CommandError("Demo data is loaded only when DEMO_MODE=true.")
        logins = services.demo_data_load(password=password)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with any of these:"))
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.name}, {login.job_title}")
        self.stdout.write(f"Password for every demo account: {password}")
