"""The one way to write an audit row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from supervision.audit.context import current_origin
from supervision.audit.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from supervision.accounts.models import User
    from supervision.cases.models import Case


def record(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model | None = None,
    target_type: str = "",
    case: Case | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit row. Keep `detail` to references and facts, never case narrative."""
    origin = current_origin()
    if target is not None:
        target_type = target._meta.label_lower
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        case=case,
        target_type=target_type,
        target_id=str(target.pk) if target is not None else "",
        ip_address=origin.ip_address,
        source=origin.source,
        detail=detail or {},
    )
