"""The outbox survives a mail-server outage: emails wait, then each is delivered exactly once."""

from __future__ import annotations

import datetime
import io
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from supervision.audit.models import AuditEvent
from supervision.notifications import services, tasks
from supervision.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

BODY = "Something has changed. Sign in to see it: https://supervision.example/cases/"
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Supervision//Test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:session-1@supervision.example\r\nDTSTAMP:20260302T090000Z\r\n"
    "DTSTART:20260310T100000Z\r\nDTEND:20260310T113000Z\r\nSUMMARY:Goruchwyliaeth\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def queue(to: str = "person@agency.example", **extra) -> OutboxMessage:
    return services.email_queue(
        to=to, subject="Something has changed", body=BODY, kind="test", **extra
    )


def send_queued_email() -> str:
    out = io.StringIO()
    call_command("send_queued_email", stdout=out)
    return out.getvalue()


def fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


# --- The done-when: an outage, then recovery ------------------------------------------------


def queue_three_and_commit(django_capture_on_commit_callbacks) -> list[OutboxMessage]:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        messages = [queue(to=f"person{n}@agency.example") for n in range(3)]
    assert len(callbacks) == 3  # one send task per email, enqueued on commit
    return messages


def test_with_no_mail_server_listening_emails_stay_queued(
    smtp_port, django_capture_on_commit_callbacks
):
    before = timezone.now()
    queue_three_and_commit(django_capture_on_commit_callbacks)  # each task tries, and fails

    assert "0 sent, 3 waiting" in send_queued_email()  # none is due again yet
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert len(rows) == 3
    for row in rows:
        assert row.status == OutboxMessage.Status.QUEUED
        assert row.attempts == 1
        assert row.last_error == "ConnectionRefusedError"
        assert row.next_attempt_at >= before + datetime.timedelta(minutes=1)
        assert row.sent_at is None
        assert row.body == BODY  # kept until it is delivered


def test_once_a_mail_server_listens_each_email_is_delivered_exactly_once(
    smtp_port, start_mail_server, django_capture_on_commit_callbacks
):
    messages = queue_three_and_commit(django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.filter(status="queued", attempts=1).count() == 3

    server = start_mail_server()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=True):
        assert "3 sent, 0 waiting" in send_queued_email()
        assert "0 sent, 0 waiting" in send_queued_email()  # the second run sends nothing

    assert len(server.envelopes) == 3
    assert sorted(rcpt for envelope in server.envelopes for rcpt in envelope.rcpt_tos) == [
        "person0@agency.example",
        "person1@agency.example",
        "person2@agency.example",
    ]
    # Each carries its outbox code as its Message-ID, so a duplicate would show.
    received_ids = sorted(message["Message-ID"] for message in server.messages)
    assert received_ids == sorted(f"<{m.code}@supervision.invalid>" for m in messages)
    for message in messages:
        row = fresh(message)
        assert row.status == OutboxMessage.Status.SENT
        assert row.attempts == 2
        assert row.sent_at is not None
        assert row.last_error == ""
        assert row.body == ""  # a delivered message keeps no copy of what it said


def test_a_committed_email_is_sent_by_its_task_when_the_server_is_up(
    smtp_port, start_mail_server, django_capture_on_commit_callbacks
):
    server = start_mail_server()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    assert fresh(message).status == OutboxMessage.Status.SENT
    assert len(server.envelopes) == 1
    received = server.messages[0]
    assert received["Subject"] == "Something has changed"
    assert received["Auto-Submitted"] == "auto-generated"
    assert BODY in received.get_payload(decode=True).decode()


def test_an_outage_stops_the_sweep_at_the_first_email_instead_of_waiting_on_each(smtp_port):
    # Queued but never handed to a task (as if the process stopped right after commit).
    first, second, third = (queue(to=f"p{n}@agency.example") for n in range(3))
    assert "0 sent, 3 waiting" in send_queued_email()
    assert [fresh(m).attempts for m in (first, second, third)] == [1, 0, 0]
    # The untried ones are still due for the next run.
    assert fresh(second).next_attempt_at <= timezone.now()


def test_a_refused_recipient_does_not_hold_up_the_others(smtp_port, start_mail_server):
    server = start_mail_server()
    server.refuse.add("gone@agency.example")
    refused = queue(to="gone@agency.example")
    delivered = queue(to="here@agency.example")

    assert "1 sent, 1 waiting" in send_queued_email()
    assert fresh(delivered).status == OutboxMessage.Status.SENT
    row = fresh(refused)
    assert row.status == OutboxMessage.Status.QUEUED
    assert row.last_error == "SMTPRecipientsRefused 550"  # the class and code: no address
    assert [envelope.rcpt_tos for envelope in server.envelopes] == [["here@agency.example"]]


# --- One delivery per message -------------------------------------------------------------


def test_sending_the_same_message_twice_delivers_it_once(smtp_port, start_mail_server):
    server = start_mail_server()
    message = queue()
    assert services.outbox_send(message_id=message.pk) is True
    assert services.outbox_send(message_id=message.pk) is False
    assert len(server.envelopes) == 1
    assert fresh(message).attempts == 1


class SecondWorkerBackend(LocmemBackend):
    """While a message is being handed over, another worker tries to send it too."""

    second_worker: list[bool] = []

    def send_messages(self, messages):
        for message_id in OutboxMessage.objects.values_list("pk", flat=True):
            self.second_worker.append(services.outbox_send(message_id=message_id))
        return super().send_messages(messages)


def test_a_message_being_sent_cannot_be_claimed_by_another_worker(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SecondWorkerBackend"
    SecondWorkerBackend.second_worker = []
    message = queue()
    assert services.outbox_send(message_id=message.pk) is True
    assert SecondWorkerBackend.second_worker == [False]
    assert len(mail.outbox) == 1


def test_a_message_left_sending_by_a_stopped_worker_is_sent_again_later(settings):
    message = queue()
    # A worker claimed it 20 minutes ago and never came back.
    claimed = timezone.now() - datetime.timedelta(minutes=20)
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", claimed_at=claimed)
    recent = queue(to="other@agency.example")
    OutboxMessage.objects.filter(pk=recent.pk).update(
        status="sending", claimed_at=timezone.now() - datetime.timedelta(minutes=2)
    )

    assert "1 sent" in send_queued_email()
    row = fresh(message)
    assert row.status == OutboxMessage.Status.SENT
    assert row.attempts == 2  # the interrupted attempt counts
    assert fresh(recent).status == OutboxMessage.Status.SENDING  # its worker may be alive
    assert [m.to for m in mail.outbox] == [["person@agency.example"]]
    # The repeat carries the same Message-ID as the interrupted attempt would have.
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{message.code}@supervision.invalid>"


def test_a_message_that_stops_its_worker_every_time_is_given_up_in_the_end():
    message = queue()
    claimed = timezone.now() - datetime.timedelta(minutes=20)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", claimed_at=claimed, attempts=9
    )
    assert services.outbox_requeue_stuck() == 1
    row = fresh(message)
    assert (row.status, row.attempts, row.last_error) == ("failed", 10, "WorkerStopped")
    assert mail.outbox == []


# --- Calendar invitations -----------------------------------------------------------------


def test_an_invitation_arrives_with_its_calendar(smtp_port, start_mail_server):
    server = start_mail_server()
    message = queue(calendar=CALENDAR.encode())
    assert message.calendar_method == "REQUEST"
    assert services.outbox_send(message_id=message.pk)

    parts = {part.get_content_type(): part for part in server.messages[0].walk()}
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert "SUMMARY:Goruchwyliaeth" in calendar_part.get_payload(decode=True).decode()
    attachment = parts["application/ics"]
    assert attachment.get_filename() == "invitation.ics"
    assert b"UID:session-1@supervision.example" in attachment.get_payload(decode=True)
    assert BODY in parts["text/plain"].get_payload(decode=True).decode()
    assert fresh(message).calendar == ""


# --- Back-off, and giving up --------------------------------------------------------------


def test_failed_attempts_wait_longer_each_time_and_stop_after_ten(smtp_port):
    expected_waits = [1, 5, 15, 60, 240, 240, 240, 240, 240]  # minutes after attempts 1-9
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        message = queue()
        for attempt, wait in enumerate(expected_waits, start=1):
            assert services.outbox_send(message_id=message.pk) is False
            row = fresh(message)
            assert (row.status, row.attempts) == ("queued", attempt)
            assert row.next_attempt_at == timezone.now() + datetime.timedelta(minutes=wait)
            # Not due yet: nothing is tried.
            clock.shift(datetime.timedelta(minutes=wait) - datetime.timedelta(seconds=1))
            assert services.outbox_send(message_id=message.pk) is False
            assert fresh(message).attempts == attempt
            clock.shift(datetime.timedelta(seconds=1))

        assert services.outbox_send(message_id=message.pk) is False
        row = fresh(message)
        assert (row.status, row.attempts) == ("failed", 10)
        assert row.body == BODY  # kept, for whoever follows it up

        clock.shift(datetime.timedelta(days=7))
        assert "0 sent, 0 waiting" in send_queued_email()
        assert fresh(message).attempts == 10


# --- The task on the database queue --------------------------------------------------------


def test_on_the_database_queue_a_failed_send_is_retried_when_it_is_due(
    settings, smtp_port, start_mail_server, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    enqueued = DBTaskResult.objects.get()
    assert enqueued.task_path == "supervision.notifications.tasks.send_email"
    assert enqueued.args_kwargs == {"args": [message.pk], "kwargs": {}}

    assert tasks.send_email.call(message.pk) == "retry scheduled"  # no server yet
    row = fresh(message)
    retry = DBTaskResult.objects.exclude(pk=enqueued.pk).get()
    assert retry.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert retry.run_after == row.next_attempt_at

    server = start_mail_server()
    with time_machine.travel(row.next_attempt_at, tick=True):
        assert tasks.send_email.call(message.pk) == "sent"
    assert len(server.envelopes) == 1
    assert DBTaskResult.objects.count() == 2  # nothing more was enqueued


def test_the_sweeping_task_sends_what_is_due(settings):
    queue()
    queue(to="other@agency.example")
    assert tasks.send_due_email.call() == 2
    assert len(mail.outbox) == 2


# --- What the outbox records --------------------------------------------------------------


def test_queueing_is_audited_with_the_kind_only(demo_case):
    message = queue(case=demo_case, related=demo_case)
    event = AuditEvent.objects.get(target_type="notifications.outboxmessage")
    assert event.target_id == str(message.pk)
    assert event.action == "create"
    assert event.actor is None
    assert event.case == demo_case
    assert event.detail == {"kind": "test"}
    assert (message.related_type, message.related_id) == ("cases.case", str(demo_case.pk))


def test_a_subject_is_kept_to_one_line():
    message = queue(calendar=None)
    other = services.email_queue(
        to="a@agency.example", subject="Line one\nBcc: x@evil.example", body=BODY, kind="test"
    )
    assert message.calendar == ""
    assert other.subject == "Line one Bcc: x@evil.example"
    assert services.outbox_send(message_id=other.pk)
    assert not re.search(r"^Bcc:", mail.outbox[0].message().as_string(), re.MULTILINE)


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_message_deliver_it_once(settings):
    if connection.vendor != "postgresql":
        # The in-memory SQLite test database answers "table is locked" at once instead of
        # waiting (busy_timeout does not apply to it); a deployed file database waits.
        pytest.skip("concurrent workers need PostgreSQL's test database")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    message = queue()  # committed; its task is recorded, not run
    workers = 6
    start = threading.Barrier(workers)
    results: list[bool] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(services.outbox_send(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (workers - 1) + [True]
    assert len(mail.outbox) == 1
    assert fresh(message).attempts == 1
