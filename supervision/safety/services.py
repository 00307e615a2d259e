"""Writes to the safety plan. Each is one transaction: it takes the session record's lock
(refused once the record is signed off), makes a new version of the whole plan, and
audits the change."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from supervision.accounts.models import User
from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.meetings.models import SupervisionSession
from supervision.records.models import PriorityRisk
from supervision.records.services import record_for_writing
from supervision.safety.models import (
    OutOfHoursService,
    OutOfHoursShare,
    PlanChange,
    SafetyPlan,
    SafetyPlanItem,
    SafetyPlanVersion,
)
from supervision.safety.selectors import content_of, current_shares_exist


class PlanConflict(Exception):
    """Someone saved the contingency or agreement since the editor loaded the plan.
    Carries the plan as it is saved now."""

    def __init__(self, current: SafetyPlan) -> None:
        super().__init__("The safety plan changed since it was loaded.")
        self.current = current


class OutOfHoursClash(ValueError):
    """ "Not applicable" and "shared with …" cannot both be the out-of-hours answer."""


class SharedOutOfHours(OutOfHoursClash):
    """Refused "not applicable": the plan is recorded as shared with out-of-hours services."""

    def __init__(self) -> None:
        super().__init__("The plan is shared with out-of-hours services.")


class NotApplicableOutOfHours(OutOfHoursClash):
    """Refused a share: the plan says out-of-hours services do not apply."""

    def __init__(self) -> None:
        super().__init__("The plan says out-of-hours services do not apply.")


def _plan_for_writing(session: SupervisionSession) -> SafetyPlan:
    """The session's plan under the record's lock; unsaved (version 0) if there is none yet."""
    record = record_for_writing(session)
    return SafetyPlan.objects.filter(record=record).first() or SafetyPlan(record=record)


def _new_version(plan: SafetyPlan, *, change: PlanChange, by: User) -> SafetyPlanVersion:
    """Move the plan on one version and keep the whole plan as it now stands."""
    plan.version += 1
    plan.updated_by = by
    plan.save()
    return SafetyPlanVersion.objects.create(
        plan=plan, number=plan.version, content=content_of(plan), change=change, saved_by=by
    )


def _required(**values: str) -> dict[str, str]:
    stripped = {name: value.strip() for name, value in values.items()}
    missing = [name for name, value in stripped.items() if not value]
    if missing:
        raise ValueError(f"A safety plan needs: {', '.join(missing)}")
    return stripped


@transaction.atomic
def plan_item_add(
    *,
    session: SupervisionSession,
    who: str,
    what: str,
    where: str,
    when_trigger: str,
    help_route: str,
    risk: PriorityRisk | None,
    by: User,
) -> SafetyPlanItem:
    """Add who does what, where, when or on what trigger, and how to get help (B17)."""
    plan = _plan_for_writing(session)
    if risk is not None and risk.record_id != plan.record_id:
        raise ValueError("The risk must be one of this session's priority risks.")
    text = _required(who=who, what=what, when_trigger=when_trigger, help_route=help_route)
    if plan.pk is None:
        plan.save()
    item = SafetyPlanItem.objects.create(
        plan=plan, where=where.strip(), risk=risk, created_by=by, **text
    )
    _new_version(plan, change=PlanChange.ITEM_ADDED, by=by)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=item,
        case=session.case,
        detail={
            "part": "safety plan item",
            "version": plan.version,
            "risk_rank": risk.rank if risk is not None else None,
        },
    )
    return item


@transaction.atomic
def plan_item_remove(
    *, session: SupervisionSession, item: SafetyPlanItem, by: User
) -> SafetyPlanItem:
    """Take an item off the plan. Its earlier versions keep it; removing twice changes nothing."""
    plan = _plan_for_writing(session)
    if item.plan_id != plan.pk:
        raise ValueError("The item is not on this session's safety plan.")
    item.refresh_from_db()
    if item.removed_at is not None:
        return item
    item.removed_at = timezone.now()
    item.removed_by = by
    item.save(update_fields=["removed_at", "removed_by"])
    _new_version(plan, change=PlanChange.ITEM_REMOVED, by=by)
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        target=item,
        case=session.case,
        detail={"part": "safety plan item", "version": plan.version},
    )
    return item


@transaction.atomic
def plan_details_save(
    *,
    session: SupervisionSession,
    contingency: str,
    agreed_by: str,
    family_owned: bool | None,
    expected_version: int,
    by: User,
) -> SafetyPlan:
    """Save the contingency, who agreed the plan and whether it is family-owned (B18, B19),
    unless they were saved since plan version `expected_version` was loaded."""
    plan = _plan_for_writing(session)
    if plan.details_version > expected_version or expected_version > plan.version:
        raise PlanConflict(plan)
    contingency, agreed_by = contingency.strip(), agreed_by.strip()
    if (plan.contingency, plan.agreed_by, plan.family_owned) == (
        contingency,
        agreed_by,
        family_owned,
    ):
        return plan  # nothing changed, so no new version
    plan.contingency, plan.agreed_by, plan.family_owned = contingency, agreed_by, family_owned
    plan.details_version = plan.version + 1
    _new_version(plan, change=PlanChange.DETAILS_SAVED, by=by)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=plan,
        case=session.case,
        detail={
            "part": "safety plan details",
            "version": plan.version,
            "family_owned": family_owned,
        },
    )
    return plan


@transaction.atomic
def out_of_hours_share_add(
    *,
    session: SupervisionSession,
    service: str,
    service_name: str,
    shared_on: date,
    method: str,
    by: User,
) -> OutOfHoursShare:
    """Record that the plan went to an out-of-hours service, when and how (R19, B20)."""
    if service not in OutOfHoursService.values:
        raise ValueError(f"Unknown out-of-hours service: {service!r}")
    service_name = service_name.strip()
    if service == OutOfHoursService.OTHER and not service_name:
        raise ValueError("Another service needs its name.")
    method = _required(method=method)["method"]
    plan = _plan_for_writing(session)
    if plan.out_of_hours_not_applicable:
        raise NotApplicableOutOfHours
    if plan.pk is None:
        plan.save()
    share = OutOfHoursShare.objects.create(
        plan=plan,
        service=service,
        service_name=service_name,
        shared_on=shared_on,
        method=method,
        created_by=by,
    )
    _new_version(plan, change=PlanChange.SHARE_ADDED, by=by)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target=share,
        case=session.case,
        detail={"part": "out-of-hours share", "service": service, "version": plan.version},
    )
    return share


@transaction.atomic
def out_of_hours_share_remove(
    *, session: SupervisionSession, share: OutOfHoursShare, by: User
) -> OutOfHoursShare:
    """Take a share off the plan (recorded in error); removing twice changes nothing."""
    plan = _plan_for_writing(session)
    if share.plan_id != plan.pk:
        raise ValueError("The share is not on this session's safety plan.")
    share.refresh_from_db()
    if share.removed_at is not None:
        return share
    share.removed_at = timezone.now()
    share.removed_by = by
    share.save(update_fields=["removed_at", "removed_by"])
    _new_version(plan, change=PlanChange.SHARE_REMOVED, by=by)
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        target=share,
        case=session.case,
        detail={"part": "out-of-hours share", "service": share.service, "version": plan.version},
    )
    return share


@transaction.atomic
def out_of_hours_not_applicable_save(
    *, session: SupervisionSession, not_applicable: bool, reason: str, by: User
) -> SafetyPlan:
    """Say the plan needs no out-of-hours services, and why; or withdraw that answer.

    Refused while the plan is recorded as shared with out-of-hours services.
    """
    reason = reason.strip() if not_applicable else ""
    if not_applicable and not reason:
        raise ValueError("Saying out-of-hours services do not apply needs a reason.")
    plan = _plan_for_writing(session)
    if not_applicable and plan.pk is not None and current_shares_exist(plan):
        raise SharedOutOfHours
    if (plan.out_of_hours_not_applicable, plan.out_of_hours_reason) == (not_applicable, reason):
        return plan  # nothing changed, so no new version
    plan.out_of_hours_not_applicable, plan.out_of_hours_reason = not_applicable, reason
    _new_version(
        plan,
        change=(
            PlanChange.NOT_APPLICABLE_SAVED
            if not_applicable
            else PlanChange.NOT_APPLICABLE_WITHDRAWN
        ),
        by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target=plan,
        case=session.case,
        detail={
            "part": "out-of-hours answer",
            "not_applicable": not_applicable,
            "version": plan.version,
        },
    )
    return plan
