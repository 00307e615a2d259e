"""Background sending of the outbox (Django tasks API; a database queue by default).

Each queued email gets one `send_email` task. When an attempt fails, the task enqueues
itself again for the message's next attempt (backends that can run a task later, such as
the database backend). `send_due_email` and the `send_queued_email` command sweep the whole
outbox: they catch whatever a lost task or a stopped worker left behind.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from supervision.audit import context
from supervision.notifications import services
from supervision.notifications.models import OutboxMessage


@task()
def send_email(message_id: int) -> str:
    token = context.set_origin(context.Origin(ip_address=None, source="task:send_email"))
    try:
        if services.outbox_send(message_id=message_id):
            return OutboxMessage.Status.SENT
        waiting = OutboxMessage.objects.filter(
            pk=message_id, status=OutboxMessage.Status.QUEUED
        ).values_list("next_attempt_at", flat=True)
        next_attempt_at = waiting.first()
        if next_attempt_at is None:
            return "not waiting"  # sent, given up, or being sent by another worker
        if not send_email.get_backend().supports_defer:
            return "left for send_queued_email"
        run_after = max(next_attempt_at, timezone.now())
        send_email.using(run_after=run_after).enqueue(message_id)
        return "retry scheduled"
    finally:
        context.reset_origin(token)


@task()
def send_due_email() -> int:
    token = context.set_origin(context.Origin(ip_address=None, source="task:send_due_email"))
    try:
        return services.outbox_send_due()
    finally:
        context.reset_origin(token)
