"""Writes to cases: who may see a restricted case, conflict-of-interest exclusions,
emergency (break-glass) access and its review. Loading the fictional demonstration case
lives here too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from supervision.accounts.models import Role, User, UserRole
from supervision.agencies.models import Agency, Language, Practitioner
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.cases.access import (
    Refusal,
    break_glass_decision,
    can_manage_access,
    can_review_grant,
)
from supervision.cases.models import (
    BreakGlassGrant,
    Case,
    CaseExclusion,
    CaseTeamMember,
    EngagementStatus,
    Household,
    Involvement,
    Person,
    RestrictedCaseMember,
    TeamRole,
)
from supervision.notifications.services import email_queue

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


# --- Restricted cases and conflict-of-interest exclusions --------------------------------


def _may_manage(by: User, case: Case) -> None:
    if not can_manage_access(by, case):
        raise PermissionDenied


def _name(*, case: Case, user: User, reason: str, by: User) -> RestrictedCaseMember:
    member, created = RestrictedCaseMember.objects.get_or_create(
        case=case, user=user, defaults={"reason": reason.strip(), "added_by": by}
    )
    if created:
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target=member,
            case=case,
            detail={"part": "restriction", "user": user.pk},
        )
    return member


@transaction.atomic
def case_restrict(*, case: Case, by: User) -> Case:
    """Restrict the case to the people named on it. The case's social worker is named at
    once, so that the case holder keeps their own case (an exclusion still wins)."""
    _may_manage(by, case)
    Case.objects.filter(pk=case.pk).update(restricted=True)
    case.restricted = True
    social_workers = CaseTeamMember.objects.filter(
        case=case, role=TeamRole.SOCIAL_WORKER
    ).select_related("practitioner__user")
    for member in social_workers:
        _name(case=case, user=member.practitioner.user, reason="", by=by)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=case,
        case=case,
        detail={"part": "restriction", "restricted": True},
    )
    return case


@transaction.atomic
def case_unrestrict(*, case: Case, by: User) -> Case:
    """Lift the restriction: the usual rules apply again, and the list of named people is
    cleared (so restricting the case again starts from its social worker)."""
    _may_manage(by, case)
    Case.objects.filter(pk=case.pk).update(restricted=False)
    case.restricted = False
    for member in RestrictedCaseMember.objects.filter(case=case):
        _unname(member=member, by=by)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=case,
        case=case,
        detail={"part": "restriction", "restricted": False},
    )
    return case


@transaction.atomic
def restricted_member_add(*, case: Case, user: User, reason: str, by: User) -> RestrictedCaseMember:
    """Name a person on a restricted case. Naming someone grants nothing by itself: they
    still need to be on an involvement or the case team to open it."""
    _may_manage(by, case)
    return _name(case=case, user=user, reason=reason, by=by)


def _unname(*, member: RestrictedCaseMember, by: User) -> None:
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        target=member,
        case=member.case,
        detail={"part": "restriction", "user": member.user_id},
    )
    member.delete()


@transaction.atomic
def restricted_member_remove(*, member: RestrictedCaseMember, by: User) -> None:
    _may_manage(by, member.case)
    _unname(member=member, by=by)


@transaction.atomic
def case_exclusion_add(*, case: Case, user: User, reason: str, by: User) -> CaseExclusion:
    """Record a conflict of interest: `user` may not see the case from the next request,
    whatever else holds (their involvement, the case team, an emergency grant)."""
    _may_manage(by, case)
    exclusion, created = CaseExclusion.objects.get_or_create(
        case=case, user=user, defaults={"reason": reason.strip(), "recorded_by": by}
    )
    if created:
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target=exclusion,
            case=case,
            detail={"part": "exclusion", "user": user.pk},
        )
    return exclusion


@transaction.atomic
def case_exclusion_remove(*, exclusion: CaseExclusion, by: User) -> None:
    _may_manage(by, exclusion.case)
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        target=exclusion,
        case=exclusion.case,
        detail={"part": "exclusion", "user": exclusion.user_id},
    )
    exclusion.delete()


# --- Emergency (break-glass) access ------------------------------------------------------


class WrongPassword(Exception):
    """The password given to confirm emergency access is not the user's."""


class BreakGlassRefused(Exception):
    """Emergency access cannot be given. Deliberately says nothing more."""


class AlreadyHasAccess(Exception):
    """The user is on the case already: no emergency access is needed."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


class AlreadyReviewed(Exception):
    """Someone else recorded the review first."""


def break_glass_duration() -> timedelta:
    """How long a grant lasts: settings.BREAK_GLASS_HOURS, 4 hours unless set."""
    return timedelta(hours=getattr(settings, "BREAK_GLASS_HOURS", 4))


def break_glass_open(
    *, user: User, reference: str, reason_code: str, reason: str, password: str
) -> BreakGlassGrant:
    """Give `user` emergency access to a case they cannot otherwise see, for
    break_glass_duration(): re-authenticated by their password, with a reason, the case's
    social worker emailed at once, and the grant waiting for a second person's review.

    A wrong password or a refusal is audited (outside any transaction, so the row stays)
    and raised; a refusal says nothing about why (see access.break_glass_decision).
    """
    if not user.check_password(password):
        audit.record(
            actor=user,
            action=AuditAction.LOGIN_FAILED,
            target_type=BreakGlassGrant._meta.label_lower,
            detail={"part": "break-glass password"},
        )
        raise WrongPassword
    decision = break_glass_decision(user, reference)
    if decision.case is not None and decision.refusal is None:
        on_case = decision.case.involvements.filter(practitioner__user=user).exists() or (
            decision.case.team.filter(practitioner__user=user).exists()
        )
        if on_case:
            raise AlreadyHasAccess(decision.case)
    if not decision.allowed or decision.case is None:
        refusal = decision.refusal or Refusal.NOT_FOUND
        audit.record(
            actor=user,
            action=AuditAction.SHARE,
            target_type=BreakGlassGrant._meta.label_lower,
            case=decision.case,
            detail={"part": "break-glass", "outcome": "refused", "refusal": refusal.value},
        )
        raise BreakGlassRefused
    return _grant(case=decision.case, user=user, reason_code=reason_code, reason=reason)


@transaction.atomic
def _grant(*, case: Case, user: User, reason_code: str, reason: str) -> BreakGlassGrant:
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        case=case,
        user=user,
        reason_code=BreakGlassGrant.ReasonCode(reason_code),
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + break_glass_duration(),
    )
    audit.record(
        actor=user,
        action=AuditAction.SHARE,
        target=grant,
        case=case,
        detail={"part": "break-glass", "outcome": "granted", "reason_code": grant.reason_code},
    )
    social_workers = CaseTeamMember.objects.filter(
        case=case, role=TeamRole.SOCIAL_WORKER
    ).select_related("practitioner__user")
    for member in social_workers:
        _alert_social_worker(member.practitioner, grant)
    return grant


def _alert_social_worker(practitioner: Practitioner, grant: BreakGlassGrant) -> None:
    """Email the case holder at once: a link to "who has viewed this record", no names."""
    language = str(practitioner.preferred_language or "en")
    with translation.override(language):
        link = str(settings.SITE_URL).rstrip("/") + reverse(
            "cases:views_log", kwargs={"reference": grant.case.reference}
        )
        context = {"link": link, "hours": int(break_glass_duration().total_seconds() // 3600)}
        subject = render_to_string("cases/email/break_glass_subject.txt", context)
        body = render_to_string("cases/email/break_glass_body.txt", context)
    email_queue(
        to=practitioner.user.email,
        subject=subject,
        body=body,
        kind="break_glass",
        language=language,
        case=grant.case,
        related=grant,
    )


@transaction.atomic
def break_glass_review(
    *, grant: BreakGlassGrant, outcome: str, note: str, by: User
) -> BreakGlassGrant:
    """A second person records whether the emergency access was justified."""
    if not can_review_grant(by, grant):
        raise PermissionDenied
    locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.reviewed_at is not None:
        raise AlreadyReviewed
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.review_outcome = BreakGlassGrant.Outcome(outcome)
    locked.review_note = note.strip()
    locked.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=locked,
        case=locked.case,
        detail={"part": "break-glass review", "outcome": locked.review_outcome},
    )
    return locked
