"""Load the fictional supervision request and its timescales (demo mode only; safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from supervision.meetings import services


class Command(BaseCommand):
    help = "Load the demonstration case's supervision request, accepted by its chair."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.TESTING):
            raise CommandError("Demo data is loaded only when DEMO_MODE=true.")
        loaded = services.demo_request_load()
        self.stdout.write(
            self.style.SUCCESS("Demo request loaded." if loaded else "Demo request already there.")
        )
