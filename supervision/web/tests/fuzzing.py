"""What the fuzz tests share: the hypothesis profiles, the strategies for hostile input, and
the signed-off scenario built once per test module.

Profiles: "ci" (1,000 examples per property, no deadline, derandomized: the same examples on
every run) when the environment variable CI is set, "dev" (100 examples) otherwise. They are
registered here and applied to the fuzz properties through `fuzz_settings()`, not loaded
globally: loading one would change every other hypothesis test in the suite too.

The scenario (`build_world`) is the §7.5 session of the Harries/Walsh case recorded through
the screens and signed off, with the demo chronology imported, the chair's review started,
the actions and minutes made and distributed, and (`outside_objects`) an emergency access
grant, a legal hold and a subject access export. Building it takes seconds, so test modules
build it once (`module_world`) inside a transaction that is rolled back when the module
ends; each test still runs in its own savepoint (pytest-django's `db`).
"""

from __future__ import annotations

import datetime
import os
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from supervision.accounts.models import Role, User, UserRole
from supervision.agencies.models import Agency, Practitioner
from supervision.artefacts.models import Artefact
from supervision.cases import services as case_services
from supervision.cases.models import BreakGlassGrant, Case, Person
from supervision.cases.services import DEMO_DIR, break_glass_open
from supervision.chronology.models import ChronologyEntry, ChronologyImport
from supervision.chronology.services import demo_chronology_load, entry_create
from supervision.conftest import CAST_EMAILS, DEMO_PASSWORD, Cast, give_totp
from supervision.dataprotection.models import LegalHold, RequestReason, SubjectAccessExport
from supervision.dataprotection.services import legal_hold_place, subject_access_request
from supervision.distribution import services as distribution_services
from supervision.distribution.models import Correction, Recipient
from supervision.distribution.tests.helpers import approve, make_document
from supervision.domain.chronology import default_period
from supervision.followup.models import ReviewLink
from supervision.followup.services import review_start
from supervision.meetings.models import SupervisionRequest, SupervisionSession
from supervision.meetings.services import SharingBasis, request_create
from supervision.meetings.tests.test_requests import SESSION, accepted_request
from supervision.records.tests.test_scenario_session import record_the_scenario

# --- Profiles ---------------------------------------------------------------------------

_QUIET = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
    HealthCheck.function_scoped_fixture,
]
settings.register_profile(
    "ci", max_examples=1000, deadline=None, derandomize=True, database=None,
    suppress_health_check=_QUIET,
)  # fmt: skip
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=_QUIET)
PROFILE = "ci" if os.environ.get("CI") else "dev"
IN_CI = PROFILE == "ci"


def fuzz_settings(**overrides: Any) -> settings:
    """The settings of the active profile, with any overrides (e.g. fewer HTTP examples)."""
    return settings(settings.get_profile(PROFILE), **overrides)


#: Full requests cost far more than a form: 25 examples per route in CI, 5 otherwise.
HTTP_EXAMPLES = 25 if IN_CI else 5


# --- Hostile text -----------------------------------------------------------------------

#: Values that have broken parsers before: empty and blank, NUL and control characters,
#: number look-alikes (other scripts' digits, superscripts, huge and negative numbers),
#: overlong and odd dates, markup, injection, direction overrides, the BOM.
NASTY: tuple[str, ...] = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\r",
    "0",
    "-1",
    "00",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "٣",
    "²",
    "１２",
    "9" * 30,
    "9" * 5000,
    "-" + "9" * 25,
    "0x10",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "31/12/9999",
    "29/02/2025",
    "25:61",
    "23:59:60",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% debug %}",
    "%(name)s",
    "'; DROP TABLE cases_case; --",
    '=HYPERLINK("http://x.example")',
    "\u202egpj.exe",
    "\ufeffentry_id",
    "\ud7ff\ue000\uffff",
    "😀" * 3,
    "ŵŷâ",
    "P1",
    "HV-01",
    "true",
    "on",
    "None",
    "[]",
    "{}",
)

_TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=40),
    # Very long strings: one character repeated (cheap to make, past every max_length).
    st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(0, 25_000)),
)


def text() -> st.SearchStrategy[str]:
    """Any text a browser could send: hostile, random, printable or very long."""
    return _TEXT


def _date_texts() -> st.SearchStrategy[str]:
    days = st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31))
    near = st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
    return st.one_of(
        st.builds(lambda d: d.isoformat(), st.one_of(near, days)),
        st.builds(lambda d: d.strftime("%d/%m/%Y"), st.one_of(near, days)),
    )


def _time_texts() -> st.SearchStrategy[str]:
    return st.builds(lambda t: t.strftime("%H:%M"), st.times())


def _integer_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-20, 20).map(str),
        st.integers().map(str),
        st.integers(-(2**70), 2**70).map(str),
    )


def _choice_values(choices: Any) -> list[str]:
    values: list[str] = []
    for key, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            values += [str(inner) for inner, _label in label]
        else:
            values.append(str(key))
    return values


def field_values(field: forms.Field, known: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """Text for one field: hostile text, or something close to what the field expects
    (including `known` values: the ids of real objects, a real case reference, ...)."""
    near: list[st.SearchStrategy[str]] = []
    if known:
        near.append(st.sampled_from([str(value) for value in known]))
    if isinstance(field, forms.ChoiceField):  # includes model and typed choice fields
        choices = _choice_values(getattr(field, "choices", ()))
        if choices:
            near.append(st.sampled_from(choices))
    if isinstance(field, forms.DateField):
        near.append(_date_texts())
    if isinstance(field, forms.TimeField):
        near.append(_time_texts())
    if isinstance(field, forms.IntegerField):
        near.append(_integer_texts())
    if isinstance(field, forms.EmailField):
        near.append(st.emails())
    if isinstance(field, forms.BooleanField):
        near.append(st.sampled_from(["on", "true", "false", "0", "1", "yes", "no"]))
    if type(field) is forms.CharField:  # numbers typed as text (dates in boxes, versions)
        near.append(_integer_texts())
    if isinstance(field, forms.CharField) and field.max_length:
        limit = field.max_length
        near.append(st.integers(max(limit - 2, 0), limit + 2).map(lambda n: "x" * n))
    if not near:
        return text()
    return st.one_of(text(), *near)


#: Keys a form does not declare, as an attacker would add them (mass assignment).
EXTRA_KEYS = (
    "case",
    "case_id",
    "agency",
    "is_staff",
    "created_by",
    "pk",
    "id",
    "status",
    "version",
)


def _file_bytes() -> st.SearchStrategy[bytes]:
    starts = [
        b"",
        b"%PDF-1.7\n",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff",
        b"PK\x03\x04",
        b"\xef\xbb\xbf",
    ]
    return st.one_of(
        st.binary(max_size=300),
        st.builds(lambda head, tail: head + tail, st.sampled_from(starts), st.binary(max_size=300)),
    )


def uploads(
    contents: st.SearchStrategy[bytes] | None = None,
) -> st.SearchStrategy[SimpleUploadedFile]:
    """An uploaded file: any name (with a path, odd characters or none), any content."""
    names = st.one_of(
        st.sampled_from(
            ["a.csv", "a.xlsx", "a.pdf", "a.docx", "a.odt", "a.png", "a.jpg", "a.txt",
             "../../etc/passwd", "C:\\x\\a.pdf", "a.pdf.exe", ".csv", "a\u202ecod.pdf", "a"]
        ),
        st.text(min_size=1, max_size=60),
    )  # fmt: skip
    return st.builds(
        lambda name, content: SimpleUploadedFile(delivered_name(name) or "x", content),
        names,
        contents if contents is not None else _file_bytes(),
    )


def delivered_name(name: str) -> str | None:
    """The file name a view gets for a name a browser sends (None: no file at all)."""
    return MultiPartParser.sanitize_file_name(None, name)


@dataclass
class Posted:
    """What a form is bound with: the data (a QueryDict, as a request has) and the files."""

    data: QueryDict
    files: dict[str, SimpleUploadedFile] = field(default_factory=dict)

    def as_post(self) -> dict[str, Any]:
        """The same as the test client posts it (lists for repeated keys, files inline)."""
        posted: dict[str, Any] = {key: self.data.getlist(key) for key in self.data}
        posted.update(self.files)
        return posted


def posted(
    fields: dict[str, forms.Field],
    known: dict[str, Sequence[str]] | None = None,
    extra: Sequence[str] = (),
) -> st.SearchStrategy[Posted]:
    """Data for a form with these fields: each field absent, one value or several (a list),
    and sometimes keys the form does not declare. The strategies are made once, here."""
    known = known or {}
    values = {
        name: field_values(form_field, known.get(name, ()))
        for name, form_field in fields.items()
        if not isinstance(form_field, forms.FileField)
    }
    many = {name for name, f in fields.items() if isinstance(f, forms.MultipleChoiceField)}
    one_or_two = st.sampled_from([0, 1, 1, 1, 1, 2])
    sizes = {name: st.integers(0, 4) if name in many else one_or_two for name in values}
    files_in = [name for name, f in fields.items() if isinstance(f, forms.FileField)]
    undeclared = [name for name in dict.fromkeys([*EXTRA_KEYS, *extra]) if name not in fields]
    extras = (
        st.lists(st.sampled_from(undeclared), max_size=2, unique=True)
        if undeclared
        else st.just([])
    )
    file_strategy = uploads()

    @st.composite
    def draw_posted(draw: st.DrawFn) -> Posted:
        data = QueryDict(mutable=True)
        files: dict[str, SimpleUploadedFile] = {}
        for name in files_in:
            if draw(st.booleans()):
                files[name] = draw(file_strategy)
            elif draw(st.booleans()):
                data[name] = draw(_TEXT)  # text where a file belongs
        for name, strategy in values.items():
            size = draw(sizes[name])
            if size:
                data.setlist(name, draw(st.lists(strategy, min_size=size, max_size=size)))
        for name in draw(extras):
            data[name] = draw(_TEXT)
        return Posted(data=data, files=files)

    return draw_posted()


def near(
    seed: Posted,
    fields: dict[str, forms.Field],
    known: dict[str, Sequence[str]] | None = None,
) -> st.SearchStrategy[Posted]:
    """A valid post with one or two fields changed: left out, or given hostile or near
    values (or several values). Gets far deeper into clean() and the services than posts
    made up from nothing, which rarely pass every required field."""
    known = known or {}
    values = {
        name: field_values(form_field, known.get(name, ()))
        for name, form_field in fields.items()
        if not isinstance(form_field, forms.FileField)
    }
    names = sorted(fields)
    file_strategy = uploads()

    @st.composite
    def draw_near(draw: st.DrawFn) -> Posted:
        data = seed.data.copy()
        files = dict(seed.files)
        for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
            how = draw(st.sampled_from(["drop", "one", "two"]))
            data.pop(name, None)
            files.pop(name, None)
            if how == "drop":
                continue
            if name not in values:
                files[name] = draw(file_strategy)
            else:
                size = 1 if how == "one" else 2
                data.setlist(name, draw(st.lists(values[name], min_size=size, max_size=size)))
        return Posted(data=data, files={k: fresh(v) for k, v in files.items()})

    return draw_near() if names else st.just(seed)


def fresh(upload: SimpleUploadedFile) -> SimpleUploadedFile:
    """A file that has not been read yet (a seed's file is used again and again)."""
    upload.seek(0)
    return SimpleUploadedFile(upload.name or "x", upload.read(), upload.content_type)


# --- The scenario -----------------------------------------------------------------------


@dataclass
class World:
    """The signed-off scenario session and what hangs off it, by the names tests use."""

    cast: Cast
    case: Case
    session: SupervisionSession
    review: SupervisionRequest  # the chair's review of the session (a second request)
    entry: ChronologyEntry  # POL-01, from the demo import
    draft: ChronologyEntry  # the social worker's draft entry, not yet in the chronology
    upload: ChronologyImport  # the social worker's demo import
    actions: Artefact  # made and sent to the attendees
    minutes: Artefact  # made and approved
    visitor_receipt: Recipient  # the health visitor's copy of the actions
    correction: Correction  # raised by the health visitor on the minutes
    waiting: SupervisionRequest  # a second request of the case, waiting for a chair
    client: Client
    outside: Outside | None = None  # what hangs off the case outside its pages

    def client_for(self, user: User) -> Client:
        self.client.force_login(user)
        return self.client

    @property
    def request(self) -> SupervisionRequest:
        return self.session.request

    def kwargs(self) -> dict[str, object]:
        return {"reference": self.case.reference, "code": self.session.request.code}

    @property
    def out(self) -> Outside:
        assert self.outside is not None, "build the world with outside_objects()"
        return self.outside

    def user(self, who: str) -> User:
        """A member of the cast, or one of the people outside it (see Outside)."""
        if self.outside is not None and who in self.outside.people:
            return self.outside.people[who]
        found: User = getattr(self.cast, who)
        return found


@dataclass
class Outside:
    """The objects of the case that its pages do not show: an emergency (break-glass) grant
    waiting for review, a legal hold, a subject access export; and the people who use them
    (`people`: the data protection officer, the duty social worker who broke the glass, the
    school's safeguarding lead)."""

    grant: BreakGlassGrant
    hold: LegalHold
    export: SubjectAccessExport
    people: dict[str, User]


def make_colleague(email: str, name: str, *roles: str, agency_code: str = "cs") -> User:
    """A fictional colleague outside the demo data, with these roles and two-factor on."""
    user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    Practitioner.objects.create(user=user, agency=Agency.objects.get(code=agency_code))
    for role in roles:
        UserRole.objects.create(user=user, role=role)
    give_totp(user)
    return user


def outside_objects(world: World, *, officer: User, duty: User) -> Outside:
    """Break the glass on the world's case as `duty`, put it under a legal hold and export
    what it holds about its first child as `officer` (all through the services)."""
    grant = break_glass_open(
        user=duty,
        reference=world.case.reference,
        reason_code=BreakGlassGrant.ReasonCode.IMMEDIATE_RISK,
        reason="Police called about the children out of hours.",
        password=DEMO_PASSWORD,
    )
    hold = legal_hold_place(case=world.case, reason="Care proceedings.", placed_by=officer)
    export = subject_access_request(
        person=Person.objects.get(case=world.case, key="P1"),
        sar_reference="SAR-2026-014",
        reason=RequestReason.SUBJECT,
        password=DEMO_PASSWORD,
        language="en-gb",
        requested_by=officer,
    )
    lead = User.objects.get(email="catrin.rowlands@sch.example")  # the school's lead
    if not lead.authenticator_set.exists():
        give_totp(lead)
    people = {"officer": officer, "duty": duty, "safeguarding_lead": lead}
    return Outside(grant=grant, hold=hold, export=export, people=people)


def the_cast() -> Cast:
    users = {name: User.objects.get(email=email) for name, email in CAST_EMAILS.items()}
    for user in users.values():
        give_totp(user)
    return Cast(**users)


def sign_off_the_scenario(client: Client, cast: Cast, case: Case) -> SupervisionSession:
    """The scenario's request accepted, its session booked, recorded and signed off
    through the screens (the `booked` and `signed_off` fixtures, for any demo case)."""

    def client_for(user: User) -> Client:
        client.force_login(user)
        return client

    found = accepted_request(client, cast, case)
    kwargs = {"reference": case.reference, "code": found.code}
    response = client.post(reverse("meetings:schedule", kwargs=kwargs), SESSION)
    assert response.status_code == 302, response.content.decode()[:2000]
    booked = SupervisionSession.objects.get(request=found)
    record_the_scenario(client_for, cast, booked)
    booked.refresh_from_db()
    return booked


def distribute(session: SupervisionSession, cast: Cast) -> tuple[Artefact, Artefact]:
    """The actions made and sent to the attendees; the minutes made and approved."""
    actions = make_document(session, "actions", by=cast.chair)
    minutes = make_document(session, "minutes", by=cast.chair)
    approve(minutes, cast.chair)
    distribution_services.distribution_send_to_attendees(artefact=actions, by=cast.chair)
    return actions, minutes


DEMO_REFERENCE = "EXA-CS-24-0917"
OFFICER = "gwen.officer@brd.example"
DUTY = "eleri.duty@cs.example"


def build_world() -> World:
    """The demo case with its session signed off and everything after it (see above)."""
    translation.activate("en-gb")
    case_services.demo_data_load(password=DEMO_PASSWORD)
    case = Case.objects.get(local_authority_reference=DEMO_REFERENCE)
    world = world_of(case, the_cast(), Client())
    world.outside = outside_objects(
        world,
        officer=make_colleague(OFFICER, "Gwen Officer", Role.DATA_PROTECTION_OFFICER),
        duty=make_colleague(DUTY, "Eleri Duty", Role.SOCIAL_WORKER),
    )
    return world


def world_of(
    case: Case,
    cast: Cast,
    client: Client,
    *,
    data_dir: Path = DEMO_DIR,
    after_sign_off: Callable[[SupervisionSession], None] | None = None,
) -> World:
    """A demo case (loaded from `data_dir`) taken through the scenario."""
    session = sign_off_the_scenario(client, cast, case)
    if after_sign_off is not None:
        after_sign_off(session)
        session.refresh_from_db()
    demo_chronology_load(data_dir=data_dir)
    actions, minutes = distribute(session, cast)
    correction = distribution_services.correction_raise(
        artefact=minutes, text="The day of the session is wrong.", by=cast.involved
    )
    link, _created = review_start(session=session, by=cast.chair, today=timezone.localdate())
    assert isinstance(link, ReviewLink)
    waiting = request_create(
        case=case,
        requested_by=cast.involved,
        reasons=["stuck_or_drift"],
        question="What would help the plan work at weekends?",
        session_type="multi_agency",
        period=default_period(timezone.localdate()),
        period_reason="",
        sharing=SharingBasis("ISP-1", "Public task", "Safeguarding", "given", ""),
        today=timezone.localdate(),
    )
    return World(
        cast=cast,
        case=case,
        session=session,
        review=link.new_request,
        entry=ChronologyEntry.objects.get(case=case, ref="POL-01"),
        draft=entry_create(
            case=case,
            agency=Agency.objects.get(code="cs"),
            data={"event_date": datetime.date(2025, 12, 1), "description": "Home visit."},
            author=cast.social_worker,
            draft=True,
        ),
        upload=ChronologyImport.objects.filter(case=case).earliest("pk"),
        actions=actions,
        minutes=minutes,
        visitor_receipt=Recipient.objects.get(artefact=actions, practitioner__user=cast.involved),
        correction=correction,
        waiting=waiting,
        client=client,
    )


def module_world(django_db_blocker: Any, build: Callable[[], Any] = build_world) -> Iterator[Any]:
    """Build the scenario once for a module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        translation.activate("en-gb")
        yield built
        transaction.set_rollback(True)
