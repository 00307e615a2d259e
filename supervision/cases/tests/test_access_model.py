"""Restricted cases and conflict-of-interest exclusions (security.md §4.2, §4.4), through
HTTP, `access_case` and the services the administration pages use."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from supervision.accounts.models import Role, User, UserRole
from supervision.agencies.models import Practitioner
from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases import services
from supervision.cases.access import access_case
from supervision.cases.models import (
    BreakGlassGrant,
    Case,
    CaseExclusion,
    RestrictedCaseMember,
)
from supervision.conftest import give_totp

pytestmark = pytest.mark.django_db

FAMILY_NAMES = ("Harries", "Walsh", "Kai", "Macy")


def status(client, url: str) -> int:
    return client.get(url).status_code


def team_manager() -> User:
    """The case's team manager (on the case team, not its social worker)."""
    user = Practitioner.objects.get(
        case_roles__role="team_manager", case_roles__case__family_name="Harries/Walsh"
    ).user
    give_totp(user)
    return user


# --- Restricted cases ---------------------------------------------------------------------


def test_restricted_case_is_hidden_from_its_own_involved_practitioner_not_named(
    client_for, cast, demo_case
):
    url = demo_case.get_absolute_url()
    assert status(client_for(cast.involved), url) == 200

    services.case_restrict(case=demo_case, by=cast.social_worker)

    client = client_for(cast.involved)
    response = client.get(url)
    made_up = client.get(reverse("cases:detail", kwargs={"reference": "ZZZZZ-ZZZZZ"}))
    assert response.status_code == made_up.status_code == 404
    assert "Harries" not in client.get(reverse("cases:my_cases")).content.decode()
    with pytest.raises(Http404):
        access_case(cast.involved, demo_case.reference)
    # The social worker was named when the case was restricted, and keeps it.
    assert status(client_for(cast.social_worker), url) == 200


def test_restricted_case_opens_for_a_named_involved_practitioner(client_for, cast, demo_case):
    services.case_restrict(case=demo_case, by=cast.social_worker)
    services.restricted_member_add(
        case=demo_case, user=cast.involved, reason="Health visitor", by=cast.social_worker
    )
    assert status(client_for(cast.involved), demo_case.get_absolute_url()) == 200
    assert access_case(cast.involved, demo_case.reference) == demo_case


def test_restricted_case_is_hidden_from_a_case_team_member_not_named(client_for, cast, demo_case):
    manager = team_manager()
    assert status(client_for(manager), demo_case.get_absolute_url()) == 200
    services.case_restrict(case=demo_case, by=cast.administrator)
    assert status(client_for(manager), demo_case.get_absolute_url()) == 404


def test_naming_someone_grants_nothing_by_itself(client_for, cast, demo_case):
    services.case_restrict(case=demo_case, by=cast.social_worker)
    services.restricted_member_add(
        case=demo_case, user=cast.uninvolved, reason="", by=cast.social_worker
    )
    assert status(client_for(cast.uninvolved), demo_case.get_absolute_url()) == 404


def test_lifting_the_restriction_opens_the_case_again_and_clears_the_names(
    client_for, cast, demo_case
):
    services.case_restrict(case=demo_case, by=cast.social_worker)
    assert status(client_for(cast.involved), demo_case.get_absolute_url()) == 404
    services.case_unrestrict(case=demo_case, by=cast.administrator)
    assert status(client_for(cast.involved), demo_case.get_absolute_url()) == 200
    assert not RestrictedCaseMember.objects.filter(case=demo_case).exists()


def test_only_the_social_worker_or_an_administrator_manages_access(cast, demo_case):
    for outsider in (cast.involved, cast.uninvolved, cast.chair, cast.quality_officer):
        with pytest.raises(PermissionDenied):
            services.case_restrict(case=demo_case, by=outsider)
        with pytest.raises(PermissionDenied):
            services.case_exclusion_add(
                case=demo_case, user=cast.chair, reason="Relative", by=outsider
            )
    demo_case.refresh_from_db()
    assert not demo_case.restricted
    assert not CaseExclusion.objects.exists()


def test_restriction_and_exclusions_are_audited_without_names(cast, demo_case):
    services.case_restrict(case=demo_case, by=cast.social_worker)
    services.restricted_member_add(
        case=demo_case, user=cast.involved, reason="Sister of Leanne Harries", by=cast.social_worker
    )
    exclusion = services.case_exclusion_add(
        case=demo_case, user=cast.chair, reason="Relative of Leanne Harries", by=cast.administrator
    )
    services.case_exclusion_remove(exclusion=exclusion, by=cast.administrator)
    events = AuditEvent.objects.filter(case=demo_case).exclude(action=AuditAction.VIEW)
    rows = [(e.action, e.actor, e.detail.get("part")) for e in events.order_by("id")]
    assert rows == [
        (AuditAction.CREATE, cast.social_worker, "restriction"),  # the social worker named
        (AuditAction.UPDATE, cast.social_worker, "restriction"),  # the case restricted
        (AuditAction.CREATE, cast.social_worker, "restriction"),  # the health visitor named
        (AuditAction.CREATE, cast.administrator, "exclusion"),
        (AuditAction.DELETE, cast.administrator, "exclusion"),
    ]
    for event in events:
        assert "Harries" not in str(event.detail)


# --- Conflict-of-interest exclusions -------------------------------------------------------


def test_excluded_user_gets_404_even_as_the_social_worker(client_for, cast, demo_case):
    client = client_for(cast.social_worker)
    assert status(client, demo_case.get_absolute_url()) == 200

    services.case_exclusion_add(
        case=demo_case, user=cast.social_worker, reason="Relative", by=cast.administrator
    )

    views_log = reverse("cases:views_log", kwargs={"reference": demo_case.reference})
    chronology = reverse("chronology:merged", kwargs={"reference": demo_case.reference})
    for url in (demo_case.get_absolute_url(), views_log, chronology):
        assert status(client, url) == 404, url
    assert "Harries" not in client.get(reverse("cases:my_cases")).content.decode()
    with pytest.raises(Http404):
        access_case(cast.social_worker, demo_case.reference)
    assert not Case.objects.visible_to(cast.social_worker).exists()


def test_exclusion_overrides_a_named_place_on_a_restricted_case(client_for, cast, demo_case):
    services.case_restrict(case=demo_case, by=cast.social_worker)
    services.restricted_member_add(
        case=demo_case, user=cast.involved, reason="", by=cast.social_worker
    )
    services.case_exclusion_add(
        case=demo_case, user=cast.involved, reason="Relative", by=cast.social_worker
    )
    assert status(client_for(cast.involved), demo_case.get_absolute_url()) == 404


def test_excluded_user_gets_404_even_with_a_break_glass_grant(client_for, cast, demo_case):
    duty = User.objects.create_user("duty.worker@cs.example", "x", full_name="Duty Worker")
    UserRole.objects.create(user=duty, role=Role.SOCIAL_WORKER)
    give_totp(duty)
    now = timezone.now()
    BreakGlassGrant.objects.create(
        case=demo_case,
        user=duty,
        reason_code="immediate_risk",
        reason="Police at the door",
        granted_at=now,
        expires_at=now + datetime.timedelta(hours=4),
    )
    assert status(client_for(duty), demo_case.get_absolute_url()) == 200

    services.case_exclusion_add(
        case=demo_case, user=duty, reason="Neighbour", by=cast.social_worker
    )

    assert status(client_for(duty), demo_case.get_absolute_url()) == 404
    with pytest.raises(Http404):
        access_case(duty, demo_case.reference)


def test_removing_an_exclusion_applies_on_the_next_request(client_for, cast, demo_case):
    exclusion = services.case_exclusion_add(
        case=demo_case, user=cast.involved, reason="Relative", by=cast.social_worker
    )
    client = client_for(cast.involved)
    assert status(client, demo_case.get_absolute_url()) == 404
    services.case_exclusion_remove(exclusion=exclusion, by=cast.social_worker)
    assert status(client, demo_case.get_absolute_url()) == 200


def test_an_excluded_social_worker_cannot_manage_the_case(cast, demo_case):
    services.case_exclusion_add(
        case=demo_case, user=cast.social_worker, reason="Relative", by=cast.administrator
    )
    with pytest.raises(PermissionDenied):
        services.case_unrestrict(case=demo_case, by=cast.social_worker)


# --- The administration pages -------------------------------------------------------------


def test_administrator_records_an_exclusion_by_case_reference(client_for, cast, demo_case):
    client = client_for(cast.administrator)
    add = reverse("admin:cases_caseexclusion_add")
    page = client.get(add).content.decode()
    assert 'name="case_reference"' in page
    response = client.post(
        add,
        {
            "case_reference": demo_case.reference.lower(),
            "user": cast.chair.pk,
            "reason": "Relative",
        },
    )
    assert response.status_code == 302
    exclusion = CaseExclusion.objects.get()
    assert (exclusion.case, exclusion.user, exclusion.recorded_by) == (
        demo_case,
        cast.chair,
        cast.administrator,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, target_type="cases.caseexclusion", actor=cast.administrator
    ).exists()
    unknown = client.post(
        add, {"case_reference": "ZZZZZ-ZZZZZ", "user": cast.chair.pk, "reason": "x"}
    )
    assert unknown.status_code == 200
    assert "No case has this reference" in unknown.content.decode()

    delete = reverse("admin:cases_caseexclusion_delete", args=[exclusion.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not CaseExclusion.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE, target_type="cases.caseexclusion"
    ).exists()


def test_administrator_restricts_a_case_and_names_people(client_for, cast, demo_case):
    client = client_for(cast.administrator)
    change = reverse("admin:cases_caserestriction_change", args=[demo_case.pk])
    response = client.post(change, {"restricted": "on"})
    assert response.status_code == 302
    demo_case.refresh_from_db()
    assert demo_case.restricted
    assert list(RestrictedCaseMember.objects.values_list("user", flat=True)) == [
        cast.social_worker.pk
    ]
    add = reverse("admin:cases_restrictedcasemember_add")
    client.post(
        add, {"case_reference": demo_case.reference, "user": cast.involved.pk, "reason": ""}
    )
    assert RestrictedCaseMember.objects.filter(case=demo_case, user=cast.involved).exists()
    assert status(client_for(cast.involved), demo_case.get_absolute_url()) == 200


def test_administration_pages_never_show_the_family(client_for, cast, demo_case):
    services.case_restrict(case=demo_case, by=cast.administrator)
    exclusion = services.case_exclusion_add(
        case=demo_case, user=cast.chair, reason="Relative", by=cast.administrator
    )
    member = RestrictedCaseMember.objects.get(case=demo_case)
    client = client_for(cast.administrator)
    pages = [
        reverse("admin:cases_caserestriction_changelist"),
        reverse("admin:cases_caserestriction_change", args=[demo_case.pk]),
        reverse("admin:cases_caserestriction_history", args=[demo_case.pk]),
        reverse("admin:cases_caseexclusion_changelist"),
        reverse("admin:cases_caseexclusion_change", args=[exclusion.pk]),
        reverse("admin:cases_caseexclusion_delete", args=[exclusion.pk]),
        reverse("admin:cases_restrictedcasemember_changelist"),
        reverse("admin:cases_restrictedcasemember_change", args=[member.pk]),
        reverse("admin:cases_restrictedcasemember_delete", args=[member.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert demo_case.reference in body, url
        for name in FAMILY_NAMES:
            assert name not in body, (url, name)


def test_only_administrators_reach_the_access_administration(client_for, cast, demo_case):
    for member in (cast.social_worker, cast.involved, cast.quality_officer):
        client = client_for(member)
        response = client.get(reverse("admin:cases_caseexclusion_changelist"))
        assert response.status_code == 302  # to the administration sign-in
