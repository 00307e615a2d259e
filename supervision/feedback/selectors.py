"""Queries that shape the feedback pages: a fixed number whatever the number of answers.

The results never carry the author: answers are read as plain values, shuffled, so nothing
on the page follows the order people attended or answered in.
"""

from __future__ import annotations

from dataclasses import dataclass

from supervision.accounts.models import User
from supervision.domain.quality import bar_length, percentage, rating_counts
from supervision.feedback.models import Feedback, FeedbackRequest
from supervision.meetings.models import SupervisionSession

#: The longest bar of a chart, in the chart's own units.
BAR_FULL = 300


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: what it stands for, its value as shown, and its length."""

    label: str
    value: int
    text: str
    length: int


@dataclass(frozen=True)
class Answer:
    useful: str
    better: str
    rating: int | None


@dataclass(frozen=True)
class Results:
    asked: int
    answers: list[Answer]
    ratings: list[Bar]

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def rated(self) -> int:
        return sum(bar.value for bar in self.ratings)

    @property
    def percent_answered(self) -> int | None:
        return percentage(self.answered, self.asked)


def rating_bars(ratings: list[int | None]) -> list[Bar]:
    counts = rating_counts(ratings)
    largest = max(counts.values())
    return [
        Bar(
            label=str(rating),
            value=count,
            text=str(count),
            length=bar_length(count, largest, BAR_FULL),
        )
        for rating, count in counts.items()
    ]


def results(session: SupervisionSession) -> Results:
    """How many were asked, every answer (in random order, without names) and the ratings.

    Two queries.
    """
    asked = FeedbackRequest.objects.filter(session=session).count()
    rows = (
        Feedback.objects.filter(session=session)
        .order_by("?")
        .values_list("useful", "better", "rating")
    )
    answers = [Answer(useful, better, rating) for useful, better, rating in rows]
    return Results(asked=asked, answers=answers, ratings=rating_bars([a.rating for a in answers]))


def own_answer(session: SupervisionSession, user: User) -> Feedback | None:
    """The answer the user gave, shown back to them alone."""
    return Feedback.objects.filter(session=session, author=user).first()
