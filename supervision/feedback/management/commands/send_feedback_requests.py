"""Ask the attendees of signed-off sessions for feedback (run daily; safe to re-run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from supervision.feedback import services


class Command(BaseCommand):
    help = "Email each attendee of a signed-off session, once, a link to the feedback form."

    def handle(self, *args: Any, **options: Any) -> None:
        asked = services.feedback_requests_send(today=timezone.localdate())
        self.stdout.write(f"Asked {asked} attendees for feedback.")
