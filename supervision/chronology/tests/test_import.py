"""Importing chronology files through the screens: check, preview, all or nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from supervision.audit.models import AuditEvent
from supervision.chronology.models import ChronologyEntry, ChronologyImport

pytestmark = pytest.mark.django_db

SCENARIO = Path(__file__).resolve().parents[3] / "demo" / "harries-walsh" / "chronology.csv"


def scenario_rows() -> list[dict[str, str]]:
    with SCENARIO.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_csv(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, case, content: bytes, name: str = "chronology.csv"):
    return client.post(
        reverse("chronology:import", kwargs={"reference": case.reference}),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_importing_the_scenario_through_the_screens_gives_46_entries(client_for, cast, demo_case):
    client = client_for(cast.social_worker)
    response = upload(client, demo_case, SCENARIO.read_bytes())
    assert response.status_code == 302
    preview = client.get(response.url)
    page = preview.content.decode()
    assert "The file has 46 entries." in page
    assert "There is a problem" not in page
    assert ChronologyEntry.objects.filter(case=demo_case).count() == 0  # nothing saved yet

    done = client.post(response.url)
    assert done.status_code == 302
    assert ChronologyEntry.objects.filter(case=demo_case).count() == 46
    assert "46 entries were added" in client.get(done.url).content.decode()
    gp_late = ChronologyEntry.objects.get(case=demo_case, ref="POL-02")
    assert gp_late.chronology.agency.code == "pol"
    assert sorted(p.key for p in gp_late.subjects.all()) == ["P1", "P2"]
    assert {t.code for t in gp_late.themes.all()} == {"domestic_abuse"}
    assert AuditEvent.objects.filter(case=demo_case, target_type="chronology.chronologyimport")


def test_a_file_with_broken_rows_saves_nothing_and_names_each_row_and_field(
    client_for, cast, demo_case
):
    rows = scenario_rows()
    rows[0]["event_date"] = "31/02/2025"  # line 2: no such date
    rows[1]["source_of_information"] = ""  # line 3: source is required
    rows[2]["subject_persons"] = "P2;P9"  # line 4: nobody called P9
    rows[3]["themes"] = "domestic_abuse;astrology"  # line 5: unknown theme
    rows[4]["engagement_flag"] = "sort of"  # line 6: unknown flag
    client = client_for(cast.social_worker)
    response = upload(client, demo_case, as_csv(rows))
    page = client.get(response.url).content.decode()
    assert "There is a problem" in page
    assert "Nothing has been saved" in page
    for line in (2, 3, 4, 5, 6):
        assert f'href="#line-{line}"' in page
    assert "“31/02/2025” is not a date" in page
    assert "Source of information is missing" in page
    assert "“P9” is not a person in this case" in page
    assert "“astrology” is not a theme in the list" in page
    assert "“sort of” is not an engagement flag in the list" in page
    assert "Add 46 entries" not in page

    assert client.post(response.url).status_code == 302  # confirming is refused
    assert ChronologyEntry.objects.filter(case=demo_case).count() == 0


def test_windows_1252_and_byte_order_marks_are_read(client_for, cast, demo_case):
    rows = scenario_rows()[:3]
    rows[0]["description"] = "Macy was not brought – café appointment missed."
    client = client_for(cast.social_worker)
    for content in (as_csv(rows, "cp1252"), b"\xef\xbb\xbf" + as_csv(rows, "utf-8")):
        ChronologyEntry.objects.filter(case=demo_case).delete()
        response = upload(client, demo_case, content)
        client.post(response.url)
        entry = ChronologyEntry.objects.get(case=demo_case, ref=rows[0]["entry_id"])
        assert entry.description == "Macy was not brought – café appointment missed."


def test_excel_files_are_read(client_for, cast, demo_case):
    rows = scenario_rows()[:5]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(cast.social_worker)
    response = upload(client, demo_case, buffer.getvalue(), "chronology.xlsx")
    client.post(response.url)
    assert ChronologyEntry.objects.filter(case=demo_case).count() == 5


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The submitted file is empty."),
        (b"not a spreadsheet", "notes.pdf", "The file must be a CSV or an Excel (.xlsx) file."),
        (b"entry_id,agency\n", "header.csv", "The file has a header row but no entries."),
        (b"x" * (5 * 1024 * 1024 + 1), "huge.csv", "The file is larger than 5 MB."),
    ],
)
def test_unusable_files_get_a_clear_message(client_for, cast, demo_case, content, name, message):
    response = upload(client_for(cast.social_worker), demo_case, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChronologyImport.objects.exists()


def test_too_many_rows_get_a_clear_message(client_for, cast, demo_case):
    body = "entry_id,agency\n" + "".join(f"X-{n},HV\n" for n in range(5001))
    response = upload(client_for(cast.social_worker), demo_case, body.encode())
    assert response.status_code == 400
    assert "the most one file can hold is 5000" in response.content.decode()


def test_missing_columns_are_named(client_for, cast, demo_case):
    client = client_for(cast.social_worker)
    response = upload(client, demo_case, b"entry_id,agency,event_date\nHV-99,HV,2025-01-01\n")
    page = client.get(response.url).content.decode()
    assert "The file has no source_of_information column." in page


def test_a_practitioner_adds_entries_only_for_their_own_agency(client_for, cast, demo_case):
    client = client_for(cast.involved)  # health visitor
    response = upload(client, demo_case, SCENARIO.read_bytes())
    page = client.get(response.url).content.decode()
    assert "“POL” is not an agency involved in this case that you can add entries for" in page
    assert "“HV” is not an agency" not in page
    hv_only = [row for row in scenario_rows() if row["agency"] == "HV"]
    for row in hv_only:
        row["links"] = ""  # HV-04 and HV-08 link to Children's Services entries
    response = upload(client, demo_case, as_csv(hv_only))
    client.post(response.url)
    assert ChronologyEntry.objects.filter(case=demo_case).count() == len(hv_only)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_large_files_are_imported_in_the_background_with_progress_shown(
    client_for, cast, demo_case
):
    from supervision.chronology import services

    rows = []
    for number in range(services.INLINE_IMPORT_LIMIT + 1):
        row = dict(scenario_rows()[0])
        row["entry_id"] = f"HV-{number:04d}"
        rows.append(row)
    client = client_for(cast.social_worker)
    response = upload(client, demo_case, as_csv(rows))
    client.post(response.url)
    page = client.get(response.url).content.decode()
    assert "Waiting to start." in page
    assert "Check again" in page
    assert ChronologyEntry.objects.filter(case=demo_case).count() == 0

    upload_row = ChronologyImport.objects.get()
    services.chronology_import_run(upload=upload_row, agency_codes=frozenset({"HV"}))
    page = client.get(response.url).content.decode()
    assert f"{len(rows)} entries were added" in page
    assert ChronologyEntry.objects.filter(case=demo_case).count() == len(rows)


def test_importing_the_same_entries_twice_is_refused(client_for, cast, demo_case):
    client = client_for(cast.social_worker)
    client.post(upload(client, demo_case, SCENARIO.read_bytes()).url)
    response = upload(client, demo_case, SCENARIO.read_bytes())
    page = client.get(response.url).content.decode()
    assert "entry HV-01 is already in this case&#x27;s chronology" in page or (
        "entry HV-01 is already in this case" in page
    )
    assert ChronologyEntry.objects.filter(case=demo_case).count() == 46


def test_someone_elses_import_is_not_found(client_for, cast, demo_case):
    response = upload(client_for(cast.social_worker), demo_case, SCENARIO.read_bytes())
    client = client_for(cast.involved)
    assert client.get(response.url).status_code == 404


def test_the_template_has_the_import_columns(client_for, cast, demo_case):
    response = client_for(cast.involved).get(
        reverse("chronology:template", kwargs={"reference": demo_case.reference})
    )
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:16] == list(scenario_rows()[0])
