"""Every page of the chronology, supervision request and document pack features, in a real
browser, as the people who use them, in English and then in Welsh.

Each page is checked with axe-core (WCAG 2.2 AA, no violations), then opened in Welsh with
the "Cymraeg" link, which must keep the reader on the same page (query string included).
The Welsh page is checked with axe-core too, and compared with the English one: no text may
be left in English unless it is marked as not for translation or as another language.

The tests are grouped by the person signed in (one sign-in per test). A test checks every
page it visits and then reports every problem found at once, so that one untranslated page
does not hide the state of the others.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from supervision.cases.services import DEMO_DIR
from supervision.chronology.models import ChronologyEntry
from supervision.chronology.services import demo_chronology_load, theme_taxonomy_ensure
from supervision.documents.services import demo_documents_load
from supervision.domain.chronology import default_period
from supervision.meetings.models import Invitation, SupervisionRequest
from supervision.meetings.services import (
    SharingBasis,
    demo_request_load,
    request_create,
    session_schedule,
)
from supervision.web.tests.browser import BrowserCast, check_axe, check_translated, sign_in

SCENARIO_CSV = DEMO_DIR / "harries-walsh" / "chronology.csv"


# --- Helpers ----------------------------------------------------------------------------


def html_lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def switch_to_welsh(page: Page) -> int:
    """Select "Cymraeg" in the language navigation; returns the Welsh page's status."""
    language = page.get_by_role("navigation", name="Language")
    with page.expect_response(
        lambda response: (
            response.request.is_navigation_request() and response.frame == page.main_frame
        )
    ) as navigation:
        language.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    return navigation.value.status


def welsh_url(english_url: str) -> str:
    parts = urlsplit(english_url)
    return urlunsplit(parts._replace(path="/cy" + parts.path))


class Sweep:
    """Checks page after page with axe-core and against its Welsh version; `done()` then
    reports every problem found."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        self.pages = 0

    def axe(self) -> None:
        self.pages += 1
        try:
            check_axe(self.page)
        except AssertionError as error:
            self.problems.append(str(error))

    def translated(self, english_html: str, where: str) -> None:
        try:
            check_translated(english_html, self.page.content(), where)
        except AssertionError as error:
            self.problems.append(f"{error}\n    (on {self.page.url})")

    def english_then_welsh(self, where: str) -> None:
        """The English page on screen, then the same page through the language link."""
        page = self.page
        assert html_lang(page) == "en-GB", f"the {where} is not in English: {page.url}"
        english_url = page.url
        self.axe()
        english = page.content()

        status = switch_to_welsh(page)

        assert page.url == welsh_url(english_url), (
            f"The Cymraeg link of the {where} ({english_url}) went to {page.url}"
        )
        assert status == 200, f"The Welsh {where} answered {status}: {page.url}"
        self.axe()
        self.translated(english, where)

    def done(self) -> None:
        assert self.pages, "no page was checked"
        assert not self.problems, (
            f"{len(self.problems)} problem(s) on {self.pages} page views:\n\n"
            + "\n\n".join(self.problems)
        )


def open_case_page(page: Page, path: str, heading: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    expect(h1(page)).to_have_text(heading)


def import_file() -> bytes:
    """The scenario's chronology file cut to its first three rows, plus a row with a
    date that does not exist."""
    rows = list(csv.reader(io.StringIO(SCENARIO_CSV.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:4]
    broken = dict(zip(header, body[-1], strict=True))
    broken.update(entry_id="HV-90", event_date="30/02/2025")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([header, *body, [broken[column] for column in header]])
    return buffer.getvalue().encode("utf-8")


def entry_code(case_ref: str, ref: str) -> str:
    return str(ChronologyEntry.objects.get(case__reference=case_ref, ref=ref).code)


# --- Fixtures ---------------------------------------------------------------------------


@pytest.fixture
def with_chronology(browser_cast: BrowserCast) -> BrowserCast:
    demo_chronology_load()
    return browser_cast


@pytest.fixture
def with_request(with_chronology: BrowserCast) -> SupervisionRequest:
    """The scenario's request, asked by the health visitor and accepted by the chair."""
    demo_request_load()
    return SupervisionRequest.objects.get(case=with_chronology.case)


# --- The social worker: the multi-agency chronology --------------------------------------


@pytest.mark.browser
def test_the_chronology_pages_in_english_and_welsh(
    page: Page, live_server: Any, with_chronology: BrowserCast
) -> None:
    worker = with_chronology["social_worker"]
    ref = with_chronology.case.reference
    base = f"/cases/{ref}/chronology/"
    sign_in(page, live_server, worker.user, worker.secret)
    sweep = Sweep(page)

    # The merged chronology.
    open_case_page(page, base, "Multi-agency chronology")
    expect(page.locator("#entry-HV-01")).to_be_visible()
    template = page.get_by_role("link", name="Download the chronology template (CSV)")
    expect(template).to_have_attribute("href", f"{base}template.csv")
    download = page.request.get(f"{live_server.url}{base}template.csv")
    assert download.status == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.text().lstrip("\ufeff").startswith("entry_id,agency,event_date")
    sweep.english_then_welsh("chronology page")
    expect(page.locator(f'a[href="/cy{base}template.csv"]')).to_have_count(1)

    # Names replaced by roles.
    open_case_page(page, f"{base}?anonymised=1", "Multi-agency chronology")
    expect(page.locator(".govuk-caption-l")).to_have_text(ref)
    sweep.english_then_welsh("anonymised chronology page")

    # Filtered: the health visitor's entries only.
    open_case_page(page, base, "Multi-agency chronology")
    page.get_by_text("Filter the chronology").click()
    page.get_by_label("Agency", exact=True).select_option(
        label="Flying Start Health Visiting, Example University Health Board"
    )
    page.get_by_role("button", name="Show entries").click()
    expect(page).to_have_url(re.compile(r"\?.*agency="))
    expect(page.locator("#entry-HV-01")).to_be_visible()
    expect(page.locator("#entry-POL-01")).to_have_count(0)
    sweep.english_then_welsh("filtered chronology page")

    # The timeline.
    open_case_page(page, f"{base}timeline/", "Chronology timeline")
    sweep.english_then_welsh("timeline page")

    # Exporting: the form, then the file made as CSV.
    open_case_page(page, f"{base}export/", "Export the chronology")
    sweep.english_then_welsh("export page")
    open_case_page(page, f"{base}export/", "Export the chronology")
    page.get_by_label("CSV, for other spreadsheet programs").check()
    page.get_by_role("button", name="Make the file").click()
    expect(page).to_have_url(re.compile(rf"{base}export/[0-9a-f-]{{36}}/$"))
    expect(h1(page)).to_have_text("Your file is ready")
    expect(page.get_by_role("link", name="Download the chronology (CSV)")).to_be_visible()
    sweep.english_then_welsh("export status page")

    # One entry: adding one, reading one.
    open_case_page(page, f"{base}entries/new/", "Add a chronology entry")
    sweep.english_then_welsh("new entry form")
    open_case_page(page, base, "Multi-agency chronology")
    page.locator("#entry-HV-01").get_by_role("link", name="HV-01").click()
    expect(h1(page)).to_have_text("Entry HV-01")
    sweep.english_then_welsh("entry page")

    sweep.done()


# --- The social worker: importing a file, and the document pack --------------------------


@pytest.mark.browser
def test_importing_a_file_and_the_document_pack_in_english_and_welsh(
    page: Page, live_server: Any, browser_cast: BrowserCast
) -> None:
    theme_taxonomy_ensure()  # the file's themes (a flush after a browser test removes them)
    demo_documents_load()
    worker = browser_cast["social_worker"]
    ref = browser_cast.case.reference
    sign_in(page, live_server, worker.user, worker.secret)
    sweep = Sweep(page)

    # The upload page, then a file with a broken row: the preview lists the problem.
    open_case_page(page, f"/cases/{ref}/chronology/import/", "Add entries from a file")
    sweep.english_then_welsh("chronology import page")
    open_case_page(page, f"/cases/{ref}/chronology/import/", "Add entries from a file")
    page.get_by_label("Upload a chronology file").set_input_files(
        files=[{"name": "chronology.csv", "mimeType": "text/csv", "buffer": import_file()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page).to_have_url(re.compile(rf"/cases/{ref}/chronology/import/[0-9a-f-]{{36}}/$"))
    expect(h1(page)).to_have_text("Check the file")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(summary.get_by_role("link", name="Row 5: 1 problem")).to_be_visible()
    expect(page.locator("#line-5")).to_contain_text("“30/02/2025” is not a date")
    expect(page.get_by_text("No problems")).to_have_count(3)
    expect(page.get_by_role("button", name=re.compile("^Add "))).to_have_count(0)
    sweep.english_then_welsh("chronology import preview")

    # The document pack and its upload page.
    open_case_page(page, f"/cases/{ref}/documents/", "Document pack")
    expect(page.get_by_role("link", name="Care and support protection plan v4")).to_be_visible()
    sweep.english_then_welsh("document pack page")
    open_case_page(page, f"/cases/{ref}/documents/upload/", "Add a document to the pack")
    sweep.english_then_welsh("document upload page")

    sweep.done()


# --- The health visitor: asking for a supervision, changing an entry, answering --------


@pytest.mark.browser
def test_the_health_visitors_pages_in_english_and_welsh(
    page: Page, live_server: Any, with_chronology: BrowserCast, with_request: SupervisionRequest
) -> None:
    cast = with_chronology
    ref = cast.case.reference
    visitor = cast["involved"]
    session = session_schedule(
        request=with_request,
        starts_at=timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=21),
        duration_minutes=90,
        venue="Room 2, Example County Hall",
        meeting_language="en",
        scheduled_by=cast["chair"].user,
    )
    invitation = Invitation.objects.get(session=session, practitioner__user=visitor.user)
    sign_in(page, live_server, visitor.user, visitor.secret)
    sweep = Sweep(page)

    # The case's requests.
    open_case_page(page, f"/cases/{ref}/requests/", "Supervision requests")
    requests = page.get_by_role("table", name="Supervision requests")
    expect(requests.locator("tbody tr")).to_have_count(1)
    expect(requests).to_contain_text("Accepted")
    sweep.english_then_welsh("supervision requests page")

    # The request form, then the form sent back empty, in each language.
    form = f"/cases/{ref}/requests/new/"
    open_case_page(page, form, "Ask for a supervision")
    sweep.english_then_welsh("supervision request form")
    open_case_page(page, form, "Ask for a supervision")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error:"))
    sweep.axe()
    english = page.content()
    response = page.goto(f"/cy{form}")
    assert response is not None
    assert response.status == 200
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert html_lang(page) == "cy"
    assert page.url == f"{live_server.url}/cy{form}"
    sweep.axe()
    sweep.translated(english, "supervision request form sent back empty")

    # An entry of her agency's chronology, to change.
    code = entry_code(ref, "HV-01")
    open_case_page(page, f"/cases/{ref}/chronology/entries/{code}/edit/", "Change entry HV-01")
    sweep.english_then_welsh("entry change form")

    # Her invitation to the session.
    open_case_page(page, f"/invitations/{invitation.code}/", "Your invitation")
    expect(page.get_by_role("group", name="Can you attend?")).to_be_visible()
    sweep.english_then_welsh("invitation page")

    sweep.done()


# --- The chair: the queue, deciding, booking the session, the readiness page ------------


@pytest.mark.browser
def test_the_chairs_pages_in_english_and_welsh(
    page: Page, live_server: Any, with_chronology: BrowserCast, with_request: SupervisionRequest
) -> None:
    cast = with_chronology
    ref = cast.case.reference
    chair = cast["chair"]
    today = timezone.localdate()
    waiting = request_create(
        case=cast.case,
        requested_by=cast["involved"].user,
        reasons=["professional_disagreement"],
        question="Is the safety plan realistic at weekends?",
        session_type="core_group",
        period=default_period(today),
        period_reason="",
        sharing=SharingBasis(
            "ISP-EXAMPLE-CP-001 (fictional)", "Public task", "Safeguarding", "given", ""
        ),
        today=today,
    )
    sign_in(page, live_server, chair.user, chair.secret)
    sweep = Sweep(page)

    # The queue lists the request waiting for a chair, not the one already accepted.
    open_case_page(page, "/requests/", "Requests waiting for a chair")
    queue = page.get_by_role("table", name="Requests waiting for a chair")
    expect(queue.locator("tbody tr")).to_have_count(1)
    expect(queue).to_contain_text("Core group")
    sweep.english_then_welsh("chair's queue")

    # Deciding on it.
    open_case_page(page, "/requests/", "Requests waiting for a chair")
    queue.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/requests/{waiting.code}/")
    expect(h1(page)).to_have_text("Decide on a request")
    sweep.english_then_welsh("decide page")

    # Booking the session of the scenario's request through the form.
    detail = f"/cases/{ref}/requests/{with_request.code}/"
    open_case_page(page, detail, "Multi-agency supervision")
    page.get_by_role("link", name="Book the session").click()
    expect(h1(page)).to_have_text("Book the session")
    sweep.english_then_welsh("schedule form")
    open_case_page(page, f"{detail}session/", "Book the session")
    day = today + datetime.timedelta(days=21)
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Where").fill("Room 2, Example County Hall")
    page.get_by_role("button", name="Book and send the invitations").click()
    expect(page).to_have_url(f"{live_server.url}{detail}")
    expect(page.get_by_role("heading", name="Invitations")).to_be_visible()
    when = page.get_by_role("definition").filter(has_text=day.strftime("%-d %B %Y, 10:00"))
    expect(when).to_have_count(1)

    # The readiness page, with the session booked.
    sweep.english_then_welsh("supervision request page")
    open_case_page(page, f"{detail}session/", "Change the session")
    sweep.english_then_welsh("schedule form for a booked session")

    # The session record: a generic outcome is questioned, then the record is shown.
    open_case_page(page, detail, "Multi-agency supervision")
    page.get_by_role("link", name="Session record").click()
    expect(h1(page)).to_have_text("Session record")
    sweep.english_then_welsh("session record")
    for prefix, wording in (("", "Children to be safe."), ("/cy", "Plant i fod yn ddiogel.")):
        page.goto(f"{prefix}{detail}record/")
        outcome_text = page.locator("#outcome-text")
        page.locator("details").filter(has=outcome_text).locator("summary").click()
        outcome_text.fill(wording)
        outcome_text.locator("xpath=ancestor::form").locator("button[type=submit]").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_axe(page)

    sweep.done()
