"""The documents page and its actions through HTTP: who may do what, the deadlines of the
§7.5 session, approving the minutes, downloads, and the page's fixed number of queries."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supervision.artefacts import selectors, services
from supervision.artefacts.models import Artefact, ArtefactFile
from supervision.artefacts.tests.helpers import make_artefact, url
from supervision.audit.models import AuditEvent
from supervision.domain.deadlines import DeadlineState
from supervision.meetings.models import SupervisionRequest, SupervisionSession
from supervision.records.models import PrinciplesRecord, RecordEdition
from supervision.web.tests.test_access_matrix import WHO

pytestmark = pytest.mark.django_db

OK, REDIRECT, FORBIDDEN, NOT_FOUND, CONFLICT = 200, 302, 403, 404, 409
LONDON = datetime.timezone(datetime.timedelta(0))  # January and February: GMT


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=LONDON)


def outcomes(client, cast, method: str, path: str) -> tuple[int, ...]:
    found = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        found.append(getattr(client, method)(path).status_code)
    return tuple(found)


# --- Who may do what ---------------------------------------------------------------------


def test_every_route_for_every_member_of_the_cast(client, cast, signed_off):
    """social_worker, involved, uninvolved, chair, quality_officer, administrator, anonymous."""
    assert outcomes(client, cast, "get", url(signed_off)) == (
        OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT
    )  # fmt: skip
    # Making the documents: the writers of the record (the tasks do not run here).
    assert outcomes(client, cast, "post", url(signed_off, "prepare")) == (
        REDIRECT, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT
    )  # fmt: skip
    # Approving: the chair only; the files are not made yet, so the chair is told why.
    assert outcomes(client, cast, "post", url(signed_off, "approve_minutes")) == (
        FORBIDDEN, FORBIDDEN, NOT_FOUND, CONFLICT, NOT_FOUND, NOT_FOUND, REDIRECT
    )  # fmt: skip
    made = ArtefactFile.objects.filter(artefact__session=signed_off).first()
    made.status = "done"
    made.file.save("fictional.pdf", ContentFile(b"%PDF-1.7 fictional"))
    assert outcomes(client, cast, "get", url(signed_off, "download", file=made.code)) == (
        OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT
    )  # fmt: skip
    # Reading with GET what only takes POST, and the other way round.
    assert outcomes(client, cast, "get", url(signed_off, "prepare")) == (405,) * 7
    assert outcomes(client, cast, "post", url(signed_off)) == (405,) * 7


def test_before_a_session_is_booked_every_page_is_not_found(client, cast, demo_case):
    from supervision.meetings.tests.test_requests import accepted_request

    found = accepted_request(client, cast, demo_case)
    path = f"/cases/{demo_case.reference}/requests/{found.code}/documents/"
    assert outcomes(client, cast, "get", path) == (NOT_FOUND,) * 6 + (REDIRECT,)
    assert outcomes(client, cast, "get", f"{path}files/{uuid.uuid4()}/download/") == (
        (NOT_FOUND,) * 6 + (REDIRECT,)
    )


def test_documents_are_made_only_from_a_signed_off_record(client_for, cast, booked):
    response = client_for(cast.social_worker).post(url(booked, "prepare"))
    assert response.status_code == CONFLICT
    assert "once the chair has signed off the session record" in response.content.decode()
    assert not Artefact.objects.filter(session=booked).exists()
    page = client_for(cast.social_worker).get(url(booked)).content.decode()
    assert "The documents can be made once the chair has signed off" in page
    assert "Make the documents" not in page


def test_an_involved_practitioner_sees_the_page_but_cannot_make_the_documents(
    client_for, cast, signed_off
):
    page = client_for(cast.involved).get(url(signed_off)).content.decode()
    assert "Session documents" in page
    assert url(signed_off, "prepare") not in page


# --- Making and remaking -----------------------------------------------------------------


def test_preparing_queues_three_documents_of_four_files_each(client_for, cast, signed_off):
    response = client_for(cast.chair).post(url(signed_off, "prepare"))
    assert response.status_code == REDIRECT
    artefacts = Artefact.objects.filter(session=signed_off)
    assert sorted(a.kind for a in artefacts) == ["actions", "conference_extract", "minutes"]
    assert {a.status for a in artefacts} == {"draft"}
    files = ArtefactFile.objects.filter(artefact__session=signed_off)
    assert sorted((f.artefact.kind, f.language, f.format) for f in files) == sorted(
        (kind, language, fmt)
        for kind in ("actions", "minutes", "conference_extract")
        for language in ("en", "cy")
        for fmt in ("pdf", "docx")
    )
    assert {f.status for f in files} == {"queued"}
    page = client_for(cast.involved).get(url(signed_off)).content.decode()
    assert 'role="status"' in page
    assert "This page updates itself every few seconds" in page
    assert ">Refresh</a>" in page
    assert "Waiting" in page
    assert (
        AuditEvent.objects.filter(
            action="create", target_type="artefacts.artefact", case=signed_off.case
        ).count()
        == 3
    )


def test_a_newer_version_moves_every_document_not_yet_distributed(client_for, cast, signed_off):
    actions = make_artefact(
        signed_off, "actions", by=cast.chair, status="distributed", distributed_at=at(2026, 1, 16)
    )
    minutes = make_artefact(signed_off, "minutes", by=cast.chair, status="approved")
    first = actions.edition
    # The chair reopens the record and signs it off again: version 2.
    RecordEdition.objects.create(
        record=first.record,
        number=2,
        signed_off_at=timezone.now(),
        signed_off_by=cast.chair,
        content=first.content,
    )
    response = client_for(cast.social_worker).post(url(signed_off, "prepare"))
    assert response.status_code == REDIRECT
    actions.refresh_from_db()
    minutes.refresh_from_db()
    assert (actions.edition.number, actions.status) == (1, "distributed")
    assert {f.status for f in actions.files.all()} == {"done"}  # nothing remade
    assert (minutes.edition.number, minutes.status, minutes.approved_by) == (2, "draft", None)
    assert {f.status for f in minutes.files.all()} == {"queued"}
    extract = Artefact.objects.get(session=signed_off, kind="conference_extract")
    assert extract.edition.number == 2


def test_a_record_reopened_after_sign_off_cannot_be_prepared(client_for, cast, signed_off):
    PrinciplesRecord.objects.filter(session=signed_off).update(signed_off_at=None)
    with pytest.raises(services.NotSignedOff):
        services.artefacts_prepare(session=signed_off, by=cast.chair)


# --- Approving the minutes ---------------------------------------------------------------


def test_only_the_chair_approves_the_minutes_once_their_files_are_made(
    client_for, cast, signed_off
):
    minutes = make_artefact(signed_off, "minutes", by=cast.chair)
    page = client_for(cast.chair).get(url(signed_off)).content.decode()
    assert "Approve the minutes" in page
    worker = client_for(cast.social_worker)
    assert "Approve the minutes" not in worker.get(url(signed_off)).content.decode()

    assert worker.post(url(signed_off, "approve_minutes")).status_code == FORBIDDEN
    minutes.refresh_from_db()
    assert minutes.status == "draft"

    response = client_for(cast.chair).post(url(signed_off, "approve_minutes"))
    assert response.status_code == REDIRECT
    minutes.refresh_from_db()
    assert (minutes.status, minutes.approved_by) == ("approved", cast.chair)
    assert AuditEvent.objects.filter(
        action="sign_off", target_type="artefacts.artefact", target_id=str(minutes.pk)
    ).exists()
    page = client_for(cast.chair).get(url(signed_off)).content.decode()
    assert "Approved by the chair" in page

    again = client_for(cast.chair).post(url(signed_off, "approve_minutes"))
    assert again.status_code == CONFLICT
    assert "The minutes are already approved." in again.content.decode()


def test_minutes_with_a_file_not_made_cannot_be_approved(client_for, cast, signed_off):
    minutes = make_artefact(signed_off, "minutes", by=cast.chair)
    minutes.files.filter(language="cy", format="docx").update(status="failed", error="Broken")
    response = client_for(cast.chair).post(url(signed_off, "approve_minutes"))
    assert response.status_code == CONFLICT
    assert "until all their files are made" in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.status == "draft"


def test_distributing_keeps_the_first_date_and_needs_approved_minutes(cast, signed_off):
    minutes = make_artefact(signed_off, "minutes", by=cast.chair)
    with pytest.raises(services.NotReady):
        services.artefact_mark_distributed(artefact=minutes, when=at(2026, 2, 5), by=cast.chair)
    actions = make_artefact(signed_off, "actions", by=cast.chair)
    services.artefact_mark_distributed(artefact=actions, when=at(2026, 1, 16), by=cast.chair)
    services.artefact_mark_distributed(artefact=actions, when=at(2026, 1, 20), by=cast.chair)
    actions.refresh_from_db()
    assert (actions.status, actions.distributed_at) == ("distributed", at(2026, 1, 16))
    assert selectors.artefact_of(signed_off, "actions") == actions
    assert selectors.file_for(actions, "cy", "pdf").language == "cy"
    assert selectors.artefact_of(signed_off, "conference_extract") is None


# --- Deadlines (R40) -----------------------------------------------------------------------


def test_the_scenario_deadlines_on_the_day_of_the_session(client_for, cast, signed_off):
    with time_machine.travel(at(2026, 1, 15, 16), tick=False):
        deadlines = selectors.deadlines_of(signed_off)
        page = client_for(cast.involved).get(url(signed_off)).content.decode()
    assert deadlines.actions_due == datetime.date(2026, 1, 19)
    assert deadlines.minutes_due == datetime.date(2026, 2, 12)
    assert deadlines.actions_state == DeadlineState.GREEN
    assert "Due Monday 19 January 2026" in page
    assert "Due Thursday 12 February 2026" in page
    assert "On track" in page


def test_actions_sent_on_time_and_minutes_sent_late(client_for, cast, signed_off):
    actions = make_artefact(signed_off, "actions", by=cast.chair)
    services.artefact_mark_distributed(artefact=actions, when=at(2026, 1, 16), by=cast.chair)
    minutes = make_artefact(signed_off, "minutes", by=cast.chair, status="approved")
    services.artefact_mark_distributed(artefact=minutes, when=at(2026, 2, 16), by=cast.chair)
    with time_machine.travel(at(2026, 2, 20), tick=False):
        deadlines = selectors.deadlines_of(signed_off)
        page = client_for(cast.social_worker).get(url(signed_off)).content.decode()
    assert deadlines.actions_state == DeadlineState.MET
    assert deadlines.actions_sent_on == datetime.date(2026, 1, 16)
    assert deadlines.minutes_state == DeadlineState.MET_LATE
    # Due Thursday 12 February; sent Monday 16th: Friday and Monday are 2 working days.
    assert deadlines.minutes_days_late == 2
    assert "Sent on time" in page
    assert "Sent on Friday 16 January 2026" in page
    assert "Sent on Monday 16 February 2026: 2 working days late" in page


def test_actions_not_sent_after_their_deadline_are_overdue(client_for, cast, signed_off):
    with time_machine.travel(at(2026, 1, 21), tick=False):
        deadlines = selectors.deadlines_of(signed_off)
        page = client_for(cast.social_worker).get(url(signed_off)).content.decode()
    assert deadlines.actions_state == DeadlineState.RED
    assert "Overdue" in page
    # Due Monday 19th; Tuesday and Wednesday have passed.
    assert "Not sent yet: 2 working days late" in page
    with time_machine.travel(at(2026, 1, 16), tick=False):
        assert selectors.deadlines_of(signed_off).actions_state == DeadlineState.AMBER


# --- Downloads ---------------------------------------------------------------------------


def test_a_download_is_audited_and_named_without_people(client_for, cast, signed_off):
    minutes = make_artefact(signed_off, "minutes", by=cast.chair)
    welsh_pdf = minutes.files.get(language="cy", format="pdf")
    response = client_for(cast.involved).get(url(signed_off, "download", file=welsh_pdf.code))
    assert response.status_code == OK
    assert response["Content-Disposition"] == 'attachment; filename="minutes-2026-01-15-cy.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fictional"
    event = AuditEvent.objects.get(action="export", target_id=str(welsh_pdf.pk))
    assert event.actor == cast.involved
    assert event.case == signed_off.case
    assert event.detail == {"kind": "minutes", "language": "cy", "format": "pdf", "version": 1}

    extract = make_artefact(signed_off, "conference_extract", by=cast.chair)
    docx = extract.files.get(language="en", format="docx")
    response = client_for(cast.chair).get(url(signed_off, "download", file=docx.code))
    assert response["Content-Disposition"] == (
        'attachment; filename="conference-extract-2026-01-15-en.docx"'
    )


def test_a_file_not_made_or_of_another_session_is_not_found(client_for, cast, signed_off):
    from supervision.meetings.services import session_schedule

    minutes = make_artefact(signed_off, "minutes", by=cast.chair)
    waiting = minutes.files.get(language="en", format="docx")
    waiting.status = "running"
    waiting.save()
    worker = client_for(cast.social_worker)
    assert worker.get(url(signed_off, "download", file=waiting.code)).status_code == NOT_FOUND
    assert worker.get(url(signed_off, "download", file=uuid.uuid4())).status_code == NOT_FOUND

    # A second request of the same case, with its own session and documents.
    second = SupervisionRequest.objects.get(pk=signed_off.request.pk)
    second.pk = None
    second.code = uuid.uuid4()
    second._state.adding = True
    second.save()
    other: SupervisionSession = session_schedule(
        request=second,
        starts_at=at(2026, 3, 5, 10),
        duration_minutes=90,
        venue="Room 3",
        meeting_language="en",
        scheduled_by=cast.chair,
    )
    edition = RecordEdition.objects.get(record__session=signed_off)
    theirs = make_artefact(other, "actions", by=cast.chair, edition=edition).files.get(
        language="en", format="pdf"
    )
    assert worker.get(url(signed_off, "download", file=theirs.code)).status_code == NOT_FOUND
    assert worker.get(url(other, "download", file=theirs.code)).status_code == OK


# --- Queries -------------------------------------------------------------------------------


def page_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == OK
    return len(queries)


def test_the_page_runs_the_same_queries_for_one_file_or_twelve(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    make_artefact(signed_off, "actions", by=cast.chair, languages=("en",), formats=("pdf",))
    page_queries(worker, url(signed_off))  # the first page of a sign-in does more
    few = page_queries(worker, url(signed_off))
    make_artefact(signed_off, "minutes", by=cast.chair)
    make_artefact(signed_off, "conference_extract", by=cast.chair)
    assert ArtefactFile.objects.filter(artefact__session=signed_off).count() == 9
    many = page_queries(worker, url(signed_off))
    assert few == many
