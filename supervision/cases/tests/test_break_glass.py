"""Emergency (break-glass) access, through HTTP: asking, being refused, the time box, the
case holder's alert, the audit of every read, and the second person's review."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from supervision.accounts.models import Role, User, UserRole
from supervision.agencies.models import Practitioner
from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases import services
from supervision.cases.models import BreakGlassGrant, Case
from supervision.cases.tests.factories import PractitionerFactory
from supervision.conftest import DEMO_PASSWORD, give_totp
from supervision.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

FAMILY_NAMES = ("Harries", "Walsh", "Kai", "Macy", "Leanne", "Glenys")
BREAK_GLASS = "/cases/break-glass/"
REVIEWS = "/cases/break-glass/reviews/"
REFUSED = "Emergency access could not be given."
START = datetime.datetime(2026, 2, 7, 1, 30, tzinfo=datetime.UTC)  # a Saturday, 1:30 am


def practitioner(email: str, *roles: str, agency=None) -> User:
    """A fictional colleague with two-factor login on, the demo password and these roles."""
    extra = {"agency": agency} if agency is not None else {}
    found = PractitionerFactory.create(user__email=email, user__full_name="Eleri Duty", **extra)
    user = found.user
    user.set_password(DEMO_PASSWORD)
    user.save()
    for role in roles:
        UserRole.objects.create(user=user, role=role)
    give_totp(user)
    return user


@pytest.fixture
def duty(demo_case) -> User:
    """An out-of-hours social worker of the same council, not on the case."""
    return practitioner(
        "eleri.duty@cs.example", Role.SOCIAL_WORKER, agency=demo_case.local_authority
    )


def ask(client, case_or_reference, *, password: str = DEMO_PASSWORD, **extra: str):
    reference = getattr(case_or_reference, "reference", case_or_reference)
    data = {
        "reference": reference,
        "reason_code": "immediate_risk",
        "reason": "Police called at 01:20 about the children; the duty team needs the plan.",
        "password": password,
        **extra,
    }
    return client.post(BREAK_GLASS, data)


def grants() -> list[BreakGlassGrant]:
    return list(BreakGlassGrant.objects.all())


def same_page(html: str) -> str:
    """The page without what changes on every response (nonce, CSRF token)."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def main_content(html: str) -> str:
    """The page's main content: the menu above it differs by role (a chair has Requests)."""
    return same_page(html[html.index("<main") : html.index("</main>")])


# --- Asking ---------------------------------------------------------------------------------


def test_only_eligible_roles_see_the_page(client_for, cast, duty):
    assert client_for(duty).get(BREAK_GLASS).status_code == 200
    assert client_for(cast.social_worker).get(BREAK_GLASS).status_code == 200
    for member in (
        cast.involved,
        cast.uninvolved,
        cast.chair,
        cast.quality_officer,
        cast.administrator,
    ):
        assert client_for(member).get(BREAK_GLASS).status_code == 403
    page = client_for(duty).get(reverse("cases:my_cases")).content.decode()
    assert 'href="/cases/break-glass/"' in page


def test_a_grant_opens_the_case_and_tells_the_social_worker(client_for, cast, demo_case, duty):
    client = client_for(duty)
    assert client.get(demo_case.get_absolute_url()).status_code == 404

    with time_machine.travel(START, tick=False):
        response = ask(client, demo_case)
    assert response.status_code == 302
    assert response["Location"] == demo_case.get_absolute_url()

    grant = BreakGlassGrant.objects.get()
    assert (grant.case, grant.user, grant.reason_code) == (demo_case, duty, "immediate_risk")
    assert grant.expires_at - grant.granted_at == datetime.timedelta(hours=4)
    shared = AuditEvent.objects.get(action=AuditAction.SHARE, case=demo_case)
    assert shared.actor == duty
    assert shared.detail == {
        "part": "break-glass",
        "outcome": "granted",
        "reason_code": "immediate_risk",
    }
    # One email, to the case's social worker only, with a link and no names of the family.
    email = OutboxMessage.objects.get(kind="break_glass")
    assert OutboxMessage.objects.filter(kind="break_glass").count() == 1
    assert email.to == cast.social_worker.email
    views_log = reverse("cases:views_log", kwargs={"reference": demo_case.reference})
    assert views_log in email.body
    for name in FAMILY_NAMES:
        assert name not in email.subject + email.body


def test_the_grant_lasts_four_hours_and_not_after(client_for, demo_case, duty):
    client = client_for(duty)
    with time_machine.travel(START, tick=False):
        ask(client, demo_case)
    for minutes, expected in ((1, 200), (239, 200), (241, 404), (60 * 24, 404)):
        with time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False):
            client.logout()  # a new session, inside its own time limits
            client.force_login(duty)
            assert client.get(demo_case.get_absolute_url()).status_code == expected, minutes
            listed = "Harries" in client.get(reverse("cases:my_cases")).content.decode()
            assert listed is (expected == 200)


def test_reads_under_a_grant_are_audited_with_their_basis(client_for, cast, demo_case, duty):
    client = client_for(duty)
    ask(client, demo_case)
    grant = BreakGlassGrant.objects.get()
    client.get(demo_case.get_absolute_url())
    client.get(reverse("chronology:merged", kwargs={"reference": demo_case.reference}))
    reads = AuditEvent.objects.filter(actor=duty, case=demo_case, action=AuditAction.VIEW)
    assert [read.detail for read in reads.order_by("id")] == [
        {"part": "case", "access": "view", "basis": "break-glass", "grant": grant.pk},
        {"part": "chronology", "access": "view", "basis": "break-glass", "grant": grant.pk},
    ]
    # A member's read says nothing of break-glass.
    client_for(cast.involved).get(demo_case.get_absolute_url())
    member_read = AuditEvent.objects.filter(actor=cast.involved, action=AuditAction.VIEW).get()
    assert "basis" not in member_read.detail
    # The social worker sees the reads, marked as emergency access.
    log = client_for(cast.social_worker).get(
        reverse("cases:views_log", kwargs={"reference": demo_case.reference})
    )
    assert log.content.decode().count("Emergency access</strong>") == 2


def test_case_page_runs_the_same_queries_under_a_grant(
    client_for, demo_case, duty, django_assert_num_queries
):
    client = client_for(duty)
    ask(client, demo_case)
    # As for a member: session, user, two-factor check, the case (why it is visible in the
    # same query), audit insert, people, team, involvements, their people, roles, social worker
    with django_assert_num_queries(11):
        assert client.get(demo_case.get_absolute_url()).status_code == 200


def test_wrong_password_is_refused_and_audited(client_for, demo_case, duty):
    client = client_for(duty)
    response = ask(client, demo_case, password="not-my-password")
    assert response.status_code == 400
    assert "The password is not right" in response.content.decode()
    assert grants() == []
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED, actor=duty)
    assert failed.detail == {"part": "break-glass password"}
    assert client.get(demo_case.get_absolute_url()).status_code == 404


def test_five_wrong_passwords_lock_it_for_30_minutes(client_for, demo_case, duty):
    client = client_for(duty)
    with time_machine.travel(START, tick=False):
        for _try in range(5):
            assert ask(client, demo_case, password="wrong").status_code == 400
        locked = ask(client, demo_case)
        assert locked.status_code == 429
        assert "Too many wrong passwords" in locked.content.decode()
    assert grants() == []


def test_no_reason_is_refused_and_what_was_typed_is_kept(client_for, demo_case, duty):
    client = client_for(duty)
    response = ask(client, demo_case, reason="   ", reason_code="")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Explain why you need emergency access" in body
    assert "Select why you need emergency access" in body
    assert f'value="{demo_case.reference}"' in body
    assert DEMO_PASSWORD not in body
    assert grants() == []


def test_every_refusal_gets_the_same_answer_as_no_case(client_for, cast, demo_case, duty):
    """Unknown reference, an ineligible role, a restricted case without the user's name and
    an exclusion: one answer, so that it never says whether the case exists."""
    client = client_for(duty)
    nowhere = ask(client, "ZZZZZ-ZZZZZ")
    assert nowhere.status_code == 403
    assert REFUSED in nowhere.content.decode()
    expected = same_page(nowhere.content.decode().replace("ZZZZZ-ZZZZZ", demo_case.reference))

    def answer(user: User) -> tuple[int, str]:
        response = ask(client_for(user), demo_case)
        return response.status_code, same_page(response.content.decode())

    # A role that may not break the glass (a practitioner, a chair, a quality officer).
    for ineligible in (cast.uninvolved, cast.chair, cast.quality_officer):
        response = ask(client_for(ineligible), demo_case)
        assert response.status_code == 403
        assert main_content(response.content.decode()) == main_content(expected)
    # A restricted case the duty worker is not named on.
    services.case_restrict(case=demo_case, by=cast.social_worker)
    assert answer(duty) == (403, expected)
    services.case_unrestrict(case=demo_case, by=cast.social_worker)
    # A conflict of interest.
    services.case_exclusion_add(
        case=demo_case, user=duty, reason="Neighbour", by=cast.social_worker
    )
    assert answer(duty) == (403, expected)

    assert grants() == []
    assert not OutboxMessage.objects.filter(kind="break_glass").exists()
    refusals = AuditEvent.objects.filter(action=AuditAction.SHARE, detail__outcome="refused")
    assert sorted(event.detail["refusal"] for event in refusals) == [
        "excluded",
        "not found",
        "restricted",
        "role",
        "role",
        "role",
    ]


def test_a_named_person_may_break_the_glass_on_a_restricted_case(client_for, cast, demo_case, duty):
    services.case_restrict(case=demo_case, by=cast.social_worker)
    services.restricted_member_add(
        case=demo_case, user=duty, reason="Duty team", by=cast.social_worker
    )
    client = client_for(duty)
    assert client.get(demo_case.get_absolute_url()).status_code == 404  # named, not on the case
    assert ask(client, demo_case).status_code == 302
    assert client.get(demo_case.get_absolute_url()).status_code == 200


def test_someone_on_the_case_already_needs_no_grant(client_for, cast, demo_case):
    response = ask(client_for(cast.social_worker), demo_case)
    assert response.status_code == 302
    assert response["Location"] == demo_case.get_absolute_url()
    assert grants() == []


def test_losing_the_role_ends_the_grant(client_for, demo_case, duty):
    client = client_for(duty)
    ask(client, demo_case)
    assert client.get(demo_case.get_absolute_url()).status_code == 200
    UserRole.objects.filter(user=duty, role=Role.SOCIAL_WORKER).delete()
    assert client.get(demo_case.get_absolute_url()).status_code == 404


# --- The review by a second person ---------------------------------------------------------


def review(client, grant: BreakGlassGrant, outcome: str = "justified", note: str = ""):
    url = reverse("cases:break_glass_review", kwargs={"pk": grant.pk})
    return client.post(url, {"outcome": outcome, "note": note})


def test_the_grantee_cannot_review_their_own_grant(client_for, demo_case):
    lead = practitioner("gwen.lead@cs.example", Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD)
    client = client_for(lead)
    ask(client, demo_case)
    grant = BreakGlassGrant.objects.get()
    page = client.get(REVIEWS).content.decode()
    assert "This is your own emergency access: someone else must review it." in page
    assert review(client, grant).status_code == 403
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakGlassGrant.objects.filter(pk=grant.pk).update(
            reviewed_by=lead, reviewed_at=timezone.now(), review_outcome="justified"
        )


def test_a_second_person_reviews_the_grant(client_for, cast, demo_case, duty):
    ask(client_for(duty), demo_case)
    grant = BreakGlassGrant.objects.get()
    client = client_for(cast.quality_officer)
    response = review(client, grant, outcome="not_justified", note="Spoken to the manager.")
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.review_outcome, grant.review_note) == (
        cast.quality_officer,
        "not_justified",
        "Spoken to the manager.",
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, target_type="cases.breakglassgrant")
    assert (event.actor, event.detail) == (
        cast.quality_officer,
        {"part": "break-glass review", "outcome": "not_justified"},
    )
    assert "No emergency access is waiting for review." in client.get(REVIEWS).content.decode()
    assert review(client, grant).status_code == 404  # reviewed already


def test_not_justified_needs_a_note(client_for, cast, demo_case, duty):
    ask(client_for(duty), demo_case)
    grant = BreakGlassGrant.objects.get()
    response = review(client_for(cast.quality_officer), grant, outcome="not_justified")
    assert response.status_code == 400
    assert "Write what happens next when it was not justified" in response.content.decode()
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_only_reviewers_see_the_review_page(client_for, cast):
    assert client_for(cast.quality_officer).get(REVIEWS).status_code == 200
    for member in (cast.social_worker, cast.involved, cast.chair, cast.administrator):
        assert client_for(member).get(REVIEWS).status_code == 403


def test_review_list_shows_no_family_names(client_for, cast, demo_case, duty):
    ask(client_for(duty), demo_case)
    client_for(duty).get(demo_case.get_absolute_url())
    page = client_for(cast.quality_officer).get(REVIEWS).content.decode()
    assert demo_case.reference in page
    assert "Eleri Duty" in page  # who broke the glass
    assert "Immediate risk to a child out of hours" in page
    assert "Pages opened" in page
    for name in FAMILY_NAMES:
        assert name not in page


def test_a_safeguarding_lead_reviews_their_own_agency_only(client_for, cast, demo_case, duty):
    school_lead = User.objects.get(email="catrin.rowlands@sch.example")  # PR-SCH-01
    give_totp(school_lead)
    school_agency = Practitioner.objects.get(user=school_lead).agency
    teacher = practitioner("dewi.teacher@sch.example", Role.SAFEGUARDING_LEAD, agency=school_agency)
    other_case = Case.objects.create(
        family_name="Example", local_authority=demo_case.local_authority
    )
    ask(client_for(duty), demo_case)
    ask(client_for(teacher), other_case)
    page = client_for(school_lead).get(REVIEWS).content.decode()
    assert other_case.reference in page
    assert demo_case.reference not in page
    council_grant = BreakGlassGrant.objects.get(user=duty)
    assert review(client_for(school_lead), council_grant).status_code == 404


@pytest.mark.parametrize("count", [1, 8])
def test_review_page_runs_the_same_queries_however_many_grants(
    client_for, cast, demo_case, count, django_assert_num_queries
):
    now = timezone.now()
    for number in range(count):
        user = practitioner(f"duty{number}@cs.example", Role.SOCIAL_WORKER)
        BreakGlassGrant.objects.create(
            case=demo_case,
            user=user,
            reason_code="other",
            reason="Out-of-hours call",
            granted_at=now,
            expires_at=now + datetime.timedelta(hours=4),
        )
    client = client_for(cast.quality_officer)
    client.get(reverse("cases:my_cases"))  # the first request after sign-in notes the time
    # session, user, two-factor check, roles, count, the page of grants (with their reads)
    with django_assert_num_queries(6):
        response = client.get(REVIEWS)
    assert response.content.decode().count("Save the review") == count
