"""Queries that shape the review page: where we wanted to be at the last session, where
we are now, and what became of its actions. A fixed number of queries whatever the number
of actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from supervision.actions.models import Action, ActionStatus
from supervision.actions.selectors import PROGRESS_MONTHS, is_overdue
from supervision.followup.models import ProgressCheck, ReviewLink
from supervision.meetings.models import SupervisionSession
from supervision.records.models import RecordEdition
from supervision.records.selectors import EditionContent


@dataclass(frozen=True)
class PointComparison:
    """One progress point: as agreed at the last session, next to where we are now."""

    months: int
    wanted: dict[str, Any] | None  # target, due_date, monitored_by, how (signed off)
    check: ProgressCheck | None

    @property
    def version(self) -> int:
        return self.check.version if self.check is not None else 0


@dataclass(frozen=True)
class PreviousAction:
    """An action of the last session as it stands now (the live row, not the snapshot)."""

    action: Action
    overdue: bool

    @property
    def is_done(self) -> bool:
        return self.action.status == ActionStatus.DONE


@dataclass(frozen=True)
class ComparePage:
    review: ReviewLink
    held_on: date
    edition: RecordEdition | None
    points: list[PointComparison] = field(default_factory=list)
    actions: list[PreviousAction] = field(default_factory=list)

    @property
    def previous_session(self) -> SupervisionSession:
        return self.review.previous_session


def compare_page(review: ReviewLink, *, today: date | None = None) -> ComparePage:
    """The review page of `review`; actions open past their due date on `today` (the local
    date by default) are overdue."""
    today = today or timezone.localdate()
    previous = review.previous_session
    edition = RecordEdition.objects.filter(record__session=previous).order_by("-number").first()
    wanted: dict[int, dict[str, Any]] = {}
    if edition is not None:
        for point in EditionContent(edition.content).progress:
            if point.get("months") in PROGRESS_MONTHS:
                wanted[int(point["months"])] = point
    checks = {
        check.months: check
        for check in ProgressCheck.objects.filter(review=review).select_related("updated_by")
    }
    actions = (
        Action.objects.filter(record__session=previous)
        .select_related("owner__user", "agency")
        .order_by("number")
    )
    return ComparePage(
        review=review,
        held_on=timezone.localdate(previous.starts_at),
        edition=edition,
        points=[
            PointComparison(months, wanted.get(months), checks.get(months))
            for months in PROGRESS_MONTHS
        ],
        actions=[PreviousAction(action, is_overdue(action, today)) for action in actions],
    )


def review_of_session(session: SupervisionSession) -> ReviewLink | None:
    """The review started from `session`, if there is one."""
    return ReviewLink.objects.select_related("new_request").filter(previous_session=session).first()
