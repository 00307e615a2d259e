"""The documents of the §7.5 session (domain.md), made through the page and read back:
what each holds, in English and in Welsh, as PDF and as Word files."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from supervision.actions.models import Action
from supervision.artefacts.models import Artefact, ArtefactFile
from supervision.artefacts.tests.helpers import files, prepare, preview, text_of, url
from supervision.records.models import PrinciplesRecord, ReflectiveNote

pytestmark = pytest.mark.django_db

PREVIEWS = "/tmp/artefacts-preview"  # noqa: S108 - test output to look at
REFLECTION = "I should have asked about the weekend cover sooner (my own reflection)."
# The scenario's actions (domain.md §7.5): description, owner, due date as written out.
ACTIONS = [
    ("A1", "Share safety plan v5 with SEWEDT and confirm the police address flag", "Sioned Price"),
    ("A2", "Ask Leanne for her own outcome (O4) in her words; update the plan", "Sioned Price"),
    ("A3", "Arrange SLT appointments on Nan's non-working days; text reminders", "Rachel Evans"),
    (
        "A6",
        "Confirm a pharmacy delivery/collection plan for Kai's inhaler with Nan",
        "Dr Amir Shah",
    ),
]
DUE = [
    "16 January 2026",
    "23 January 2026",
    "30 January 2026",
    "22 January 2026",
    "13 February 2026",
]
DUE_CY = ["16 Ionawr 2026", "23 Ionawr 2026", "30 Ionawr 2026", "13 Chwefror 2026"]
OUTCOMES = [
    "Leanne, Kai and Macy have calm evenings at home, and the children are not woken at night "
    "by adults arguing.",
    "Kai is in school every day on time, having had breakfast, and has his inhaler with him.",
    "Leanne finishes the 12-week recovery group and knows who to ring at a weekend if Dean "
    "turns up.",
]
A2_NOTE = "Leanne gave her outcome in her own words on 21 January."


def test_the_scenario_documents_in_both_languages_and_formats(
    client_for, cast, signed_off, django_capture_on_commit_callbacks
):
    # An attendee's reflective note: it must reach no document.
    record = PrinciplesRecord.objects.get(session=signed_off)
    ReflectiveNote.objects.create(record=record, author=cast.involved, text=REFLECTION)
    # After sign-off, A2 is done: the conference extract shows it (R27 wants the status
    # now); the actions document and the minutes keep the signed-off version.
    Action.objects.filter(record=record, number=2).update(
        status="done",
        completion_note=A2_NOTE,
        done_at=timezone.make_aware(datetime.datetime(2026, 1, 21, 15, 0)),
        done_by=cast.social_worker,
    )

    prepare(client_for(cast.social_worker), signed_off, django_capture_on_commit_callbacks)

    made = files(signed_off)
    assert len(made) == 12
    assert {f.status for f in made.values()} == {"done"}, [
        (key, f.error) for key, f in made.items() if f.status != "done"
    ]
    assert {a.edition.number for a in Artefact.objects.filter(session=signed_off)} == {1}
    assert {f.file.name.split("/")[0] for f in made.values()} == {"artefacts"}
    assert not any("price" in f.file.name.lower() for f in made.values())
    texts = {key: text_of(found) for key, found in made.items()}

    for key, text in texts.items():
        assert REFLECTION not in text, key
    for (kind, language, fmt), text in texts.items():
        if language == "en":
            assert "OFFICIAL-SENSITIVE" in text, (kind, fmt)
            assert "Version 1 of the session record, signed off by Alun Jarvis" in text

    for fmt in ("pdf", "docx"):
        actions = texts[("actions", "en", fmt)]
        for label, description, owner in ACTIONS:
            assert f"{label} {description}" in actions, (fmt, label)
            assert owner in actions
        for due in DUE:
            assert due in actions, (fmt, due)
        assert "19 January 2026" not in actions  # the deadline, not an action's date
        assert "Thursday 15 January 2026" in actions
        assert "Room 2, Example County Hall" in actions
        assert "Multi-agency supervision" in actions
        assert "16 February 2026" in actions  # the one-month progress point
        assert "Core group" in actions
        assert "16 April 2026" in actions  # the review date
        assert A2_NOTE not in actions

        minutes = texts[("minutes", "en", fmt)]
        for outcome in OUTCOMES:
            assert outcome in minutes, fmt
        assert "Rachel Evans" in minutes
        assert "Sioned Price" in minutes
        assert "I just want a normal weekend without the police at the door." in minutes
        assert "Dean turning up drunk on a Friday night" in minutes
        assert "Fri/Sat 21:00-02:00" in minutes
        assert "Has Kai and Macy at hers on Friday nights until the end of March" in minutes
        assert "SEWEDT" in minutes
        assert "Scores from 3 to 6" in minutes
        assert "average" not in minutes.lower()
        assert "Weekend plans depended on one person (Nan) with no back-up." in minutes
        assert "Share safety plan v5 with SEWEDT" in minutes
        assert "Work in progress" in minutes

        extract = texts[("conference_extract", "en", fmt)]
        for outcome in OUTCOMES:
            assert outcome in extract
        assert "Include MAS outcomes/actions in the RCPC report" in extract
        assert A2_NOTE in extract
        assert "Done on 21 January 2026" in extract
        assert "The merged chronology findings." in extract
        assert "Flying Start non-engagement was not known to the school." in extract

        welsh = texts[("actions", "cy", fmt)]
        assert "Camau gweithredu" in welsh  # Actions
        assert "Dyddiad dyledus" in welsh  # Due date
        for due in DUE_CY:
            assert due in welsh, (fmt, due)
        assert "Share safety plan v5 with SEWEDT" in welsh  # what people wrote stays as written
        welsh_minutes = texts[("minutes", "cy", fmt)]
        assert "Pwy oedd yn bresennol" in welsh_minutes  # Who attended
        assert "Canlyniadau" in welsh_minutes  # Outcomes
        assert "Who attended" not in welsh_minutes

    preview(made[("minutes", "en", "pdf")], f"{PREVIEWS}/minutes-en.png")
    preview(made[("minutes", "cy", "pdf")], f"{PREVIEWS}/minutes-cy.png")
    preview(made[("actions", "en", "pdf")], f"{PREVIEWS}/actions-en.png")
    preview(made[("conference_extract", "en", "pdf")], f"{PREVIEWS}/conference-extract-en.png")


def test_a_failed_file_shows_its_error_and_making_again_retries(
    client_for, cast, signed_off, django_capture_on_commit_callbacks, monkeypatch
):
    from supervision.artefacts import rendering

    def broken(context):
        raise RuntimeError("the PDF engine stopped")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    worker = client_for(cast.social_worker)
    prepare(worker, signed_off, django_capture_on_commit_callbacks)
    made = files(signed_off)
    failed = [key for key, f in made.items() if f.status == "failed"]
    assert sorted(failed) == sorted(key for key in made if key[2] == "pdf")
    assert all("the PDF engine stopped" in made[key].error for key in failed)
    html = worker.get(url(signed_off)).content.decode()
    assert "Failed" in html
    assert "the PDF engine stopped" in html

    monkeypatch.undo()
    prepare(worker, signed_off, django_capture_on_commit_callbacks)
    statuses = ArtefactFile.objects.filter(artefact__session=signed_off).values_list("status")
    assert set(statuses) == {("done",)}
