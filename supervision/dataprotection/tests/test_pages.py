"""The privacy notice (public, with the periods as set) and the legal holds page."""

from __future__ import annotations

from django.urls import reverse

from supervision.audit.models import AuditEvent
from supervision.dataprotection.models import LegalHold
from supervision.dataprotection.tests.helpers import make_officer


def test_the_privacy_notice_needs_no_sign_in_and_shows_the_periods_as_set(client, db, settings):
    settings.RETENTION_CHILD_AGE_YEARS = 21
    settings.RETENTION_AUDIT_YEARS = 10
    settings.RETENTION_WORKING_FILE_DAYS = 1
    settings.PRIVACY_CONTROLLER_NAME = "Example Regional Safeguarding Board partners"
    settings.PRIVACY_CONTACT_EMAIL = "dpo@example.org"
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "until the youngest child in it is 21" in page
    assert "kept for at least 10 years" in page
    assert "deleted after 1 day." in page
    assert "Example Regional Safeguarding Board partners" in page
    assert 'href="mailto:dpo@example.org"' in page
    for needed in ("6(1)(e)", "9(2)(g)", "9(2)(h)", "Schedule 1", "ico.org.uk/make-a-complaint"):
        assert needed in page


def test_the_privacy_notice_defaults(client, db):
    page = client.get(reverse("privacy")).content.decode()
    assert "until the youngest child in it is 25" in page
    assert "kept for 25 years after the case closes" in page
    assert "kept for at least 7 years" in page
    assert "deleted after 30 days" in page
    assert "deleted after 7 days" in page
    assert "Contact the data protection officer of the organisation" in page


def test_the_privacy_notice_is_in_welsh_too(client, db):
    response = client.get("/cy/privacy/")
    assert response.status_code == 200
    assert '<html lang="cy"' in response.content.decode()


def test_the_officer_places_and_lifts_a_legal_hold(client_for, demo_case):
    officer = make_officer()
    client = client_for(officer)
    url = reverse("dataprotection:legal_holds")
    response = client.post(
        url, {"case_reference": demo_case.reference.lower(), "reason": "An inquiry."}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=demo_case, lifted_at__isnull=True)
    assert (hold.reason, hold.placed_by) == ("An inquiry.", officer)
    again = client.post(url, {"case_reference": demo_case.reference, "reason": "Again."})
    assert again.status_code == 400
    assert "already under a legal hold" in again.content.decode()
    unknown = client.post(url, {"case_reference": "NOPE", "reason": "An inquiry."})
    assert "No case has this reference" in unknown.content.decode()
    listed = client.get(url).content.decode()
    assert demo_case.reference in listed
    assert "Harries" not in listed  # the family is not named on the page
    lift = reverse("dataprotection:legal_hold_lift", kwargs={"pk": hold.pk})
    assert client.post(lift).status_code == 302
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.active) == (officer, False)
    assert client.post(lift).status_code == 404  # lifted already
    assert client.get(lift).status_code == 405
    rows = AuditEvent.objects.filter(target_type="dataprotection.legalhold").order_by("pk")
    assert [(row.action, row.case_id) for row in rows] == [
        ("create", demo_case.pk),
        ("update", demo_case.pk),
    ]
