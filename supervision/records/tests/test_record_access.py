"""Every route of the session record (principles, safety plan, next steps, summary,
versions, reflective notes), for every member of the cast, with a session booked.

The access matrix in supervision/web/tests lists these routes too, but its request has no
session, so there they are all 404. Here the record exists, so the answers show who reads
and who writes. Writes are posted empty: a writer gets the form back (400), anyone else is
refused before the form is read.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.actions.services import action_add
from supervision.conftest import Cast
from supervision.meetings.models import SupervisionSession
from supervision.records.models import PrinciplesRecord, RecordEdition
from supervision.safety.services import out_of_hours_share_add, plan_item_add
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
#                social_worker, involved, uninvolved, chair, quality_officer, admin, anonymous
READ = (OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT)
WRITE = (BAD, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)
CHAIR_ONLY = (FORBIDDEN, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)
# Removing needs no form: writers remove (a second removal changes nothing).
REMOVE = (REDIRECT, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT)
# Reflective notes: the chair, and attendees (none recorded here).
REFLECT_READ = (FORBIDDEN, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT)
REFLECT_WRITE = (FORBIDDEN, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)

ROUTES = [
    # (namespace:name, extra kwargs, method, expected)
    ("records:record", {}, "get", READ),
    ("records:what_matters", {}, "post", WRITE),
    ("records:outcome_add", {}, "post", WRITE),
    ("records:strength_add", {}, "post", WRITE),
    ("records:risk_add", {}, "post", WRITE),
    ("records:balancing_item_add", {}, "post", WRITE),
    ("records:scaling_score_add", {}, "post", WRITE),
    ("records:balancing_summary", {}, "post", WRITE),
    ("records:summary", {}, "get", READ),
    ("records:summary_save", {}, "post", WRITE),
    ("records:attendance", {}, "post", (REDIRECT, FORBIDDEN, NOT_FOUND, REDIRECT, *WRITE[4:])),
    ("records:sign_off", {}, "post", CHAIR_ONLY),
    ("records:reopen", {}, "post", CHAIR_ONLY),
    ("records:edition", {"number": 1}, "get", READ),
    ("records:reflections", {}, "get", REFLECT_READ),
    ("records:reflection_save", {}, "post", REFLECT_WRITE),
    ("safety:plan", {}, "get", READ),
    ("safety:item_add", {}, "post", WRITE),
    ("safety:item_remove", {"pk": "item"}, "post", REMOVE),
    ("safety:details", {}, "post", WRITE),
    ("safety:share_add", {}, "post", WRITE),
    ("safety:share_remove", {"pk": "share"}, "post", REMOVE),
    # Posted empty, "not applicable" is withdrawn: writers are sent back to the plan.
    ("safety:not_applicable", {}, "post", REMOVE),
    ("safety:version", {"number": 1}, "get", READ),
    ("actions:plan", {}, "get", READ),
    ("actions:action_add", {}, "post", WRITE),
    ("actions:action_done", {"number": 1}, "post", WRITE),
    ("actions:progress_point", {"months": 1}, "post", WRITE),
    ("actions:review", {}, "post", WRITE),
]


@pytest.fixture
def with_parts(booked: SupervisionSession, cast: Cast) -> dict[str, int]:
    """One safety plan item and share, one action and one signed-off version (kept apart
    from the lock, so writes still reach their forms)."""
    chair = cast.chair
    item = plan_item_add(
        session=booked,
        who="Nan",
        what="Has the children on Friday nights",
        where="Nan's house",
        when_trigger="Every Friday",
        help_route="Mobile on plan",
        risk=None,
        by=chair,
    )
    share = out_of_hours_share_add(
        session=booked,
        service="emergency_duty_team",
        service_name="",
        shared_on=datetime.date(2026, 1, 16),
        method="Secure email",
        by=chair,
    )
    action_add(
        session=booked,
        description="Share the safety plan",
        owner=cast.social_worker.practitioner,
        agency=None,
        due_date=datetime.date(2026, 1, 16),
        outcome=None,
        risk=None,
        by=chair,
    )
    RecordEdition.objects.create(
        record=PrinciplesRecord.objects.get(session=booked),
        number=1,
        signed_off_at=timezone.now(),
        signed_off_by=chair,
        content={"principles": {"information_shared": "Shared."}},
    )
    return {"item": item.pk, "share": share.pk}


def test_every_record_route_is_here():
    from supervision.web.tests.test_access_matrix import all_routes

    record_routes = {route for route in all_routes() if "/record/" in route}
    listed = {name for name, *_ in ROUTES}
    # One pattern per named route (moments need a risk; the record tests cover them).
    assert len(record_routes) == len(listed) + 1


@pytest.mark.parametrize(("name", "extra", "method", "expect"), ROUTES, ids=[r[0] for r in ROUTES])
def test_record_route(name, extra, method, expect, client, cast, booked, with_parts):
    kwargs = {
        "reference": booked.case.reference,
        "code": booked.request.code,
        **{key: with_parts.get(value, value) for key, value in extra.items()},
    }
    path = reverse(name, kwargs=kwargs)
    outcomes = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        response = client.get(path) if method == "get" else client.post(path, {})
        outcomes.append(response.status_code)
    assert tuple(outcomes) == expect, f"{WHO} got {tuple(outcomes)}"
