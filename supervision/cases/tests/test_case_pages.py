"""My cases, the case page and "who has viewed this record", through HTTP."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases.models import Case, Involvement
from supervision.cases.tests.factories import (
    CaseTeamMemberFactory,
    InvolvementFactory,
    PersonFactory,
    PractitionerFactory,
)
from supervision.conftest import give_totp

pytestmark = pytest.mark.django_db


def case_reads(case: Case) -> int:
    return AuditEvent.objects.filter(case=case, action=AuditAction.VIEW).count()


def test_my_cases_lists_the_case_for_its_people_only(client_for, cast, demo_case):
    for member in (cast.social_worker, cast.involved):
        page = client_for(member).get(reverse("cases:my_cases")).content.decode()
        assert "Harries/Walsh" in page
        assert demo_case.reference in page
        assert "Kai Harries" in page
        assert "Macy Walsh" in page
    for outsider in (cast.uninvolved, cast.chair, cast.quality_officer, cast.administrator):
        page = client_for(outsider).get(reverse("cases:my_cases")).content.decode()
        assert "Harries" not in page
        assert "You have no cases" in page


def test_case_page_shows_people_and_every_involvement(client_for, cast, demo_case):
    page = client_for(cast.involved).get(demo_case.get_absolute_url()).content.decode()
    for name in (
        "Kai Harries",
        "Macy Walsh",
        "Leanne Harries",
        "Dean Walsh",
        "Glenys Harries",
        "Ryan Morgan",
    ):
        assert name in page
    assert "2 November 2016" in page  # Kai's date of birth
    assert "Agencies involved now" in page
    # Previous involvements, with what is known about non-engagement and why they ended.
    assert "Flying Start Childcare Setting, Example CBC" in page
    assert "place withdrawn – attendance 38%, no response to 3 contacts" in page
    assert "closed after no contact" in page
    assert "WNB 27-month review (08/01), SLT x2 (20/03, 09/07); no access 03/09" in page
    assert (
        page.count('class="govuk-summary-card__title"')
        == Involvement.objects.filter(case=demo_case).count()
    )


def test_case_page_in_welsh(client_for, cast, demo_case):
    english_url = demo_case.get_absolute_url()
    response = client_for(cast.involved).get("/cy" + english_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy"' in page
    assert "2 Tachwedd 2016" in page
    assert "Gwasanaethau Plant, Cyngor Bwrdeistref Sirol Enghraifft" in page  # Welsh name
    assert "Agencies involved now" not in page
    # The English/Cymraeg switch keeps the user on the same case.
    assert f'href="{english_url}" rel="alternate" lang="en"' in page


def test_uninvolved_practitioner_gets_the_same_404_as_for_no_case(client_for, cast, demo_case):
    client = client_for(cast.uninvolved)
    real = client.get(demo_case.get_absolute_url())
    made_up = client.get(reverse("cases:detail", kwargs={"reference": "ZZZZZ-ZZZZZ"}))
    assert real.status_code == made_up.status_code == 404

    def without_nonce(html: str) -> str:
        return re.sub(r'nonce="[^"]*"', "", html).replace(demo_case.reference, "ZZZZZ-ZZZZZ")

    assert without_nonce(real.content.decode()) == without_nonce(made_up.content.decode())
    assert case_reads(demo_case) == 0


def test_opening_a_case_writes_exactly_one_audit_read(client_for, cast, demo_case):
    client = client_for(cast.involved)
    assert case_reads(demo_case) == 0
    client.get(demo_case.get_absolute_url(), REMOTE_ADDR="192.0.2.10")
    event = AuditEvent.objects.get(case=demo_case, action=AuditAction.VIEW)
    assert event.actor == cast.involved
    assert event.ip_address == "192.0.2.10"
    assert event.target_type == "cases.case"
    client.get(demo_case.get_absolute_url())
    assert case_reads(demo_case) == 2


def test_social_worker_sees_who_has_viewed_the_record(client_for, cast, demo_case):
    client_for(cast.involved).get(demo_case.get_absolute_url())
    client = client_for(cast.social_worker)
    case_page = client.get(demo_case.get_absolute_url()).content.decode()
    assert reverse("cases:views_log", kwargs={"reference": demo_case.reference}) in case_page
    log = client.get(reverse("cases:views_log", kwargs={"reference": demo_case.reference}))
    body = log.content.decode()
    assert "Rachel Evans" in body
    assert "Flying Start Health Visiting" in body


def test_involved_practitioner_is_not_offered_the_viewing_record(client_for, cast, demo_case):
    page = client_for(cast.involved).get(demo_case.get_absolute_url()).content.decode()
    assert "viewed-by" not in page


def test_administrator_sees_who_viewed_but_not_the_case(client_for, cast, demo_case):
    client = client_for(cast.administrator)
    assert client.get(demo_case.get_absolute_url()).status_code == 404
    log = client.get(reverse("cases:views_log", kwargs={"reference": demo_case.reference}))
    assert log.status_code == 200
    assert "Kai Harries" not in log.content.decode()


def many_cases(practitioner, count: int) -> None:
    for _number in range(count):
        involvement = InvolvementFactory(practitioner=practitioner)
        PersonFactory.create_batch(2, case=involvement.case)
        CaseTeamMemberFactory(case=involvement.case)


@pytest.mark.parametrize("count", [1, 20])
def test_my_cases_runs_the_same_queries_however_many_cases(
    client, count, django_assert_num_queries
):
    practitioner = PractitionerFactory()
    give_totp(practitioner.user)
    many_cases(practitioner, count)
    client.force_login(practitioner.user)
    client.get(reverse("cases:my_cases"))  # the first request after sign-in notes the time
    # session, user, two-factor check, roles (for the menu), count, page of cases,
    # children, social workers
    with django_assert_num_queries(8):
        response = client.get(reverse("cases:my_cases"))
    assert response.content.decode().count('class="govuk-link" href="/cases/') == count


@pytest.mark.parametrize("involvements", [1, 15])
def test_case_page_runs_the_same_queries_however_many_involvements(
    client, involvements, django_assert_num_queries
):
    practitioner = PractitionerFactory()
    give_totp(practitioner.user)
    case = InvolvementFactory(practitioner=practitioner).case
    for _number in range(involvements - 1):
        involvement = InvolvementFactory(case=case)
        involvement.people.set(PersonFactory.create_batch(2, case=case))
    client.force_login(practitioner.user)
    client.get(reverse("cases:my_cases"))  # the first request after sign-in notes the time
    # session, user, two-factor check, case with its local authority, audit insert,
    # people, team, involvements, their people, roles and social worker (for the audit link)
    with django_assert_num_queries(11):
        response = client.get(case.get_absolute_url())
    assert response.content.decode().count('class="govuk-summary-card__title"') == involvements


def test_my_cases_paginates(client):
    practitioner = PractitionerFactory()
    give_totp(practitioner.user)
    many_cases(practitioner, 30)
    client.force_login(practitioner.user)
    first = client.get(reverse("cases:my_cases")).content.decode()
    second = client.get(reverse("cases:my_cases") + "?page=2").content.decode()
    assert first.count('class="govuk-link" href="/cases/') == 25
    assert second.count('class="govuk-link" href="/cases/') == 5
    assert 'rel="next"' in first
    assert 'rel="prev"' in second


def test_case_page_lists_the_children_first(client_for, cast, demo_case):
    page = client_for(cast.involved).get(demo_case.get_absolute_url()).content.decode()
    people_table = page[page.index("<caption") : page.index("</table>")]
    order = [people_table.index(name) for name in ("Kai Harries", "Macy Walsh", "Glenys Harries")]
    assert order == sorted(order)
