"""The access matrix: every route, every member of the cast, the expected outcome.

A new route fails `test_every_route_is_in_the_matrix` until it is added here with the
outcome expected for each member of the cast. Outcomes are the status code of the first
response (no redirects followed).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from supervision.artefacts.models import DocxTemplate
from supervision.artefacts.rendering import default_template
from supervision.audit.models import AuditEvent
from supervision.cases.access import access_case
from supervision.cases.models import Case, CaseExclusion, RestrictedCaseMember
from supervision.cases.services import case_exclusion_add, restricted_member_add
from supervision.cases.tests.factories import UserFactory
from supervision.chronology.models import (
    ChronologyEntry,
    ChronologyExport,
    ChronologyImport,
    Theme,
)
from supervision.chronology.services import demo_chronology_load
from supervision.conftest import Cast
from supervision.documents.models import Document
from supervision.documents.services import document_upload
from supervision.domain.chronology import default_period
from supervision.meetings.models import SupervisionRequest
from supervision.meetings.services import SharingBasis, request_create
from supervision.notifications.models import OutboxMessage
from supervision.notifications.services import email_queue
from supervision.timescales.models import NonWorkingDay
from supervision.timescales.services import closure_day_add

# Column order of every expectation tuple below.
WHO = (
    "social_worker",
    "involved",
    "uninvolved",
    "chair",
    "quality_officer",
    "administrator",
    "anonymous",
)


@dataclass(frozen=True)
class Row:
    route: str  # the URL pattern as the resolver lists it
    url: Callable[[Case, Cast], str]
    expect: tuple[int, int, int, int, int, int, int]


def case_url(name: str) -> Callable[[Case, Cast], str]:
    return lambda case, cast: reverse(name, kwargs={"reference": case.reference})


def named(name: str, **kwargs: object) -> Callable[[Case, Cast], str]:
    return lambda case, cast: reverse(name, kwargs=kwargs or None)


OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
# Everyone signed in is sent on; the anonymous visitor is asked to sign in.
ALL_OK = (OK,) * 6 + (REDIRECT,)
SIGNED_IN_REDIRECT = (REDIRECT,) * 7
ADMIN_ONLY = (REDIRECT,) * 5 + (OK, REDIRECT)
ADMIN_ONLY_NO_ADD = (REDIRECT,) * 5 + (FORBIDDEN, REDIRECT)

MATRIX: list[Row] = [
    Row("healthz", named("healthz"), (OK,) * 7),
    Row("", named("home"), SIGNED_IN_REDIRECT),
    # Cases: only the case's own people see it; everyone else gets the same 404.
    Row("cases/", named("cases:my_cases"), ALL_OK),
    Row(
        "cases/<str:reference>/",
        case_url("cases:detail"),
        (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT),
    ),
    Row(
        "cases/<str:reference>/viewed-by/",
        case_url("cases:views_log"),
        (OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, REDIRECT),
    ),
    # Emergency (break-glass) access: asked for by eligible roles, reviewed by another.
    Row(
        "cases/break-glass/",
        named("cases:break_glass"),
        (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    Row(
        "cases/break-glass/reviews/",
        named("cases:break_glass_reviews"),
        (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, REDIRECT),
    ),
    Row(
        "cases/break-glass/reviews/<int:pk>/",
        named("cases:break_glass_review", pk=1),
        (NOT_ALLOWED,) * 7,
    ),
    # Sign-in and sign-in security.
    Row("accounts/login/", named("account_login"), (REDIRECT,) * 6 + (OK,)),
    Row("accounts/logout/", named("account_logout"), (OK,) * 6 + (REDIRECT,)),
    Row("accounts/inactive/", named("account_inactive"), (OK,) * 7),
    Row("accounts/signup/", named("account_signup"), (REDIRECT,) * 6 + (OK,)),
    Row("accounts/reauthenticate/", named("account_reauthenticate"), (OK,) * 6 + (REDIRECT,)),
    Row("accounts/password/change/", named("account_change_password"), (OK,) * 6 + (REDIRECT,)),
    Row("accounts/password/reset/", named("account_reset_password"), (OK,) * 7),
    Row("accounts/password/reset/done/", named("account_reset_password_done"), (OK,) * 7),
    Row(
        r"accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        named("account_reset_password_from_key", uidb36="zz", key="not-a-key"),
        (OK,) * 7,
    ),
    Row(
        "accounts/password/reset/key/done/",
        named("account_reset_password_from_key_done"),
        (OK,) * 7,
    ),
    Row("accounts/2fa/", named("mfa_index"), ALL_OK),
    Row("accounts/2fa/authenticate/", named("mfa_authenticate"), (REDIRECT,) * 7),
    Row("accounts/2fa/reauthenticate/", named("mfa_reauthenticate"), ALL_OK),
    Row("accounts/2fa/totp/activate/", named("mfa_activate_totp"), SIGNED_IN_REDIRECT),
    # Changing sign-in security asks for the password again first (a redirect).
    Row("accounts/2fa/totp/deactivate/", named("mfa_deactivate_totp"), SIGNED_IN_REDIRECT),
    Row("accounts/2fa/recovery-codes/", named("mfa_view_recovery_codes"), SIGNED_IN_REDIRECT),
    Row(
        "accounts/2fa/recovery-codes/generate/",
        named("mfa_generate_recovery_codes"),
        SIGNED_IN_REDIRECT,
    ),
    Row(
        "accounts/2fa/recovery-codes/download/",
        named("mfa_download_recovery_codes"),
        SIGNED_IN_REDIRECT,
    ),
    # Administration: administrators only; no case content is registered there.
    Row("admin/", named("admin:index"), ADMIN_ONLY),
    Row("admin/login/", named("admin:login"), (FORBIDDEN,) * 5 + (REDIRECT, REDIRECT)),
    Row("admin/logout/", named("admin:logout"), (REDIRECT,) * 5 + (NOT_ALLOWED, REDIRECT)),
    Row("admin/password_change/", named("admin:password_change"), ADMIN_ONLY),
    Row("admin/password_change/done/", named("admin:password_change_done"), ADMIN_ONLY),
    Row(
        "admin/autocomplete/", named("admin:autocomplete"), (REDIRECT,) * 5 + (FORBIDDEN, REDIRECT)
    ),
    Row("admin/jsi18n/", named("admin:jsi18n"), ADMIN_ONLY),
    Row(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        lambda case, cast: reverse("admin:view_on_site", args=[1, 1]),
        (REDIRECT,) * 5 + (NOT_FOUND, REDIRECT),
    ),
    Row(
        r"admin/^(?P<app_label>audit|notifications|accounts|mfa|axes|django_tasks_database"
        r"|agencies|timescales|cases|chronology|artefacts)/$",
        named("admin:app_list", app_label="agencies"),
        ADMIN_ONLY,
    ),
    Row(
        "admin/(?P<url>.*)$",
        lambda case, cast: "/admin/no-such-page/",
        (*ADMIN_ONLY[:5], NOT_FOUND, REDIRECT),
    ),
]


def first_pk(model: type[Model]) -> Callable[[Case, Cast], object]:
    return lambda case, cast: model.objects.order_by("pk").values_list("pk", flat=True)[0]


# model: (how to find an object, can add, change page (view-only pages also answer 200),
#         can delete)
def chronology_url(name: str, obj: Callable[[Case], object] | None = None):
    def build(case: Case, cast: Cast) -> str:
        kwargs: dict[str, object] = {"reference": case.reference}
        if obj is not None:
            kwargs["code"] = obj(case)
        return reverse(f"chronology:{name}", kwargs=kwargs)

    return build


def pol_01(case: Case) -> object:
    return ChronologyEntry.objects.get(case=case, ref="POL-01").code


def social_workers_import(case: Case) -> object:
    return ChronologyImport.objects.filter(case=case).first().code  # the demo load's


def social_workers_export(case: Case) -> object:
    return ChronologyExport.objects.get(case=case).code


CASE_MEMBERS = (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT)
ONLY_THE_SOCIAL_WORKER = (OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT)
CHRONOLOGY = "cases/<str:reference>/chronology/"
MATRIX += [
    Row(CHRONOLOGY, chronology_url("merged"), CASE_MEMBERS),
    Row(f"{CHRONOLOGY}findings/", chronology_url("finding_add"), (NOT_ALLOWED,) * 7),
    Row(f"{CHRONOLOGY}import/", chronology_url("import"), CASE_MEMBERS),
    Row(
        f"{CHRONOLOGY}import/<uuid:code>/",
        chronology_url("import_detail", social_workers_import),
        ONLY_THE_SOCIAL_WORKER,
    ),
    Row(f"{CHRONOLOGY}template.csv", chronology_url("template"), CASE_MEMBERS),
    Row(f"{CHRONOLOGY}timeline/", chronology_url("timeline"), CASE_MEMBERS),
    Row(f"{CHRONOLOGY}export/", chronology_url("export"), CASE_MEMBERS),
    Row(
        f"{CHRONOLOGY}export/<uuid:code>/",
        chronology_url("export_status", social_workers_export),
        ONLY_THE_SOCIAL_WORKER,
    ),
    Row(
        f"{CHRONOLOGY}export/<uuid:code>/download/",
        chronology_url("export_download", social_workers_export),
        ONLY_THE_SOCIAL_WORKER,
    ),
    Row(f"{CHRONOLOGY}entries/new/", chronology_url("entry_create"), CASE_MEMBERS),
    Row(f"{CHRONOLOGY}entries/<uuid:code>/", chronology_url("entry_detail", pol_01), CASE_MEMBERS),
    Row(
        f"{CHRONOLOGY}entries/<uuid:code>/edit/",
        chronology_url("entry_edit", pol_01),
        (OK, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT),
    ),
    Row(
        f"{CHRONOLOGY}entries/<uuid:code>/draft/",
        chronology_url("entry_draft", pol_01),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{CHRONOLOGY}entries/<uuid:code>/notes/",
        chronology_url("entry_note_add", pol_01),
        (NOT_ALLOWED,) * 7,
    ),
]


def request_url(name: str, **extra: str) -> Callable[[Case, Cast], str]:
    def build(case: Case, cast: Cast) -> str:
        found = SupervisionRequest.objects.get(case=case)
        return reverse(
            f"meetings:{name}", kwargs={"reference": case.reference, "code": found.code, **extra}
        )

    return build


REQUESTS = "cases/<str:reference>/requests/"
CHAIRS_ONLY = (FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, REDIRECT)
MATRIX += [
    Row(REQUESTS, lambda case, cast: reverse("meetings:list", args=[case.reference]), CASE_MEMBERS),
    Row(
        f"{REQUESTS}new/",
        lambda case, cast: reverse("meetings:create", args=[case.reference]),
        CASE_MEMBERS,
    ),
    Row(f"{REQUESTS}<uuid:code>/", request_url("detail"), CASE_MEMBERS),
    Row(
        f"{REQUESTS}<uuid:code>/chronologies/<slug:agency>/propose/",
        request_url("propose_due_date", agency="hv"),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{REQUESTS}<uuid:code>/chronologies/<slug:agency>/approve/",
        request_url("approve_due_date", agency="hv"),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{REQUESTS}<uuid:code>/chronologies/<slug:agency>/review/",
        request_url("review_chronology", agency="hv"),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{REQUESTS}<uuid:code>/chronologies/<slug:agency>/submit/",
        request_url("submit_chronology", agency="hv"),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{REQUESTS}<uuid:code>/session/",
        request_url("schedule"),
        (FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT),
    ),
    Row(f"{REQUESTS}<uuid:code>/session/cancel/", request_url("cancel"), (NOT_ALLOWED,) * 7),
    Row(f"{REQUESTS}<uuid:code>/invitations/", request_url("invitee_add"), (NOT_ALLOWED,) * 7),
    Row(
        f"{REQUESTS}<uuid:code>/invitations/<uuid:invitation>/remove/",
        request_url("invitee_remove", invitation=str(uuid.uuid4())),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        "invitations/<uuid:code>/",
        lambda case, cast: reverse("invitation_respond", args=[uuid.uuid4()]),
        (NOT_FOUND,) * 6 + (REDIRECT,),
    ),
    Row("requests/", named("requests_queue"), CHAIRS_ONLY),
    Row(
        "requests/<uuid:code>/",
        lambda case, cast: reverse(
            "request_decide", args=[SupervisionRequest.objects.get(case=case).code]
        ),
        (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, REDIRECT),
    ),
]


def pack_document(case: Case) -> object:
    return Document.objects.filter(case=case).first().code


DOCUMENTS = "cases/<str:reference>/documents/"
MATRIX += [
    Row(
        DOCUMENTS, lambda case, cast: reverse("documents:pack", args=[case.reference]), CASE_MEMBERS
    ),
    Row(
        f"{DOCUMENTS}upload/",
        lambda case, cast: reverse("documents:upload", args=[case.reference]),
        (OK, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT),
    ),
    Row(
        f"{DOCUMENTS}<uuid:code>/download/",
        lambda case, cast: reverse(
            "documents:download", kwargs={"reference": case.reference, "code": pack_document(case)}
        ),
        CASE_MEMBERS,
    ),
]


def record_url(name: str, **extra: object) -> Callable[[Case, Cast], str]:
    def build(case: Case, cast: Cast) -> str:
        found = SupervisionRequest.objects.get(case=case)
        return reverse(
            f"records:{name}", kwargs={"reference": case.reference, "code": found.code, **extra}
        )

    return build


# The fixture's request has no session yet, so its record is not found even for members;
# supervision/records/tests covers the record once a session is booked.
RECORD = f"{REQUESTS}<uuid:code>/record/"
MATRIX += [
    Row(RECORD, record_url("record"), (NOT_FOUND,) * 6 + (REDIRECT,)),
    Row(f"{RECORD}what-matters/", record_url("what_matters"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}outcomes/", record_url("outcome_add"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}strengths/", record_url("strength_add"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}risks/", record_url("risk_add"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}balancing/items/", record_url("balancing_item_add"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}balancing/scores/", record_url("scaling_score_add"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}balancing/summary/", record_url("balancing_summary"), (NOT_ALLOWED,) * 7),
    Row(
        f"{RECORD}risks/<int:rank>/moments/",
        record_url("moment_add", rank=1),
        (NOT_ALLOWED,) * 7,
    ),
    Row(f"{RECORD}summary/", record_url("summary"), (NOT_FOUND,) * 6 + (REDIRECT,)),
    Row(f"{RECORD}summary/save/", record_url("summary_save"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}summary/attendance/", record_url("attendance"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}summary/sign-off/", record_url("sign_off"), (NOT_ALLOWED,) * 7),
    Row(f"{RECORD}summary/reopen/", record_url("reopen"), (NOT_ALLOWED,) * 7),
    Row(
        f"{RECORD}versions/<int:number>/",
        record_url("edition", number=1),
        (NOT_FOUND,) * 6 + (REDIRECT,),
    ),
    Row(f"{RECORD}reflections/", record_url("reflections"), (NOT_FOUND,) * 6 + (REDIRECT,)),
    Row(f"{RECORD}reflections/save/", record_url("reflection_save"), (NOT_ALLOWED,) * 7),
]


def part_url(namespace: str, name: str, **extra: object) -> Callable[[Case, Cast], str]:
    def build(case: Case, cast: Cast) -> str:
        found = SupervisionRequest.objects.get(case=case)
        kwargs = {"reference": case.reference, "code": found.code, **extra}
        return reverse(f"{namespace}:{name}", kwargs=kwargs)

    return build


# The safety plan and next steps belong to the record: the same 404 without a session.
# supervision/records/tests/test_record_access.py runs every record route with a session.
SAFETY = f"{RECORD}safety-plan/"
NEXT_STEPS = f"{RECORD}next-steps/"
MATRIX += [
    Row(SAFETY, part_url("safety", "plan"), (NOT_FOUND,) * 6 + (REDIRECT,)),
    Row(f"{SAFETY}items/", part_url("safety", "item_add"), (NOT_ALLOWED,) * 7),
    Row(
        f"{SAFETY}items/<int:pk>/remove/",
        part_url("safety", "item_remove", pk=1),
        (NOT_ALLOWED,) * 7,
    ),
    Row(f"{SAFETY}details/", part_url("safety", "details"), (NOT_ALLOWED,) * 7),
    Row(f"{SAFETY}out-of-hours/shares/", part_url("safety", "share_add"), (NOT_ALLOWED,) * 7),
    Row(
        f"{SAFETY}out-of-hours/shares/<int:pk>/remove/",
        part_url("safety", "share_remove", pk=1),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{SAFETY}out-of-hours/not-applicable/",
        part_url("safety", "not_applicable"),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{SAFETY}versions/<int:number>/",
        part_url("safety", "version", number=1),
        (NOT_FOUND,) * 6 + (REDIRECT,),
    ),
    Row(NEXT_STEPS, part_url("actions", "plan"), (NOT_FOUND,) * 6 + (REDIRECT,)),
    Row(f"{NEXT_STEPS}actions/", part_url("actions", "action_add"), (NOT_ALLOWED,) * 7),
    Row(
        f"{NEXT_STEPS}actions/<int:number>/done/",
        part_url("actions", "action_done", number=1),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        f"{NEXT_STEPS}progress/<int:months>/",
        part_url("actions", "progress_point", months=1),
        (NOT_ALLOWED,) * 7,
    ),
    Row(f"{NEXT_STEPS}review/", part_url("actions", "review"), (NOT_ALLOWED,) * 7),
]

# After the session: the same 404 without a session (GET), 405 for the posts.
# supervision/records/tests/test_after_session_access.py runs them with a signed-off session.
AFTER = f"{REQUESTS}<uuid:code>/"
MISSING = (NOT_FOUND,) * 6 + (REDIRECT,)
POSTS = (NOT_ALLOWED,) * 7
MATRIX += [
    Row(f"{AFTER}case-file/", part_url("casefile", "detail"), MISSING),
    Row(
        f"{AFTER}case-file/children/<str:key>/synopsis/",
        part_url("casefile", "synopsis_save", key="P1"),
        POSTS,
    ),
    Row(
        f"{AFTER}case-file/children/<str:key>/recorded/",
        part_url("casefile", "synopsis_recorded", key="P1"),
        POSTS,
    ),
    Row(f"{AFTER}case-file/conference/alerts/", part_url("casefile", "conference_alert"), POSTS),
    Row(f"{AFTER}case-file/close/", part_url("casefile", "close"), POSTS),
    Row(f"{AFTER}review/", part_url("followup", "compare"), MISSING),
    Row(f"{AFTER}review/progress/<int:months>/", part_url("followup", "progress", months=1), POSTS),
    Row(f"{AFTER}review/start/", part_url("followup", "start"), POSTS),
    Row(f"{AFTER}documents/", part_url("artefacts", "list"), MISSING),
    Row(f"{AFTER}documents/prepare/", part_url("artefacts", "prepare"), POSTS),
    Row(f"{AFTER}documents/minutes/approve/", part_url("artefacts", "approve_minutes"), POSTS),
    Row(
        f"{AFTER}documents/files/<uuid:file>/download/",
        part_url("artefacts", "download", file=uuid.uuid4()),
        MISSING,
    ),
    Row(f"{AFTER}feedback/", part_url("feedback", "give"), MISSING),
    Row(f"{AFTER}feedback/results/", part_url("feedback", "results"), MISSING),
    Row(f"{AFTER}distribution/", part_url("distribution", "list"), MISSING),
    Row(
        f"{AFTER}distribution/<str:kind>/send/",
        part_url("distribution", "send", kind="actions"),
        POSTS,
    ),
    Row(
        f"{AFTER}distribution/<str:kind>/recipients/",
        part_url("distribution", "recipient_add", kind="actions"),
        POSTS,
    ),
    Row(
        f"{AFTER}distribution/<str:kind>/secure-email/",
        part_url("distribution", "secure_email", kind="actions"),
        POSTS,
    ),
    Row(
        f"{AFTER}distribution/recipients/<uuid:recipient>/acknowledge/",
        part_url("distribution", "acknowledge", recipient=uuid.uuid4()),
        POSTS,
    ),
    Row(
        f"{AFTER}distribution/minutes/corrections/",
        part_url("distribution", "correction_raise"),
        POSTS,
    ),
    Row(
        f"{AFTER}distribution/minutes/corrections/<uuid:correction>/resolve/",
        part_url("distribution", "correction_resolve", correction=uuid.uuid4()),
        POSTS,
    ),
]

# Dashboards: everyone's own; sessions for chairs (and agency safeguarding leads); the
# board's quality figures for its quality officer only, never the administrator.
MATRIX += [
    Row("dashboard/", named("dashboards:mine"), ALL_OK),
    Row("privacy/", named("privacy"), (OK,) * 7),
    # Data protection: the data protection officer only (none in the cast).
    Row("data-protection/", named("dataprotection:subject_access"), (FORBIDDEN,) * 6 + (REDIRECT,)),
    Row(
        "data-protection/subject-access/<uuid:code>/",
        named("dataprotection:export", code=uuid.uuid4()),
        (FORBIDDEN,) * 6 + (REDIRECT,),
    ),
    Row(
        "data-protection/subject-access/<uuid:code>/download/",
        named("dataprotection:export_download", code=uuid.uuid4()),
        (FORBIDDEN,) * 6 + (REDIRECT,),
    ),
    Row(
        "data-protection/legal-holds/",
        named("dataprotection:legal_holds"),
        (FORBIDDEN,) * 6 + (REDIRECT,),
    ),
    Row(
        "data-protection/legal-holds/<int:pk>/lift/",
        named("dataprotection:legal_hold_lift", pk=1),
        (NOT_ALLOWED,) * 7,
    ),
    Row(
        "dashboard/sessions/",
        named("dashboards:sessions"),
        (FORBIDDEN,) * 3 + (OK,) + (FORBIDDEN,) * 2 + (REDIRECT,),
    ),
    Row(
        "dashboard/quality/",
        named("dashboards:quality"),
        (FORBIDDEN,) * 4 + (OK, FORBIDDEN, REDIRECT),
    ),
    Row(
        "dashboard/quality.csv",
        named("dashboards:quality_csv"),
        (FORBIDDEN,) * 4 + (OK, FORBIDDEN, REDIRECT),
    ),
]

ADMIN_MODELS: dict[str, tuple[Callable[[Case, Cast], object], bool, bool]] = {
    "audit.auditevent": (first_pk(AuditEvent), False, False),
    "accounts.user": (lambda case, cast: cast.administrator.pk, False, False),
    "mfa.authenticator": (first_pk(Authenticator), False, True),
    "axes.accessattempt": (first_pk(AccessAttempt), False, True),
    "agencies.agency": (lambda case, cast: case.local_authority_id, True, False),
    "agencies.practitioner": (lambda case, cast: cast.administrator.practitioner.pk, True, False),
    "django_tasks_database.dbtaskresult": (first_pk(DBTaskResult), False, False),
    "notifications.outboxmessage": (first_pk(OutboxMessage), False, False),
    "chronology.theme": (first_pk(Theme), True, False),
    "artefacts.docxtemplate": (first_pk(DocxTemplate), True, False),
    "cases.caserestriction": (lambda case, cast: case.pk, False, False),
    "cases.caseexclusion": (first_pk(CaseExclusion), True, True),
    "cases.restrictedcasemember": (first_pk(RestrictedCaseMember), True, True),
    "timescales.nonworkingday": (
        lambda case, cast: NonWorkingDay.objects.filter(kind="local_closure").first().pk,
        True,
        True,
    ),
}


def admin_page(name: str, pk: Callable[[Case, Cast], object]) -> Callable[[Case, Cast], str]:
    return lambda case, cast: reverse(name, args=[pk(case, cast)])


for label, (pk, can_add, can_delete) in ADMIN_MODELS.items():
    app, _, name = label.partition(".")
    model = f"{app}_{name}"
    base = f"admin/{app}/{name}/"
    MATRIX += [
        Row(base, named(f"admin:{model}_changelist"), ADMIN_ONLY),
        Row(
            f"{base}add/", named(f"admin:{model}_add"), ADMIN_ONLY if can_add else ADMIN_ONLY_NO_ADD
        ),
        Row(
            f"{base}<path:object_id>/",
            lambda case, cast, m=model, pk=pk: reverse(
                f"admin:{m}_change", args=[pk(case, cast)]
            ).replace("/change/", "/"),
            (REDIRECT,) * 7,
        ),
        Row(f"{base}<path:object_id>/change/", admin_page(f"admin:{model}_change", pk), ADMIN_ONLY),
        Row(
            f"{base}<path:object_id>/history/", admin_page(f"admin:{model}_history", pk), ADMIN_ONLY
        ),
        Row(
            f"{base}<path:object_id>/delete/",
            admin_page(f"admin:{model}_delete", pk),
            ADMIN_ONLY if can_delete else ADMIN_ONLY_NO_ADD,
        ),
    ]


@pytest.fixture
def admin_objects(demo_case, cast):
    """One of each object the administration pages show."""
    access_case(cast.social_worker, demo_case.reference)
    AccessAttempt.objects.create(
        username="someone@agency.example",
        ip_address="127.0.0.1",
        failures_since_start=1,
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="supervision.chronology.tasks.import_chronology",
        backend_name="database",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    document_upload(
        case=demo_case,
        upload=ContentFile(b"%PDF-1.7\n%fictional\n", name="plan.pdf"),
        type="cp_care_and_support_plan",
        title="Plan",
        document_date=datetime.date(2025, 12, 10),
        version="v4",
        language="en",
        uploaded_by=cast.social_worker,
    )
    email_queue(to="someone@agency.example", subject="A change", body="Sign in.", kind="test")
    demo_chronology_load()  # imported by the social worker
    request_create(
        case=demo_case,
        requested_by=cast.involved,
        reasons=["stuck_or_drift"],
        question="Why do improvements not last?",
        session_type="multi_agency",
        period=default_period(timezone.localdate()),
        period_reason="",
        sharing=SharingBasis("ISP-1", "Public task", "Safeguarding", "given", ""),
        today=timezone.localdate(),
    )
    social_worker = cast.social_worker
    ChronologyExport.objects.create(
        case=demo_case,
        format="csv",
        status="done",
        file=ContentFile(b"entry_id\n", name="chronology.csv"),
        created_by=social_worker,
    )
    DocxTemplate.objects.create(
        kind="actions",
        file=ContentFile(default_template("actions").read_bytes(), name="actions.docx"),
        uploaded_by=cast.administrator,
    )
    # Neither changes what the cast may see: the exclusion is of someone outside the cast,
    # and naming someone does not restrict the case.
    case_exclusion_add(
        case=demo_case, user=UserFactory.create(), reason="Relative", by=cast.administrator
    )
    restricted_member_add(case=demo_case, user=cast.social_worker, reason="", by=cast.administrator)
    closure_day_add(
        day=datetime.date(2026, 8, 3),
        title_en="Office move",
        title_cy="Symud swyddfa",
        actor=cast.administrator,
    )


def all_routes() -> set[str]:
    def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
        found: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found |= walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                found.add(prefix + str(pattern.pattern))
        return found

    return walk(get_resolver().url_patterns)


def test_every_route_is_in_the_matrix():
    listed = {row.route for row in MATRIX}
    missing = all_routes() - listed
    assert not missing, f"Add these routes to the access matrix: {sorted(missing)}"
    stale = listed - all_routes()
    assert not stale, f"These matrix rows name routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("row", MATRIX, ids=[row.route or "/" for row in MATRIX])
def test_access_matrix(row: Row, cast: Cast, demo_case: Case, admin_objects, client):
    outcomes = []
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        outcomes.append(client.get(row.url(demo_case, cast)).status_code)
    assert tuple(outcomes) == row.expect, f"{WHO} got {tuple(outcomes)}"
