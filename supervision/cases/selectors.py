"""Queries that shape case pages. Each runs a fixed number of queries whatever the size."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from supervision.accounts.models import User
from supervision.audit.models import AuditAction, AuditEvent
from supervision.cases.access import break_glass_grants_to_review
from supervision.cases.models import (
    BreakGlassGrant,
    Case,
    CaseTeamMember,
    Involvement,
    Person,
    TeamRole,
)

MY_CASES_PER_PAGE = 25
AUDIT_PER_PAGE = 50
REVIEWS_PER_PAGE = 20


def my_cases(user: User, *, page: int | str | None = 1) -> Page[Case]:
    cases = (
        Case.objects.visible_to(user)
        .select_related("local_authority")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=Person.objects.filter(role__in=Person.CHILD_ROLES).order_by(
                    "date_of_birth", "pk"
                ),
                to_attr="children",
            ),
            Prefetch(
                "team",
                queryset=CaseTeamMember.objects.filter(role=TeamRole.SOCIAL_WORKER).select_related(
                    "practitioner__user"
                ),
                to_attr="social_workers",
            ),
        )
        .order_by("family_name", "reference")
    )
    return Paginator(cases, MY_CASES_PER_PAGE).get_page(page)


@dataclass(frozen=True)
class CasePage:
    case: Case
    people: list[Person]
    team: list[CaseTeamMember]
    current: list[Involvement]
    previous: list[Involvement]


def case_page(case: Case) -> CasePage:
    # The children first (youngest last), then the adults.
    people = sorted(
        case.people.order_by("date_of_birth", "pk"),
        key=lambda person: (not person.is_child, person.role != "subject_child"),
    )
    team = list(
        case.team.select_related("practitioner__user", "practitioner__agency").order_by(
            "role", "practitioner__user__full_name"
        )
    )
    involvements = list(
        case.involvements.select_related("agency", "practitioner__user")
        .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("pk")))
        .order_by("agency__name_en", "start_date")
    )
    return CasePage(
        case=case,
        people=people,
        team=team,
        current=[i for i in involvements if i.status == Involvement.Status.CURRENT],
        previous=[i for i in involvements if i.status == Involvement.Status.PREVIOUS],
    )


def case_views(case: Case, *, page: int | str | None = 1) -> Page[AuditEvent]:
    views: QuerySet[AuditEvent] = (
        AuditEvent.objects.filter(case=case, action=AuditAction.VIEW)
        .select_related("actor__practitioner__agency")
        .order_by("-occurred_at", "-id")
    )
    return Paginator(views, AUDIT_PER_PAGE).get_page(page)


def break_glass_reviews(user: User, *, page: int | str | None = 1) -> Page[BreakGlassGrant]:
    """Emergency access waiting for review, oldest first, with how many times the case was
    read under each grant. Carries the case's reference only (`case_reference`), never the
    case: no family name can reach the page. Three queries: count, page, nothing per row."""
    reads_under_grant = (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW,
            actor=OuterRef("user"),
            case=OuterRef("case"),
            occurred_at__gte=OuterRef("granted_at"),
            occurred_at__lte=OuterRef("expires_at"),
            detail__basis="break-glass",
        )
        .order_by()
        .values("case")
        .annotate(reads=Count("pk"))
        .values("reads")
    )
    grants: QuerySet[BreakGlassGrant] = (
        break_glass_grants_to_review(user)
        .select_related("user__practitioner__agency")
        .annotate(
            case_reference=F("case__reference"),
            reads=Coalesce(Subquery(reads_under_grant), Value(0)),
        )
        .order_by("granted_at", "pk")
    )
    return Paginator(grants, REVIEWS_PER_PAGE).get_page(page)
