"""The retention job (`manage.py apply_retention`): it reports by default and changes
nothing; with --apply it anonymises closed cases past their period, leaves open, held and
young cases alone, deletes old working files, never touches the audit trail, and a second
run does nothing more."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from supervision.audit.models import AuditEvent
from supervision.cases.models import Case, Involvement, Person
from supervision.chronology.models import ChronologyEntry, ChronologyExport, ChronologyImport
from supervision.chronology.services import demo_chronology_load
from supervision.dataprotection import selectors, services
from supervision.dataprotection.models import (
    CaseAnonymisation,
    ExportStatus,
    LegalHold,
    SubjectAccessExport,
    SubjectKind,
)
from supervision.dataprotection.tests.helpers import (
    make_case,
    make_officer,
    table_counts,
    texts_naming,
)
from supervision.documents.models import Document
from supervision.documents.services import demo_documents_load
from supervision.domain.retention import CaseState
from supervision.notifications.models import OutboxMessage
from supervision.records.models import Outcome, ReflectiveNote

LONDON = datetime.timezone(datetime.timedelta(0))
# Macy, the demo case's younger child, was born on 20 September 2022: 25 in September 2047.
AFTER_MACY_IS_25 = datetime.datetime(2048, 1, 10, 9, 0, tzinfo=LONDON)
FAMILY_NAMES = ["Harries", "Walsh", "Kai", "Macy", "Leanne", "Glenys", "Dean"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(signed_off, cast):
    """The demo case, recorded, signed off and then closed, with its chronology and
    document pack; an open case, a closed case under legal hold and a closed case whose
    child is young, each of which would otherwise be past its period."""
    case = signed_off.case
    demo_chronology_load()
    demo_documents_load()
    ReflectiveNote.objects.create(
        record=Outcome.objects.filter(record__session=signed_off).first().record,
        author=cast.involved,
        text="I could have challenged Leanne's account of the weekend sooner.",
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    officer = make_officer()
    open_case = make_case(
        family="Openshaw",
        child="Olwen",
        born=datetime.date(2000, 1, 1),
        closed=False,
        note="Olwen is settled at school.",
    )
    held = make_case(
        family="Holdsworth",
        child="Huw",
        born=datetime.date(2000, 1, 1),
        closed=True,
        note="Huw moved to his aunt's.",
    )
    services.legal_hold_place(
        case=held, reason="Inquiry into the region's services.", placed_by=officer
    )
    young = make_case(
        family="Youngman",
        child="Yestin",
        born=datetime.date(2030, 1, 1),
        closed=True,
        note="Yestin was born early.",
    )
    return {"case": case, "open": open_case, "held": held, "young": young, "officer": officer}


def test_the_report_changes_nothing(world) -> None:
    before = table_counts()
    audit_ids = set(AuditEvent.objects.values_list("pk", flat=True))
    with time_machine.travel(AFTER_MACY_IS_25, tick=False):
        report = run()
    assert table_counts() == before
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == audit_ids
    assert Case.objects.get(pk=world["case"].pk).family_name == "Harries/Walsh"
    # It says what it would do, by case reference and count, and names no one.
    assert "1 closed cases past their period, to anonymise" in report
    assert world["case"].reference in report
    assert "Under legal hold (nothing done):" in report
    assert world["held"].reference in report
    assert "Nothing was changed." in report
    assert not [name for name in [*FAMILY_NAMES, "Holdsworth", "Huw"] if name in report]


def test_apply_anonymises_a_closed_case_past_its_period_and_nothing_else(world) -> None:
    case = world["case"]
    entries_before = list(
        ChronologyEntry.objects.filter(case=case).order_by("ref").values_list("ref", "event_date")
    )
    outcomes_before = Outcome.objects.filter(record__session__case=case).count()
    assert texts_naming(FAMILY_NAMES)  # the family is named all over the case before

    with time_machine.travel(AFTER_MACY_IS_25, tick=False):
        report = run("--apply")

    assert f"Anonymised 1 case(s): {case.reference}" in report
    # No text anywhere in the database names the family any more.
    assert texts_naming(FAMILY_NAMES) == []
    kai = Person.objects.get(case=case, key="P1")
    assert (kai.given_names, kai.family_name, kai.date_of_birth) == (
        "[anonymised]",
        "P1",
        datetime.date(2016, 1, 1),
    )
    # Counts and dates stay for the board's statistics; files are gone.
    assert entries_before == list(
        ChronologyEntry.objects.filter(case=case).order_by("ref").values_list("ref", "event_date")
    )
    assert Outcome.objects.filter(record__session__case=case).count() == outcomes_before
    assert not Document.objects.filter(case=case).exists()
    assert not ChronologyImport.objects.filter(case=case).exists()
    assert CaseAnonymisation.objects.filter(case=case).exists()
    # The open case, the held case and the young case are untouched.
    for key, name, child in (
        ("open", "Openshaw", "Olwen"),
        ("held", "Holdsworth", "Huw"),
        ("young", "Youngman", "Yestin"),
    ):
        other = Case.objects.get(pk=world[key].pk)
        assert other.family_name == name
        assert Person.objects.get(case=other).given_names == child
        assert Involvement.objects.get(case=other).relevant_information.startswith(child)
        assert not CaseAnonymisation.objects.filter(case=other).exists()


def test_apply_writes_one_audit_row_per_case_and_never_deletes_one(world) -> None:
    case = world["case"]
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with time_machine.travel(AFTER_MACY_IS_25, tick=False):
        run("--apply")
    after = AuditEvent.objects.all()
    assert before <= set(after.values_list("pk", flat=True))
    new = list(after.exclude(pk__in=before))
    assert [(row.case_id, row.action, row.target_type) for row in new] == [
        (case.pk, "update", "dataprotection.retention")
    ]
    assert new[0].detail["anonymised"] is True
    assert (
        new[0].detail["counts"]["chronology.chronologyentry"]
        == ChronologyEntry.objects.filter(case=case).count()
    )
    assert new[0].source == "command:apply_retention"


def test_running_twice_does_nothing_more(world) -> None:
    with time_machine.travel(AFTER_MACY_IS_25, tick=False):
        run("--apply")
        after_first = table_counts()
        names_after_first = list(
            Person.objects.order_by("pk").values_list("given_names", flat=True)
        )
        second = run("--apply")
    assert "Anonymised 0 case(s): none" in second
    assert table_counts() == after_first
    assert names_after_first == list(
        Person.objects.order_by("pk").values_list("given_names", flat=True)
    )


def test_lifting_the_hold_lets_the_next_run_anonymise_the_case(world) -> None:
    hold = LegalHold.objects.get(case=world["held"])
    services.legal_hold_lift(hold=hold, lifted_by=world["officer"])
    with time_machine.travel(AFTER_MACY_IS_25, tick=False):
        report = run("--apply")
    assert world["held"].reference in report.split("Anonymised 2 case(s): ")[1]
    assert Case.objects.get(pk=world["held"].pk).family_name == "[anonymised]"


def test_a_case_within_its_period_is_kept_until_the_day_it_is_due(world) -> None:
    with time_machine.travel(datetime.datetime(2047, 9, 19, 9, 0, tzinfo=LONDON), tick=False):
        report = run("--apply")
    assert "Anonymised 0 case(s)" in report
    assert f"{world['case'].reference} (closed " in report
    assert "due 2047-09-20" in report
    assert Case.objects.get(pk=world["case"].pk).family_name == "Harries/Walsh"


def _old(model, pk: int, when: datetime.datetime, field: str = "created_at") -> None:
    model.objects.filter(pk=pk).update(**{field: when})


def test_working_files_past_their_period_are_deleted_and_newer_ones_kept(world, cast) -> None:
    case = world["case"]
    Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN)  # only the files are due
    now = timezone.now()
    old_export = ChronologyExport.objects.create(
        case=case,
        format="csv",
        created_by=cast.social_worker,
        status="done",
        file=ContentFile(b"ref\n", name="chronology.csv"),
    )
    new_export = ChronologyExport.objects.create(
        case=case,
        format="csv",
        created_by=cast.social_worker,
        status="done",
        file=ContentFile(b"ref\n", name="chronology.csv"),
    )
    _old(ChronologyExport, old_export.pk, now - datetime.timedelta(days=31))
    old_import = ChronologyImport.objects.filter(case=case).first()
    _old(ChronologyImport, old_import.pk, now - datetime.timedelta(days=31))
    sar = SubjectAccessExport.objects.create(
        subject_kind=SubjectKind.STAFF,
        user=cast.social_worker,
        sar_reference="SAR-1",
        reason="subject",
        requested_by=world["officer"],
        status=ExportStatus.DONE,
        file=ContentFile(b"PK", name="x.zip"),
    )
    _old(SubjectAccessExport, sar.pk, now - datetime.timedelta(days=8), "requested_at")
    undelivered = OutboxMessage.objects.create(
        to="someone@hv.example",
        subject="A link",
        body="Open the link",
        kind="test",
        case=case,
        status=OutboxMessage.Status.FAILED,
        created_at=now - datetime.timedelta(days=31),
    )
    held_export = ChronologyExport.objects.create(
        case=world["held"],
        format="csv",
        created_by=cast.social_worker,
        status="done",
    )
    _old(ChronologyExport, held_export.pk, now - datetime.timedelta(days=90))
    old_file = old_export.file.name

    report = run("--apply")

    assert not ChronologyExport.objects.filter(pk=old_export.pk).exists()
    assert not default_storage.exists(old_file)
    assert ChronologyExport.objects.filter(pk=new_export.pk).exists()
    assert ChronologyExport.objects.filter(pk=held_export.pk).exists()  # legal hold
    assert not ChronologyImport.objects.filter(pk=old_import.pk).exists()
    sar.refresh_from_db()
    assert (sar.status, sar.file.name) == (ExportStatus.EXPIRED, "")
    undelivered.refresh_from_db()
    assert undelivered.body == ""
    assert "Deleted or emptied 1 chronology exports." in report
    assert "Deleted or emptied 1 subject access files." in report
    # One audit row for the case's files, one for the files of no case (the staff export).
    rows = AuditEvent.objects.filter(target_type="dataprotection.retention")
    assert sorted((row.case_id or 0, row.action) for row in rows) == [
        (0, "delete"),
        (case.pk, "delete"),
    ]


def test_the_plan_takes_the_same_queries_however_many_cases(world, django_assert_num_queries):
    today = datetime.date(2048, 1, 10)
    with django_assert_num_queries(11):
        selectors.retention_plan(today=today)
    for number in range(5):
        make_case(family=f"Extra{number}", child="Ceri", born=None, closed=True, note="A note.")
    with django_assert_num_queries(11):
        plan = selectors.retention_plan(today=today)
    assert len(plan.in_state(CaseState.KEPT)) == 6
