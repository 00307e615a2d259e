"""Adding, changing, drafting and noting chronology entries through the screens."""

from __future__ import annotations

import csv
import datetime
import re
import uuid
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import Page, expect

from supervision.accounts.models import User
from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases.models import Case
from supervision.cases.tests.factories import CaseFactory, InvolvementFactory
from supervision.chronology import services
from supervision.chronology.models import ChronologyEntry, EntryLink, EntryNote
from supervision.conftest import give_totp
from supervision.web.tests.browser import BrowserCast, check_axe, sign_in

pytestmark = pytest.mark.django_db

SCENARIO = Path(__file__).resolve().parents[3] / "demo" / "harries-walsh" / "chronology.csv"
DRAFT_DESCRIPTION = "Half-written: Macy seen at home with Nan, playing with"


@pytest.fixture
def case(demo_case: Case) -> Case:
    services.demo_chronology_load()
    return demo_case


def scenario_refs(agency: str) -> list[str]:
    with SCENARIO.open(encoding="utf-8", newline="") as handle:
        return [row["entry_id"] for row in csv.DictReader(handle) if row["agency"] == agency]


def url(name: str, case: Case, entry: ChronologyEntry | None = None) -> str:
    kwargs: dict[str, Any] = {"reference": case.reference}
    if entry is not None:
        kwargs["code"] = entry.code
    return reverse(f"chronology:{name}", kwargs=kwargs)


def entry(case: Case, ref: str) -> ChronologyEntry:
    return ChronologyEntry.objects.get(case=case, ref=ref)


def person_pk(case: Case, key: str) -> str:
    return str(case.people.get(key=key).pk)


def complete(case: Case, **changes: Any) -> dict[str, Any]:
    """Every answer of a complete entry, as the form posts it."""
    answers: dict[str, Any] = {
        "agency": "HV",
        "event_day": "12",
        "event_month": "6",
        "event_year": "2025",
        "date_precision": "exact",
        "event_time": "10:15",
        "source": "HV home visit record",
        "event_type": "visit",
        "subjects": [person_pk(case, "P2")],
        "description": "Macy seen at home with her grandmother; playing happily, 40+ words.",
        "impact_on_child": "Speech improving.",
        "action_taken": "Praised progress; next visit booked.",
        "themes": ["development", "network"],
        "significance": "green",
        "polarity": "strength",
        "engagement": "engaged",
        "childs_words": "Nan's house!",
        "links_same_event": "",
        "links_corroborates": "",
        "links_conflicts_with": "",
        "action": "save",
    }
    answers.update(changes)
    return answers


def answers_of(existing: ChronologyEntry, **changes: Any) -> dict[str, Any]:
    """The answers the edit form would post for an entry unchanged, with `changes`."""
    day = existing.event_date
    answers: dict[str, Any] = {
        "version": str(existing.version),
        "event_day": str(day.day),
        "event_month": str(day.month),
        "event_year": str(day.year),
        "date_precision": existing.date_precision,
        "event_time": existing.event_time.strftime("%H:%M") if existing.event_time else "",
        "source": existing.source,
        "event_type": existing.event_type,
        "subjects": [str(person.pk) for person in existing.subjects.all()],
        "description": existing.description,
        "impact_on_child": existing.impact_on_child,
        "action_taken": existing.action_taken,
        "themes": [theme.code for theme in existing.themes.all()],
        "significance": existing.significance,
        "polarity": existing.polarity,
        "engagement": existing.engagement,
        "childs_words": existing.childs_words,
        "action": "save",
    }
    if existing.no_action:
        answers["no_action"] = "on"
    answers.update(changes)
    return answers


def police_officer() -> User:
    user = User.objects.get(practitioner__agency__code="pol")
    give_totp(user)
    return user


def text(response) -> str:
    return unescape(response.content.decode())


# --- Adding and changing -----------------------------------------------------------------


def test_the_health_visitor_adds_an_entry_to_her_agencys_chronology(client_for, cast, case):
    client = client_for(cast.involved)
    form = client.get(url("entry_create", case))
    assert form.status_code == 200
    # Her only agency is chosen for her.
    assert re.search(r'<option value="HV" selected>', form.content.decode())

    response = client.post(url("entry_create", case), complete(case))

    next_number = max(int(ref.split("-")[1]) for ref in scenario_refs("HV")) + 1
    added = entry(case, f"HV-{next_number:02d}")
    assert response.status_code == 302
    assert response.url == url("entry_detail", case, added)
    assert added.chronology.agency.code == "hv"
    assert added.is_draft is False
    assert added.event_date == datetime.date(2025, 6, 12)
    assert added.event_time == datetime.time(10, 15)
    assert [p.key for p in added.subjects.all()] == ["P2"]
    assert {t.code for t in added.themes.all()} == {"development", "network"}
    assert added.created_by == cast.involved
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        target_type="chronology.chronologyentry",
        target_id=str(added.pk),
        actor=cast.involved,
        case=case,
    ).exists()
    merged = text(client.get(url("merged", case)))
    assert f"HV-{next_number:02d}" in merged
    assert "40+ words" in merged


def test_the_health_visitor_changes_one_of_her_agencys_entries(client_for, cast, case):
    client = client_for(cast.involved)
    hv = entry(case, "HV-02")
    form = client.get(url("entry_edit", case, hv))
    assert form.status_code == 200
    assert hv.description in text(form)  # the form opens with the entry's answers

    response = client.post(
        url("entry_edit", case, hv), answers_of(hv, description="Corrected: about 25 words.")
    )

    assert response.status_code == 302
    hv.refresh_from_db()
    assert hv.description == "Corrected: about 25 words."
    assert hv.version == 2
    update = AuditEvent.objects.get(
        action=AuditAction.UPDATE, target_type="chronology.chronologyentry", target_id=str(hv.pk)
    )
    assert update.actor == cast.involved
    assert update.detail["fields"] == ["description"]


def test_a_month_only_date_is_kept_as_a_month(client_for, cast, case):
    client = client_for(cast.involved)
    client.post(
        url("entry_create", case),
        complete(case, event_day="", event_month="3", date_precision="month", event_time=""),
    )
    added = ChronologyEntry.objects.filter(case=case).latest("pk")
    assert (added.event_date, added.date_precision) == (datetime.date(2025, 3, 1), "month")
    form = text(client.get(url("entry_edit", case, added)))
    assert 'name="event_day" type="text" inputmode="numeric" value=""' in form
    assert 'name="event_month" type="text" inputmode="numeric" value="3"' in form


def test_the_health_visitor_cannot_change_a_police_entry_but_can_add_a_note(client_for, cast, case):
    client = client_for(cast.involved)
    pol = entry(case, "POL-01")
    before = (pol.description, pol.version)

    detail = client.get(url("entry_detail", case, pol))
    assert detail.status_code == 200
    assert pol.description in text(detail)
    assert "Change this entry" not in text(detail)
    assert client.get(url("entry_edit", case, pol)).status_code == 403
    assert (
        client.post(url("entry_edit", case, pol), answers_of(pol, description="x")).status_code
        == 403
    )
    assert client.post(url("entry_draft", case, pol), answers_of(pol)).status_code == 403

    noted = client.post(
        url("entry_note_add", case, pol), {"text": "HV also heard about this from mother on 10/02."}
    )

    assert noted.status_code == 302
    pol.refresh_from_db()
    assert (pol.description, pol.version) == before
    note = EntryNote.objects.get(entry=pol)
    assert (note.author, note.agency.code) == (cast.involved, "hv")
    html = text(client.get(url("entry_detail", case, pol)))
    assert "HV also heard about this from mother on 10/02." in html
    assert cast.involved.full_name in html
    assert note.agency.name in html


def test_an_empty_note_is_refused_with_a_message(client_for, cast, case):
    client = client_for(cast.involved)
    response = client.post(url("entry_note_add", case, entry(case, "POL-01")), {"text": " "})
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert "Enter your note" in text(response)
    assert not EntryNote.objects.exists()


def test_the_uninvolved_practitioner_gets_not_found_on_every_entry_address(client_for, cast, case):
    client = client_for(cast.uninvolved)
    pol = entry(case, "POL-01")
    assert client.get(url("entry_create", case)).status_code == 404
    assert client.post(url("entry_create", case), complete(case)).status_code == 404
    assert client.get(url("entry_detail", case, pol)).status_code == 404
    assert client.get(url("entry_edit", case, pol)).status_code == 404
    assert client.post(url("entry_edit", case, pol), answers_of(pol)).status_code == 404
    assert client.post(url("entry_draft", case, pol), answers_of(pol)).status_code == 404
    assert client.post(url("entry_note_add", case, pol), {"text": "hello"}).status_code == 404
    assert not EntryNote.objects.exists()


def test_an_entry_is_found_only_through_its_own_case(client_for, cast, case):
    practitioner = cast.involved.practitioner
    other_case = CaseFactory()
    InvolvementFactory(case=other_case, agency=practitioner.agency, practitioner=practitioner)
    elsewhere = services.entry_create(
        case=other_case,
        agency=practitioner.agency,
        data={"event_date": datetime.date(2025, 5, 1), "source": "HV diary"},
        author=cast.involved,
        draft=True,
    )
    client = client_for(cast.involved)
    wrong_case = reverse(
        "chronology:entry_detail", kwargs={"reference": case.reference, "code": elsewhere.code}
    )
    assert client.get(wrong_case).status_code == 404
    assert (
        client.get(
            wrong_case.replace("/entries/", "/entries/").replace(
                str(elsewhere.code), str(uuid.uuid4())
            )
        ).status_code
        == 404
    )
    assert client.get(url("entry_detail", other_case, elsewhere)).status_code == 200


def test_the_social_worker_adds_entries_for_any_involved_agency(client_for, cast, case):
    client = client_for(cast.social_worker)
    html = client.get(url("entry_create", case)).content.decode()
    offered = set(re.findall(r'<option value="([A-Z]+)"', html))
    assert offered == {"CS", "HV", "GP", "POL", "SCH", "DAS", "FSC"}

    response = client.post(url("entry_create", case), complete(case, agency="SCH"))

    assert response.status_code == 302
    added = ChronologyEntry.objects.filter(case=case).latest("pk")
    assert added.chronology.agency.code == "sch"
    assert added.ref.startswith("SCH-")
    assert client.get(url("entry_edit", case, entry(case, "POL-01"))).status_code == 200


def test_the_health_visitor_cannot_add_an_entry_for_the_police(client_for, cast, case):
    client = client_for(cast.involved)
    count = ChronologyEntry.objects.count()
    response = client.post(url("entry_create", case), complete(case, agency="POL"))
    assert response.status_code == 400
    assert ChronologyEntry.objects.count() == count


# --- Checking answers ---------------------------------------------------------------------


def test_a_full_save_with_problems_keeps_what_was_typed_and_lists_them(client_for, cast, case):
    client = client_for(cast.involved)
    count = ChronologyEntry.objects.count()
    typed = complete(
        case,
        event_day="31",
        event_month="2",
        source="",
        subjects=[],
        action_taken="",
        polarity="",
        event_time="25:99",
        description="Mother phoned: will not be in for the visit.",
    )

    response = client.post(url("entry_create", case), typed)

    html = text(response)
    assert response.status_code == 400
    assert ChronologyEntry.objects.count() == count
    assert "There is a problem" in html
    for message in (
        "The date of the event must be a real date",
        "Enter the source of the information",
        "Select at least one person this entry is about",
        "Say what action was taken, or tick ‘No action was taken’",
        "Select whether this entry records a strength, a worry, both or neither",
        "Enter the time as hours and minutes, for example 14:30",
    ):
        assert message in html
    # What was typed is still there, including the date that is not a date.
    assert "Mother phoned: will not be in for the visit." in html
    assert 'name="event_day" type="text" inputmode="numeric" value="31"' in html
    assert 'value="25:99"' in html
    assert 'href="#id_subjects"' in html
    assert 'id="id_subjects"' in html


def test_an_entry_in_the_future_or_with_action_and_no_action_is_refused(client_for, cast, case):
    client = client_for(cast.involved)
    response = client.post(
        url("entry_create", case), complete(case, event_year="2999", no_action="on")
    )
    html = text(response)
    assert response.status_code == 400
    assert "The date of the event must be today or in the past" in html
    assert "Either say what action was taken or tick ‘No action was taken’, not both" in html


def test_no_action_is_an_answer(client_for, cast, case):
    client = client_for(cast.involved)
    response = client.post(
        url("entry_create", case), complete(case, action_taken="", no_action="on")
    )
    assert response.status_code == 302
    added = ChronologyEntry.objects.filter(case=case).latest("pk")
    assert (added.action_taken, added.no_action) == ("", True)
    assert "No action was taken" in text(client.get(response.url))


def test_links_must_name_other_entries_of_the_case(client_for, cast, case):
    client = client_for(cast.involved)
    hv = entry(case, "HV-07")
    refused = client.post(
        url("entry_edit", case, hv),
        answers_of(hv, links_same_event="HV-07", links_conflicts_with="POL-05, SCH-99"),
    )
    html = text(refused)
    assert refused.status_code == 400
    assert "An entry cannot be linked to itself" in html
    assert "There is no entry SCH-99 in this chronology" in html

    saved = client.post(
        url("entry_edit", case, hv),
        answers_of(hv, links_corroborates="pol-05", links_conflicts_with="SCH-01"),
    )

    assert saved.status_code == 302
    assert set(EntryLink.objects.filter(source=hv).values_list("kind", "target__ref")) == {
        ("corroborates", "POL-05"),
        ("conflicts_with", "SCH-01"),
    }
    assert "POL-05" in text(client.get(url("entry_detail", case, hv)))
    # The linked entry shows where it is linked from.
    assert "HV-07" in text(client.get(url("entry_detail", case, entry(case, "POL-05"))))


# --- Drafts -------------------------------------------------------------------------------


def test_a_draft_saves_with_answers_missing_and_stays_out_of_the_chronology(client_for, cast, case):
    client = client_for(cast.involved)
    response = client.post(
        url("entry_create", case),
        {
            "agency": "HV",
            "event_day": "3",
            "event_month": "11",
            "event_year": "2025",
            "date_precision": "exact",
            "description": DRAFT_DESCRIPTION,
            "event_time": "not yet",  # does not parse: left out, the rest is kept
            "action": "draft",
        },
    )

    draft = ChronologyEntry.objects.get(case=case, description=DRAFT_DESCRIPTION)
    assert response.status_code == 200  # shown again: the time needs correcting
    assert "Draft saved, except the answers that need correcting" in text(response)
    assert draft.is_draft is True
    assert (draft.source, draft.action_taken, draft.event_time) == ("", "", None)
    assert not draft.subjects.exists()
    merged = text(client.get(url("merged", case)))
    assert DRAFT_DESCRIPTION not in merged
    assert f'id="entry-{draft.ref}"' not in merged  # not in the chronology...
    assert "Your drafts" in merged  # ...but listed for the agency that is writing it
    # Only those who could change it see a draft.
    assert client.get(url("entry_detail", case, draft)).status_code == 200
    officer = police_officer()
    assert client_for(officer).get(url("entry_detail", case, draft)).status_code == 404

    client = client_for(cast.involved)
    finished = client.post(
        url("entry_edit", case, draft),
        answers_of(draft, **{k: v for k, v in complete(case).items() if k != "agency"}),
    )

    assert finished.status_code == 302
    draft.refresh_from_db()
    assert draft.is_draft is False
    assert f'id="entry-{draft.ref}"' in text(client.get(url("merged", case)))


def test_save_as_draft_without_problems_returns_to_the_draft(client_for, cast, case):
    client = client_for(cast.involved)
    response = client.post(
        url("entry_create", case),
        {
            "agency": "HV",
            "event_day": "3",
            "event_month": "11",
            "event_year": "2025",
            "date_precision": "exact",
            "source": "HV diary",
            "action": "draft",
        },
    )
    draft = ChronologyEntry.objects.get(case=case, source="HV diary")
    assert response.status_code == 302
    assert response.url == url("entry_edit", case, draft)
    assert "Draft saved" in text(client.get(response.url))


def test_autosave_creates_a_draft_then_saves_it_and_answers_in_json(client_for, cast, case):
    client = client_for(cast.involved)
    first = client.post(
        url("entry_create", case),
        {
            "agency": "HV",
            "event_day": "4",
            "event_month": "11",
            "event_year": "2025",
            "date_precision": "exact",
            "description": "Started typing",
            "version": "",
            "action": "draft",
        },
        HTTP_ACCEPT="application/json",
    )
    assert first.status_code == 200
    reply = first.json()
    draft = ChronologyEntry.objects.get(case=case, description="Started typing")
    assert reply["saved"] is True
    assert reply["version"] == 1
    assert reply["edit_url"] == url("entry_edit", case, draft)
    assert reply["draft_url"] == url("entry_draft", case, draft)
    assert reply["message"].startswith("Draft saved at ")

    second = client.post(
        reply["draft_url"],
        {
            "event_day": "4",
            "event_month": "11",
            "event_year": "2025",
            "date_precision": "exact",
            "description": "Started typing, and carried on",
            "source": "HV diary",
            "subjects": [person_pk(case, "P1")],
            "version": "1",
        },
        HTTP_ACCEPT="application/json",
    )

    assert second.status_code == 200
    assert second.json()["version"] == 2
    draft.refresh_from_db()
    assert (draft.description, draft.source, draft.is_draft) == (
        "Started typing, and carried on",
        "HV diary",
        True,
    )
    assert [p.key for p in draft.subjects.all()] == ["P1"]
    updates = AuditEvent.objects.filter(action=AuditAction.UPDATE, target_id=str(draft.pk))
    assert updates.count() == 1

    stale = client.post(
        reply["draft_url"],
        {"event_year": "2025", "description": "From an old tab", "version": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["conflict"] is True
    draft.refresh_from_db()
    assert draft.description == "Started typing, and carried on"


def test_autosave_does_not_touch_an_entry_already_in_the_chronology(client_for, cast, case):
    client = client_for(cast.involved)
    hv = entry(case, "HV-02")
    response = client.post(
        url("entry_draft", case, hv),
        answers_of(hv, description="half an edit"),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["saved"] is False
    hv.refresh_from_db()
    assert (hv.description != "half an edit", hv.is_draft, hv.version) == (True, False, 1)


def test_the_form_loads_the_autosave_script_with_the_page_nonce(client_for, cast, case):
    response = client_for(cast.involved).get(url("entry_create", case))
    html = response.content.decode()
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"nonce-([\w+/=-]+)", policy).group(1)
    assert re.search(
        rf'<script type="module" src="[^"]*entry-autosave[^"]*\.mjs" nonce="{re.escape(nonce)}">',
        html,
    )
    assert 'role="status"' in html
    assert f'data-autosave-url="{url("entry_create", case)}"' in html


# --- Two people, one entry ----------------------------------------------------------------


def test_two_saves_from_the_same_version_show_the_second_a_conflict(client_for, cast, case):
    hv = entry(case, "HV-05")
    first = client_for(cast.involved).post(
        url("entry_edit", case, hv), answers_of(hv, description="First person's account.")
    )
    assert first.status_code == 302

    second = client_for(cast.social_worker).post(
        url("entry_edit", case, hv), answers_of(hv, description="Second person's account.")
    )

    html = text(second)
    assert second.status_code == 409
    assert "First person's account." in html
    assert "Second person's account." in html
    hv.refresh_from_db()
    assert (hv.description, hv.version) == ("First person's account.", 2)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, target_id=str(hv.pk)).count() == 1

    # Saving "mine" from the conflict html posts the current version and replaces theirs.
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert carried["version"] == "2"
    assert carried["description"] == "Second person's account."
    again = client_for(cast.social_worker).post(
        url("entry_edit", case, hv), answers_of(hv, description="Second person's account.")
    )
    assert again.status_code == 302
    hv.refresh_from_db()
    assert (hv.description, hv.version) == ("Second person's account.", 3)


def test_the_service_lets_only_one_of_two_saves_from_one_version_win(cast, case):
    hv = entry(case, "HV-04")
    services.entry_update(
        entry=hv, data={"source": "A"}, expected_version=1, author=cast.involved, draft=False
    )
    with pytest.raises(services.EntryConflict) as conflict:
        services.entry_update(
            entry=hv, data={"source": "B"}, expected_version=1, author=cast.involved, draft=False
        )
    assert conflict.value.current.source == "A"
    assert entry(case, "HV-04").source == "A"


# --- Speed ---------------------------------------------------------------------------------


def detail_queries(client, case: Case, target: ChronologyEntry) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("entry_detail", case, target))
    assert response.status_code == 200
    return len(queries)


def test_the_entry_page_runs_the_same_queries_for_one_note_or_twenty(client_for, cast, case):
    client = client_for(cast.involved)
    one, twenty = entry(case, "POL-01"), entry(case, "POL-02")
    services.entry_note_add(
        entry=one, text="note", author=cast.involved, agency=one.chronology.agency
    )
    for number in range(20):
        author = cast.involved if number % 2 else cast.social_worker
        services.entry_note_add(
            entry=twenty, text=f"note {number}", author=author, agency=twenty.chronology.agency
        )
    detail_queries(client, case, one)  # the first request also loads the session
    assert detail_queries(client, case, one) == detail_queries(client, case, twenty)


def test_the_entry_pages_answer_in_welsh(client_for, cast, case):
    client = client_for(cast.involved)
    hv = entry(case, "HV-02")
    addresses = [url(name, case, hv) for name in ("entry_detail", "entry_edit")]
    for address in addresses:
        response = client.get("/cy" + address)
        assert response.status_code == 200
        assert '<html lang="cy"' in response.content.decode()


# --- In a real browser --------------------------------------------------------------------


@pytest.mark.browser
def test_the_form_saves_a_draft_as_you_type_under_the_sites_csp(
    page: Page,
    live_server: Any,
    browser_cast: BrowserCast,
) -> None:
    services.demo_chronology_load()
    case = browser_cast.case
    health_visitor = browser_cast["involved"]
    sign_in(page, live_server, health_visitor.user, health_visitor.secret)
    page.goto(url("entry_create", case))
    page.get_by_label("Day", exact=True).fill("14")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("What happened").fill(DRAFT_DESCRIPTION)

    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Draft saved at \d\d:\d\d$"))

    draft = ChronologyEntry.objects.get(case=case, description=DRAFT_DESCRIPTION)
    assert draft.is_draft
    expect(page).to_have_url(re.compile(re.escape(url("entry_edit", case, draft)) + "$"))
    page.get_by_label("Source of information").fill("HV visit record")
    expect(page.locator("input[name=version]")).to_have_value("2", timeout=8000)
    page.reload()
    expect(page.get_by_label("Source of information")).to_have_value("HV visit record")
    check_axe(page)
