"""The demo session: `make run` books it and enters the §7.5 record for the chair to sign off."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from supervision.actions.models import Action
from supervision.meetings.models import SupervisionSession
from supervision.meetings.services import demo_request_load
from supervision.records.models import Attendance, PrinciplesRecord
from supervision.records.services import completion_problems_of
from supervision.safety.selectors import out_of_hours_answered

pytestmark = pytest.mark.django_db


def test_the_demo_session_is_ready_for_the_chair_to_sign_off(demo_case):
    demo_request_load()
    call_command("load_demo_session")
    call_command("load_demo_session")  # safe to run again
    session = SupervisionSession.objects.get(case=demo_case)
    assert session.starts_at.date().isoformat() == "2026-01-15"
    record = PrinciplesRecord.objects.get(session=session)
    assert not record.locked
    assert record.outcomes.count() == 4
    assert Action.objects.filter(record=record).count() == 7
    assert Action.objects.get(record=record, number=1).status == "done"
    assert Attendance.objects.filter(record=record).count() == 7
    assert out_of_hours_answered(session)
    assert completion_problems_of(session) == []
