"""The documents page in a real browser, in English and Welsh: axe finds nothing, nothing
is left in English on the Welsh page, and the files part updates itself while files are
being made."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from supervision.artefacts.models import ArtefactFile
from supervision.conftest import give_totp
from supervision.web.tests.browser import sign_in
from supervision.web.tests.test_browser_pages import Sweep, h1

pytestmark = pytest.mark.browser


def test_the_documents_page_in_english_and_welsh(
    page: Page, live_server: Any, cast, signed_off
) -> None:
    # The cast has two-factor login already; a fresh secret, to compute the codes here.
    worker = cast.social_worker
    Authenticator.objects.filter(user=worker).delete()
    secret = give_totp(worker)
    path = f"/cases/{signed_off.case.reference}/requests/{signed_off.request.code}/documents/"
    sign_in(page, live_server, worker, secret)
    sweep = Sweep(page)

    page.goto(path)
    expect(h1(page)).to_have_text("Session documents")
    expect(page.locator("#deadline-actions")).to_contain_text("Due Monday 19 January 2026")
    expect(page.locator("#deadline-minutes")).to_contain_text("Due Thursday 12 February 2026")
    sweep.english_then_welsh("documents page before the documents are made")

    # Making them: in a live server the tasks run when the request commits.
    page.goto(path)
    page.get_by_role("button", name="Make the documents").click()
    expect(page.get_by_text("The documents are being made.")).to_be_visible()
    downloads = page.get_by_role("link", name="Download")
    expect(downloads).to_have_count(12)
    sweep.english_then_welsh("documents page with the documents made")

    # A file being made: the page shows its progress and swaps in the link once it is made.
    made = ArtefactFile.objects.get(
        artefact__session=signed_off, artefact__kind="minutes", language="cy", format="pdf"
    )
    ArtefactFile.objects.filter(pk=made.pk).update(status="running", progress=40)
    page.goto(path)
    expect(page.get_by_role("status")).to_contain_text("Some files are still being made")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    expect(downloads).to_have_count(11)
    expect(page.locator("progress")).to_have_count(1)
    sweep.english_then_welsh("documents page with a file being made")
    page.goto(path)
    ArtefactFile.objects.filter(pk=made.pk).update(status="done", progress=100)
    expect(downloads).to_have_count(12, timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("No file is waiting to be made.")
    expect(page.get_by_role("link", name="Refresh")).to_have_count(0)

    # A download from the page.
    with page.expect_download() as download:
        page.locator("#documents-files a[download]").first.click()
    assert download.value.suggested_filename == "actions-2026-01-15-en.pdf"
    sweep.done()
