"""Sending the Harries/Walsh session's actions and minutes (domain.md §7.5, R25, R40):
to the attendees by default, to others with a care-planning reason and a sharing basis,
by secure email to people without an account; receipts; corrections to the minutes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.artefacts.models import Artefact
from supervision.audit.models import AuditEvent
from supervision.distribution import selectors, services
from supervision.distribution.models import Correction, Recipient
from supervision.distribution.services import Problem, Refused
from supervision.distribution.tests.helpers import approve, at, make_document, practitioner, url
from supervision.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

SEWEDT = {
    "name": "Duty officer (fictional)",
    "organisation": "South East Wales Emergency Duty Team",
    "email": "duty@sewedt.example",
    "sent_by": "Business support officer (fictional)",
    "reason": "Out-of-hours cover needs the weekend actions of the plan.",
    "sharing_basis": "WASPI protocol EX-0917; UK GDPR article 6(1)(e)",
}
SCHOOL_REASON = "The school checks in with Kai on Mondays as part of the safety plan."
SCHOOL_BASIS = "WASPI protocol EX-0917; UK GDPR article 6(1)(e)"


@pytest.fixture
def actions(signed_off, cast) -> Artefact:
    return make_document(signed_off, "actions", by=cast.chair)


@pytest.fixture
def minutes(signed_off, cast) -> Artefact:
    return make_document(signed_off, "minutes", by=cast.chair)


def page_text(client, session) -> str:
    response = client.get(url(session))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def sent_emails(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("to"))


# --- To the attendees, once ---------------------------------------------------------------


def test_each_attendee_gets_one_email_and_sending_again_sends_nothing_more(
    client_for, cast, signed_off, actions, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with time_machine.travel(at("2026-01-16"), tick=False):
        worker = client_for(cast.social_worker)
        with django_capture_on_commit_callbacks(execute=True):
            response = worker.post(url(signed_off, "send", kind="actions"))
        assert response.status_code == 302
        assert response["Location"].endswith("#actions")
    # The two recorded attendees: the social worker and the health visitor.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "rachel.evans@hv.example",
        "sioned.price@cs.example",
    ]
    link = settings.SITE_URL.rstrip("/") + url(signed_off) + "#actions"
    for message in mail.outbox:
        assert link in message.body
        # A link, never the family or the document.
        assert "Harries" not in message.body
        assert "Leanne" not in message.body
        assert "Share safety plan" not in message.body
    actions.refresh_from_db()
    assert actions.status == "distributed"
    assert actions.distributed_at == at("2026-01-16")

    # Sent again, by the chair, a day later: nothing more goes, the first date stands.
    with time_machine.travel(at("2026-01-17"), tick=False):
        chair = client_for(cast.chair)
        with django_capture_on_commit_callbacks(execute=True):
            again = chair.post(url(signed_off, "send", kind="actions"))
        assert again.status_code == 302
    assert len(mail.outbox) == 2
    assert Recipient.objects.filter(artefact=actions).count() == 2
    actions.refresh_from_db()
    assert actions.distributed_at == at("2026-01-16")
    assert (
        AuditEvent.objects.filter(
            action="share", target_type="artefacts.artefact", target_id=str(actions.pk)
        ).count()
        == 1
    )


def test_the_actions_sent_the_day_after_the_session_met_the_two_day_deadline(
    client_for, cast, signed_off, actions
):
    with time_machine.travel(at("2026-01-16"), tick=False):
        services.distribution_send_to_attendees(artefact=actions, by=cast.social_worker)
    assert selectors.distributed_on(signed_off, "actions") == datetime.date(2026, 1, 16)
    assert selectors.distributed_on(signed_off, "minutes") is None
    with time_machine.travel(at("2026-01-20"), tick=False):
        text = page_text(client_for(cast.involved), signed_off)
    assert "Session held on Thursday 15 January 2026." in text
    assert "19 January 2026" in text  # 2 working days after Thursday 15 January
    assert "Sent on 16 January 2026, within the deadline." in text
    assert "On time" in text


def test_the_minutes_sent_on_13_february_are_one_working_day_late(
    client_for, cast, signed_off, actions, minutes
):
    approve(minutes, cast.chair)
    with time_machine.travel(at("2026-02-13", "09:30"), tick=False):
        services.distribution_send_to_attendees(artefact=minutes, by=cast.chair)
        text = page_text(client_for(cast.chair), signed_off)
    assert "12 February 2026" in text  # 20 working days after the session
    assert "Sent on 13 February 2026, 1 working day after the deadline." in text
    assert selectors.distributed_on(signed_off, "minutes") == datetime.date(2026, 2, 13)


def test_actions_not_yet_sent_after_their_deadline_are_overdue(
    client_for, cast, signed_off, actions
):
    with time_machine.travel(at("2026-01-21"), tick=False):
        text = page_text(client_for(cast.social_worker), signed_off)
    assert "Overdue" in text
    assert "Not sent yet: 2 working days overdue." in text  # due Mon 19, today Wed 21


def test_the_minutes_cannot_go_out_before_the_chair_approves_them(
    client_for, cast, signed_off, minutes, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    worker = client_for(cast.social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = worker.post(url(signed_off, "send", kind="minutes"))
    assert response.status_code == 400
    text = " ".join(response.content.decode().split())
    assert "There is a problem" in text
    assert "The minutes can be sent once the chair has approved them." in text
    assert mail.outbox == []
    minutes.refresh_from_db()
    assert minutes.status == "draft"
    assert minutes.distributed_at is None
    with pytest.raises(Refused) as refused:
        services.distribution_send_to_attendees(artefact=minutes, by=cast.chair)
    assert refused.value.problem is Problem.NOT_APPROVED


def test_a_document_still_being_made_cannot_go_out(cast, signed_off):
    actions = make_document(signed_off, "actions", by=cast.chair, file_status="running")
    with pytest.raises(Refused) as refused:
        services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    assert refused.value.problem is Problem.FILES_NOT_READY
    assert not Recipient.objects.exists()


def test_only_the_chair_and_the_social_worker_send(cast, signed_off, actions):
    with pytest.raises(PermissionDenied):
        services.distribution_send_to_attendees(artefact=actions, by=cast.involved)
    assert not Recipient.objects.exists()


# --- Wider, with a reason ---------------------------------------------------------------


def test_a_practitioner_who_did_not_attend_needs_a_reason_and_a_sharing_basis(
    client_for, cast, signed_off, actions, django_capture_on_commit_callbacks
):
    services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    school = practitioner("Catrin Rowlands")  # the school DSP, who reads in Welsh
    worker = client_for(cast.social_worker)
    typed = {"practitioner": school.pk, "reason": "", "sharing_basis": SCHOOL_BASIS}
    response = worker.post(url(signed_off, "recipient_add", kind="actions"), typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter why they need it for care planning" in html
    assert f'value="{SCHOOL_BASIS}"' in html  # what was typed is kept
    with pytest.raises(Refused) as refused:
        services.recipient_add(
            artefact=actions, practitioner=school, reason=" ", sharing_basis="", by=cast.chair
        )
    assert refused.value.problem is Problem.REASON_NEEDED
    with pytest.raises(IntegrityError), transaction.atomic():
        Recipient.objects.create(
            artefact=actions,
            practitioner=school,
            channel="service",
            sent_at=at("2026-01-16"),
            added_by=cast.chair,
        )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = worker.post(
            url(signed_off, "recipient_add", kind="actions"),
            {"practitioner": school.pk, "reason": SCHOOL_REASON, "sharing_basis": SCHOOL_BASIS},
        )
    assert response.status_code == 302
    added = Recipient.objects.get(artefact=actions, practitioner=school)
    assert (added.is_attendee, added.reason, added.sharing_basis) == (
        False,
        SCHOOL_REASON,
        SCHOOL_BASIS,
    )
    # One email, in her language: the link opens the Welsh page.
    assert [message.to for message in mail.outbox] == [[school.user.email]]
    assert "/cy" + url(signed_off) in mail.outbox[0].body
    assert added.message is not None
    assert added.message.language == "cy"
    text = page_text(worker, signed_off)
    assert SCHOOL_REASON in text
    assert SCHOOL_BASIS in text


def test_only_someone_who_can_open_the_case_is_sent_it_through_the_service(
    client_for, cast, signed_off, actions
):
    services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    housing = cast.uninvolved.practitioner
    with pytest.raises(Refused) as refused:
        services.recipient_add(
            artefact=actions,
            practitioner=housing,
            reason=SCHOOL_REASON,
            sharing_basis=SCHOOL_BASIS,
            by=cast.chair,
        )
    assert refused.value.problem is Problem.CANNOT_OPEN_CASE
    response = client_for(cast.chair).post(
        url(signed_off, "recipient_add", kind="actions"),
        {"practitioner": housing.pk, "reason": SCHOOL_REASON, "sharing_basis": SCHOOL_BASIS},
    )
    assert response.status_code == 400
    assert "Select someone from the list" in response.content.decode()
    # An attendee already has it.
    with pytest.raises(Refused) as again:
        services.recipient_add(
            artefact=actions,
            practitioner=cast.involved.practitioner,
            reason=SCHOOL_REASON,
            sharing_basis=SCHOOL_BASIS,
            by=cast.chair,
        )
    assert again.value.problem is Problem.ALREADY_SENT
    assert not Recipient.objects.filter(practitioner=housing).exists()


def test_others_are_sent_it_after_the_attendees(cast, signed_off, actions):
    with pytest.raises(Refused) as refused:
        services.recipient_add(
            artefact=actions,
            practitioner=practitioner("Catrin Rowlands"),
            reason=SCHOOL_REASON,
            sharing_basis=SCHOOL_BASIS,
            by=cast.chair,
        )
    assert refused.value.problem is Problem.ATTENDEES_FIRST


def test_a_secure_email_records_who_sent_which_file_to_whom_and_why(
    client_for, cast, signed_off, actions, minutes
):
    with time_machine.travel(at("2026-01-16"), tick=False):
        services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    welsh_pdf = actions.files.get(language="cy", format="pdf")
    worker = client_for(cast.social_worker)
    # Without the sender: nothing is recorded, and what was typed stays.
    missing = {**SEWEDT, "sent_by": "", "file": welsh_pdf.pk}
    response = worker.post(url(signed_off, "secure_email", kind="actions"), missing)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the name of the person who sent it" in html
    assert SEWEDT["email"] in html
    # A file of another document is not one of this document's files.
    other = minutes.files.get(language="en")
    response = worker.post(
        url(signed_off, "secure_email", kind="actions"), {**SEWEDT, "file": other.pk}
    )
    assert response.status_code == 400
    assert "Select a file from the list" in response.content.decode()
    assert not Recipient.objects.filter(channel="secure_email").exists()

    mail.outbox.clear()
    with time_machine.travel(at("2026-01-16", "15:00"), tick=False):
        response = worker.post(
            url(signed_off, "secure_email", kind="actions"), {**SEWEDT, "file": welsh_pdf.pk}
        )
    assert response.status_code == 302
    recorded = Recipient.objects.get(channel="secure_email")
    assert recorded.name == SEWEDT["name"]
    assert recorded.sent_by == SEWEDT["sent_by"]
    assert recorded.file == welsh_pdf
    assert recorded.sent_at == at("2026-01-16", "15:00")
    assert (recorded.practitioner, recorded.message, recorded.is_attendee) == (None, None, False)
    assert mail.outbox == []  # sent outside the service
    share = AuditEvent.objects.get(target_type="distribution.recipient", target_id=recorded.pk)
    assert share.action == "share"
    assert share.detail["file"] == str(welsh_pdf.code)
    assert SEWEDT["name"] not in str(share.detail)
    text = page_text(worker, signed_off)
    assert SEWEDT["name"] in text
    assert SEWEDT["sent_by"] in text
    assert "Sent on 16 January 2026" in text


# --- Receipt --------------------------------------------------------------------------------


def test_only_the_recipient_confirms_receipt_and_the_first_confirmation_stands(
    client_for, cast, signed_off, actions
):
    services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    visitor_row = Recipient.objects.get(artefact=actions, practitioner__user=cast.involved)
    path = url(signed_off, "acknowledge", recipient=visitor_row.code)
    assert client_for(cast.social_worker).post(path).status_code == 403
    assert client_for(cast.chair).post(path).status_code == 403
    with pytest.raises(PermissionDenied):
        services.recipient_acknowledge(recipient=visitor_row, by=cast.chair)
    visitor_row.refresh_from_db()
    assert visitor_row.acknowledged_at is None

    visitor = client_for(cast.involved)
    assert "I have received this" in page_text(visitor, signed_off)
    with time_machine.travel(at("2026-01-16", "11:00"), tick=False):
        assert visitor.post(path).status_code == 302
    with time_machine.travel(at("2026-01-19", "11:00"), tick=False):
        assert visitor.post(path).status_code == 302
    visitor_row.refresh_from_db()
    assert visitor_row.acknowledged_at == at("2026-01-16", "11:00")
    text = page_text(visitor, signed_off)
    assert "I have received this" not in text
    assert "16 January 2026" in text


def test_the_delivery_state_is_the_email_s(client_for, cast, signed_off, actions):
    services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    OutboxMessage.objects.filter(to=cast.involved.email, kind="distribution_document_sent").update(
        status="failed", attempts=10
    )
    text = page_text(client_for(cast.chair), signed_off)
    assert "Not delivered" in text
    assert "Waiting to be sent" in text  # the social worker's, not yet sent (no commit)


# --- Corrections ----------------------------------------------------------------------------


def test_an_attendee_sends_in_a_correction_and_the_chair_decides(
    client_for, cast, signed_off, minutes, django_capture_on_commit_callbacks
):
    visitor = client_for(cast.involved)
    correction_path = url(signed_off, "correction_raise")
    text = "Macy's SLT sessions are on Tuesdays, not Thursdays."
    # Draft minutes cannot be corrected yet.
    response = visitor.post(correction_path, {"text": text})
    assert response.status_code == 400
    assert "once the chair has approved the minutes" in response.content.decode()

    approve(minutes, cast.chair)
    assert visitor.post(correction_path, {"text": ""}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert visitor.post(correction_path, {"text": text}).status_code == 302
    correction = Correction.objects.get()
    assert (correction.raised_by, correction.text, correction.status) == (
        cast.involved,
        text,
        "open",
    )
    assert [message.to for message in mail.outbox] == [[cast.chair.email]]
    # The chair did not attend: the chair decides, and does not send corrections in.
    chair = client_for(cast.chair)
    assert chair.post(correction_path, {"text": "Mine"}).status_code == 403
    resolve = url(signed_off, "correction_resolve", correction=correction.code)
    assert client_for(cast.social_worker).post(resolve, {"decision": "accepted"}).status_code == 403

    chair = client_for(cast.chair)
    refused = chair.post(resolve, {"decision": "not_accepted", "note": ""})
    assert refused.status_code == 400
    assert "Say why you do not accept the correction" in refused.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = chair.post(resolve, {"decision": "accepted", "note": "Corrected in version 2."})
    assert decided.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.resolved_by, correction.resolution_note) == (
        "accepted",
        cast.chair,
        "Corrected in version 2.",
    )
    assert [message.to for message in mail.outbox] == [[cast.involved.email]]
    again = chair.post(resolve, {"decision": "not_accepted", "note": "Changed my mind."})
    assert again.status_code == 400
    assert "already decided" in again.content.decode()
    text_now = page_text(chair, signed_off)
    assert text in text_now.replace("&#x27;", "'")
    assert "Accepted" in text_now


def test_corrections_are_for_the_minutes(cast, signed_off, actions):
    with pytest.raises(Refused) as refused:
        services.correction_raise(artefact=actions, text="A typo.", by=cast.involved)
    assert refused.value.problem is Problem.NOT_MINUTES


# --- The files ------------------------------------------------------------------------------


def test_the_page_links_each_file_of_a_document_to_its_download(
    client_for, cast, signed_off, actions
):
    services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    html = client_for(cast.involved).get(url(signed_off)).content.decode()
    for file in actions.files.all():
        download = reverse(
            "artefacts:download",
            kwargs={
                "reference": signed_off.case.reference,
                "code": signed_off.request.code,
                "file": file.code,
            },
        )
        assert f'href="{download}"' in html
    assert "Download: Actions, Welsh, PDF" in html
    assert "Download: Actions, English, PDF" in html


# --- A fixed number of queries --------------------------------------------------------------


def count_page_queries(client, session) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(session)).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_few_and_many_recipients(
    client_for, cast, signed_off, actions, minutes
):
    approve(minutes, cast.chair)
    services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    services.distribution_send_to_attendees(artefact=minutes, by=cast.chair)
    services.correction_raise(artefact=minutes, text="One.", by=cast.involved)
    chair = client_for(cast.chair)
    count_page_queries(chair, signed_off)  # warm up (sessions, caches)
    few = count_page_queries(chair, signed_off)
    visitor = client_for(cast.involved)
    count_page_queries(visitor, signed_off)
    few_as_recipient = count_page_queries(visitor, signed_off)
    chair = client_for(cast.chair)

    for name in ("Catrin Rowlands", "Dr Amir Shah", "DC Laura Hughes", "Nia Thomas"):
        for artefact in (actions, minutes):
            services.recipient_add(
                artefact=artefact,
                practitioner=practitioner(name),
                reason=SCHOOL_REASON,
                sharing_basis=SCHOOL_BASIS,
                by=cast.chair,
            )
    for number in range(6):
        services.secure_email_record(
            artefact=actions,
            file=actions.files.first(),
            **{**SEWEDT, "name": f"Officer {number}"},
            by=cast.social_worker,
        )
    for number in range(5):
        correction = services.correction_raise(
            artefact=minutes, text=f"Correction {number}.", by=cast.social_worker
        )
        if number % 2:
            services.correction_resolve(
                correction=correction, accepted=False, note="Not so.", by=cast.chair
            )
    chair = client_for(cast.chair)
    count_page_queries(chair, signed_off)
    assert count_page_queries(chair, signed_off) == few
    # The same for a recipient, who sees no forms but the receipt buttons.
    visitor = client_for(cast.involved)
    count_page_queries(visitor, signed_off)
    assert count_page_queries(visitor, signed_off) == few_as_recipient
