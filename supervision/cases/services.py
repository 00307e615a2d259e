"""Writes to cases. Loading the fictional demonstration case lives here too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from supervision.accounts.models import Role, User, UserRole
from supervision.agencies.models import Agency, Language, Practitioner
from supervision.cases.models import (
    Case,
    CaseTeamMember,
    EngagementStatus,
    Household,
    Involvement,
    Person,
)

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
_TITLES = re.compile(r"^(dr|dc|ds|pc|mr|mrs|ms|miss)\s+", re.IGNORECASE)
_ENGAGEMENT = {"n/a": EngagementStatus.NOT_APPLICABLE}
_HOUSEHOLD = {True: Household.YES, False: Household.NO, "disputed": Household.DISPUTED}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    job_title: str
    agency: str


def demo_email(name: str, agency_code: str) -> str:
    local = ".".join(_TITLES.sub("", name).lower().replace("'", "").split())
    return f"{local}@{agency_code.lower()}.example"


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def demo_data_load(*, password: str, data_dir: Path = DEMO_DIR) -> list[DemoLogin]:
    """Load the fictional Harries/Walsh case and demo accounts. Safe to run again."""
    scenario = _read(data_dir / "harries-walsh" / "agencies.yaml")
    people_file = _read(data_dir / "harries-walsh" / "people.yaml")
    extra = _read(data_dir / "extra.yaml")

    agencies: dict[str, Agency] = {}
    for row in [*scenario["agencies"], *extra["agencies"]]:
        agencies[row["code"]], _created = Agency.objects.update_or_create(
            code=row["code"].lower(),
            defaults={
                "name_en": row["name_en"],
                "name_cy": row.get("name_cy") or extra["agency_names_cy"].get(row["code"], ""),
                "type": row["type"],
            },
        )

    practitioners: dict[str, Practitioner] = {}
    logins: list[DemoLogin] = []
    for row in [*scenario["practitioners"], *extra["practitioners"]]:
        roles = set(row.get("roles") or extra["roles"].get(row["id"], [Role.PRACTITIONER]))
        email = demo_email(row["name"], row["agency"])
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": row["name"]})
        user.full_name = row["name"]
        user.is_staff = Role.ADMINISTRATOR in roles
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        for role in roles:
            UserRole.objects.get_or_create(user=user, role=role)
        practitioners[row["id"]], _created = Practitioner.objects.update_or_create(
            user=user,
            defaults={
                "agency": agencies[row["agency"]],
                "job_title": row["title"],
                "preferred_language": row.get("ui_language", Language.ENGLISH),
            },
        )
        logins.append(DemoLogin(email, row["name"], row["title"], agencies[row["agency"]].name_en))

    case_row = people_file["case"]
    case, _created = Case.objects.update_or_create(
        local_authority_reference=case_row["la_case_ref"],
        defaults={
            "family_name": "Harries/Walsh",
            "local_authority": agencies[case_row["la_agency"]],
        },
    )
    people: dict[str, Person] = {}
    for row in people_file["people"]:
        spoken = row.get("spoken", [])
        people[row["id"]], _created = Person.objects.update_or_create(
            case=case,
            key=row["id"],
            defaults={
                "given_names": row["given"],
                "family_name": row["family"],
                "date_of_birth": row.get("dob"),
                "role": row["role"],
                "household": _HOUSEHOLD[row.get("household", False)],
                "relationship": row.get("relationship", ""),
                "spoken_languages": [code for code in spoken if code in Language.values],
                "written_language": row.get("written", ""),
            },
        )

    for row in scenario["involvements"]:
        involvement, _created = Involvement.objects.update_or_create(
            case=case,
            agency=agencies[row["agency"]],
            start_date=row["start"],
            defaults={
                "practitioner": practitioners[extra["involvement_practitioners"][row["agency"]]],
                "end_date": row.get("end"),
                "status": row["status"],
                "end_reason": row.get("end_reason", ""),
                "engagement_status": _ENGAGEMENT.get(row["engagement"], row["engagement"]),
                "non_engagement_summary": row.get("non_engagement", ""),
                "relevant_information": row.get("note", ""),
            },
        )
        involvement.people.set([people[key] for key in row["persons"]])

    for row in extra["case_team"]:
        CaseTeamMember.objects.get_or_create(
            case=case, practitioner=practitioners[row["practitioner"]], role=row["role"]
        )
    return logins
