"""Remind agencies of chronologies due soon and due today (run daily; safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from supervision.meetings import services


class Command(BaseCommand):
    help = "Email reminders for agency chronologies due in 2 working days and due today."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.chronology_reminders_send(today=timezone.localdate())
        self.stdout.write(f"Sent {sent} reminders.")
