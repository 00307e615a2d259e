"""The password link goes through the outbox, in the same transaction as the new account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction

from supervision.accounts import services as accounts
from supervision.accounts.models import User
from supervision.agencies import services as agencies
from supervision.notifications import services
from supervision.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.visitor@hv.example"


def invite(cast, language: str = "en"):
    return agencies.practitioner_invite(
        email=NEW_EMAIL,
        full_name="Elin Fictional",
        agency=cast.involved.practitioner.agency,
        job_title="Health Visitor",
        preferred_language=language,
        roles=["practitioner"],
        invited_by=cast.administrator,
    )


def test_the_password_link_is_sent_from_the_outbox_without_case_details(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        practitioner = invite(cast)

    row = OutboxMessage.objects.get(kind="password_link")
    assert row.to == NEW_EMAIL
    assert (row.related_type, row.related_id) == ("accounts.user", str(practitioner.user.pk))
    assert row.case is None
    assert row.status == OutboxMessage.Status.SENT
    assert row.body == ""  # the one-time link is not kept once delivered

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [NEW_EMAIL]
    assert re.search(r"https?://\S+/password/reset/key/\S+", sent.body)
    assert "Harries" not in sent.body
    assert "Harries" not in sent.subject
    assert sent.extra_headers["Message-ID"] == f"<{row.code}@supervision.invalid>"


def test_the_password_link_is_written_in_the_persons_language(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(cast, language="cy")
    english = accounts.user_send_password_link(user=cast.involved, language="en")
    welsh = OutboxMessage.objects.get(to=NEW_EMAIL)
    assert welsh.language == "cy"
    assert welsh.subject != english.subject


def test_an_invitation_while_the_mail_server_is_down_keeps_the_account_and_the_email(
    cast, smtp_port, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(cast)  # no error reaches the administrator
    assert User.objects.filter(email=NEW_EMAIL).exists()
    row = OutboxMessage.objects.get(to=NEW_EMAIL)
    assert (row.status, row.attempts, row.last_error) == ("queued", 1, "ConnectionRefusedError")
    assert "/password/reset/key/" in row.body  # waiting to be sent


def invite_then_fail(cast) -> None:
    with transaction.atomic():
        invite(cast)
        assert OutboxMessage.objects.filter(to=NEW_EMAIL).exists()  # written inside
        raise RuntimeError("something later in the same change failed")


def test_a_rolled_back_invitation_leaves_no_email(cast, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        invite_then_fail(cast)
    assert callbacks == []
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert not OutboxMessage.objects.filter(to=NEW_EMAIL).exists()
    assert mail.outbox == []
    assert services.outbox_send_due() == 0


def queue_then_fail() -> None:
    with transaction.atomic():
        services.email_queue(
            to="someone@agency.example", subject="Hello", body="Sign in.", kind="test"
        )
        raise RuntimeError


def test_a_rolled_back_change_leaves_no_queued_email(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        queue_then_fail()
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []
