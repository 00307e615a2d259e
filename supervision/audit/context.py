"""Where the current unit of work came from: a web request's address, or a named job."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    ip_address: str | None
    source: str


_origin: ContextVar[Origin] = ContextVar("audit_origin", default=Origin(None, "system"))  # noqa: B039 - frozen


def current_origin() -> Origin:
    return _origin.get()


def set_origin(origin: Origin) -> Token[Origin]:
    return _origin.set(origin)


def reset_origin(token: Token[Origin]) -> None:
    _origin.reset(token)
