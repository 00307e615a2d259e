"""The session record page, in a fixed number of queries whatever its length."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q

from supervision.actions.models import Action, ActionStatus
from supervision.actions.selectors import snapshot as actions_snapshot
from supervision.agencies.models import Practitioner
from supervision.cases.models import CaseTeamMember, Person
from supervision.domain.session import Spread, scaling_spread
from supervision.domain.wording import missing_whole_family_outcome
from supervision.meetings.models import Invitation, SupervisionSession
from supervision.records.models import (
    Attendance,
    BalancingColumn,
    BalancingItem,
    HighRiskMoment,
    Outcome,
    OutcomeStatus,
    PrinciplesRecord,
    PriorityRisk,
    RecordEdition,
    ReflectiveNote,
    ScalingScore,
    Strength,
    StrengthKind,
    Whose,
)
from supervision.safety.models import OutOfHoursService
from supervision.safety.selectors import snapshot as safety_snapshot


@dataclass(frozen=True)
class StrengthGroup:
    kind: StrengthKind
    strengths: list[Strength]


@dataclass(frozen=True)
class BalancingColumnItems:
    column: BalancingColumn
    items: list[BalancingItem]


@dataclass(frozen=True)
class ScoreCount:
    score: int
    people: int


def _columns(items: list[BalancingItem]) -> list[BalancingColumnItems]:
    """All three columns, always, in their fixed order."""
    return [
        BalancingColumnItems(column, [item for item in items if item.column == column])
        for column in BalancingColumn
    ]


@dataclass(frozen=True)
class RecordPage:
    record: PrinciplesRecord | None
    outcomes: list[Outcome] = field(default_factory=list)
    strength_groups: list[StrengthGroup] = field(default_factory=list)
    risks: list[PriorityRisk] = field(default_factory=list)
    balancing_columns: list[BalancingColumnItems] = field(default_factory=lambda: _columns([]))
    scores: list[ScalingScore] = field(default_factory=list)

    @property
    def balancing_version(self) -> int:
        return self.record.balancing_version if self.record is not None else 0

    @property
    def spread(self) -> Spread:
        """The scaling as a spread (lowest, highest, how many gave each score); no average."""
        return scaling_spread(score.score for score in self.scores)

    @property
    def score_counts(self) -> list[ScoreCount]:
        """How many people gave each score that was given, lowest score first."""
        return [
            ScoreCount(score, people) for score, people in enumerate(self.spread.counts) if people
        ]

    @property
    def version(self) -> int:
        return self.record.version if self.record is not None else 0

    @property
    def missing_whole_family_outcome(self) -> bool:
        return missing_whole_family_outcome(outcome.whose for outcome in self.outcomes)


def record_page(session: SupervisionSession) -> RecordPage:
    record = PrinciplesRecord.objects.filter(session=session).first()
    if record is None:
        return RecordPage(record=None)
    outcomes = list(Outcome.objects.filter(record=record).select_related("person"))
    strengths = list(
        Strength.objects.filter(record=record).prefetch_related(
            Prefetch("people", queryset=Person.objects.order_by("date_of_birth", "pk"))
        )
    )
    risks = list(
        PriorityRisk.objects.filter(record=record)
        .order_by("rank")
        .prefetch_related(Prefetch("moments", queryset=HighRiskMoment.objects.order_by("pk")))
    )
    groups = [
        StrengthGroup(kind, [s for s in strengths if s.kind == kind])
        for kind in StrengthKind
        if any(s.kind == kind for s in strengths)
    ]
    items = list(BalancingItem.objects.filter(record=record).order_by("pk"))
    scores = list(ScalingScore.objects.filter(record=record).order_by("pk"))
    return RecordPage(
        record=record,
        outcomes=outcomes,
        strength_groups=groups,
        risks=risks,
        balancing_columns=_columns(items),
        scores=scores,
    )


def attendance_candidates(session: SupervisionSession) -> list[Practitioner]:
    """Everyone who could have attended: invitees still invited, the case team and the
    person who asked; each once, by name."""
    invited = Invitation.objects.filter(session=session, removed=False).values("practitioner_id")
    team = CaseTeamMember.objects.filter(case_id=session.case_id).values("practitioner_id")
    return list(
        Practitioner.objects.filter(
            Q(pk__in=invited) | Q(pk__in=team) | Q(user_id=session.request.requested_by_id)
        )
        .select_related("user", "agency")
        .order_by("user__full_name", "pk")
    )


def _people_names(people: Iterable[Person]) -> list[str]:
    return [str(person.full_name) for person in people]


def principles_content(session: SupervisionSession) -> dict[str, Any]:
    """The principles part of the record as plain data: what a signed-off version keeps.
    Reflective notes are not part of it (R9)."""
    page = record_page(session)
    record = page.record
    if record is None:
        return {}
    attendees = Attendance.objects.filter(record=record).select_related(
        "practitioner__user", "practitioner__agency"
    )
    return {
        "what_matters": record.what_matters,
        "family_words": record.family_words,
        "outcomes": [
            {
                "whose": outcome.whose,
                "person": outcome.person.full_name if outcome.person else "",
                "text": outcome.text,
                "status": outcome.status,
                "keep_reason": outcome.keep_reason,
            }
            for outcome in page.outcomes
        ],
        "strengths": [
            {
                "kind": strength.kind,
                "text": strength.text,
                "people": _people_names(strength.people.all()),
            }
            for group in page.strength_groups
            for strength in group.strengths
        ],
        "risks": [
            {
                "rank": risk.rank,
                "trying_to_avoid": risk.trying_to_avoid,
                "from_whose_view": risk.from_whose_view,
                "moments": [
                    {
                        "when": moment.when,
                        "where": moment.where,
                        "trigger": moment.trigger,
                        "early_sign": moment.early_sign,
                    }
                    for moment in risk.moments.all()
                ],
            }
            for risk in page.risks
        ],
        "balancing": [
            {"column": item.column, "text": item.text, "raised_by": item.raised_by}
            for group in page.balancing_columns
            for item in group.items
        ],
        "scaling": [
            {"participant": s.participant, "score": s.score, "rationale": s.rationale}
            for s in page.scores
        ],
        "balancing_summary": record.balancing_summary,
        "information_shared": record.information_shared,
        "learning_points": record.learning_points,
        "attendees": [
            {
                "name": a.practitioner.user.full_name,
                "agency": a.practitioner.agency.name_en,
                "agency_cy": a.practitioner.agency.name_cy,
            }
            for a in attendees
        ],
    }


def record_content(session: SupervisionSession) -> dict[str, Any]:
    """The whole record as plain data, as a signed-off version keeps it: the principles,
    the safety plan and the next steps. Never the reflective notes."""
    return {
        "session": {
            "type": session.request.session_type,
            "starts_at": session.starts_at.isoformat(),
            "venue": session.venue,
            "meeting_language": session.meeting_language,
        },
        "principles": principles_content(session),
        "safety_plan": safety_snapshot(session),
        "next_steps": actions_snapshot(session),
    }


@dataclass(frozen=True)
class SummaryPage:
    record: PrinciplesRecord | None
    candidates: list[Practitioner]
    attendees: list[Practitioner]
    actions: list[Action]
    editions: list[RecordEdition]

    @property
    def locked(self) -> bool:
        return self.record is not None and self.record.locked


def summary_page(session: SupervisionSession) -> SummaryPage:
    """The chair summary page, in a fixed number of queries."""
    record = (
        PrinciplesRecord.objects.filter(session=session).select_related("signed_off_by").first()
    )
    attendees: list[Practitioner] = []
    editions: list[RecordEdition] = []
    if record is not None:
        attendees = [
            a.practitioner
            for a in Attendance.objects.filter(record=record).select_related(
                "practitioner__user", "practitioner__agency"
            )
        ]
        editions = list(
            RecordEdition.objects.filter(record=record)
            .select_related("signed_off_by", "reopened_by")
            .order_by("number")
        )
    return SummaryPage(
        record=record,
        candidates=attendance_candidates(session),
        attendees=attendees,
        actions=list(
            Action.objects.filter(record__session=session)
            .select_related("owner__user", "agency")
            .order_by("number")
        ),
        editions=editions,
    )


def reflective_notes(session: SupervisionSession) -> list[ReflectiveNote]:
    """Every note of the session. Callers check `can_read_reflections` first."""
    return list(
        ReflectiveNote.objects.filter(record__session=session)
        .select_related("author")
        .order_by("author__full_name", "pk")
    )


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class EditionContent:
    """A signed-off version's stored content, ready for its page: codes become labels in
    the reader's language and ISO dates become dates. Read-only."""

    def __init__(self, content: dict[str, Any]) -> None:
        self.session = content.get("session", {})
        self.principles = dict(content.get("principles") or {})
        self.safety_plan = dict(content.get("safety_plan") or {})
        self.next_steps = dict(content.get("next_steps") or {})

    @classmethod
    def of(cls, content: dict[str, Any]) -> EditionContent:
        return cls(content)

    @property
    def outcomes(self) -> list[dict[str, Any]]:
        return [
            {
                **o,
                "whose_label": o.get("person") or _label(Whose, o.get("whose")),
                "status_label": _label(OutcomeStatus, o.get("status")),
            }
            for o in self.principles.get("outcomes", [])
        ]

    @property
    def strengths(self) -> list[dict[str, Any]]:
        return [
            {**s, "kind_label": _label(StrengthKind, s.get("kind"))}
            for s in self.principles.get("strengths", [])
        ]

    @property
    def balancing(self) -> list[dict[str, Any]]:
        return [
            {**b, "column_label": _label(BalancingColumn, b.get("column"))}
            for b in self.principles.get("balancing", [])
        ]

    @property
    def shares(self) -> list[dict[str, Any]]:
        shares = (self.safety_plan.get("out_of_hours") or {}).get("shares", [])
        return [
            {
                **s,
                "service_label": s.get("service_name")
                or _label(OutOfHoursService, s.get("service")),
                "shared_on_date": _day(s.get("shared_on")),
            }
            for s in shares
        ]

    @property
    def actions(self) -> list[dict[str, Any]]:
        return [
            {
                **a,
                "due_date": _day(a.get("due")),
                "status_label": _label(ActionStatus, a.get("status")),
            }
            for a in self.next_steps.get("actions", [])
        ]

    @property
    def progress(self) -> list[dict[str, Any]]:
        return [{**p, "due_date": _day(p.get("due"))} for p in self.next_steps.get("progress", [])]

    @property
    def review_date(self) -> date | None:
        return _day(self.next_steps.get("review_date"))
