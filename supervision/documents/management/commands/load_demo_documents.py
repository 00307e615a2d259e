"""Load the fictional Harries/Walsh document pack (demo mode only; safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from supervision.documents import services


class Command(BaseCommand):
    help = "Add the document pack of the fictional demonstration case."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.TESTING):
            raise CommandError("Demo data is loaded only when DEMO_MODE=true.")
        added = services.demo_documents_load()
        self.stdout.write(self.style.SUCCESS(f"Demo document pack: {added} documents added."))
