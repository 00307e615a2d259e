"""`manage.py load_demo_data`: loads the fictional case from demo/, re-runnable, demo mode only."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from supervision.accounts.models import User, UserRole
from supervision.agencies.models import Agency, Practitioner
from supervision.cases.models import Case, CaseTeamMember, Involvement, Person

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "demo"
PASSWORD = "fictional-loader-password"


def read(name: str) -> Any:
    with (DEMO / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def scenario() -> dict[str, Any]:
    return read("harries-walsh/agencies.yaml")


@pytest.fixture(scope="module")
def family() -> dict[str, Any]:
    return read("harries-walsh/people.yaml")


@pytest.fixture(scope="module")
def extra() -> dict[str, Any]:
    return read("extra.yaml")


def load() -> str:
    out = StringIO()
    call_command("load_demo_data", password=PASSWORD, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "users": User.objects.count(),
        "roles": UserRole.objects.count(),
        "practitioners": Practitioner.objects.count(),
        "cases": Case.objects.count(),
        "people": Person.objects.count(),
        "involvements": Involvement.objects.count(),
        "involvement people": Involvement.people.through.objects.count(),
        "team members": CaseTeamMember.objects.count(),
    }


def the_case(family) -> Case:
    return Case.objects.get(local_authority_reference=family["case"]["la_case_ref"])


def test_loading_twice_leaves_what_loading_once_does(family):
    assert counts()["cases"] == 0
    load()
    once = counts()
    reference = the_case(family).reference
    load()
    assert counts() == once
    assert the_case(family).reference == reference  # the same case, not a replacement


def test_loading_creates_every_agency_and_account_in_demo(scenario, extra):
    load()
    assert Agency.objects.count() == len(scenario["agencies"]) + len(extra["agencies"])
    practitioners = [*scenario["practitioners"], *extra["practitioners"]]
    assert User.objects.count() == len(practitioners)
    assert Practitioner.objects.count() == len(practitioners)
    names = set(User.objects.values_list("full_name", flat=True))
    assert names == {row["name"] for row in practitioners}


def test_the_case_has_its_people_and_involvements(scenario, family):
    load()
    case = the_case(family)
    assert case.people.count() == 6 == len(family["people"])
    involvements = Involvement.objects.filter(case=case)
    assert involvements.count() == 7 == len(scenario["involvements"])

    previous = involvements.filter(status=Involvement.Status.PREVIOUS)
    assert previous.count() == 2
    for involvement in previous:
        assert involvement.end_reason.strip(), f"{involvement} has no reason it ended"
        assert involvement.end_date is not None
    expected_reasons = {
        row["end_reason"] for row in scenario["involvements"] if row["status"] == "previous"
    }
    assert set(previous.values_list("end_reason", flat=True)) == expected_reasons


def test_health_visiting_non_engagement_summary_comes_from_the_scenario(scenario, family):
    load()
    (hv_row,) = [row for row in scenario["involvements"] if row["agency"] == "HV"]
    involvement = Involvement.objects.get(case=the_case(family), agency__code__iexact="HV")
    assert hv_row["non_engagement"]
    assert involvement.non_engagement_summary == hv_row["non_engagement"]
    assert involvement.people.get().given_names == "Macy"


def test_involvements_name_the_scenarios_people(scenario, family):
    load()
    case = the_case(family)
    given_by_key = {row["id"]: row["given"] for row in family["people"]}
    for row in scenario["involvements"]:
        involvement = Involvement.objects.get(case=case, agency__code__iexact=row["agency"])
        expected = sorted(given_by_key[key] for key in row["persons"])
        assert sorted(involvement.people.values_list("given_names", flat=True)) == expected


def test_reloading_keeps_every_account_signing_in_with_the_password(family):
    load()
    load()
    user = User.objects.get(full_name="Rachel Evans")
    assert user.check_password(PASSWORD)


def test_the_command_lists_the_demo_accounts_and_password():
    printed = load()
    assert "rachel.evans@hv.example" in printed
    assert PASSWORD in printed


@override_settings(DEMO_MODE=False, TESTING=False)
def test_the_command_refuses_outside_demo_mode():
    with pytest.raises(CommandError):
        call_command("load_demo_data", password=PASSWORD, stdout=StringIO())
    assert Case.objects.count() == 0
    assert User.objects.count() == 0


@override_settings(DEMO_MODE=True, TESTING=False)
def test_the_command_runs_in_demo_mode(family):
    load()
    assert the_case(family).people.count() == len(family["people"])
