"""Shared helpers for the data protection tests: the officer, extra cases, table counts."""

from __future__ import annotations

import datetime
import re

from django.apps import apps
from django.db import models

from supervision.accounts.models import Role, User, UserRole
from supervision.agencies.models import Agency
from supervision.cases.models import Case, Involvement, Person, PersonRole
from supervision.conftest import DEMO_PASSWORD, give_totp

OFFICER_EMAIL = "gwen.officer@brd.example"


def make_officer(
    email: str = OFFICER_EMAIL, name: str = "Gwen Officer", *, totp: bool = True
) -> User:
    """A data protection officer, given the role as the accounts tests do (a UserRole row),
    with two-factor login on (unless `totp` is False: the caller turns it on)."""
    user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    UserRole.objects.create(user=user, role=Role.DATA_PROTECTION_OFFICER)
    if totp:
        give_totp(user)
    return user


def make_case(
    *, family: str, child: str, born: datetime.date | None, closed: bool, note: str
) -> Case:
    """A small fictional case: one child, one involvement with a note naming the child."""
    council = Agency.objects.get(code="cs")
    case = Case.objects.create(
        family_name=family,
        local_authority=council,
        local_authority_reference=f"EXA-{family[:4].upper()}",
        status=Case.Status.CLOSED if closed else Case.Status.OPEN,
    )
    person = Person.objects.create(
        case=case,
        key="P1",
        given_names=child,
        family_name=family,
        date_of_birth=born,
        role=PersonRole.SUBJECT_CHILD,
    )
    involvement = Involvement.objects.create(
        case=case,
        agency=council,
        start_date=datetime.date(2024, 1, 1),
        status=Involvement.Status.CURRENT,
        relevant_information=note,
    )
    involvement.people.add(person)
    return case


def table_counts() -> dict[str, int]:
    """Rows in every table of the project (and the packages it uses)."""
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def texts_naming(names: list[str]) -> list[str]:
    """Every text or JSON value in the database that names one of `names` (whole word, any
    case), as "table.field #pk" — a search of every table, not a list of known fields."""
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)
    found = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                if value and pattern.search(value if isinstance(value, str) else repr(value)):
                    found.append(f"{model._meta.label_lower}.{name} #{row[0]}")
    return found
