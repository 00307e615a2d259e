"""Build the pure working-day calendar from the days we store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from supervision.domain.calendar import WorkingCalendar
from supervision.timescales.models import NonWorkingDay

if TYPE_CHECKING:
    from supervision.agencies.models import Agency


def working_calendar(*, agency: Agency | None = None) -> WorkingCalendar:
    """The calendar for statutory and agreed timescales, in one query.

    Bank holidays and closure days with no agency always count. Pass ``agency`` to add
    that agency's own closure days as well.
    """
    applies = Q(agency__isnull=True)
    if agency is not None:
        applies |= Q(agency=agency)
    days = NonWorkingDay.objects.filter(applies).values_list("date", flat=True)
    return WorkingCalendar.from_dates(days)
