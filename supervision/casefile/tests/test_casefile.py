"""The case file page of the §7.5 session: each child's synopsis recorded on their case
file, the alert to the conference chair, and closing the session (R24, R27, R28, R40).

Expected values come from domain.md §7.5 and the issue, not from the code.
"""

from __future__ import annotations

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from supervision.actions.tests.test_plan import ACTIONS, LEANNE_OUTCOME, MACY_OUTCOME
from supervision.artefacts.models import Artefact, ArtefactKind, ArtefactStatus
from supervision.audit.models import AuditEvent
from supervision.casefile import services
from supervision.casefile.models import ChildSynopsis, ConferenceAlert
from supervision.casefile.selectors import closing_state, closing_states
from supervision.cases.models import Person, PersonRole
from supervision.meetings.models import SessionStatus
from supervision.records.models import RecordEdition
from supervision.records.services import reflective_note_save
from supervision.records.tests.test_record import KAI_OUTCOME, WHOLE_FAMILY_OUTCOME

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# §7.5: the synopses went on Kai's and Macy's local authority files on 16 January 2026.
RECORDED_DAY = datetime.datetime(2026, 1, 16, 11, 0, tzinfo=LONDON)
KAI_REF = "LA-2026-0117-KH"
MACY_REF = "LA-2026-0118-MW"
PROMPT = (
    "The conference on 29 January 2026 is before the minutes are due (12 February 2026): "
    "use the distributed actions and the conference extract."
)
SECRET_NOTE = "My own worry: I left the pre-meeting feeling unheard."


def url(session, name: str = "detail", **extra: object) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code, **extra}
    return reverse(f"casefile:{name}", kwargs=kwargs)


def child(session, given: str) -> Person:
    return Person.objects.get(case=session.case, given_names=given)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page's words: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text_of(response)))


def textarea(page: str, child_pk: int) -> str:
    found = re.search(
        rf'<textarea[^>]*id="child-{child_pk}-synopsis-text"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert found, f"no synopsis editor for child {child_pk}"
    return html.unescape(found.group(1))


def save(client, session, given: str, text: str, version: int = 0):
    return client.post(
        url(session, "synopsis_save", key=child(session, given).key),
        {"text": text, "version": str(version)},
    )


def confirm(client, session, given: str, reference: str):
    return client.post(
        url(session, "synopsis_recorded", key=child(session, given).key),
        {"case_system_reference": reference},
    )


def distribute(session, kind: str, when: datetime.datetime, by) -> Artefact:
    """A session document, as the documents and distribution work leaves it once sent."""
    return Artefact.objects.create(
        session=session,
        kind=kind,
        edition=RecordEdition.objects.filter(record__session=session).order_by("-number").first(),
        status=ArtefactStatus.DISTRIBUTED,
        approved_at=when,
        approved_by=by,
        distributed_at=when,
        created_by=by,
    )


# --- The synopsis ---------------------------------------------------------------------------


def test_each_childs_synopsis_is_prefilled_from_the_signed_off_record(client_for, cast, signed_off):
    # A reflective note written after sign-off must never reach the case file.
    reflective_note_save(session=signed_off, text=SECRET_NOTE, expected_version=0, by=cast.chair)
    response = client_for(cast.social_worker).get(url(signed_off))
    assert response.status_code == 200
    page = text_of(response)
    assert "Kai Harries" in page
    assert "Macy Walsh" in page
    assert page.count("Not recorded yet") == 2
    assert SECRET_NOTE not in page

    kai = textarea(page, child(signed_off, "Kai").pk)
    macy = textarea(page, child(signed_off, "Macy").pk)
    # The child's own outcome and the whole family's, not another child's or a parent's.
    assert KAI_OUTCOME in kai
    assert WHOLE_FAMILY_OUTCOME in kai
    assert MACY_OUTCOME not in kai
    assert LEANNE_OUTCOME not in kai
    assert MACY_OUTCOME in macy
    assert WHOLE_FAMILY_OUTCOME in macy
    assert KAI_OUTCOME not in macy
    for text in (kai, macy):
        # The agreed actions A1-A7, with owners and due dates.
        for number, (description, _owner, _due) in enumerate(ACTIONS, start=1):
            assert f"A{number}: {description.rstrip('.')}" in text
        assert "Sioned Price" in text  # A1
        assert "due 16 January 2026" in text
        assert "Rachel Evans" in text  # A3
        assert "due 30 January 2026" in text
        # The chair's summary of the information shared, and the review date.
        assert "The merged chronology findings." in text
        assert "16 April 2026" in text
        assert "Alun Jarvis" in text  # the chair
        assert SECRET_NOTE not in text


def test_a_saved_synopsis_is_shown_and_can_be_changed_until_confirmed(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    kai = child(signed_off, "Kai")
    assert save(worker, signed_off, "Kai", "Kai: synopsis, first version.").status_code == 302
    assert save(worker, signed_off, "Kai", "Kai: synopsis, second.", version=1).status_code == 302
    synopsis = ChildSynopsis.objects.get(session=signed_off, child=kai)
    assert (synopsis.text, synopsis.version, synopsis.updated_by) == (
        "Kai: synopsis, second.",
        2,
        cast.social_worker,
    )
    page = text_of(worker.get(url(signed_off)))
    assert "Kai: synopsis, second." in page
    assert "Not recorded yet" in page
    # Audited without the text.
    event = AuditEvent.objects.filter(target_type="casefile.childsynopsis").latest("pk")
    assert event.detail["child"] == kai.key
    assert "synopsis, second" not in str(event.detail)


def test_confirming_needs_the_case_system_reference(client_for, cast, signed_off):
    chair = client_for(cast.chair)
    assert save(chair, signed_off, "Kai", "Kai's synopsis.").status_code == 302
    refused = confirm(chair, signed_off, "Kai", "  ")
    assert refused.status_code == 400
    assert "Enter the reference of the synopsis in the case system" in text_of(refused)
    assert not ChildSynopsis.objects.get(session=signed_off).recorded


def test_confirming_records_who_when_and_the_reference_then_the_text_is_fixed(
    client_for, cast, signed_off
):
    worker = client_for(cast.social_worker)
    assert save(worker, signed_off, "Kai", "Kai's synopsis.").status_code == 302
    with time_machine.travel(RECORDED_DAY, tick=False):
        assert confirm(worker, signed_off, "Kai", KAI_REF).status_code == 302
    synopsis = ChildSynopsis.objects.get(session=signed_off)
    assert synopsis.recorded_by == cast.social_worker
    assert synopsis.case_system_reference == KAI_REF
    assert timezone.localdate(synopsis.recorded_on_case_file_at) == datetime.date(2026, 1, 16)
    page = text_of(worker.get(url(signed_off)))
    assert (
        f"Recorded on the case file on 16 January 2026 by Sioned Price, reference {KAI_REF}."
        in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    )
    # Macy's is still to do.
    assert page.count("Not recorded yet") == 1

    again = save(worker, signed_off, "Kai", "A late change.", version=1)
    assert again.status_code == 400
    assert "already recorded on the case file" in text_of(again)
    assert ChildSynopsis.objects.get(session=signed_off).text == "Kai's synopsis."
    event = AuditEvent.objects.filter(target_type="casefile.childsynopsis").latest("pk")
    assert KAI_REF not in str(event.detail)


def test_confirming_before_saving_asks_to_save_first(client_for, cast, signed_off):
    response = confirm(client_for(cast.chair), signed_off, "Macy", MACY_REF)
    assert response.status_code == 400
    page = text_of(response)
    assert "Save the synopsis first" in page
    # The error summary's link lands on the message next to Macy's synopsis.
    target = f"child-{child(signed_off, 'Macy').pk}-recorded-case_system_reference"
    assert f'href="#{target}"' in page
    assert f'id="{target}"' in page
    assert not ChildSynopsis.objects.exists()


def test_a_stale_synopsis_save_gets_both_texts_and_overwrites_nothing(
    client, client_for, cast, signed_off
):
    # Both open the page (version 0); the chair saves first.
    assert (
        save(client_for(cast.chair), signed_off, "Macy", "The chair's Macy text.").status_code
        == 302
    )
    response = save(client_for(cast.social_worker), signed_off, "Macy", "The worker's Macy text.")
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else has changed this" in page
    assert "The chair's Macy text." in page  # the saved version
    assert "The worker's Macy text." in page  # what was typed, still in the editor
    assert "Alun Jarvis" in page
    assert 'the synopsis for <span translate="no">Macy Walsh</span>' in page
    synopsis = ChildSynopsis.objects.get(session=signed_off)
    assert (synopsis.text, synopsis.version) == ("The chair's Macy text.", 1)
    # The conflict page's form carries the saved version, so saving from it works.
    assert 'name="version" value="1"' in page
    assert save(client, signed_off, "Macy", "The worker's Macy text.", version=1).status_code == 302
    assert ChildSynopsis.objects.get(session=signed_off).version == 2


def test_nothing_goes_on_a_case_file_before_sign_off(client_for, cast, booked):
    worker = client_for(cast.social_worker)
    page = plain(worker.get(url(booked)))
    assert "once the chair has signed off the session record" in page
    response = save(worker, booked, "Kai", "Too early.")
    assert response.status_code == 400
    assert "once the chair has signed off the session record" in text_of(response)
    assert not ChildSynopsis.objects.exists()
    with pytest.raises(services.NotSignedOff):
        services.synopsis_save(
            session=booked, child=child(booked, "Kai"), text="x", expected_version=0, by=cast.chair
        )


def test_a_synopsis_is_only_for_a_subject_child_of_the_case(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    # Leanne is a parent: no synopsis route for her.
    assert save(worker, signed_off, "Leanne", "Not a child.").status_code == 404
    response = worker.post(url(signed_off, "synopsis_save", key="NOPE"), {"text": "x"})
    assert response.status_code == 404
    with pytest.raises(ValueError, match="subject child"):
        services.synopsis_save(
            session=signed_off,
            child=child(signed_off, "Leanne"),
            text="x",
            expected_version=0,
            by=cast.chair,
        )


# --- The conference -------------------------------------------------------------------------


def alert(client, session, day: str = "2026-01-29", method: str = "email", **extra: str):
    data = {"conference_on": day, "conference_chair": "Helen Bowen", "method": method, "note": ""}
    return client.post(url(session, "conference_alert"), {**data, **extra})


def test_the_conference_chair_alert_and_the_minutes_prompt(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    before = text_of(worker.get(url(signed_off)))
    assert "No alert to a conference chair is recorded yet" in before
    assert PROMPT not in before
    # The case team's conference chair is offered.
    assert 'value="Helen Bowen"' in before

    with time_machine.travel(datetime.datetime(2026, 1, 20, 14, 0, tzinfo=LONDON), tick=False):
        assert (
            alert(worker, signed_off, method="phone", note="Spoke to her office.").status_code
            == 302
        )
    saved = ConferenceAlert.objects.get(session=signed_off)
    assert (saved.conference_on, saved.conference_chair, saved.method, saved.alerted_by) == (
        datetime.date(2026, 1, 29),
        "Helen Bowen",
        "phone",
        cast.social_worker,
    )
    assert timezone.localdate(saved.alerted_at) == datetime.date(2026, 1, 20)

    page = text_of(worker.get(url(signed_off)))
    # The RCPC on 29 January comes before the minutes due on 12 February (§7.5).
    assert PROMPT in re.sub(r"\s+", " ", page)
    assert 'class="govuk-warning-text"' in page
    assert "Next conference: 29 January 2026, chaired by" in page
    assert "20 January 2026, 14:00" in page
    assert "Phone" in page
    event = AuditEvent.objects.filter(target_type="casefile.conferencealert").get()
    assert event.detail == {
        "part": "conference chair alert",
        "conference_on": "2026-01-29",
        "method": "phone",
    }


def test_the_page_links_to_the_session_documents_and_opens_in_welsh(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    page = text_of(worker.get(url(signed_off)))
    try:
        documents = reverse(
            "artefacts:list",
            kwargs={"reference": signed_off.case.reference, "code": signed_off.request.code},
        )
    except NoReverseMatch:  # the documents pages are not there yet: no link, no error
        documents = None
    if documents is not None:
        assert f'href="{documents}"' in page
    welsh = worker.get("/cy" + url(signed_off))
    assert welsh.status_code == 200
    assert '<html lang="cy"' in welsh.content.decode()


def test_no_prompt_for_a_conference_after_the_minutes_deadline(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    assert alert(worker, signed_off, day="2026-02-13").status_code == 302
    assert PROMPT[:30] not in text_of(worker.get(url(signed_off)))
    # On the deadline day itself the minutes may come after the meeting: prompt.
    assert alert(worker, signed_off, day="2026-02-12").status_code == 302
    page = re.sub(r"\s+", " ", text_of(worker.get(url(signed_off))))
    assert "The conference on 12 February 2026 is before the minutes are due" in page


def test_no_prompt_once_the_minutes_went_out_before_the_conference(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    assert alert(worker, signed_off).status_code == 302
    distribute(signed_off, ArtefactKind.MINUTES, RECORDED_DAY, cast.chair)
    assert "is before the minutes are due" not in text_of(worker.get(url(signed_off)))


def test_an_alert_needs_a_date_after_the_session_a_chair_and_a_method(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    empty = worker.post(url(signed_off, "conference_alert"), {})
    assert empty.status_code == 400
    page = text_of(empty)
    for message in (
        "Enter the date of the conference",
        "Enter who chairs the conference",
        "Select how the chair was alerted",
    ):
        assert message in page
    early = alert(worker, signed_off, day="2026-01-14")
    assert early.status_code == 400
    assert "on or after the session (15 January 2026)" in text_of(early)
    assert 'value="2026-01-14"' in text_of(early)  # what was typed is kept
    assert not ConferenceAlert.objects.exists()


# --- Closing the session ---------------------------------------------------------------------


def test_closing_is_refused_with_each_missing_item_then_works(client_for, cast, signed_off):
    chair = client_for(cast.chair)
    refused = chair.post(url(signed_off, "close"))
    assert refused.status_code == 400
    page = text_of(refused)
    assert "The session cannot be closed yet" in page
    assert "not confirmed as recorded on the case file" in page
    assert "Kai Harries" in page
    assert "Macy Walsh" in page
    assert "The actions have not been distributed." in page
    assert "The minutes have not been distributed." in page
    assert "has not signed off" not in page
    signed_off.refresh_from_db()
    assert signed_off.status == SessionStatus.HELD

    # §7.5: the actions went out on 16 January; both synopses recorded that day.
    distribute(signed_off, ArtefactKind.ACTIONS, RECORDED_DAY, cast.chair)
    assert save(chair, signed_off, "Kai", "Kai's synopsis.").status_code == 302
    assert save(chair, signed_off, "Macy", "Macy's synopsis.").status_code == 302
    with time_machine.travel(RECORDED_DAY, tick=False):
        assert confirm(chair, signed_off, "Kai", KAI_REF).status_code == 302
    still = text_of(chair.post(url(signed_off, "close")))
    summary = still.split("The session cannot be closed yet", 1)[1].split("</ul>", 1)[0]
    assert "Macy Walsh" in summary
    assert "Kai Harries" not in summary
    assert "minutes have not been distributed" in summary
    assert "actions have not been distributed" not in summary

    with time_machine.travel(RECORDED_DAY, tick=False):
        assert confirm(chair, signed_off, "Macy", MACY_REF).status_code == 302
    distribute(
        signed_off, ArtefactKind.MINUTES, datetime.datetime(2026, 2, 10, tzinfo=LONDON), cast.chair
    )
    assert closing_state(signed_off).problems == []
    closed = chair.post(url(signed_off, "close"))
    assert closed.status_code == 302
    signed_off.refresh_from_db()
    assert signed_off.status == SessionStatus.CLOSED
    event = AuditEvent.objects.filter(target_type="meetings.supervisionsession").latest("pk")
    assert (event.actor, event.detail) == (cast.chair, {"part": "session closed"})
    page = text_of(chair.get(url(signed_off)))
    assert "This session is closed." in page
    assert "Close the session" not in page
    # Closed means finished: no more alerts.
    late = alert(client_for(cast.social_worker), signed_off)
    assert late.status_code == 400
    assert not ConferenceAlert.objects.exists()


def test_closing_before_sign_off_names_that_too(client_for, cast, booked):
    refused = client_for(cast.chair).post(url(booked, "close"))
    assert refused.status_code == 400
    page = text_of(refused)
    assert "The chair has not signed off the session record." in page
    assert "The actions have not been distributed." in page


def test_only_the_chair_closes(client_for, cast, signed_off):
    for who in (cast.social_worker, cast.involved):
        assert client_for(who).post(url(signed_off, "close")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.session_close(session=signed_off, by=cast.social_worker)


def test_a_case_with_no_children_cannot_be_closed(cast, signed_off):
    Person.objects.filter(case=signed_off.case, role=PersonRole.SUBJECT_CHILD).update(
        role=PersonRole.OTHER_CHILD
    )
    distribute(signed_off, ArtefactKind.ACTIONS, RECORDED_DAY, cast.chair)
    distribute(signed_off, ArtefactKind.MINUTES, RECORDED_DAY, cast.chair)
    with pytest.raises(services.NotReadyToClose) as refused:
        services.session_close(session=signed_off, by=cast.chair)
    assert refused.value.state.problems == ["no_children"]


def test_closing_states_for_many_sessions_in_fixed_queries(cast, signed_off, booked):
    with CaptureQueriesContext(connection) as one:
        closing_states([signed_off])
    with CaptureQueriesContext(connection) as two:
        states = closing_states([signed_off, booked])
    assert len(one) == len(two) == 4
    assert states[signed_off.pk].problems == [
        "synopsis_not_recorded",
        "actions_not_distributed",
        "minutes_not_distributed",
    ]
    assert [c.given_names for c in states[signed_off.pk].children_not_recorded] == ["Kai", "Macy"]


# --- Query counts ----------------------------------------------------------------------------


def _page_queries(client, session) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(session)).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_one_child_or_many(client_for, cast, signed_off):
    worker = client_for(cast.social_worker)
    # One child, with a saved synopsis, one alert.
    Person.objects.filter(case=signed_off.case, given_names="Macy").update(
        role=PersonRole.OTHER_CHILD
    )
    assert save(worker, signed_off, "Kai", "Kai's synopsis.").status_code == 302
    assert alert(worker, signed_off).status_code == 302
    few = _page_queries(worker, signed_off)

    # Five children, each with a synopsis (some recorded), three alerts, both documents.
    Person.objects.filter(case=signed_off.case, given_names="Macy").update(
        role=PersonRole.SUBJECT_CHILD
    )
    for number in range(3):
        Person.objects.create(
            case=signed_off.case,
            key=f"PX{number}",
            given_names=f"Child{number}",
            family_name="Example",
            date_of_birth=datetime.date(2019, 1, 1 + number),
            role=PersonRole.SUBJECT_CHILD,
        )
    for person in Person.objects.filter(case=signed_off.case, role=PersonRole.SUBJECT_CHILD):
        if person.given_names != "Kai":
            assert save(worker, signed_off, person.given_names, "A synopsis.").status_code == 302
        assert confirm(worker, signed_off, person.given_names, "REF-1").status_code == 302
    for day in ("2026-02-20", "2026-03-05"):
        assert alert(worker, signed_off, day=day).status_code == 302
    distribute(signed_off, ArtefactKind.ACTIONS, RECORDED_DAY, cast.chair)
    distribute(signed_off, ArtefactKind.MINUTES, RECORDED_DAY, cast.chair)
    many = _page_queries(worker, signed_off)
    assert few == many
