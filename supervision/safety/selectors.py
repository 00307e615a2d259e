"""The safety plan as pages and sign-off see it, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from supervision.domain.session import out_of_hours_answer_complete
from supervision.meetings.models import SupervisionSession
from supervision.safety.models import (
    OutOfHoursShare,
    SafetyPlan,
    SafetyPlanItem,
    SafetyPlanVersion,
)


def _current_items(plan: SafetyPlan) -> list[SafetyPlanItem]:
    return list(
        SafetyPlanItem.objects.filter(plan=plan, removed_at__isnull=True)
        .select_related("risk")
        .order_by("pk")
    )


def _current_shares(plan: SafetyPlan) -> list[OutOfHoursShare]:
    return list(
        OutOfHoursShare.objects.filter(plan=plan, removed_at__isnull=True).order_by(
            "shared_on", "pk"
        )
    )


def _answered(plan: SafetyPlan, shares: Iterable[OutOfHoursShare]) -> bool:
    return out_of_hours_answer_complete(
        not_applicable=plan.out_of_hours_not_applicable,
        reason=plan.out_of_hours_reason,
        shares=[(share.shared_on, share.method) for share in shares],
    )


def plan_content(
    plan: SafetyPlan, items: list[SafetyPlanItem], shares: list[OutOfHoursShare]
) -> dict[str, Any]:
    """The whole plan as plain JSON values; the service key stays a key, for any language."""
    return {
        "version": plan.version,
        "items": [
            {
                "who": item.who,
                "what": item.what,
                "where": item.where,
                "when_trigger": item.when_trigger,
                "help_route": item.help_route,
                "risk_rank": item.risk_rank,
            }
            for item in items
        ],
        "contingency": plan.contingency,
        "agreed_by": plan.agreed_by,
        "family_owned": plan.family_owned,
        "out_of_hours": {
            "not_applicable": plan.out_of_hours_not_applicable,
            "reason": plan.out_of_hours_reason,
            "shares": [
                {
                    "service": share.service,
                    "service_name": share.service_name,
                    "shared_on": share.shared_on.isoformat(),
                    "method": share.method,
                }
                for share in shares
            ],
            "answered": _answered(plan, shares),
        },
    }


def content_of(plan: SafetyPlan) -> dict[str, Any]:
    """The plan's current content, read from the database (two queries)."""
    return plan_content(plan, _current_items(plan), _current_shares(plan))


def current_shares_exist(plan: SafetyPlan) -> bool:
    return OutOfHoursShare.objects.filter(plan=plan, removed_at__isnull=True).exists()


def _plan(session: SupervisionSession) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(record__session=session).first()


def out_of_hours_answered(session: SupervisionSession) -> bool:
    """Whether the plan says it is available to out-of-hours services (shared, each with a
    date and method) or why that does not apply (R19). False when there is no plan."""
    plan = _plan(session)
    if plan is None:
        return False
    return _answered(plan, _current_shares(plan))


def snapshot(session: SupervisionSession) -> dict[str, Any]:
    """The current plan as JSON-serialisable content (as its latest version keeps it);
    an empty dict when there is no plan."""
    plan = _plan(session)
    if plan is None:
        return {}
    return content_of(plan)


@dataclass(frozen=True)
class PlanPage:
    plan: SafetyPlan | None
    items: list[SafetyPlanItem] = field(default_factory=list)
    shares: list[OutOfHoursShare] = field(default_factory=list)
    versions: list[SafetyPlanVersion] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.plan.version if self.plan is not None else 0

    @property
    def not_applicable(self) -> bool:
        return self.plan is not None and self.plan.out_of_hours_not_applicable

    @property
    def out_of_hours_answered(self) -> bool:
        return self.plan is not None and _answered(self.plan, self.shares)


def plan_page(session: SupervisionSession) -> PlanPage:
    """The plan, its current items and shares, and every version (newest first)."""
    plan = _plan(session)
    if plan is None:
        return PlanPage(plan=None)
    versions = list(
        SafetyPlanVersion.objects.filter(plan=plan)
        .select_related("saved_by")
        .defer("content")
        .order_by("-number")
    )
    return PlanPage(
        plan=plan,
        items=_current_items(plan),
        shares=_current_shares(plan),
        versions=versions,
    )


def current_version(session: SupervisionSession) -> int:
    found = SafetyPlan.objects.filter(record__session=session).values_list("version", flat=True)
    return found.first() or 0


def plan_version(session: SupervisionSession, number: int) -> SafetyPlanVersion | None:
    return (
        SafetyPlanVersion.objects.filter(plan__record__session=session, number=number)
        .select_related("saved_by")
        .first()
    )
