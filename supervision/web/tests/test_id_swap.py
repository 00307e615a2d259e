"""ID swap: every URL that names an object, asked with the ids of two cases mixed.

Two cases go through the whole scenario (fuzzing.world_of): A, the demo case, and B, a
second demo case loaded by the same service from a copy of the demo files under another
local authority reference. The social worker, the health visitor and the chair are on both,
so each can open both cases: a mixed URL (A's case with B's request, A's request with B's
chronology entry, B's request with a risk rank that only B has, ...) must get the same 404
as an object that does not exist, for each of them, with every method the route takes; and
a refused POST writes nothing. Each route is also asked with its own ids (the control), so
that a 404 cannot come from a URL that would fail anyway.

B also has what A has not: a fifth risk, an eighth action, a second signed-off version of
its record (and a later safety plan version), and a third subject child, P7. The object
routes outside a case path (an invitation, a request waiting for a chair) are checked
against the people they do not belong to.

`test_every_object_route_is_swapped` fails when a route with an object in its URL is
missing here.
"""

from __future__ import annotations

import datetime
import itertools
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from supervision.accounts.models import Role, User
from supervision.actions.tests.test_plan import SOCIAL_WORKER, action_data
from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases import services as case_services
from supervision.cases.models import Case
from supervision.cases.services import DEMO_DIR
from supervision.chronology import tasks as chronology_tasks
from supervision.chronology.models import ChronologyExport
from supervision.chronology.services import chronology_export_request
from supervision.conftest import DEMO_PASSWORD
from supervision.dataprotection.tasks import subject_access_make
from supervision.documents.models import Document
from supervision.documents.services import document_upload
from supervision.meetings.models import Invitation, SupervisionSession
from supervision.records.models import PrinciplesRecord, RecordEdition
from supervision.records.services import record_reopen
from supervision.safety.models import OutOfHoursShare, SafetyPlanItem, SafetyPlanVersion
from supervision.web.tests.fuzzing import (
    DEMO_REFERENCE,
    DUTY,
    OFFICER,
    World,
    make_colleague,
    outside_objects,
    the_cast,
    world_of,
)
from supervision.web.tests.test_access_matrix import all_routes

pytestmark = pytest.mark.django_db

B_REFERENCE = "EXA-CS-24-0999"
ACTORS = ("social_worker", "chair", "involved")


# --- Two cases ------------------------------------------------------------------------


@dataclass
class Pair:
    a: World
    b: World
    exports: dict[str, ChronologyExport]
    documents: dict[str, Document]
    people: dict[str, User]  # the three on both cases, and the people outside them

    def user(self, who: str) -> User:
        return self.people[who]


def _second_demo(tmp: Path) -> Path:
    """A copy of the demo files for a second case: another reference, and a third child."""
    data_dir = tmp / "demo"
    shutil.copytree(DEMO_DIR, data_dir)
    people_file = data_dir / "harries-walsh" / "people.yaml"
    people = yaml.safe_load(people_file.read_text(encoding="utf-8"))
    people["case"]["la_case_ref"] = B_REFERENCE
    people["people"].append(
        {"id": "P7", "given": "Ela", "family": "Harries", "dob": datetime.date(2019, 3, 4),
         "role": "subject_child", "household": True, "spoken": ["en"]}
    )  # fmt: skip
    people_file.write_text(yaml.safe_dump(people, allow_unicode=True), encoding="utf-8")
    return data_dir


def _more_than_a(client: Client, world_cast: Any) -> Callable[[SupervisionSession], None]:
    """Reopen B's record, add a fifth risk, an eighth action and a safety plan step, and
    sign it off again: version 2, which A has not."""

    def extend(session: SupervisionSession) -> None:
        chair = world_cast.chair
        record_reopen(session=session, reason="A fifth risk was agreed.", by=chair)
        client.force_login(chair)
        kwargs = {"reference": session.case.reference, "code": session.request.code}
        risk: dict[str, object] = {"trying_to_avoid": "Missed nursery", "from_whose_view": "HV"}
        action = action_data("Book nursery visits", SOCIAL_WORKER, "2026-02-02")
        step: dict[str, object] = {
            "who": "Nan",
            "what": "Nursery run",
            "where": "Nursery",
            "when_trigger": "Mondays",
            "help_route": "Call the social worker",
            "risk": "",
        }
        posts: list[tuple[str, dict[str, object], dict[str, object]]] = [
            ("records:risk_add", risk, {}),
            ("records:moment_add", {"when": "Monday mornings"}, {"rank": 5}),
            ("actions:action_add", action, {}),
            ("safety:item_add", step, {}),
            ("records:sign_off", {"password": DEMO_PASSWORD}, {}),
        ]
        for name, data, extra in posts:
            response = client.post(reverse(name, kwargs={**kwargs, **extra}), data)
            assert response.status_code == 302, (name, response.content.decode()[:1500])

    return extend


def _export(world: World) -> ChronologyExport:
    export = chronology_export_request(
        case=world.case,
        file_format="csv",
        anonymised=False,
        language="en-gb",
        requested_by=world.cast.social_worker,
    )
    chronology_tasks.export_chronology.call(export.pk)
    export.refresh_from_db()
    assert export.status == ChronologyExport.Status.DONE
    return export


def _document(world: World) -> Document:
    return document_upload(
        case=world.case,
        upload=ContentFile(b"%PDF-1.7\n%fictional\n", name="plan.pdf"),
        type="cp_care_and_support_plan",
        title="Plan",
        document_date=datetime.date(2025, 12, 10),
        version="v4",
        language="en",
        uploaded_by=world.cast.social_worker,
    )


def build_pair(tmp: Path) -> Pair:
    translation.activate("en-gb")
    case_services.demo_data_load(password=DEMO_PASSWORD)
    cast = the_cast()
    client = Client()
    a = world_of(Case.objects.get(local_authority_reference=DEMO_REFERENCE), cast, client)
    data_dir = _second_demo(tmp)
    case_services.demo_data_load(password=DEMO_PASSWORD, data_dir=data_dir)
    b_case = Case.objects.get(local_authority_reference=B_REFERENCE)
    b = world_of(b_case, cast, client, data_dir=data_dir, after_sign_off=_more_than_a(client, cast))
    # Outside the cases' pages: a duty social worker breaks the glass on both; each case
    # has its own data protection officer's legal hold and subject access export.
    duty = make_colleague(DUTY, "Eleri Duty", Role.SOCIAL_WORKER)
    officers = {
        "A": make_colleague(OFFICER, "Gwen Officer", Role.DATA_PROTECTION_OFFICER),
        "B": make_colleague("huw.officer@brd.example", "Huw Officer", Role.DATA_PROTECTION_OFFICER),
    }
    for side, found in (("A", a), ("B", b)):
        found.outside = outside_objects(found, officer=officers[side], duty=duty)
        subject_access_make.call(found.out.export.pk)
    people = {who: getattr(cast, who) for who in ("social_worker", "chair", "involved")}
    people |= {**a.out.people, "officer_b": officers["B"], "quality_officer": cast.quality_officer}
    return Pair(
        a=a,
        b=b,
        exports={"A": _export(a), "B": _export(b)},
        documents={"A": _document(a), "B": _document(b)},
        people=people,
    )


@pytest.fixture(scope="module")
def pair(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_pair(tmp_path_factory.mktemp("id-swap"))
        translation.activate("en-gb")
        yield built
        transaction.set_rollback(True)


# --- What each route names --------------------------------------------------------------

# URL kwargs from one case's world (its side, "A" or "B"); a value the two sides share
# (an agency, a kind of document, the first risk) is a parameter, not an object to swap.
Ids = Callable[[Pair, str], dict[str, Any]]


def world(pair: Pair, side: str) -> World:
    return pair.a if side == "A" else pair.b


def _case(pair: Pair, side: str) -> dict[str, Any]:
    return {"reference": world(pair, side).case.reference}


def _request(pair: Pair, side: str) -> dict[str, Any]:
    found = world(pair, side)
    return {"reference": found.case.reference, "code": found.request.code}


def _with(**extra: Callable[[Pair, str], Any]) -> Ids:
    def ids(pair: Pair, side: str) -> dict[str, Any]:
        return {**_request(pair, side), **{key: get(pair, side) for key, get in extra.items()}}

    return ids


def _in_case(**extra: Callable[[Pair, str], Any]) -> Ids:
    def ids(pair: Pair, side: str) -> dict[str, Any]:
        return {**_case(pair, side), **{key: get(pair, side) for key, get in extra.items()}}

    return ids


def _same(value: Any) -> Callable[[Pair, str], Any]:
    return lambda pair, side: value


def _session(pair: Pair, side: str) -> SupervisionSession:
    return world(pair, side).session


def _first(model: Any) -> Callable[[Pair, str], Any]:
    return lambda pair, side: (
        model.objects.filter(plan__record__session=_session(pair, side)).order_by("pk").first().pk
    )


def _safety_version(pair: Pair, side: str) -> int:
    return int(
        SafetyPlanVersion.objects.filter(plan__record__session=_session(pair, side))
        .order_by("-number")
        .values_list("number", flat=True)[0]
    )


def _edition(pair: Pair, side: str) -> int:
    return int(
        RecordEdition.objects.filter(record__session=_session(pair, side))
        .order_by("-number")
        .values_list("number", flat=True)[0]
    )


def _review_request(pair: Pair, side: str) -> dict[str, Any]:
    found = world(pair, side)
    return {"reference": found.case.reference, "code": found.review.code}


# Every object route: its URL name and how to find its ids in each case. Values that only
# B has (ONLY_B) are tried under A as well.
SWAPS: dict[str, Ids] = {
    "chronology:import_detail": _in_case(code=lambda p, s: world(p, s).upload.code),
    "chronology:export_status": _in_case(code=lambda p, s: p.exports[s].code),
    "chronology:export_download": _in_case(code=lambda p, s: p.exports[s].code),
    "chronology:entry_detail": _in_case(code=lambda p, s: world(p, s).entry.code),
    "chronology:entry_edit": _in_case(code=lambda p, s: world(p, s).entry.code),
    "chronology:entry_draft": _in_case(code=lambda p, s: world(p, s).entry.code),
    "chronology:entry_note_add": _in_case(code=lambda p, s: world(p, s).entry.code),
    "documents:download": _in_case(code=lambda p, s: p.documents[s].code),
    "meetings:detail": _request,
    **{
        f"meetings:{name}": _with(agency=_same(agency))
        for name, agency in [
            ("propose_due_date", "cs"),
            ("approve_due_date", "hv"),
            ("review_chronology", "hv"),
            ("submit_chronology", "cs"),
        ]
    },
    "meetings:schedule": _request,
    "meetings:cancel": _request,
    "meetings:invitee_add": _request,
    "meetings:invitee_remove": _with(
        invitation=lambda p, s: _session(p, s).invitations.order_by("pk").first().code
    ),
    **{
        f"records:{name}": _request
        for name in [
            "record",
            "what_matters",
            "outcome_add",
            "strength_add",
            "risk_add",
            "balancing_item_add",
            "scaling_score_add",
            "balancing_summary",
            "summary",
            "summary_save",
            "attendance",
            "sign_off",
            "reopen",
            "reflections",
            "reflection_save",
        ]
    },
    "records:moment_add": _with(rank=_same(1)),
    "records:edition": _with(number=_same(1)),
    **{
        f"safety:{name}": _request
        for name in ["plan", "item_add", "details", "share_add", "not_applicable"]
    },
    "safety:item_remove": _with(pk=_first(SafetyPlanItem)),
    "safety:share_remove": _with(pk=_first(OutOfHoursShare)),
    "safety:version": _with(number=_same(1)),
    **{f"actions:{name}": _request for name in ["plan", "action_add", "review"]},
    "actions:action_done": _with(number=_same(2)),
    "actions:progress_point": _with(months=_same(1)),
    **{f"artefacts:{name}": _request for name in ["list", "prepare", "approve_minutes"]},
    "artefacts:download": _with(
        file=lambda p, s: world(p, s).actions.files.order_by("language", "format").first().code
    ),
    **{f"casefile:{name}": _request for name in ["detail", "conference_alert", "close"]},
    "casefile:synopsis_save": _with(key=_same("P1")),
    "casefile:synopsis_recorded": _with(key=_same("P1")),
    **{f"feedback:{name}": _request for name in ["give", "results"]},
    "followup:compare": _review_request,
    "followup:progress": lambda p, s: {**_review_request(p, s), "months": 1},
    "followup:start": _request,
    "distribution:list": _request,
    **{
        f"distribution:{name}": _with(kind=_same("actions"))
        for name in ["send", "recipient_add", "secure_email"]
    },
    "distribution:acknowledge": _with(recipient=lambda p, s: world(p, s).visitor_receipt.code),
    "distribution:correction_raise": _request,
    "distribution:correction_resolve": _with(correction=lambda p, s: world(p, s).correction.code),
}

# Values of a parameter that only B has: under A they name nothing.
ONLY_B: dict[str, dict[str, Callable[[Pair], Any]]] = {
    "records:moment_add": {"rank": lambda p: 5},
    "records:edition": {"number": lambda p: _edition(p, "B")},
    "safety:version": {"number": lambda p: _safety_version(p, "B")},
    "actions:action_done": {"number": lambda p: 8},
    "casefile:synopsis_save": {"key": lambda p: "P7"},
    "casefile:synopsis_recorded": {"key": lambda p: "P7"},
}

# Their forms are reached with the record open for changes (a signed-off record answers
# 409 before it looks for the object). The same as test_fuzz_forms.
REOPENED = ("records:", "safety:", "actions:")


@dataclass(frozen=True)
class Swap:
    kwargs: dict[str, Any]  # a mix of the two cases' ids
    nowhere: dict[str, Any]  # the same, with every id foreign to the URL's case made up
    why: str


# Ids that name nothing, of each kind of parameter.
MADE_UP: dict[str, Any] = {"pk": 10**9, "number": 999, "rank": 999, "months": 999, "key": "P99"}


def _made_up(key: str) -> Any:
    return MADE_UP.get(key, uuid.UUID(int=0x5EED))


def swaps(pair: Pair, name: str) -> tuple[dict[str, dict[str, Any]], list[Swap]]:
    """The route's own URLs for A and B, and every mix of the two that names nothing."""
    own = {side: SWAPS[name](pair, side) for side in ("A", "B")}
    options: dict[str, dict[Any, set[str]]] = {}
    for side, kwargs in own.items():
        for key, value in kwargs.items():
            options.setdefault(key, {}).setdefault(value, set()).add(side)
    for key, value_of in ONLY_B.get(name, {}).items():
        value = value_of(pair)
        assert value not in options[key], f"{name}: {key}={value} is not B's alone"
        options[key][value] = {"B"}
    keys = list(options)
    found = []
    for values in itertools.product(*(list(options[key].items()) for key in keys)):
        if set.intersection(*(owners for _value, owners in values)):
            continue  # every id belongs to the same case: the route's own URL
        chosen = list(zip(keys, values, strict=True))
        kwargs = {key: value for key, (value, _owners) in chosen}
        case_side = next(iter(dict(chosen)["reference"][1]))
        nowhere = {
            key: value if case_side in owners else _made_up(key) for key, (value, owners) in chosen
        }
        why = ", ".join(f"{key} of {'/'.join(sorted(owners))}" for key, (_v, owners) in chosen)
        found.append(Swap(kwargs, nowhere, why))
    return own, found


# --- The checks -------------------------------------------------------------------------


def allowed_methods(client: Client, path: str) -> list[str]:
    """What the route takes, from the 405 its view answers to a method nobody uses."""
    response = client.generic("FUZZ", path)
    assert response.status_code == 405, f"{path} does not say which methods it takes"
    return [method for method in ("GET", "POST") if method in response["Allow"]]


WRITES = [action for action in AuditAction.values if action != AuditAction.VIEW]


def ask(client: Client, method: str, path: str) -> int:
    """One request; a POST in a savepoint rolled back afterwards, after checking that a
    refused one wrote nothing."""
    if method == "GET":
        return client.get(path).status_code
    with transaction.atomic():
        before = AuditEvent.objects.filter(action__in=WRITES).count()
        status = client.post(path, {}).status_code
        if status == 404:
            after = AuditEvent.objects.filter(action__in=WRITES).count()
            assert after == before, f"a refused POST to {path} wrote {after - before} rows"
        transaction.set_rollback(True)
    return status


SWAP_COUNTS: dict[str, int] = {}


def _clients(pair: Pair, actors: tuple[str, ...] = ACTORS) -> dict[str, Client]:
    clients = {}
    for who in actors:
        clients[who] = Client()
        clients[who].force_login(pair.user(who))
    return clients


@pytest.mark.parametrize("name", sorted(SWAPS))
def test_a_url_mixing_two_cases_is_not_found(name: str, pair: Pair) -> None:
    if name.startswith(REOPENED):
        for found in (pair.a, pair.b):
            record_reopen(session=found.session, reason="Checking access.", by=found.cast.chair)
    clients = _clients(pair)
    own, mixed = swaps(pair, name)
    assert mixed, f"{name}: nothing to swap"
    methods = allowed_methods(clients["social_worker"], reverse(name, kwargs=own["A"]))
    leaks = []
    for method in methods:
        # The control: the route's own URLs are found by at least one of the three.
        for side in ("A", "B"):
            path = reverse(name, kwargs=own[side])
            answers = {who: ask(client, method, path) for who, client in clients.items()}
            assert set(answers.values()) != {404}, f"{method} {path}: control not found"
        for swap in mixed:
            path = reverse(name, kwargs=swap.kwargs)
            nowhere = reverse(name, kwargs=swap.nowhere)
            answers = {}
            for who, client in clients.items():
                answers[who] = status = ask(client, method, path)
                SWAP_COUNTS[name] = SWAP_COUNTS.get(name, 0) + 1
                # The same answer as for an id that does not exist: 404, or 403 where the
                # person may not do this in the URL's case whatever the id.
                expected = ask(client, method, nowhere)
                if status != expected or status not in (403, 404):
                    leaks.append(
                        f"{method} {path} as {who} ({swap.why}): {status}, made-up ids: {expected}"
                    )
            if 404 not in answers.values():
                leaks.append(f"{method} {path}: nobody got as far as looking it up: {answers}")
    assert not leaks, "\n".join(leaks)


@dataclass(frozen=True)
class Owned:
    """A route whose object is not reached through a case: its id, the objects of both
    cases and who may open each, and the people who try."""

    name: str
    param: str
    objects: Callable[[Pair], list[tuple[Any, frozenset[str]]]]
    actors: tuple[str, ...] = ACTORS


def _invitations(pair: Pair) -> list[tuple[Any, frozenset[str]]]:
    found = []
    for world_ in (pair.a, pair.b):
        for invitation in Invitation.objects.filter(session=world_.session):
            invited = frozenset(
                who for who in ACTORS if pair.user(who).pk == invitation.practitioner.user_id
            )
            found.append((invitation.code, invited))
    return found


def _exports(pair: Pair) -> list[tuple[Any, frozenset[str]]]:
    return [
        (pair.a.out.export.code, frozenset({"officer"})),
        (pair.b.out.export.code, frozenset({"officer_b"})),
    ]


CHAIR = frozenset({"chair"})
OFFICERS = ("officer", "officer_b")
OWNED = [
    Owned("invitation_respond", "code", _invitations),
    Owned(
        "request_decide",
        "code",
        lambda p: [
            (p.a.waiting.code, CHAIR),
            (p.b.waiting.code, CHAIR),
            (p.a.request.code, frozenset()),  # accepted already: no one decides it now
            (p.b.request.code, frozenset()),
        ],
    ),
    Owned(
        "cases:break_glass_review",
        "pk",
        lambda p: [(w.out.grant.pk, frozenset({"quality_officer"})) for w in (p.a, p.b)],
        # The school's safeguarding lead reviews only grants to the school's people; the
        # duty social worker never reviews their own.
        ("quality_officer", "safeguarding_lead", "duty", *ACTORS),
    ),
    Owned("dataprotection:export", "code", _exports, (*OFFICERS, *ACTORS)),
    Owned("dataprotection:export_download", "code", _exports, (*OFFICERS, *ACTORS)),
    Owned(
        "dataprotection:legal_hold_lift",
        "pk",
        lambda p: [(w.out.hold.pk, frozenset(OFFICERS)) for w in (p.a, p.b)],
        (*OFFICERS, *ACTORS),
    ),
]


@pytest.mark.parametrize("owned", OWNED, ids=[owned.name for owned in OWNED])
def test_an_object_outside_a_case_is_only_for_the_people_it_belongs_to(
    owned: Owned, pair: Pair
) -> None:
    """The same answer as for an id that names nothing, for everyone it is not for."""
    clients = _clients(pair, owned.actors)
    objects = owned.objects(pair)
    first = reverse(owned.name, kwargs={owned.param: objects[0][0]})
    methods = allowed_methods(clients[owned.actors[0]], first)
    nowhere = reverse(owned.name, kwargs={owned.param: _made_up(owned.param)})
    leaks = []
    count = 0
    for value, allowed in objects:
        path = reverse(owned.name, kwargs={owned.param: value})
        for method in methods:
            for who, client in clients.items():
                status = ask(client, method, path)
                if who in allowed:
                    assert status != 404, f"{method} {path}: {who} cannot open their own"
                    continue
                count += 1
                expected = ask(client, method, nowhere)
                if status != expected or status not in (403, 404):
                    leaks.append(f"{method} {path} as {who}: {status}, made-up id: {expected}")
    SWAP_COUNTS[owned.name] = count
    assert count
    assert not leaks, "\n".join(leaks)


OBJECT = re.compile(r"<(uuid|int|str):(?!reference>)")


def test_every_object_route_is_swapped(pair: Pair) -> None:
    objects = {
        route
        for route in all_routes()
        if OBJECT.search(route) and not route.startswith(("admin/", "accounts/"))
    }
    covered = {resolve(reverse(name, kwargs=SWAPS[name](pair, "A"))).route for name in SWAPS}
    covered |= {
        resolve(reverse(owned.name, kwargs={owned.param: owned.objects(pair)[0][0]})).route
        for owned in OWNED
    }
    missing = sorted(objects - covered)
    assert not missing, f"Add these routes to SWAPS: {missing}"
    assert not covered - objects, f"SWAPS names routes that no longer exist: {covered - objects}"


def test_the_two_cases_differ_where_the_swaps_need_them_to(pair: Pair) -> None:
    """The fixture is what the swaps assume: two cases, B with more than A."""
    assert pair.a.case != pair.b.case
    assert _edition(pair, "A") == 1
    assert _edition(pair, "B") == 2
    assert _safety_version(pair, "B") > _safety_version(pair, "A")
    assert PrinciplesRecord.objects.get(session=pair.b.session).risks.count() == 5
    assert {p.case_id for p in (pair.a.entry, pair.b.entry)} == {pair.a.case.pk, pair.b.case.pk}
