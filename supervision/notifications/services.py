"""Writes to the email outbox: queueing an email, and each attempt to send one.

How an email travels:

1. `email_queue` writes an OutboxMessage inside the transaction of the change that causes
   it. If that transaction rolls back, there is no row and no email; if it commits, the row
   is there whatever happens to the process next.
2. On commit it enqueues the `send_email` task. The task (and the `send_queued_email`
   command that cron or a systemd timer runs every minute) calls `outbox_send`.
3. `outbox_send` claims the row with a conditional UPDATE (queued and due → sending), so
   two workers never both send it, then hands it to Django's email backend. A failure puts
   it back in the queue with a longer wait each time (`retry_delay`); after MAX_ATTEMPTS it
   is marked "not delivered" for a person to follow up.

Delivery is exactly-once except in one window: a worker that stops after the mail server
accepted a message but before the row says "sent" leaves it "sending";
`outbox_requeue_stuck` later returns it to the queue, so it may be delivered twice. Every
attempt carries the same Message-ID (the row's code), so the duplicate can be recognised.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import re
import smtplib
from datetime import timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.notifications.models import OutboxMessage

if TYPE_CHECKING:
    from supervision.cases.models import Case

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# The wait after the first, second, third and fourth failed attempt; every later one waits
# LONGEST_WAIT. Ten attempts span about a day and a half.
BACK_OFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=60),
)
LONGEST_WAIT = timedelta(hours=4)
# A claim older than this belongs to a worker that stopped mid-send (the SMTP timeout is
# seconds, so a live worker never holds one this long).
STUCK_AFTER = timedelta(minutes=15)
CALENDAR_FILE_NAME = "invitation.ics"
_METHOD = re.compile(r"[A-Z][A-Z-]*")


class Outcome(enum.Enum):
    SENT = "sent"
    NOT_CLAIMED = "not claimed"  # already sent, being sent, given up, or not yet due
    REFUSED = "refused"  # the server answered, and would not take this message
    SERVER_UNAVAILABLE = "server unavailable"  # no server, or it cannot take any message


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next attempt, after `attempts` failed ones."""
    if attempts < 1:
        return timedelta(0)
    return BACK_OFF[attempts - 1] if attempts <= len(BACK_OFF) else LONGEST_WAIT


def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    language: str = "en",
    case: Case | None = None,
    related: models.Model | None = None,
    calendar: str | bytes | None = None,
) -> OutboxMessage:
    """Put an email in the outbox. Call it inside the transaction of the change that causes
    the email, so that the email exists exactly when the change does.

    The body must carry no case details beyond what the recipient needs to follow a link
    into the service (no names of the family, no narrative). `calendar` is an iCalendar
    object (text/calendar); its METHOD (REQUEST, CANCEL...) travels with it.
    """
    if isinstance(calendar, bytes):
        calendar = calendar.decode("utf-8")
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            to=to,
            subject=" ".join(subject.split())[:255],
            body=body,
            kind=kind,
            language=language,
            case=case,
            related_type=related._meta.label_lower if related is not None else "",
            related_id=str(related.pk) if related is not None else "",
            calendar=calendar or "",
            calendar_method=calendar_method(calendar or ""),
        )
        audit.record(
            actor=None, action=AuditAction.CREATE, target=message, case=case, detail={"kind": kind}
        )
        # robust: the change has committed by then; an enqueue that fails leaves the row
        # queued for send_queued_email, and must not turn the change into an error.
        transaction.on_commit(lambda: _enqueue_send(message.pk), robust=True)
    return message


def _enqueue_send(message_id: int) -> None:
    from supervision.notifications import tasks  # the task module imports this one

    tasks.send_email.enqueue(message_id)


def calendar_method(calendar: str) -> str:
    """The METHOD property of an iCalendar object ("REQUEST", "CANCEL"), or ""."""
    for line in calendar.splitlines():
        name, _, value = line.partition(":")
        if name.strip().upper() == "METHOD":
            method = value.strip().upper()
            return method if _METHOD.fullmatch(method) else ""
    return ""


def outbox_send(*, message_id: int) -> bool:
    """Try to send one message now, if it is waiting and due. True if it was delivered.

    Run it outside a transaction: the claim must be visible to other workers at once, and
    no database lock should be held while the mail server is talked to.
    """
    return _attempt(message_id) is Outcome.SENT


def outbox_send_due() -> int:
    """Send every message that is due; return how many were delivered. Safe to run at any
    time and in several places at once (each message is claimed before it is sent).

    Messages left half-sent by a stopped worker are queued again first. When the mail
    server cannot be reached, the run stops at the first message that finds it so: the
    rest stay due for the next run, instead of each waiting out the connection timeout.
    """
    outbox_requeue_stuck()
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    delivered = 0
    for message_id in due:
        outcome = _attempt(message_id)
        if outcome is Outcome.SENT:
            delivered += 1
        elif outcome is Outcome.SERVER_UNAVAILABLE:
            break
    return delivered


def outbox_requeue_stuck(*, older_than: timedelta = STUCK_AFTER) -> int:
    """Return to the queue the messages a stopped worker left "sending"; return how many.

    The interrupted attempt counts as one (so a message that stops every worker is given
    up in the end). This is the at-least-once window: the mail server may have accepted
    the message before the worker stopped; its Message-ID lets the duplicate be spotted.
    """
    now = timezone.now()
    stuck = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - older_than
    )
    given_up = stuck.filter(attempts__gte=MAX_ATTEMPTS - 1).update(
        status=OutboxMessage.Status.FAILED,
        attempts=F("attempts") + 1,
        claimed_at=None,
        last_error="WorkerStopped",
    )
    requeued = stuck.update(
        status=OutboxMessage.Status.QUEUED,
        attempts=F("attempts") + 1,
        next_attempt_at=now,
        claimed_at=None,
        last_error="WorkerStopped",
    )
    if given_up or requeued:
        logger.warning("Outbox: %s stopped sends queued again, %s given up", requeued, given_up)
    return given_up + requeued


def _attempt(message_id: int) -> Outcome:
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
    ).update(status=OutboxMessage.Status.SENDING, claimed_at=now)
    if not claimed:
        return Outcome.NOT_CLAIMED
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _deliver(message)
    except Exception as error:
        return _record_failure(message, error)
    # By primary key alone: if the row was taken back as stuck meanwhile, "sent" is still
    # the truth, and saying so stops a second delivery.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        claimed_at=None,
        last_error="",
        body="",
        calendar="",
    )
    return Outcome.SENT


def _deliver(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        headers={"Message-ID": _message_id(message), "Auto-Submitted": "auto-generated"},
    )
    if message.calendar:
        mimetype = "text/calendar"
        if message.calendar_method:
            mimetype += f"; method={message.calendar_method}"
        email.attach_alternative(message.calendar, mimetype)
        email.attach(CALENDAR_FILE_NAME, message.calendar.encode("utf-8"), "application/ics")
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        sent = connection.send_messages([email])
    finally:
        # Once the server has taken the message, a failure to say goodbye is not a failure
        # to send it.
        with contextlib.suppress(Exception):
            connection.close()
    if sent != 1:
        raise NotDeliveredError


class NotDeliveredError(Exception):
    """The email backend reported the message as not sent, without saying why."""


def _record_failure(message: OutboxMessage, error: Exception) -> Outcome:
    attempts = message.attempts + 1
    described = describe_error(error)
    changes: dict[str, Any]
    if attempts >= MAX_ATTEMPTS:
        changes = {"status": OutboxMessage.Status.FAILED}
    else:
        changes = {
            "status": OutboxMessage.Status.QUEUED,
            "next_attempt_at": timezone.now() + retry_delay(attempts),
        }
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING).update(
        attempts=attempts, claimed_at=None, last_error=described, **changes
    )
    logger.warning(
        "Email %s not sent (attempt %s of %s): %s", message.code, attempts, MAX_ATTEMPTS, described
    )
    return Outcome.SERVER_UNAVAILABLE if server_unavailable(error) else Outcome.REFUSED


def describe_error(error: BaseException) -> str:
    """The exception's class name and SMTP reply code: nothing that names a person."""
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next((reply[0] for reply in error.recipients.values()), None)
    name = type(error).__name__
    return (f"{name} {code}" if isinstance(code, int) else name)[:100]


def server_unavailable(error: BaseException) -> bool:
    """Whether the error says nothing can be sent now (no server, wrong settings), rather
    than that this one message was refused."""
    refused_this_message = (
        smtplib.SMTPRecipientsRefused,
        smtplib.SMTPSenderRefused,
        smtplib.SMTPDataError,
    )
    return isinstance(error, OSError) and not isinstance(error, refused_this_message)


def _message_id(message: OutboxMessage) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return f"<{message.code}@{domain or 'supervision.invalid'}>"
