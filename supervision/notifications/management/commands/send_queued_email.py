"""Send every email that is due from the outbox. Run it every minute (cron, systemd timer).

Safe to repeat and to overlap with the task worker: each email is claimed before it is
sent, so none goes twice. It also takes back emails a stopped worker left half-sent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from supervision.audit import context
from supervision.notifications import services
from supervision.notifications.models import OutboxMessage


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        token = context.set_origin(
            context.Origin(ip_address=None, source="command:send_queued_email")
        )
        try:
            sent = services.outbox_send_due()
        finally:
            context.reset_origin(token)
        waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).count()
        self.stdout.write(f"Outbox: {sent} sent, {waiting} waiting.")
