"""Security controls that belong to no one feature (security.md §1): caching, password
storage, CSRF, and no personal data in URLs, emails or logs."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from supervision.cases.models import Person
from supervision.notifications.models import OutboxMessage
from supervision.web.tests.test_access_matrix import all_routes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["account_login", "cases:my_cases"])
def test_pages_are_never_stored_by_browsers_or_caches(client_for, cast, name):
    response = client_for(cast.social_worker).get(reverse(name))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_case_page_is_never_stored(client_for, cast, demo_case):
    response = client_for(cast.social_worker).get(demo_case.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_post_without_the_csrf_token_is_refused(cast, demo_case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.social_worker)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 403


# Route parameters that may appear in a URL: opaque identifiers only, never a name, a date
# of birth or free text.
ALLOWED_PARAMETERS = {
    "reference",  # a case's random reference (no family name)
    "code",  # random UUIDs
    "file",
    "recipient",
    "correction",
    "key",  # a person's short key within a case (P1, P2...)
    "kind",
    "months",
    "number",
    "rank",
    "pk",
    "object_id",  # administration (no case content)
    "app_label",
    "content_type_id",  # administration's "view on site" (no case content)
    "uidb36",
    "agency",  # an agency's short code
    "entry",
    "token",
    "path",
    "url",
    "invitation",
}


def test_urls_carry_no_personal_data():
    parameters = set()
    for route in all_routes():
        parameters |= set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        parameters |= set(re.findall(r"\(\?P<(\w+)>", route))
    unexpected = parameters - ALLOWED_PARAMETERS
    assert not unexpected, f"URL parameters to review for personal data: {sorted(unexpected)}"


def _family_names(case) -> list[str]:
    names = set()
    for person in Person.objects.filter(case=case):
        names.add(str(person.full_name))
        names.add(str(person.given_names))
    names.add(case.family_name)
    return sorted(name for name in names if len(name) > 2)


def test_emails_and_logs_name_no_family_member(
    client_for, cast, signed_off, caplog, django_capture_on_commit_callbacks
):
    """A whole session's emails (invitations, chronology requests, distribution, reminders)
    and everything logged on the way carry no family member's name."""
    from django.core.management import call_command

    from supervision.artefacts.models import Artefact
    from supervision.artefacts.services import artefacts_prepare
    from supervision.distribution.services import distribution_send_to_attendees

    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        artefacts_prepare(session=signed_off, by=cast.chair)
    distribution_send_to_attendees(
        artefact=Artefact.objects.get(session=signed_off, kind="actions"), by=cast.chair
    )
    call_command("send_feedback_requests")
    names = _family_names(signed_off.case)
    assert "Kai Harries" in names or any("Kai" in name for name in names)
    texts = [f"{m.subject}\n{m.body}" for m in mail.outbox]
    texts += [f"{m.subject}\n{m.body}" for m in OutboxMessage.objects.all()]
    assert len(texts) > 5
    for text in texts:
        for name in names:
            assert name not in text, f"{name!r} in an email: {text[:200]!r}"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for name in names:
        assert name not in logged, f"{name!r} logged"


def test_an_error_shows_the_generic_page_and_no_data(cast, demo_case, monkeypatch):
    """Fail securely (row 21, 31): an exception inside the access check is a plain 500
    page, never the case, never a stack trace."""
    from supervision.cases import models as case_models

    def broken(self, user):
        raise RuntimeError("policy store unavailable")

    monkeypatch.setattr(case_models.CaseQuerySet, "visible_to", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.social_worker)
    response = client.get(demo_case.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 500
    assert demo_case.family_name not in page
    assert "Traceback" not in page
    assert "policy store unavailable" not in page


def test_script_typed_into_the_record_is_shown_as_text(client_for, cast, booked):
    """Stored XSS (row 22): what people type is escaped wherever it is shown."""
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    kwargs = {"reference": booked.case.reference, "code": booked.request.code}
    chair = client_for(cast.chair)
    response = chair.post(
        reverse("records:what_matters", kwargs=kwargs),
        {"what_matters": payload, "family_words": payload, "version": "0"},
    )
    assert response.status_code == 302
    page = chair.get(reverse("records:record", kwargs=kwargs)).content.decode()
    assert payload not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_extra_fields_in_a_post_are_ignored(client_for, cast, booked):
    """No mass assignment (row 25): fields a form does not have change nothing."""
    from supervision.records.models import Outcome

    kwargs = {"reference": booked.case.reference, "code": booked.request.code}
    other = client_for(cast.chair)
    response = other.post(
        reverse("records:outcome_add", kwargs=kwargs),
        {
            "whose": "whole_family",
            "text": "Calm evenings at home, nobody woken at night.",
            "status": "agreed",
            "keep_reason": "",
            "created_by": str(cast.administrator.pk),
            "record": "999",
            "case": "999",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.created_by == cast.chair
    assert outcome.record.session == booked


@pytest.mark.parametrize(
    "password",
    ["short-pass1", "password1234", "123456789012345", "sioned.price.cs"],
)
def test_weak_passwords_are_refused(cast, password):
    """Row 2: at least 12 characters, not a common password, not all digits, not like the
    account's own details; no composition rules."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, user=cast.social_worker)


def test_a_long_passphrase_is_accepted(cast):
    from django.contrib.auth.password_validation import validate_password

    validate_password("a quiet morning walk by the river", user=cast.social_worker)
