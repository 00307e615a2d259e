"""Delivery status: the case's emails for the chair, and a read-only outbox for administrators."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from supervision.notifications import selectors, services
from supervision.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://supervision.example/password/reset/key/abc-123/"


def queue(case=None, to="person@agency.example", body="Sign in to see it.") -> OutboxMessage:
    return services.email_queue(to=to, subject="A change", body=body, kind="test", case=case)


def test_a_cases_emails_come_newest_first_in_one_query(demo_case, django_assert_num_queries):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        first = queue(demo_case, to="first@agency.example")
        clock.shift(datetime.timedelta(minutes=1))
        queue(None, to="no-case@agency.example")
        second = queue(demo_case, to="second@agency.example")
        services.outbox_send(message_id=first.pk)

    with django_assert_num_queries(1):
        shown = [(m.to, m.status) for m in selectors.messages_for_case(demo_case)]
    assert shown == [
        (second.to, OutboxMessage.Status.QUEUED),
        (first.to, OutboxMessage.Status.SENT),
    ]


def test_administrators_see_the_outbox_read_only_and_without_content(client, cast):
    message = queue(body=f"Choose a password: {SECRET_LINK}")
    client.force_login(cast.administrator)

    listing = client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert listing.status_code == 200
    assert "person@agency.example" in listing.content.decode()

    page = client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    assert "Waiting to be sent" in page.content.decode()
    assert SECRET_LINK not in page.content.decode()

    assert client.post(reverse("admin:notifications_outboxmessage_add")).status_code == 403
    delete = reverse("admin:notifications_outboxmessage_delete", args=[message.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_nobody_else_sees_the_outbox(client, cast):
    message = queue()
    client.force_login(cast.chair)
    page = client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 302
