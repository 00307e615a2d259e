"""Every session type uses the principles; single-agency types skip chronologies and
invitations (R4), core groups invite the agencies involved now."""

from __future__ import annotations

import pytest
from django.urls import reverse

from supervision.cases.models import Involvement
from supervision.meetings.models import Invitation, SupervisionRequest
from supervision.meetings.tests.test_requests import REQUEST, SESSION, at

pytestmark = pytest.mark.django_db


def booked_of_type(client, cast, case, session_type: str) -> SupervisionRequest:
    client.force_login(cast.involved)
    with at("2025-12-11"):
        response = client.post(
            reverse("meetings:create", kwargs={"reference": case.reference}),
            {**REQUEST, "session_type": session_type},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    found = SupervisionRequest.objects.get(case=case)
    client.force_login(cast.chair)
    client.post(reverse("request_decide", kwargs={"code": found.code}), {"decision": "accept"})
    kwargs = {"reference": case.reference, "code": found.code}
    assert client.post(reverse("meetings:schedule", kwargs=kwargs), SESSION).status_code == 302
    found.refresh_from_db()
    return found


@pytest.mark.parametrize("session_type", ["individual", "reflective_group"])
def test_single_agency_sessions_skip_chronologies_and_invite_only_the_requester(
    client, cast, demo_case, session_type
):
    found = booked_of_type(client, cast, demo_case, session_type)
    assert found.chronologies.count() == 0
    invitations = Invitation.objects.filter(session__request=found)
    assert [(i.practitioner.user, i.basis) for i in invitations] == [(cast.involved, "requester")]
    # The principles record is there for every type.
    record = reverse(
        "records:record", kwargs={"reference": demo_case.reference, "code": found.code}
    )
    assert client.get(record).status_code == 200


def test_a_core_group_invites_the_agencies_involved_now_but_no_previous_ones(
    client, cast, demo_case
):
    found = booked_of_type(client, cast, demo_case, "core_group")
    assert found.chronologies.count() == 0
    invited = set(
        Invitation.objects.filter(session__request=found).values_list("agency__code", flat=True)
    )
    previous = set(
        Involvement.objects.filter(case=demo_case, status="previous").values_list(
            "agency__code", flat=True
        )
    )
    assert previous, "the scenario has a previous involvement (Flying Start)"
    assert not invited & previous
    assert {"cs", "hv"} <= invited


def test_a_multi_agency_session_invites_previous_agencies_too(client, cast, demo_case):
    found = booked_of_type(client, cast, demo_case, "multi_agency")
    invited = set(
        Invitation.objects.filter(session__request=found).values_list("agency__code", flat=True)
    )
    previous = set(
        Involvement.objects.filter(case=demo_case, status="previous").values_list(
            "agency__code", flat=True
        )
    )
    assert previous <= invited
    assert found.chronologies.count() > 0
