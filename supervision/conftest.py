"""Shared fixtures: the fictional Harries/Walsh case and a named cast of users.

The cast (every one fictional, loaded from demo/):
- social_worker: the case's social worker (Children's Services)
- involved: the health visitor, named on her agency's involvement
- uninvolved: a housing officer from an agency with no part in the case
- chair: a supervision chair not (yet) assigned to the case
- quality_officer: the safeguarding board's quality officer (aggregate figures only)
- administrator: manages accounts and settings, no case content
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from supervision.accounts.models import User
from supervision.cases import services as case_services
from supervision.cases.models import Case

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "fictional-test-password"

CAST_EMAILS = {
    "social_worker": "sioned.price@cs.example",
    "involved": "rachel.evans@hv.example",
    "uninvolved": "owen.pritchard@hsg.example",
    "chair": "alun.jarvis@cs.example",
    "quality_officer": "ffion.jenkins@brd.example",
    "administrator": "dylan.roberts@brd.example",
}


@dataclass
class Cast:
    social_worker: User
    involved: User
    uninvolved: User
    chair: User
    quality_officer: User
    administrator: User

    def members(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in CAST_EMAILS}


def give_totp(user: User) -> str:
    """Turn on two-factor login for a user; returns the secret for computing codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


@pytest.fixture(autouse=True)
def _fresh_state():
    """Start every test in English with an empty cache (rate limits live in the cache).

    A request in Welsh leaves Welsh active in the thread, which would change what
    reverse() returns in the next test.
    """
    cache.clear()
    translation.activate("en-gb")
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture
def demo_case(db) -> Case:
    case_services.demo_data_load(password=DEMO_PASSWORD)
    return Case.objects.get(local_authority_reference="EXA-CS-24-0917")


@pytest.fixture
def cast(demo_case) -> Cast:
    users = {name: User.objects.get(email=email) for name, email in CAST_EMAILS.items()}
    for user in users.values():
        give_totp(user)
    return Cast(**users)


@pytest.fixture
def client_for(client):
    """Return a client signed in as the given user (who must already have two-factor on)."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def booked(client, cast, demo_case):
    """The scenario's multi-agency request, accepted by the chair, with the session booked
    for Thursday 15 January 2026 (domain.md §7.5). The client is left signed in as the chair."""
    from django.urls import reverse

    from supervision.meetings.models import SupervisionSession
    from supervision.meetings.tests.test_requests import SESSION, accepted_request

    found = accepted_request(client, cast, demo_case)
    kwargs = {"reference": demo_case.reference, "code": found.code}
    assert client.post(reverse("meetings:schedule", kwargs=kwargs), SESSION).status_code == 302
    return SupervisionSession.objects.get(request=found)


@pytest.fixture
def signed_off(client_for, cast, booked):
    """The scenario's session (domain.md §7.5) recorded through the screens and signed off
    by the chair: version 1 of its record exists. Attendees: the social worker and the
    health visitor."""
    from supervision.records.tests.test_scenario_session import record_the_scenario

    record_the_scenario(client_for, cast, booked)
    booked.refresh_from_db()
    return booked
