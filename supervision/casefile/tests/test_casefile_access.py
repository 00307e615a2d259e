"""Every case file route, for every member of the cast: with the signed-off §7.5 session,
and for a request with no session booked (as in the access matrix, where every case page
under a request is 404 for everyone signed in).

Writes are posted empty: a writer gets the form back (400), a case member without the
right is refused before the form is read (403), an outsider gets the same 404 as for a
case that does not exist, and the anonymous visitor is sent to sign in (302).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from supervision.meetings.tests.test_requests import ask
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
#                social_worker, involved, uninvolved, chair, quality_officer, admin, anonymous
READ = (OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT)
WRITE = (BAD, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)
CHAIR_ONLY = (FORBIDDEN, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)
NO_SESSION = (NOT_FOUND,) * 6 + (REDIRECT,)

ROUTES = [
    # (name, extra kwargs, method, expected with the signed-off session)
    ("casefile:detail", {}, "get", READ),
    ("casefile:synopsis_save", {"key": "P1"}, "post", WRITE),
    ("casefile:synopsis_recorded", {"key": "P1"}, "post", WRITE),
    ("casefile:conference_alert", {}, "post", WRITE),
    ("casefile:close", {}, "post", CHAIR_ONLY),
]


def test_every_case_file_route_is_here():
    from supervision.web.tests.test_access_matrix import all_routes

    routes = {route for route in all_routes() if "/case-file/" in route}
    assert len(routes) == len(ROUTES)


def _outcomes(client, cast, path: str, method: str) -> tuple[int, ...]:
    outcomes = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        response = client.get(path) if method == "get" else client.post(path, {})
        outcomes.append(response.status_code)
    return tuple(outcomes)


@pytest.mark.parametrize(("name", "extra", "method", "expect"), ROUTES, ids=[r[0] for r in ROUTES])
def test_route_with_the_signed_off_session(name, extra, method, expect, client, cast, signed_off):
    kwargs = {"reference": signed_off.case.reference, "code": signed_off.request.code, **extra}
    outcomes = _outcomes(client, cast, reverse(name, kwargs=kwargs), method)
    assert outcomes == expect, f"{WHO} got {outcomes}"


@pytest.mark.parametrize(("name", "extra", "method", "_"), ROUTES, ids=[r[0] for r in ROUTES])
def test_route_with_no_session_booked(name, extra, method, _, client, cast, demo_case):
    client.force_login(cast.involved)
    found = ask(client, demo_case)  # submitted, no chair, no session
    kwargs = {"reference": demo_case.reference, "code": found.code, **extra}
    outcomes = _outcomes(client, cast, reverse(name, kwargs=kwargs), method)
    assert outcomes == NO_SESSION, f"{WHO} got {outcomes}"


def test_reading_the_case_file_page_is_audited(client_for, cast, signed_off):
    from supervision.audit.models import AuditAction, AuditEvent

    kwargs = {"reference": signed_off.case.reference, "code": signed_off.request.code}
    client_for(cast.involved).get(reverse("casefile:detail", kwargs=kwargs))
    event = AuditEvent.objects.filter(action=AuditAction.VIEW).latest("pk")
    assert event.actor == cast.involved
    assert event.detail["part"] == "case file"
