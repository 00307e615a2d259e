"""The session record page, in a fixed number of queries whatever its length."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from supervision.cases.models import Person
from supervision.domain.session import Spread, scaling_spread
from supervision.domain.wording import missing_whole_family_outcome
from supervision.meetings.models import SupervisionSession
from supervision.records.models import (
    BalancingColumn,
    BalancingItem,
    HighRiskMoment,
    Outcome,
    PrinciplesRecord,
    PriorityRisk,
    ScalingScore,
    Strength,
    StrengthKind,
)


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
