"""Factories for synthetic cases. Every value is invented."""

from __future__ import annotations

import datetime

import factory

from supervision.accounts.models import User
from supervision.agencies.models import Agency, AgencyType, Practitioner
from supervision.cases.models import (
    Case,
    CaseTeamMember,
    Involvement,
    Person,
    PersonRole,
    TeamRole,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@agency.example")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"ag{n}")
    name_en = factory.Sequence(lambda n: f"Example Agency {n}")
    name_cy = factory.Sequence(lambda n: f"Asiantaeth Enghraifft {n}")
    type = AgencyType.OTHER


class PractitionerFactory(factory.django.DjangoModelFactory[Practitioner]):
    class Meta:
        model = Practitioner

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    job_title = "Practitioner"


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    class Meta:
        model = Case

    family_name = factory.Sequence(lambda n: f"Family{n}")
    local_authority = factory.SubFactory(AgencyFactory, type=AgencyType.LA_CHILDRENS_SERVICES)


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    case = factory.SubFactory(CaseFactory)
    key = factory.Sequence(lambda n: f"P{n}")
    given_names = factory.Sequence(lambda n: f"Child{n}")
    family_name = "Example"
    date_of_birth = datetime.date(2018, 1, 1)
    role = PersonRole.SUBJECT_CHILD


class InvolvementFactory(factory.django.DjangoModelFactory[Involvement]):
    class Meta:
        model = Involvement

    case = factory.SubFactory(CaseFactory)
    agency = factory.SubFactory(AgencyFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    start_date = datetime.date(2025, 1, 1)
    status = Involvement.Status.CURRENT


class CaseTeamMemberFactory(factory.django.DjangoModelFactory[CaseTeamMember]):
    class Meta:
        model = CaseTeamMember

    case = factory.SubFactory(CaseFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    role = TeamRole.SOCIAL_WORKER
