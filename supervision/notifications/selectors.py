"""Queries over the outbox. Each runs a fixed number of queries whatever the size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from supervision.notifications.models import OutboxMessage

if TYPE_CHECKING:
    from supervision.cases.models import Case


def messages_for_case(case: Case) -> QuerySet[OutboxMessage]:
    """The case's emails, newest first, with their delivery status (one query).

    The body and calendar are left out: a delivery page needs who, what and when.
    """
    return (
        OutboxMessage.objects.filter(case=case)
        .defer("body", "calendar")
        .order_by("-created_at", "-pk")
    )
