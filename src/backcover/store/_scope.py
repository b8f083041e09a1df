"""Who is acting on the store right now: the per-request (or per-command) audit scope.

Every read or change of patient data goes through :meth:`StoreBase._audit` (``_base``), which asks
the current :class:`AuditScope` who is acting, from which route, and whether that actor may write.
The web app's sign-in middleware sets a scope for each signed-in request; without one (the CLI, the
single-user app) the store's own actor (``BACKCOVER_ACTOR`` or the OS user) is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["READ_ACTIONS", "AuditScope", "Refused", "acting", "current_scope"]

# Actions that only read; every other action changes data and needs a writer.
READ_ACTIONS = frozenset({"read", "export"})

_SCOPE: ContextVar[AuditScope | None] = ContextVar("backcover_audit_scope", default=None)


class Refused(Exception):
    """The acting user's role does not allow this change (the web answers 403)."""

    def __init__(self, actor: str, action: str) -> None:
        super().__init__(f"{actor} may not {action} patient data")
        self.actor = actor
        self.action = action


@dataclass(slots=True)
class AuditScope:
    """Who acts in this request or command, from which route, and what they may do.

    ``route`` is ``"GET /cases/{case_id}"`` for a web request (the route's template, never the path:
    a path could hold a name) or ``"cli: backcover case show"`` for a command. ``access`` is what a
    web request does to patient data (``"read"`` or ``"update"``; None: it touches none), and
    ``events`` counts the audit entries written under this scope: a request that touched patient
    data outside the store (the workspace's files) and wrote none gets one entry for its route.
    ``reads`` are the reads already recorded (and committed) under this scope: reading the same thing
    again in the same request or command writes no second entry.
    """

    actor: str | None = None
    route: str | None = None
    may_write: bool = True
    access: str | None = None
    events: int = 0
    reads: set[tuple[object, ...]] = field(default_factory=set)


def current_scope() -> AuditScope | None:
    return _SCOPE.get()


@contextmanager
def acting(scope: AuditScope) -> Iterator[AuditScope]:
    """Run a block (a request, a command) under ``scope``."""
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)
