"""Send the follow-up reminders due today (run daily; safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from supervision.followup import services


class Command(BaseCommand):
    help = (
        "Email the follow-up reminders due today: session documents, actions due and "
        "overdue, progress points and review dates. Each is sent once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.follow_up_reminders_send(today=timezone.localdate())
        self.stdout.write(f"Sent {sent} reminders.")
