"""Follow-up reminders for the Harries/Walsh session of domain.md §7.5 (held Thursday
15 January 2026, signed off with actions A1-A7, A1 done).

Expected days, worked out from the scenario and domain.md §7.6:
- actions document due Mon 19 January (2 WD): the chair is reminded Fri 16 January;
- minutes due Thu 12 February (20 WD): reminded Wed 11 February;
- an action is reminded on the last working day before it is due, and, still open, its
  owner gets one overdue notice on the first working day after the due date: A2 (due
  Fri 23 January) is reminded Thu 22 and overdue on Mon 26 January;
- the one-month point (due Mon 16 February) is reminded Fri 13 February, the three-month
  point (due Wed 15 April) Tue 14 April, the review date (Thu 16 April) Wed 15 April, to
  the chair and the social worker.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.actions.models import Action, ProgressPoint
from supervision.artefacts.models import Artefact
from supervision.followup.models import FollowUpReminder
from supervision.followup.services import follow_up_reminders_send
from supervision.meetings.models import SupervisionSession
from supervision.notifications.models import OutboxMessage
from supervision.records.models import RecordEdition

pytestmark = pytest.mark.django_db

CHAIR = "alun.jarvis@cs.example"
SOCIAL_WORKER = "sioned.price@cs.example"
HEALTH_VISITOR = "rachel.evans@hv.example"
GP = "amir.shah@gp.example"
KINDS = [
    "actions_due",
    "minutes_due",
    "action_due",
    "action_overdue",
    "progress_due",
    "review_due",
]


def on(day: str) -> time_machine.travel:
    """Early morning of `day` in London, when the daily job runs."""
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T06:30:00+00:00"), tick=False)


def run_on(day: str) -> None:
    with on(day):
        call_command("send_follow_up_reminders", stdout=io.StringIO())


def sent() -> list[tuple[str, str, str]]:
    """(kind, recipient, what about) of every follow-up email in the outbox."""
    actions = {str(a.pk): a.label for a in Action.objects.all()}
    points = {str(p.pk): f"{p.months} months" for p in ProgressPoint.objects.all()}
    rows = []
    for message in OutboxMessage.objects.filter(kind__in=KINDS).order_by("pk"):
        about = ""
        if message.related_type == "actions.action":
            about = actions[message.related_id]
        elif message.related_type == "actions.progresspoint":
            about = points[message.related_id]
        rows.append((message.kind, message.to, about))
    return rows


def test_the_chair_is_reminded_of_the_actions_document_once_the_day_before_it_is_due(
    signed_off, django_capture_on_commit_callbacks
):
    run_on("2026-01-15")  # the session day: nothing yet
    assert sent() == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_on("2026-01-16")
        run_on("2026-01-16")  # the job runs twice: still one reminder
    assert sent() == [("actions_due", CHAIR, "")]
    [email] = mail.outbox
    assert email.to == [CHAIR]
    assert "19 January 2026" in email.body
    assert f"/cases/{signed_off.case.reference}/requests/{signed_off.request.code}/" in email.body
    # A link and a date; no family, no case narrative.
    for detail in ("Harries", "Walsh", "Leanne", "Kai", "Macy", "Dean", "SEWEDT"):
        assert detail not in email.body
        assert detail not in email.subject
    run_on("2026-01-19")  # due day: already reminded, not again
    assert sent() == [("actions_due", CHAIR, "")]


def test_no_documents_reminder_once_the_actions_have_gone_out(signed_off, cast):
    Artefact.objects.create(
        session=signed_off,
        kind="actions",
        edition=RecordEdition.objects.get(record__session=signed_off),
        status="distributed",
        distributed_at=timezone.make_aware(datetime.datetime(2026, 1, 16, 9, 0)),
        created_by=cast.chair,
    )
    run_on("2026-01-16")
    assert sent() == []
    run_on("2026-02-11")  # the minutes have not gone out: the chair is reminded of them
    assert ("minutes_due", CHAIR, "") in sent()
    assert ("actions_due", CHAIR, "") not in sent()


def test_every_reminder_of_the_scenario_on_its_day_once(signed_off):
    """The job runs twice every day from the session to after the review date."""
    by_day: dict[str, list[tuple[str, str, str]]] = {}
    day = datetime.date(2026, 1, 15)
    while day <= datetime.date(2026, 4, 20):
        before = len(sent())
        run_on(day.isoformat())
        run_on(day.isoformat())
        new = sent()[before:]
        if new:
            by_day[day.isoformat()] = sorted(new)
        day += datetime.timedelta(days=1)
    assert by_day == {
        "2026-01-16": [("actions_due", CHAIR, "")],
        "2026-01-21": [("action_due", SOCIAL_WORKER, "A4")],  # due Thu 22
        "2026-01-22": [("action_due", SOCIAL_WORKER, "A2")],  # due Fri 23
        "2026-01-23": [("action_overdue", SOCIAL_WORKER, "A4")],
        "2026-01-26": [("action_overdue", SOCIAL_WORKER, "A2")],  # the Monday after
        "2026-01-29": sorted(  # A3, A6 and A7 due Fri 30
            [
                ("action_due", HEALTH_VISITOR, "A3"),
                ("action_due", GP, "A6"),
                ("action_due", SOCIAL_WORKER, "A7"),
            ]
        ),
        "2026-02-02": sorted(
            [
                ("action_overdue", HEALTH_VISITOR, "A3"),
                ("action_overdue", GP, "A6"),
                ("action_overdue", SOCIAL_WORKER, "A7"),
            ]
        ),
        "2026-02-11": [("minutes_due", CHAIR, "")],  # due Thu 12
        "2026-02-12": [("action_due", SOCIAL_WORKER, "A5")],  # due Fri 13
        "2026-02-13": sorted(  # one month on: due Mon 16 February
            [("progress_due", CHAIR, "1 months"), ("progress_due", SOCIAL_WORKER, "1 months")]
        ),
        "2026-02-16": [("action_overdue", SOCIAL_WORKER, "A5")],
        "2026-04-14": sorted(  # three months on: due Wed 15 April
            [("progress_due", CHAIR, "3 months"), ("progress_due", SOCIAL_WORKER, "3 months")]
        ),
        "2026-04-15": sorted(  # the review date, Thu 16 April
            [("review_due", CHAIR, ""), ("review_due", SOCIAL_WORKER, "")]
        ),
    }
    # A1 was done at the session: never reminded.
    assert not any(about == "A1" for _kind, _to, about in sent())


def test_the_progress_reminder_names_who_checks_and_links_in_the_recipients_language(
    signed_off, cast
):
    practitioner = cast.social_worker.practitioner
    practitioner.preferred_language = "cy"
    practitioner.save()
    run_on("2026-02-13")
    english = OutboxMessage.objects.get(kind="progress_due", to=CHAIR)
    welsh = OutboxMessage.objects.get(kind="progress_due", to=SOCIAL_WORKER)
    assert english.language == "en"
    assert welsh.language == "cy"
    assert "Core group" in english.body  # who checks, as agreed
    assert "16 February 2026" in english.body
    assert "/cy/cases/" in welsh.body
    assert "/cy/cases/" not in english.body
    assert english.body.count("#progress-1") == 1


def test_a_missed_run_is_made_up_for_but_not_sent_long_after(signed_off):
    # No run on Thu 22 January: A2's reminder goes on its due day, Fri 23.
    run_on("2026-01-23")
    assert ("action_due", SOCIAL_WORKER, "A2") in sent()
    # No run again until Mon 9 February. The overdue notices of A3, A6 and A7 (due Fri 30
    # January, notice Mon 2 February) are made up for, 5 working days late...
    run_on("2026-02-09")
    overdue = {about for kind, _to, about in sent() if kind == "action_overdue"}
    assert {"A3", "A6", "A7"} <= overdue
    # ...but A2's (due Fri 23 January, notice Mon 26) would be 10 working days late: not sent.
    assert "A2" not in overdue


def test_done_actions_cancelled_and_unsigned_sessions_get_no_reminders(signed_off, cast):
    Action.objects.filter(record__session=signed_off, number=2).update(
        status="done",
        completion_note="Leanne gave her outcome in her words.",
        done_at=timezone.now(),
        done_by=cast.social_worker,
    )
    run_on("2026-01-22")
    assert ("action_due", SOCIAL_WORKER, "A2") not in sent()
    run_on("2026-01-26")
    assert ("action_overdue", SOCIAL_WORKER, "A2") not in sent()
    SupervisionSession.objects.filter(pk=signed_off.pk).update(
        status="cancelled", cancel_reason="Booked in error."
    )
    before = sent()
    for day in (datetime.date(2026, 1, 29), datetime.date(2026, 2, 11), datetime.date(2026, 2, 13)):
        assert follow_up_reminders_send(today=day) == 0
    assert sent() == before


def test_a_session_not_signed_off_gets_no_reminders(booked, client_for, cast):
    from supervision.actions.tests.test_plan import ACTIONS, action_data
    from supervision.records.models import PrinciplesRecord

    client = client_for(cast.chair)
    client.post(
        f"/cases/{booked.case.reference}/requests/{booked.request.code}/record/next-steps/actions/",
        action_data(*ACTIONS[1]),
    )
    assert Action.objects.filter(record__session=booked).count() == 1
    assert not PrinciplesRecord.objects.filter(session=booked, signed_off_at__isnull=False).exists()
    assert follow_up_reminders_send(today=datetime.date(2026, 1, 16)) == 0
    assert follow_up_reminders_send(today=datetime.date(2026, 1, 22)) == 0


def test_the_database_keeps_each_reminder_to_one(signed_off, cast):
    action = Action.objects.get(record__session=signed_off, number=2)
    point = ProgressPoint.objects.get(record__session=signed_off, months=1)
    due = datetime.date(2026, 1, 23)
    rows = [
        {"kind": "actions_due", "session": signed_off},
        {"kind": "action_overdue", "session": signed_off, "action": action},
        {"kind": "progress_due", "session": signed_off, "progress_point": point},
    ]
    for row in rows:
        FollowUpReminder.objects.create(**row, due_date=due, recipient=cast.chair)
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUpReminder.objects.create(**row, due_date=due, recipient=cast.chair)
    # A reminder about an action must name the action.
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpReminder.objects.create(
            kind="action_due", session=signed_off, due_date=due, recipient=cast.chair
        )
    # Another recipient, or another due date, is another reminder.
    FollowUpReminder.objects.create(**rows[1], due_date=due, recipient=cast.social_worker)
    FollowUpReminder.objects.create(
        **rows[1], due_date=datetime.date(2026, 1, 30), recipient=cast.chair
    )
