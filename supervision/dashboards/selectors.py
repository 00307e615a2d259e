"""Queries that shape the dashboards. Each page runs a fixed number of queries whatever the
number of sessions, actions or answers.

The quality figures are computed from plain values (dates, counts, codes): no person and no
case is loaded for them, so none can reach the page or the CSV.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supervision.accounts.models import User
from supervision.actions.models import Action, ActionStatus
from supervision.agencies.models import Agency
from supervision.artefacts.models import Artefact, ArtefactKind
from supervision.cases.models import Case
from supervision.domain.calendar import WorkingCalendar
from supervision.domain.deadlines import DeadlineState, artefact_deadlines, deadline_state
from supervision.domain.quality import (
    Granularity,
    Period,
    Spread,
    Tally,
    bar_length,
    percentage,
    period_index,
    periods_between,
    reason_counts,
    spread,
    tally,
)
from supervision.feedback.models import Feedback, FeedbackRequest
from supervision.feedback.selectors import BAR_FULL, Bar, rating_bars
from supervision.meetings.models import (
    Reason,
    SessionStatus,
    SupervisionRequest,
    SupervisionSession,
)
from supervision.timescales.calendars import working_calendar

ROWS_PER_PAGE = 25
T = TypeVar("T")


# --- Sessions and their artefact deadlines ----------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due: date
    state: DeadlineState


@dataclass(frozen=True)
class SessionRow:
    """A session with its actions and minutes deadlines (none for a cancelled session)."""

    session: SupervisionSession
    held_on: date
    actions: Deadline | None
    minutes: Deadline | None


def _with_distribution(sessions: QuerySet[SupervisionSession]) -> QuerySet[SupervisionSession]:
    """Each session with when its actions and its minutes first went out (or None)."""
    sent = Artefact.objects.filter(session=OuterRef("pk"), distributed_at__isnull=False)
    return sessions.annotate(
        actions_sent_at=Subquery(
            sent.filter(kind=ArtefactKind.ACTIONS).values("distributed_at")[:1]
        ),
        minutes_sent_at=Subquery(
            sent.filter(kind=ArtefactKind.MINUTES).values("distributed_at")[:1]
        ),
    )


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def session_row(
    session: SupervisionSession, *, today: date, calendar: WorkingCalendar
) -> SessionRow:
    """The deadlines of a session annotated by `_with_distribution`."""
    held_on = timezone.localdate(session.starts_at)
    if session.status == SessionStatus.CANCELLED:
        return SessionRow(session, held_on, None, None)
    due = artefact_deadlines(held_on, calendar)
    actions_on = _local_day(getattr(session, "actions_sent_at", None))
    minutes_on = _local_day(getattr(session, "minutes_sent_at", None))
    return SessionRow(
        session,
        held_on,
        Deadline(
            due.actions_due,
            deadline_state(due=due.actions_due, today=today, done_on=actions_on, calendar=calendar),
        ),
        Deadline(
            due.minutes_due,
            deadline_state(due=due.minutes_due, today=today, done_on=minutes_on, calendar=calendar),
        ),
    )


@dataclass(frozen=True)
class Rows(Generic[T]):
    """One page of rows, with the paginator's page for the page links."""

    rows: list[T]
    page: Page[Any]


def _session_rows(
    sessions: QuerySet[SupervisionSession], page: int | str | None, *, today: date
) -> Rows[SessionRow]:
    found = Paginator(sessions, ROWS_PER_PAGE).get_page(page)
    calendar = working_calendar()
    rows = [session_row(session, today=today, calendar=calendar) for session in found]
    return Rows(rows, found)


def oversight_sessions(
    sessions: QuerySet[SupervisionSession], *, today: date, page: int | str | None
) -> Rows[SessionRow]:
    """Sessions for chairs and safeguarding leads, the latest first."""
    shown = (
        _with_distribution(sessions).select_related("request", "case").order_by("-starts_at", "-pk")
    )
    return _session_rows(shown, page, today=today)


# --- My dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    action: Action
    overdue: bool


@dataclass(frozen=True)
class MyDashboard:
    actions: Rows[ActionRow]
    chaired: Rows[SessionRow]


def my_dashboard(
    user: User,
    *,
    today: date,
    actions_page: int | str | None = 1,
    sessions_page: int | str | None = 1,
) -> MyDashboard:
    """The user's open actions, in cases they can open, soonest due first; and the
    sessions they chair with a deadline still to meet (actions or minutes not yet sent)."""
    visible = Case.objects.visible_to(user).values("pk")
    actions = (
        Action.objects.filter(
            owner__user=user, status=ActionStatus.OPEN, record__session__case__in=visible
        )
        .select_related("record__session__case", "record__session__request")
        .order_by("due_date", "pk")
    )
    found = Paginator(actions, ROWS_PER_PAGE).get_page(actions_page)
    action_rows = [ActionRow(action, action.due_date < today) for action in found]
    chaired = (
        _with_distribution(
            SupervisionSession.objects.filter(request__chair=user, case__in=visible).exclude(
                status=SessionStatus.CANCELLED
            )
        )
        .filter(Q(actions_sent_at__isnull=True) | Q(minutes_sent_at__isnull=True))
        .select_related("request", "case")
        .order_by("starts_at", "pk")
    )
    return MyDashboard(
        actions=Rows(action_rows, found),
        chaired=_session_rows(chaired, sessions_page, today=today),
    )


# --- The quality officer's figures ------------------------------------------------------


@dataclass(frozen=True)
class QualityFilter:
    granularity: Granularity
    first_month: date
    last_month: date
    agency: Agency | None = None

    @property
    def periods(self) -> list[Period]:
        return periods_between(self.first_month, self.last_month, self.granularity)


@dataclass(frozen=True)
class PeriodFigures:
    """The figures of one period, or of the whole range (`period` None)."""

    period: Period | None
    label: str
    sessions: int
    actions_sent: Tally
    minutes_sent: Tally
    actions_done: Tally
    asked: int
    answered: int
    waits: Spread
    requests: int

    @property
    def key(self) -> str:
        return self.period.key if self.period is not None else ""

    @property
    def percent_answered(self) -> int | None:
        return percentage(self.answered, self.asked)


@dataclass(frozen=True)
class TallyRow:
    label: str
    tally: Tally


@dataclass(frozen=True)
class QualityFigures:
    filter: QualityFilter
    rows: list[PeriodFigures]
    total: PeriodFigures
    ratings: list[Bar]
    reasons: list[Bar]
    rating_total: int = 0
    charts: dict[str, list[Bar]] = field(default_factory=dict)

    @property
    def every_row(self) -> list[PeriodFigures]:
        """Each period, then the whole range."""
        return [*self.rows, self.total]

    def _tallies(self, attribute: str) -> list[TallyRow]:
        return [TallyRow(row.label, getattr(row, attribute)) for row in self.every_row]

    @property
    def actions_sent_rows(self) -> list[TallyRow]:
        return self._tallies("actions_sent")

    @property
    def minutes_sent_rows(self) -> list[TallyRow]:
        return self._tallies("minutes_sent")

    @property
    def actions_done_rows(self) -> list[TallyRow]:
        return self._tallies("actions_done")


def period_label(period: Period) -> str:
    if period.granularity is Granularity.QUARTER:
        return _("%(first)s to %(last)s %(year)s") % {
            "first": date_format(period.start, "F"),
            "last": date_format(period.end, "F"),
            "year": period.end.year,
        }
    return date_format(period.start, "F Y")


def _percent_text(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def _number_text(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _count_bars(labels: list[str], values: list[int]) -> list[Bar]:
    largest = max(values, default=0)
    return [
        Bar(label, value, str(value), bar_length(value, largest, BAR_FULL))
        for label, value in zip(labels, values, strict=True)
    ]


def _percent_bars(labels: list[str], values: list[int | None]) -> list[Bar]:
    return [
        Bar(label, value or 0, _percent_text(value), bar_length(value, 100, BAR_FULL))
        for label, value in zip(labels, values, strict=True)
    ]


def _median_bars(labels: list[str], values: list[float | None]) -> list[Bar]:
    largest = max((value for value in values if value is not None), default=0)
    return [
        Bar(label, round(value or 0), _number_text(value), bar_length(value, largest, BAR_FULL))
        for label, value in zip(labels, values, strict=True)
    ]


def _bucket(
    items: Iterable[tuple[date, T]], periods: list[Period]
) -> tuple[list[list[T]], list[T]]:
    """Items by the period their day falls in, and all of them (days outside are dropped)."""
    buckets: list[list[T]] = [[] for _period in periods]
    everything: list[T] = []
    for day, item in items:
        index = period_index(day, periods)
        if index is not None:
            buckets[index].append(item)
            everything.append(item)
    return buckets, everything


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def quality_figures(choice: QualityFilter, *, today: date) -> QualityFigures:
    """The board's figures for the chosen periods and requesting agency, as things stand on
    `today`. Seven queries.

    Sessions count by the day they were held (cancelled ones and those still to come are
    left out); their actions and minutes deadlines, their actions and their feedback count
    in the same period. Requests count by the day they were made.
    """
    periods = choice.periods
    start, end = periods[0].start, min(periods[-1].end, today)
    calendar = working_calendar()
    sessions = SupervisionSession.objects.filter(
        starts_at__gte=_aware(start), starts_at__lt=_aware(end + timedelta(days=1))
    ).exclude(status=SessionStatus.CANCELLED)
    requests = SupervisionRequest.objects.filter(requested_on__gte=start, requested_on__lte=end)
    if choice.agency is not None:
        sessions = sessions.filter(request__requester_agency=choice.agency)
        requests = requests.filter(requester_agency=choice.agency)
    chosen = sessions.values("pk")

    session_values = list(sessions.values_list("pk", "starts_at", "request__requested_on"))
    sent_on: dict[tuple[int, str], date] = {
        (session_id, kind): timezone.localdate(distributed_at)
        for session_id, kind, distributed_at in Artefact.objects.filter(
            session__in=chosen, distributed_at__isnull=False
        ).values_list("session_id", "kind", "distributed_at")
        if distributed_at is not None
    }
    action_values = list(
        Action.objects.filter(record__session__in=chosen).values_list(
            "record__session__starts_at", "due_date", "done_at"
        )
    )
    asked_values = list(
        FeedbackRequest.objects.filter(session__in=chosen).values_list(
            "session__starts_at", flat=True
        )
    )
    answer_values = list(
        Feedback.objects.filter(session__in=chosen).values_list("session__starts_at", "rating")
    )
    request_values = list(requests.values_list("requested_on", "reasons"))

    # Each held session: its deadlines as (due, sent on) and its wait in days.
    held: list[tuple[date, tuple[date, date | None], tuple[date, date | None], int]] = []
    for session_id, starts_at, requested_on in session_values:
        held_on = timezone.localdate(starts_at)
        due = artefact_deadlines(held_on, calendar)
        held.append(
            (
                held_on,
                (due.actions_due, sent_on.get((session_id, ArtefactKind.ACTIONS.value))),
                (due.minutes_due, sent_on.get((session_id, ArtefactKind.MINUTES.value))),
                (held_on - requested_on).days,
            )
        )
    by_session, all_sessions = _bucket(((row[0], row) for row in held), periods)
    by_action, all_actions = _bucket(
        (
            (timezone.localdate(starts_at), (due_date, _local_day(done_at)))
            for starts_at, due_date, done_at in action_values
        ),
        periods,
    )
    by_asked, all_asked = _bucket(((timezone.localdate(at), 1) for at in asked_values), periods)
    by_answer, all_answers = _bucket(
        ((timezone.localdate(at), rating) for at, rating in answer_values), periods
    )
    by_request, all_requests = _bucket(
        ((requested_on, reasons) for requested_on, reasons in request_values), periods
    )

    def figures(
        period: Period | None,
        label: str,
        session_rows: list[tuple[date, tuple[date, date | None], tuple[date, date | None], int]],
        actions: list[tuple[date, date | None]],
        asked: list[int],
        answers: list[int | None],
        made: list[list[str]],
    ) -> PeriodFigures:
        return PeriodFigures(
            period=period,
            label=label,
            sessions=len(session_rows),
            actions_sent=tally((row[1] for row in session_rows), today=today),
            minutes_sent=tally((row[2] for row in session_rows), today=today),
            actions_done=tally(actions, today=today),
            asked=len(asked),
            answered=len(answers),
            waits=spread(row[3] for row in session_rows),
            requests=len(made),
        )

    rows = [
        figures(
            period,
            period_label(period),
            by_session[index],
            by_action[index],
            by_asked[index],
            by_answer[index],
            by_request[index],
        )
        for index, period in enumerate(periods)
    ]
    total = figures(
        None, _("All periods"), all_sessions, all_actions, all_asked, all_answers, all_requests
    )
    counts = reason_counts(all_requests, Reason.values)
    reasons = _count_bars([str(Reason(code).label) for code in counts], list(counts.values()))
    ratings = rating_bars(all_answers)
    labels = [row.label for row in rows]
    charts = {
        "sessions": _count_bars(labels, [row.sessions for row in rows]),
        "actions_sent": _percent_bars(labels, [row.actions_sent.percent_on_time for row in rows]),
        "minutes_sent": _percent_bars(labels, [row.minutes_sent.percent_on_time for row in rows]),
        "actions_done": _percent_bars(labels, [row.actions_done.percent_on_time for row in rows]),
        "answered": _count_bars(labels, [row.answered for row in rows]),
        "waits": _median_bars(labels, [row.waits.median for row in rows]),
        "requests": _count_bars(labels, [row.requests for row in rows]),
    }
    return QualityFigures(
        filter=choice,
        rows=rows,
        total=total,
        ratings=ratings,
        reasons=reasons,
        rating_total=sum(bar.value for bar in ratings),
        charts=charts,
    )


def agencies() -> list[Agency]:
    """Every agency, for the filter: agencies are organisations, not people."""
    return list(Agency.objects.order_by("name_en", "pk"))


# --- The figures as CSV -------------------------------------------------------------


def _tally_rows(figure: str, key: str, counted: Tally) -> list[list[object]]:
    percent = counted.percent_on_time
    return [
        [figure, key, _("On time"), counted.on_time],
        [figure, key, _("Late"), counted.late],
        [figure, key, _("Not due yet"), counted.not_due_yet],
        [figure, key, _("Percentage on time"), "" if percent is None else percent],
    ]


def _number(value: float | None) -> object:
    return "" if value is None else f"{value:g}"


def csv_rows(figures: QualityFigures) -> list[list[object]]:
    """The figures as (figure, period, measure, value) rows, the same as on the page."""
    rows: list[list[object]] = [[_("Figure"), _("Period"), _("Measure"), _("Value")]]
    row: PeriodFigures
    for row in [*figures.rows, figures.total]:
        key = row.key or _("All periods")
        rows.append([_("Sessions held"), key, _("Sessions"), row.sessions])
        rows += _tally_rows(_("Actions sent within 2 working days"), key, row.actions_sent)
        rows += _tally_rows(_("Minutes sent within 20 working days"), key, row.minutes_sent)
        rows += _tally_rows(_("Actions done by their due date"), key, row.actions_done)
        rows.append([_("Feedback"), key, _("Attendees asked"), row.asked])
        rows.append([_("Feedback"), key, _("Answers"), row.answered])
        waits = row.waits
        wait = _("Days from request to session")
        rows.append([wait, key, _("Sessions"), waits.count])
        rows.append([wait, key, _("Median"), _number(waits.median)])
        rows.append([wait, key, _("Shortest"), _number(waits.shortest)])
        rows.append([wait, key, _("Longest"), _number(waits.longest)])
        rows.append([_("Requests"), key, _("Requests"), row.requests])
    every = _("All periods")
    rows += [[_("Feedback ratings"), every, bar.label, bar.value] for bar in figures.ratings]
    rows += [[_("Requests by reason"), every, bar.label, bar.value] for bar in figures.reasons]
    return rows
