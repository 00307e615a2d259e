"""Every distribution route, for every member of the cast: with no session booked (as in
the access matrix, where everything under the request is not found) and with the signed-off
§7.5 session, its actions sent to the attendees and its minutes approved.

Writes are posted empty: someone allowed gets the form back (400) or is sent back to the
page (302); a case member without the right is refused (403) before the form is read;
anyone outside the case gets the same 404 as for a case that does not exist.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from supervision.distribution import services
from supervision.distribution.models import Correction, Recipient
from supervision.distribution.tests.helpers import approve, make_document
from supervision.meetings.tests.test_requests import accepted_request
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 400, 403, 404, 405
#             social_worker, involved, uninvolved, chair, quality_officer, admin, anonymous
READ = (OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT)
# The chair and the social worker send; the health visitor attended but does not send.
SEND = (REDIRECT, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT)
DISTRIBUTOR_FORM = (BAD, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)
# The health visitor's own receipt.
ACKNOWLEDGE = (FORBIDDEN, REDIRECT, NOT_FOUND, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT)
# Attendees (the social worker and the health visitor) correct; the chair decides.
CORRECT = (BAD, BAD, NOT_FOUND, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT)
DECIDE = (FORBIDDEN, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)

NO_SESSION_GET = (NOT_FOUND,) * 6 + (REDIRECT,)
NO_SESSION_POST = (NOT_FOUND,) * 6 + (REDIRECT,)

ROUTES = [
    # (name, extra kwargs, method, expected with the signed-off session)
    ("list", {}, "get", READ),
    ("send", {"kind": "actions"}, "post", SEND),
    ("recipient_add", {"kind": "actions"}, "post", DISTRIBUTOR_FORM),
    ("secure_email", {"kind": "actions"}, "post", DISTRIBUTOR_FORM),
    ("acknowledge", {"recipient": "visitor"}, "post", ACKNOWLEDGE),
    ("correction_raise", {}, "post", CORRECT),
    ("correction_resolve", {"correction": "correction"}, "post", DECIDE),
]


def test_every_distribution_route_is_here():
    from supervision.web.tests.test_access_matrix import all_routes

    mine = {route for route in all_routes() if "/distribution/" in route}
    assert len(mine) == len(ROUTES)


@pytest.fixture
def sent(signed_off, cast) -> dict[str, object]:
    actions = make_document(signed_off, "actions", by=cast.chair)
    minutes = make_document(signed_off, "minutes", by=cast.chair)
    approve(minutes, cast.chair)
    services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    correction = services.correction_raise(
        artefact=minutes, text="The SLT day is wrong.", by=cast.involved
    )
    visitor = Recipient.objects.get(artefact=actions, practitioner__user=cast.involved)
    return {
        "visitor": visitor.code,
        "correction": correction.code,
    }


def outcomes(client, cast, path: str, method: str) -> tuple[int, ...]:
    found = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        response = client.get(path) if method == "get" else client.post(path, {})
        found.append(response.status_code)
    return tuple(found)


@pytest.mark.parametrize(("name", "extra", "method", "expect"), ROUTES, ids=[r[0] for r in ROUTES])
def test_with_the_signed_off_session(name, extra, method, expect, client, cast, signed_off, sent):
    kwargs = {
        "reference": signed_off.case.reference,
        "code": signed_off.request.code,
        **{key: sent.get(value, value) for key, value in extra.items()},
    }
    path = reverse(f"distribution:{name}", kwargs=kwargs)
    got = outcomes(client, cast, path, method)
    assert got == expect, f"{WHO} got {got}"
    if method == "post":
        assert outcomes(client, cast, path, "get") == (NOT_ALLOWED,) * 7


def test_nothing_changed_by_those_refused(client, cast, signed_off, sent):
    for name, extra, method, _expect in ROUTES:
        kwargs = {
            "reference": signed_off.case.reference,
            "code": signed_off.request.code,
            **{key: sent.get(value, value) for key, value in extra.items()},
        }
        path = reverse(f"distribution:{name}", kwargs=kwargs)
        if method == "post":
            outcomes(client, cast, path, method)
    # The empty posts changed nothing: the receipt was the health visitor's own.
    assert Recipient.objects.count() == 2
    assert Correction.objects.get().status == "open"
    assert Recipient.objects.filter(acknowledged_at__isnull=False).count() == 1


@pytest.mark.parametrize(
    ("name", "extra", "method"),
    [(name, extra, method) for name, extra, method, _expect in ROUTES],
    ids=[r[0] for r in ROUTES],
)
def test_with_no_session_booked(name, extra, method, client, cast, demo_case):
    found = accepted_request(client, cast, demo_case)
    kwargs = {
        "reference": demo_case.reference,
        "code": found.code,
        **{key: uuid.uuid4() for key in extra if key != "kind"},
        **({"kind": extra["kind"]} if "kind" in extra else {}),
    }
    path = reverse(f"distribution:{name}", kwargs=kwargs)
    got = outcomes(client, cast, path, method)
    assert got == (NO_SESSION_GET if method == "get" else NO_SESSION_POST)
    if method == "post":
        assert outcomes(client, cast, path, "get") == (NOT_ALLOWED,) * 7
