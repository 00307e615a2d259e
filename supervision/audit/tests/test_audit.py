"""The audit trail is append-only, read-only in the admin, and says who, what, when and where."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from supervision.accounts.models import User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(demo_case: Case, cast) -> AuditEvent:
    return audit.record(
        actor=cast.social_worker,
        action=AuditAction.VIEW,
        target=demo_case,
        case=demo_case,
        detail={"part": "test"},
    )


def stored(event: AuditEvent) -> tuple[object, ...]:
    """The row as the database holds it now."""
    return tuple(
        AuditEvent.objects.filter(pk=event.pk).values_list(
            "action", "target_type", "target_id", "actor_id", "case_id", "ip_address", "detail"
        )[0]
    )


# --- The application has no way to change or delete a row ---------------------------------


def test_a_changed_event_cannot_be_saved(event):
    before = stored(event)
    event.action = AuditAction.EXPORT
    event.target_type = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.save(update_fields=["action"])
    assert stored(event) == before


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_queryset_refuses_update_and_delete(event):
    before = stored(event)
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.EXPORT)
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert stored(event) == before


def test_bulk_update_cannot_change_an_event(event):
    before = stored(event)
    event.action = AuditAction.EXPORT
    with pytest.raises((PermissionError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert stored(event) == before


def test_deleting_the_actor_of_an_event_is_refused(demo_case):
    actor = User.objects.create_user(email="short.lived@agency.example", password=None)
    recorded = audit.record(actor=actor, action=AuditAction.LOGIN, target_type="accounts.user")
    with pytest.raises(ProtectedError), transaction.atomic():
        actor.delete()
    assert AuditEvent.objects.get(pk=recorded.pk).actor == actor


# --- The database itself refuses --------------------------------------------------------


def test_raw_sql_update_is_refused_by_the_database(event):
    before = stored(event)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action='x' WHERE id = %s", [event.pk])
    assert stored(event) == before
    # Every row, not just the one named.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action='x'")
    assert stored(event) == before


def test_raw_sql_delete_is_refused_by_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no DELETE trigger (documented in migration 0002)")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_still_accepts_new_events(event):
    """The triggers stop changes, not the appending of rows."""
    second = audit.record(actor=None, action=AuditAction.LOGIN_FAILED, target_type="accounts.user")
    assert AuditEvent.objects.filter(pk__in=[event.pk, second.pk]).count() == 2


# --- The administration pages show, and nothing else --------------------------------------


def test_administrator_can_list_and_view_audit_events(client_for, cast, event):
    client = client_for(cast.administrator)
    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:audit_auditevent_change", args=[event.pk]) in listing.content.decode()
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert event.case.reference in body
    assert "cases.case" in body


def test_audit_admin_offers_no_add_change_or_delete(client_for, cast, event, demo_case):
    client = client_for(cast.administrator)
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])

    # The detector works: an editable model's change page has the buttons looked for below.
    editable = client.get(
        reverse("admin:agencies_agency_change", args=[demo_case.local_authority_id])
    )
    assert editable.status_code == 200
    assert 'name="_save"' in editable.content.decode()

    body = client.get(change_url).content.decode()
    assert 'name="_save"' not in body
    assert 'name="_continue"' not in body
    assert 'name="_addanother"' not in body
    assert reverse("admin:audit_auditevent_delete", args=[event.pk]) not in body
    listing = client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert reverse("admin:audit_auditevent_add") not in listing
    assert 'name="action"' not in listing  # no bulk actions, so no "delete selected"


def test_posting_to_the_audit_admin_changes_nothing(client_for, cast, event):
    client = client_for(cast.administrator)
    before = stored(event)
    count = AuditEvent.objects.count()
    forged = {
        "action": AuditAction.EXPORT,
        "target_type": "forged",
        "target_id": "0",
        "ip_address": "203.0.113.99",
        "source": "forged",
        "detail": "{}",
        "_save": "Save",
    }
    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), forged)
    assert change.status_code == 403
    add = client.post(reverse("admin:audit_auditevent_add"), forged)
    assert add.status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert stored(event) == before
    # Nothing added either.
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize("who", ["social_worker", "involved", "chair", "quality_officer"])
def test_only_administrators_see_the_audit_admin(client_for, cast, event, who):
    client = client_for(getattr(cast, who))
    response = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert response.status_code != 200
    assert event.case.reference not in response.content.decode()


# --- What a row records ----------------------------------------------------------------


@pytest.mark.parametrize("address", ["198.51.100.23", "2001:db8::17"])
def test_opening_a_case_records_who_what_when_which_case_and_where(
    client_for, cast, demo_case, address
):
    client = client_for(cast.involved)
    before = timezone.now()
    response = client.get(demo_case.get_absolute_url(), REMOTE_ADDR=address)
    after = timezone.now()
    assert response.status_code == 200

    event = AuditEvent.objects.get(case=demo_case)
    assert event.actor == cast.involved
    assert event.action == AuditAction.VIEW
    assert before - datetime.timedelta(seconds=1) <= event.occurred_at <= after
    assert event.case == demo_case
    assert event.target_type == "cases.case"
    assert event.target_id == str(demo_case.pk)
    assert event.ip_address == address
    assert event.source == "web"
    # Nothing of the case's content goes into the trail.
    for narrative in ("Kai", "Harries", "Walsh"):
        assert narrative not in str(event.detail)


def test_a_refused_case_read_writes_no_row_and_the_next_request_has_its_own_address(
    client_for, cast, demo_case
):
    client_for(cast.uninvolved).get(demo_case.get_absolute_url(), REMOTE_ADDR="192.0.2.1")
    assert not AuditEvent.objects.filter(case=demo_case).exists()
    client_for(cast.social_worker).get(demo_case.get_absolute_url(), REMOTE_ADDR="192.0.2.2")
    event = AuditEvent.objects.get(case=demo_case)
    assert event.actor == cast.social_worker
    assert event.ip_address == "192.0.2.2"


def test_a_record_outside_a_request_has_no_address(demo_case):
    event = audit.record(actor=None, action=AuditAction.CREATE, target=demo_case, case=demo_case)
    event.refresh_from_db()
    assert event.ip_address is None
    assert event.actor is None
    assert event.source != "web"
