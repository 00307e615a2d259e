"""Every write to the non-working-day table."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from supervision.audit import services as audit
from supervision.audit.models import AuditAction
from supervision.timescales.bank_holidays import england_and_wales_bank_holidays
from supervision.timescales.models import NonWorkingDay, NonWorkingDayKind

if TYPE_CHECKING:
    from supervision.accounts.models import User
    from supervision.agencies.models import Agency


@transaction.atomic
def bank_holidays_seed(*, first_year: int = 2020, last_year: int = 2035) -> int:
    """Store England and Wales bank holidays for the years given; return how many were new.

    Safe to re-run: a date already stored is brought up to date (kind and titles) rather
    than duplicated, and nothing is written when nothing has changed. A local closure day
    that turns out to be a bank holiday becomes a bank holiday for everyone.
    """
    wanted = england_and_wales_bank_holidays(first_year, last_year)
    stored = NonWorkingDay.objects.in_bulk([day for day, _, _ in wanted], field_name="date")
    created = updated = 0
    for day, title_en, title_cy in wanted:
        row = stored.get(day)
        if row is None:
            NonWorkingDay.objects.create(
                date=day, kind=NonWorkingDayKind.BANK_HOLIDAY, title_en=title_en, title_cy=title_cy
            )
            created += 1
        elif (row.kind, row.title_en, row.title_cy, row.agency_id) != (
            NonWorkingDayKind.BANK_HOLIDAY,
            title_en,
            title_cy,
            None,
        ):
            row.kind = NonWorkingDayKind.BANK_HOLIDAY
            row.title_en, row.title_cy, row.agency = title_en, title_cy, None
            row.save(update_fields=["kind", "title_en", "title_cy", "agency"])
            updated += 1
    if created or updated:
        audit.record(
            actor=None,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target_type=NonWorkingDay._meta.label_lower,
            detail={
                "bank_holidays": {"first_year": first_year, "last_year": last_year},
                "created": created,
                "updated": updated,
            },
        )
    return created


@transaction.atomic
def closure_day_add(
    *,
    day: datetime.date,
    title_en: str,
    title_cy: str = "",
    agency: Agency | None = None,
    actor: User | None = None,
) -> NonWorkingDay:
    """Add a local closure day, for everyone or (with ``agency``) for one agency.

    Raises django.core.exceptions.ValidationError if the date is already a non-working day.
    """
    closure = NonWorkingDay(
        date=day,
        kind=NonWorkingDayKind.LOCAL_CLOSURE,
        title_en=title_en,
        title_cy=title_cy,
        agency=agency,
    )
    closure.full_clean()
    closure.save()
    audit.record(actor=actor, action=AuditAction.CREATE, target=closure)
    return closure
