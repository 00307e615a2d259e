"""Every route that follows a session, for every member of the cast, with the scenario's
session signed off and its documents made (the access matrix has no session, so there
these routes are all 404). Writes are posted empty: a writer gets the form back (400) or
is sent back to the page (302); anyone else is refused before the form is read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from supervision.artefacts.models import Artefact, ArtefactFile
from supervision.artefacts.services import artefacts_prepare
from supervision.conftest import Cast
from supervision.meetings.models import SupervisionSession
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
#                social_worker, involved, uninvolved, chair, quality_officer, admin, anonymous
READ = (OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT)
WRITE = (BAD, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)
CHAIR_ONLY = (FORBIDDEN, FORBIDDEN, NOT_FOUND, BAD, NOT_FOUND, NOT_FOUND, REDIRECT)
WRITERS_SENT_BACK = (REDIRECT, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT)

ROUTES = [
    ("artefacts:list", {}, "get", READ),
    ("artefacts:prepare", {}, "post", WRITERS_SENT_BACK),
    ("artefacts:download", {"file": "file"}, "get", READ),
    ("distribution:list", {}, "get", READ),
    ("distribution:send", {"kind": "actions"}, "post", WRITERS_SENT_BACK),
    ("distribution:secure_email", {"kind": "actions"}, "post", WRITE),
    ("casefile:detail", {}, "get", READ),
    ("casefile:synopsis_save", {"key": "P1"}, "post", WRITE),
    ("casefile:synopsis_recorded", {"key": "P1"}, "post", WRITE),
    ("casefile:conference_alert", {}, "post", WRITE),
    ("casefile:close", {}, "post", CHAIR_ONLY),
    ("feedback:give", {}, "get", (OK, OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, NOT_FOUND, REDIRECT)),
    ("feedback:give", {}, "post", (BAD, BAD, NOT_FOUND, FORBIDDEN, *WRITE[4:])),
    ("feedback:results", {}, "get", (OK, FORBIDDEN, NOT_FOUND, OK, *WRITE[4:])),
    ("followup:start", {}, "post", (FORBIDDEN, FORBIDDEN, NOT_FOUND, REDIRECT, *WRITE[4:])),
]


@pytest.fixture
def made(
    signed_off: SupervisionSession, cast: Cast, django_capture_on_commit_callbacks
) -> dict[str, object]:
    with django_capture_on_commit_callbacks(execute=True):  # the files are made
        artefacts_prepare(session=signed_off, by=cast.chair)
    actions = Artefact.objects.get(session=signed_off, kind="actions")
    made_file = ArtefactFile.objects.get(artefact=actions, language="en", format="pdf")
    assert made_file.status == "done"
    return {"file": made_file.code}


@pytest.mark.parametrize(
    ("name", "extra", "method", "expect"), ROUTES, ids=[f"{r[0]}-{r[2]}" for r in ROUTES]
)
def test_after_session_route(name, extra, method, expect, client, cast, signed_off, made):
    kwargs = {
        "reference": signed_off.case.reference,
        "code": signed_off.request.code,
        **{key: made.get(value, value) for key, value in extra.items()},
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


def test_a_review_page_is_for_the_case_members(client, cast, signed_off, made):
    chair = cast.chair
    client.force_login(chair)
    start = reverse(
        "followup:start",
        kwargs={"reference": signed_off.case.reference, "code": signed_off.request.code},
    )
    response = client.post(start)
    assert response.status_code == 302
    review = signed_off.case.requests.exclude(pk=signed_off.request.pk).get()
    path = reverse(
        "followup:compare", kwargs={"reference": signed_off.case.reference, "code": review.code}
    )
    outcomes = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        outcomes.append(client.get(path).status_code)
    assert tuple(outcomes) == READ
