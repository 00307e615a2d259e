"""Subject access exports: only the data protection officer asks for one, the export is made
in the background as a ZIP of JSON and PDF, other people's information is marked for
review, reflective notes are only ever the subject's own, and every export is audited."""

from __future__ import annotations

import io
import json
import zipfile

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from supervision.audit.models import AuditEvent
from supervision.cases.models import Person
from supervision.chronology.models import ChronologyEntry
from supervision.chronology.services import demo_chronology_load
from supervision.conftest import DEMO_PASSWORD
from supervision.dataprotection import selectors
from supervision.dataprotection.models import ExportStatus, SubjectAccessExport
from supervision.dataprotection.tests.helpers import make_case, make_officer
from supervision.documents.services import demo_documents_load
from supervision.records.models import Outcome, PrinciplesRecord, ReflectiveNote
from supervision.records.tests.test_record import KAI_OUTCOME

# A family member: the person and their namesakes, their cases, the people of those cases,
# then each kind of record (20) and its prefetches (9). A member of staff: the account,
# roles, case teams, audit rows, emails, each kind of record they wrote (21), its
# prefetches, and the people of the cases those records are in. A prefetch with no rows to
# fetch for is skipped, so these are the most there can be.
PERSON_QUERIES = 32
STAFF_QUERIES = 36
INVOLVED_REFLECTION = "I could have challenged the account of the weekend sooner."
WORKER_REFLECTION = "My visits were too often announced; I will vary them."


@pytest.fixture
def sar_world(signed_off, cast):
    """The signed-off demo session with the agencies' chronologies and the document pack;
    two attendees have written reflective notes."""
    demo_chronology_load()
    demo_documents_load()
    record = PrinciplesRecord.objects.get(session=signed_off)
    ReflectiveNote.objects.create(record=record, author=cast.involved, text=INVOLVED_REFLECTION)
    ReflectiveNote.objects.create(record=record, author=cast.social_worker, text=WORKER_REFLECTION)
    return signed_off


def ask(client, case, *, key: str = "P1", password: str = DEMO_PASSWORD, **extra):
    data = {
        "subject_kind": "person",
        "case_reference": case.reference,
        "person_key": key,
        "email": "",
        "sar_reference": "SAR-2026-014",
        "reason": "subject",
        "password": password,
        **extra,
    }
    return client.post(reverse("dataprotection:subject_access"), data)


def read_zip(client, export: SubjectAccessExport):
    response = client.get(reverse("dataprotection:export_download", kwargs={"code": export.code}))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["subject.json", "subject.pdf"]
    return json.loads(archive.read("subject.json")), archive.read("subject.pdf"), response


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


# --- Who may ------------------------------------------------------------------------------


def test_only_the_data_protection_officer_opens_the_pages(client, client_for, cast, demo_case):
    officer = make_officer()
    export = SubjectAccessExport.objects.create(
        subject_kind="staff",
        user=cast.chair,
        sar_reference="SAR-1",
        reason="subject",
        requested_by=officer,
    )
    urls = [
        ("get", reverse("dataprotection:subject_access")),
        ("get", reverse("dataprotection:legal_holds")),
        ("get", reverse("dataprotection:export", kwargs={"code": export.code})),
        ("get", reverse("dataprotection:export_download", kwargs={"code": export.code})),
        ("post", reverse("dataprotection:legal_hold_lift", kwargs={"pk": 1})),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 302, url  # anonymous: sign in
    for name, user in cast.members().items():
        signed_in = client_for(user)
        for method, url in urls:
            assert getattr(signed_in, method)(url).status_code == 403, (name, url)
    signed_in = client_for(officer)
    assert signed_in.get(urls[0][1]).status_code == 200
    assert signed_in.get(urls[1][1]).status_code == 200
    assert signed_in.get(urls[2][1]).status_code == 200


def test_an_export_is_seen_only_by_the_officer_who_asked(client_for, cast, demo_case):
    officer = make_officer()
    other = make_officer("eira.officer@brd.example", "Eira Officer")
    export = SubjectAccessExport.objects.create(
        subject_kind="staff",
        user=cast.chair,
        sar_reference="SAR-1",
        reason="subject",
        requested_by=officer,
    )
    signed_in = client_for(other)
    status = reverse("dataprotection:export", kwargs={"code": export.code})
    assert signed_in.get(status).status_code == 404
    download = reverse("dataprotection:export_download", kwargs={"code": export.code})
    assert signed_in.get(download).status_code == 404


# --- The export of Kai ------------------------------------------------------------------


def test_the_export_of_kai_has_his_entries_and_outcomes_and_marks_other_people(
    client_for, cast, sar_world
):
    case = sar_world.case
    officer = make_officer()
    client = client_for(officer)
    response = ask(client, case)
    export = SubjectAccessExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dataprotection:export", kwargs={"code": export.code})
    assert export.status == ExportStatus.DONE  # the test backend runs the task at once
    status_page = client.get(response["Location"])
    assert status_page.status_code == 200
    assert "no-store" in status_page["Cache-Control"]

    data, pdf, download = read_zip(client, export)
    assert download["Content-Disposition"] == (
        'attachment; filename="subject-access-SAR-2026-014.zip"'
    )
    assert "no-store" in download["Cache-Control"]
    assert "Kai" not in (export.file.name or "")  # stored under a random name
    assert data["subject"] == {
        "kind": "person",
        "name": "Kai Harries",
        "case": case.reference,
        "key": "P1",
    }
    sections = data["sections"]
    # Every chronology entry about Kai (linked to him, or naming him), and only those.
    kai = Person.objects.get(case=case, key="P1")
    about_kai = set(ChronologyEntry.objects.filter(subjects=kai).values_list("ref", flat=True))
    exported = {entry["ref"] for entry in sections["chronology_entries"]}
    assert about_kai <= exported
    assert "HV-01" not in exported  # Macy's missed review: not about Kai
    # His outcome, and it is his.
    outcome_texts = [item["text"] for item in sections["outcomes"]]
    assert KAI_OUTCOME in outcome_texts
    assert Outcome.objects.get(text=KAI_OUTCOME).person == kai
    # Other people in the same entries are marked for review, with who they are.
    pol_01 = next(entry for entry in sections["chronology_entries"] if entry["ref"] == "POL-01")
    assert pol_01["third_party_review"] is True
    assert "Macy Walsh (P2)" in pol_01["third_parties"]
    assert "Leanne Harries (P3)" in pol_01["third_parties"]
    reviewed = [i for s in sections.values() for i in s if i.get("third_party_review")]
    assert len(reviewed) == data["items_to_review"] == export_reviewed(export)
    # Never a reflective note, of anyone.
    raw = json.dumps(data)
    assert INVOLVED_REFLECTION not in raw
    assert WORKER_REFLECTION not in raw
    assert "reflective_notes" not in sections
    # Document details, not files.
    assert {item["title"] for item in sections["documents"]}
    # The PDF, read back, names him and carries the same entries and the review marks.
    text = pdf_text(pdf)
    assert "Kai Harries" in text
    assert "POL-01" in text
    assert "Check before release" in text
    assert INVOLVED_REFLECTION not in text


def export_reviewed(export: SubjectAccessExport) -> int:
    export.refresh_from_db()
    return export.items_to_review


def test_a_staff_export_has_their_own_reflective_note_and_no_one_elses(client_for, cast, sar_world):
    officer = make_officer()
    client = client_for(officer)
    response = ask(
        client,
        sar_world.case,
        subject_kind="staff",
        case_reference="",
        person_key="",
        email=cast.involved.email.upper(),
    )
    assert response.status_code == 302
    data, pdf, _response = read_zip(client, SubjectAccessExport.objects.get())
    assert data["subject"]["email"] == cast.involved.email
    notes = [item["text"] for item in data["sections"]["reflective_notes"]]
    assert notes == [INVOLVED_REFLECTION]
    raw = json.dumps(data)
    assert WORKER_REFLECTION not in raw
    # The audit rows where she is the actor, and the request she made.
    assert len(data["sections"]["audit"]) == AuditEvent.objects.filter(actor=cast.involved).count()
    assert data["sections"]["supervision_requests"]
    assert INVOLVED_REFLECTION in pdf_text(pdf)


# --- Asking -------------------------------------------------------------------------------


def test_every_export_and_download_is_audited_with_the_reason_and_reference(
    client_for, cast, sar_world
):
    officer = make_officer()
    client = client_for(officer)
    ask(client, sar_world.case, reason="parental")
    export = SubjectAccessExport.objects.get()
    read_zip(client, export)
    rows = AuditEvent.objects.filter(actor=officer, action="export").order_by("pk")
    assert [
        (row.case_id, row.target_id, row.detail["reason"], row.detail["sar_reference"])
        for row in rows
    ] == [
        (sar_world.case.pk, str(export.pk), "parental", "SAR-2026-014"),
        (sar_world.case.pk, str(export.pk), "parental", "SAR-2026-014"),
    ]
    assert [row.detail["part"] for row in rows] == ["subject access", "subject access download"]
    assert not [row for row in rows if "Kai" in json.dumps(row.detail)]


def test_a_wrong_password_is_refused_audited_and_locks_after_five(client_for, cast, demo_case):
    officer = make_officer()
    client = client_for(officer)
    for _try in range(5):
        response = ask(client, demo_case, password="not-it")
        assert response.status_code == 400
        assert "The password is not right" in response.content.decode()
    assert AuditEvent.objects.filter(actor=officer, action="login_failed").count() == 5
    locked = ask(client, demo_case)
    assert locked.status_code == 429
    assert not SubjectAccessExport.objects.exists()


def test_an_unknown_person_or_email_is_an_error_next_to_the_field(client_for, demo_case):
    client = client_for(make_officer())
    response = ask(client, demo_case, key="P99")
    assert response.status_code == 400
    assert "No one in a case has this case and short reference" in response.content.decode()
    response = ask(
        client, demo_case, subject_kind="staff", email="nobody@nowhere.example", person_key=""
    )
    assert "No account has this email address" in response.content.decode()
    response = ask(client, demo_case, sar_reference="Kai Harries")
    assert "Use letters, numbers" in response.content.decode()
    assert 'value="Kai Harries"' in response.content.decode()  # what was typed is kept
    assert not SubjectAccessExport.objects.exists()


# --- Fixed query counts -----------------------------------------------------------------


def test_a_subject_takes_the_same_queries_however_much_is_held(
    sar_world, cast, django_assert_max_num_queries
):
    """One query per kind of record (and one per prefetch), never one per row: a subject
    with little held takes no more queries than one with a lot."""
    case = sar_world.case
    kai = Person.objects.get(case=case, key="P1")
    with django_assert_max_num_queries(PERSON_QUERIES):
        found = selectors.person_subject(kai)
    assert found.item_count > 20
    with django_assert_max_num_queries(PERSON_QUERIES):
        selectors.person_subject(Person.objects.get(case=case, key="P3"))
    other = make_case(family="Lone", child="Lowri", born=None, closed=False, note="Quiet.")
    with django_assert_max_num_queries(PERSON_QUERIES):
        selectors.person_subject(Person.objects.get(case=other))
    with django_assert_max_num_queries(STAFF_QUERIES):
        selectors.staff_subject(cast.social_worker)
    with django_assert_max_num_queries(STAFF_QUERIES):
        selectors.staff_subject(cast.uninvolved)


def test_the_pages_take_a_fixed_number_of_queries(
    client_for, cast, demo_case, django_assert_num_queries
):
    officer = make_officer()
    client = client_for(officer)
    client.get(reverse("dataprotection:subject_access"))
    with django_assert_num_queries(5) as few:
        client.get(reverse("dataprotection:subject_access"))
    for number in range(4):
        SubjectAccessExport.objects.create(
            subject_kind="staff",
            user=cast.chair,
            sar_reference=f"SAR-{number}",
            reason="subject",
            requested_by=officer,
        )
        SubjectAccessExport.objects.create(
            subject_kind="person",
            person=Person.objects.filter(case=demo_case).first(),
            sar_reference=f"SAR-P{number}",
            reason="subject",
            requested_by=officer,
        )
    with django_assert_num_queries(len(few)):
        client.get(reverse("dataprotection:subject_access"))
